//! A cluster's provisioning declaration must be one its provisioner can act on: cloud blocks of
//! the cluster's own cloud, node pools a cloud accepts, the facts Cluster API needs, a Terraform
//! module for the cloud with every fact it maps, and a connection the provisioner can publish.

use std::collections::BTreeSet;

use super::Findings;
use super::clusters::Layers;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};
use crate::model::{Cluster, Connection, Fact, Fleet, Provider, Provisioner};
use crate::selector::syntax::{label_key_problems, label_value_problems};

/// Checks one cluster.
pub(crate) fn check(
    cluster: &Cluster,
    fleet: &Fleet,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) {
    cloud_blocks(cluster, layers, findings);
    node_pools(cluster, layers, findings);
    match cluster.provisioner {
        Provisioner::None => {}
        Provisioner::Capi => capi(cluster, fleet, layers, findings),
        Provisioner::Terraform => terraform(cluster, fleet, layers, findings),
    }
}

fn error(
    findings: &mut Findings<'_>,
    layers: &Layers<'_>,
    at: &str,
    target: Target,
    message: String,
    help: impl Into<String>,
) {
    let location = layers.locate(findings, &Pointer::parse(at), target);
    findings.push(Diagnostic::error(Code::Provisioning, message, location).with_help(help));
}

/// `spec.aws`, `spec.gcp`, `spec.azure` and `spec.vcluster` belong to clusters of that provider.
fn cloud_blocks(cluster: &Cluster, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let blocks = [
        (Provider::Aws, cluster.aws.is_some()),
        (Provider::Gcp, cluster.gcp.is_some()),
        (Provider::Azure, cluster.azure.is_some()),
        (Provider::Vcluster, cluster.vcluster.is_some()),
    ];
    for (cloud, present) in blocks {
        if present && cloud != cluster.provider {
            let block = cloud.as_str();
            error(
                findings,
                layers,
                &format!("/spec/{block}"),
                Target::Key,
                format!(
                    "`spec.{block}` holds {block} facts, but cluster `{}` has provider {}",
                    cluster.name,
                    cluster.provider.as_str()
                ),
                format!(
                    "remove `spec.{block}`; a {} cluster's facts go under `spec.{}`",
                    cluster.provider.as_str(),
                    cluster.provider.as_str()
                ),
            );
        }
    }
}

/// Pool names are unique (and AKS-shaped on Azure), sizes are ordered, labels are labels.
fn node_pools(cluster: &Cluster, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let mut names = BTreeSet::new();
    if cluster.provider == Provider::Vcluster && !cluster.node_pools.is_empty() {
        error(
            findings,
            layers,
            "/spec/nodePools",
            Target::Key,
            format!(
                "vcluster `{}` declares node pools, but a vcluster runs on its host's nodes",
                cluster.name
            ),
            "remove `spec.nodePools`",
        );
    }
    for (i, pool) in cluster.node_pools.iter().enumerate() {
        let at = |field: &str| format!("/spec/nodePools/{i}{field}");
        if !names.insert(pool.name.as_str()) {
            error(
                findings,
                layers,
                &at("/name"),
                Target::Value,
                format!(
                    "node pool `{}` is declared twice in cluster `{}`",
                    pool.name, cluster.name
                ),
                "give each node pool a unique name",
            );
        }
        if cluster.provider == Provider::Azure && !is_aks_pool_name(&pool.name) {
            error(
                findings,
                layers,
                &at("/name"),
                Target::Value,
                format!("AKS rejects the node pool name `{}`", pool.name),
                "an AKS node pool name is 1 to 12 lower case letters and digits, starting with a letter (e.g. `system`, `user1`)",
            );
        }
        if pool.min_size > pool.max_size {
            error(
                findings,
                layers,
                &at("/minSize"),
                Target::Value,
                format!(
                    "node pool `{}` has minSize {} above maxSize {}",
                    pool.name, pool.min_size, pool.max_size
                ),
                "make minSize at most maxSize",
            );
        } else if let Some(desired) = pool.desired_size
            && !(pool.min_size..=pool.max_size).contains(&desired)
        {
            error(
                findings,
                layers,
                &at("/desiredSize"),
                Target::Value,
                format!(
                    "node pool `{}` has desiredSize {desired} outside minSize {} .. maxSize {}",
                    pool.name, pool.min_size, pool.max_size
                ),
                "make desiredSize between minSize and maxSize, or leave it out (it defaults to minSize)",
            );
        }
        for (key, value) in &pool.labels {
            let problems = label_key_problems(key)
                .into_iter()
                .map(|p| (p, Target::Key))
                .chain(
                    label_value_problems(value)
                        .into_iter()
                        .map(|p| (p, Target::Value)),
                );
            for (problem, target) in problems {
                let location = layers.locate(
                    findings,
                    &Pointer::parse(&at("/labels")).key(key.clone()),
                    target,
                );
                findings.push(Diagnostic::error(
                    Code::LabelValue,
                    format!(
                        "node label `{key}: {value}` is not a valid Kubernetes label: {problem}"
                    ),
                    location,
                ));
            }
        }
    }
}

