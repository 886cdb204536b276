//! A connection must be able to work: its secret store exists, its cloud matches the
//! cluster's provider, `inCluster` is the hub itself, and a CA is a certificate.

use base64::Engine as _;

use super::clusters::Layers;
use super::credentials::is_private_key;
use super::{Findings, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};
use crate::model::{
    CapiConnection, Cluster, Connection, Fleet, Provider, Provisioner, StoreProvider, key_problem,
};

/// Checks one cluster's connection.
pub(crate) fn check(
    cluster: &Cluster,
    fleet: &Fleet,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) {
    let form = cluster.connection.form();
    let at = |rest: &str| Pointer::parse(&format!("/spec/connection/{form}{rest}"));
    let name = &cluster.name;
    if fleet.engine(&cluster.hub) == crate::model::Engine::Flux {
        check_flux(cluster, layers, findings);
    }
    let (expected, ca_data) = match &cluster.connection {
        Connection::SecretStore(store) => {
            if let (Some(declared), Some(key)) = (fleet.secret_store(&store.name), &store.key)
                && let Some(problem) = key_problem(declared.provider, key)
            {
                findings.push(Diagnostic::error(
                    Code::Connection,
                    format!(
                        "secret store key `{key}` cannot be used with the {} store `{}`: {problem}",
                        declared.provider.as_str(),
                        declared.name
                    ),
                    layers.locate(findings, &at("/key"), Target::Value),
                ));
            }
            if fleet.secret_store(&store.name).is_none() {
                let known: Vec<&str> = fleet
                    .secret_stores
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect();
                let mut d = Diagnostic::error(
                    Code::UnknownSecretStore,
                    format!(
                        "cluster `{name}` reads its connection from secret store `{}`, which the Fleet does not declare",
                        store.name
                    ),
                    layers.locate(findings, &at("/name"), Target::Value),
                );
                d.help = suggest::help(&store.name, &known)
                    .or_else(|| Some("declare it under the Fleet's `spec.secretStores`".into()));
                findings.push(d);
            }
            return;
        }
        Connection::InCluster(_) => {
            if cluster.hub != *name {
                findings.push(
                    Diagnostic::error(
                        Code::Connection,
                        format!("`inCluster` is the hub's own cluster, but `{name}` is managed by hub `{}`", cluster.hub),
                        layers.locate(findings, &at(""), Target::Key),
                    )
                    .with_help("use `inCluster` only on the cluster named like its hub; reach other clusters through a secret store or cloud identity"),
                );
            }
            return;
        }
        Connection::Capi(c) => {
            check_capi(cluster, c, fleet, layers, findings);
            return;
        }
        Connection::Eks(c) => (Provider::Aws, &c.ca_data),
        Connection::Gke(c) => (Provider::Gcp, &c.ca_data),
        Connection::Aks(c) => (Provider::Azure, &c.ca_data),
    };
    if cluster.provider != expected {
        findings.push(
            Diagnostic::error(
                Code::Connection,
                format!("`{form}` connects to {} clusters, but `{name}` has provider {}", expected.as_str(), cluster.provider.as_str()),
                layers.locate(findings, &at(""), Target::Key),
            )
            .with_help("use the form of the cluster's cloud (eks for aws, gke for gcp, aks for azure) or a secret store"),
        );
    }
    check_ca(ca_data, &at("/caData"), layers, findings);
}

/// What Flux on a hub can reach a cluster with: its workload identity names an EKS cluster by
/// its ARN (so the account must be known) and takes no role to assume nor Entra client of
/// Argo CD's `argocd-k8s-auth`; a secret store's kubeconfig must not land on the Secret Cluster
/// API writes for a cluster it provisions.
fn check_flux(cluster: &Cluster, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let name = &cluster.name;
    let refuse = |findings: &mut Findings<'_>, field: &str, why: String| {
        let at = Pointer::parse(&format!(
            "/spec/connection/{}{field}",
            cluster.connection.form()
        ));
        findings.push(
            Diagnostic::error(Code::Engine, why, layers.locate(findings, &at, Target::Key))
                .with_help("a Flux hub reaches a cloud cluster with Flux's workload identity (kubeConfig.configMapRef), a Cluster API cluster with its kubeconfig Secret, any other with a kubeconfig from a secret store"),
        );
    };
    match &cluster.connection {
        Connection::Eks(c) => {
            if cluster
                .aws
                .as_ref()
                .and_then(|a| a.account_id.as_ref())
                .is_none()
                || cluster.region.is_none()
            {
                refuse(
                    findings,
                    "",
                    format!(
                        "cluster `{name}` is on a Flux hub, whose AWS identity names an EKS cluster by its ARN: give it `region` and `aws.accountId`"
                    ),
                );
            }
            if c.role_arn.is_some() {
                refuse(
                    findings,
                    "/roleARN",
                    format!(
                        "cluster `{name}` is on a Flux hub, which assumes no role for an EKS cluster (`roleARN` is Argo CD's): grant Flux's own identity access"
                    ),
                );
            }
        }
        Connection::Aks(c) => {
            for (field, set) in [
                ("/loginMethod", c.login_method.is_some()),
                ("/clientId", c.client_id.is_some()),
                ("/tenantId", c.tenant_id.is_some()),
            ] {
                if set {
                    refuse(
                        findings,
                        field,
                        format!(
                            "cluster `{name}` is on a Flux hub, which signs in to AKS with its own workload identity: `{}` is Argo CD's `argocd-k8s-auth`",
                            &field[1..]
                        ),
                    );
                }
            }
        }
        Connection::SecretStore(_) if cluster.provisioner == Provisioner::Capi => {
            refuse(
                findings,
                "",
                format!(
                    "Cluster API writes `{name}-kubeconfig` for cluster `{name}`, which connects from a secret store: on a Flux hub, connect it with `capi`"
                ),
            );
        }
        _ => {}
    }
}