/// AKS (Linux) node pool names: `^[a-z][a-z0-9]{0,11}$`.
fn is_aks_pool_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && name.len() <= 12
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// What Cluster API needs to render the cluster.
fn capi(cluster: &Cluster, fleet: &Fleet, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let name = &cluster.name;
    if cluster.provider == Provider::Onprem {
        error(
            findings,
            layers,
            "/spec/provisioner",
            Target::Value,
            format!(
                "fleetc renders Cluster API objects for aws, gcp, azure and vcluster clusters, not for onprem cluster `{name}`"
            ),
            "provision it with `terraform`, or set `provisioner: none` and manage its Cluster API objects yourself",
        );
        return;
    }
    if matches!(cluster.connection, Connection::InCluster(_)) {
        error(
            findings,
            layers,
            "/spec/provisioner",
            Target::Value,
            format!("hub `{name}` cannot be provisioned by Cluster API on itself"),
            "provision hubs with Terraform (or by hand) and set `provisioner: none` or `terraform`",
        );
    }
    let class = fleet.capi.cluster_classes.get(&cluster.provider);
    let mut needed: Vec<(&str, bool, &str)> = match cluster.provider {
        Provider::Aws => vec![("/spec/region", cluster.region.is_none(), "the EKS region")],
        Provider::Gcp => vec![
            ("/spec/region", cluster.region.is_none(), "the GKE region"),
            ("/spec/gcp", cluster.gcp.is_none(), "`spec.gcp.project`"),
        ],
        Provider::Azure => vec![
            ("/spec/region", cluster.region.is_none(), "the AKS location"),
            (
                "/spec/azure",
                cluster.azure.is_none(),
                "`spec.azure` (subscriptionId, resourceGroup)",
            ),
            (
                "/spec/nodePools",
                class.is_none() && cluster.node_pools.is_empty(),
                "at least one node pool (the first becomes the System pool)",
            ),
        ],
        Provider::Vcluster | Provider::Onprem => vec![],
    };
    if class.is_some() {
        needed.push((
            "/spec/kubernetesVersion",
            cluster.kubernetes_version.is_none(),
            "`spec.kubernetesVersion` (a ClusterClass topology has a version)",
        ));
    }
    for (at, missing, what) in needed {
        if missing {
            error(
                findings,
                layers,
                at,
                Target::Key,
                format!(
                    "Cluster API cluster `{name}` ({}) needs {what}",
                    cluster.provider.as_str()
                ),
                format!(
                    "set `{}` in the cluster, its template or the Fleet's defaults",
                    Pointer::parse(at).dotted()
                ),
            );
        }
    }
    if let Some(class) = class {
        let origin = format!(
            "the Fleet's {} ClusterClass `{}`",
            cluster.provider.as_str(),
            class.name
        );
        for (fact, variable) in &class.variables {
            missing_fact(cluster, *fact, variable, &origin, layers, findings);
        }
    }
    if let Connection::Eks(eks) = &cluster.connection
        && let Some(other) = eks.cluster_name.as_deref().filter(|n| *n != name.as_str())
    {
        error(
            findings,
            layers,
            "/spec/connection/eks/clusterName",
            Target::Value,
            format!(
                "fleetc names the EKS cluster of `{name}` `{name}` (eksClusterName), not `{other}`"
            ),
            "remove `clusterName`: a Cluster API cluster's EKS name is its fleet name",
        );
    }
}

/// What the Terraform root module needs: a module for the cloud, every mapped fact, and a
/// secret store to publish the connection to.
fn terraform(cluster: &Cluster, fleet: &Fleet, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let name = &cluster.name;
    let cloud = cluster.provider.as_str();
    if cluster.provider == Provider::Vcluster {
        error(
            findings,
            layers,
            "/spec/provisioner",
            Target::Value,
            format!("fleetc renders no Terraform for vcluster `{name}`"),
            "provision vclusters with `provisioner: capi` (the vcluster provider, on the hub)",
        );
        return;
    }
    if !matches!(cluster.connection, Connection::SecretStore(_)) {
        error(
            findings,
            layers,
            "/spec/connection",
            Target::Key,
            format!(
                "Terraform cluster `{name}` connects through `{}`, but Terraform publishes a cluster's connection to a secret store",
                cluster.connection.form()
            ),
            "use `connection: {secretStore: {name: <a Fleet secret store>}}`: the Terraform module writes the key the ExternalSecret reads",
        );
    }
    let Some(module) = fleet.terraform.modules.get(&cluster.provider) else {
        error(
            findings,
            layers,
            "/spec/provisioner",
            Target::Value,
            format!(
                "cluster `{name}` is provisioned by Terraform, but the Fleet configures no Terraform module for {cloud} clusters"
            ),
            format!("add `spec.terraform.modules.{cloud}` (source, version, inputs) to the Fleet"),
        );
        return;
    };
    let origin = format!("the Fleet's {cloud} Terraform module");
    for (fact, input) in &module.inputs {
        missing_fact(cluster, *fact, input, &origin, layers, findings);
    }
}

/// A fact the Fleet maps (to `target`) that this cluster does not set.
fn missing_fact(
    cluster: &Cluster,
    fact: Fact,
    target: &str,
    origin: &str,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) {
    if fact.cloud().is_some_and(|c| c != cluster.provider) {
        return; // reported once, at the Fleet
    }
    let Some(field) = fact.missing(cluster) else {
        return;
    };
    let dotted = Pointer::parse(field).dotted();
    error(
        findings,
        layers,
        field,
        Target::Key,
        format!(
            "{origin} takes `{target}` from `{dotted}`, which cluster `{}` does not set",
            cluster.name
        ),
        format!(
            "set `{dotted}` in the cluster, its template or the Fleet's defaults, or remove `{}` from the Fleet's mapping",
            fact.as_str()
        ),
    );
}