/// A `capi` connection reads the CAPI kubeconfig Secret through a Kubernetes-provider store;
/// its identity fields belong to the cluster's cloud.
fn check_capi(
    cluster: &Cluster,
    c: &CapiConnection,
    fleet: &Fleet,
    layers: &Layers<'_>,
    findings: &mut Findings<'_>,
) {
    let name = &cluster.name;
    let at = |rest: &str| Pointer::parse(&format!("/spec/connection/capi{rest}"));
    if cluster.provisioner != Provisioner::Capi {
        findings.push(
            Diagnostic::error(
                Code::Connection,
                format!(
                    "`capi` reads the `{name}-kubeconfig` Secret that Cluster API writes, but `{name}` is provisioned by {}",
                    cluster.provisioner.as_str()
                ),
                layers.locate(findings, &at(""), Target::Key),
            )
            .with_help("set `provisioner: capi`, or connect through a secret store or cloud identity"),
        );
    }
    match fleet.secret_store(&c.secret_store) {
        None => {
            let known: Vec<&str> = fleet
                .secret_stores
                .iter()
                .filter(|s| s.provider == StoreProvider::Kubernetes)
                .map(|s| s.name.as_str())
                .collect();
            let mut d = Diagnostic::error(
                Code::UnknownSecretStore,
                format!(
                    "cluster `{name}` reads its kubeconfig through secret store `{}`, which the Fleet does not declare",
                    c.secret_store
                ),
                layers.locate(findings, &at("/secretStore"), Target::Value),
            );
            d.help = suggest::help(&c.secret_store, &known).or_else(|| {
                Some("declare a store with `provider: kubernetes` under the Fleet's `spec.secretStores`".into())
            });
            findings.push(d);
        }
        Some(store) if store.provider != StoreProvider::Kubernetes => findings.push(
            Diagnostic::error(
                Code::Connection,
                format!(
                    "`capi` reads a Kubernetes Secret on the hub, but store `{}` has provider {}",
                    store.name,
                    store.provider.as_str()
                ),
                layers.locate(findings, &at("/secretStore"), Target::Value),
            )
            .with_help("name a store with `provider: kubernetes` whose ESO store reads the Fleet's `spec.capi.namespace`"),
        ),
        Some(_) => {}
    }
    let fields = [
        ("roleARN", c.role_arn.is_some(), Provider::Aws),
        ("loginMethod", c.login_method.is_some(), Provider::Azure),
        ("clientId", c.client_id.is_some(), Provider::Azure),
        ("tenantId", c.tenant_id.is_some(), Provider::Azure),
    ];
    for (field, set, cloud) in fields {
        if set && cluster.provider != cloud {
            findings.push(
                Diagnostic::error(
                    Code::Connection,
                    format!(
                        "`{field}` is for {} clusters, but `{name}` has provider {}",
                        cloud.as_str(),
                        cluster.provider.as_str()
                    ),
                    layers.locate(findings, &at(&format!("/{field}")), Target::Key),
                )
                .with_help(format!("remove `{field}`")),
            );
        }
    }
}

/// `caData` must be the base64 of a PEM certificate, and never of a private key.
fn check_ca(ca_data: &str, at: &Pointer, layers: &Layers<'_>, findings: &mut Findings<'_>) {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(ca_data.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let location = || layers.locate(findings, at, Target::Value);
    match decoded {
        Some(pem) if is_private_key(&pem) => findings.push(
            Diagnostic::error(Code::Credential, "`caData` holds a private key, which must never enter the fleet", location())
                .with_help("caData is the base64 of the cluster CA's public certificate (-----BEGIN CERTIFICATE-----)"),
        ),
        Some(pem) if pem.contains("-----BEGIN CERTIFICATE-----") => {}
        _ => findings.push(
            Diagnostic::error(Code::InvalidValue, "`caData` is not the base64 of a PEM certificate", location())
                .with_help("use `base64 -w0 ca.crt` of the cluster CA's certificate"),
        ),
    }
}
