//! The Fleet's provisioner settings: each Terraform module's input mapping and each
//! `ClusterClass`'s variables name facts that clusters of that cloud have, and no two facts go to
//! the same input or variable.

use std::collections::BTreeMap;

use super::Findings;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};
use crate::model::{Fact, Fleet, Provider};

/// Names Terraform reserves in a `module` block (and as variable names).
const RESERVED_INPUTS: [&str; 8] = [
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
    "lifecycle",
    "locals",
];

/// Checks `spec.terraform` and `spec.capi` of the Fleet.
pub(crate) fn check(fleet: &Fleet, findings: &mut Findings<'_>) {
    for (cloud, module) in &fleet.terraform.modules {
        let base = Pointer::parse("/spec/terraform/modules")
            .key(cloud.as_str())
            .key("inputs");
        check_mapping(fleet, *cloud, &module.inputs, &base, "input", findings);
        for (fact, input) in &module.inputs {
            if RESERVED_INPUTS.contains(&input.as_str()) {
                findings.push(
                    Diagnostic::error(
                        Code::Provisioning,
                        format!("`{input}` is a meta-argument of Terraform's module block, not an input a module can declare"),
                        findings.at(fleet.at, &base.clone().key(fact.as_str()), Target::Value),
                    )
                    .with_help("use the module's own input name for this fact"),
                );
            }
        }
        if !module.inputs.contains_key(&Fact::ConnectionKey) {
            findings.push(
                Diagnostic::error(
                    Code::Provisioning,
                    format!(
                        "the {} Terraform module is given no `connectionKey`, so nothing ties the key it publishes the connection under to the key the ExternalSecret reads",
                        cloud.as_str()
                    ),
                    findings.at(fleet.at, &base, Target::Key),
                )
                .with_help("map `connectionKey` to the module's input for the secrets-manager key, e.g. `connectionKey: connection_secret_name`"),
            );
        }
    }
    for (cloud, class) in &fleet.capi.cluster_classes {
        let base = Pointer::parse("/spec/capi/clusterClasses")
            .key(cloud.as_str())
            .key("variables");
        for fact in class.variables.keys() {
            if !fact.is_cluster_variable() {
                findings.push(
                    Diagnostic::error(
                        Code::Provisioning,
                        format!(
                            "`{}` cannot be a ClusterClass variable: node pools become the topology's machine pools, and the connection key is Terraform's",
                            fact.as_str()
                        ),
                        findings.at(fleet.at, &base.clone().key(fact.as_str()), Target::Key),
                    )
                    .with_help("remove it; pass each pool's instance type with `instanceTypeVariable`"),
                );
            }
        }
        check_mapping(fleet, *cloud, &class.variables, &base, "variable", findings);
        if *cloud == Provider::Aws && !class.variables.contains_key(&Fact::Name) {
            findings.push(
                Diagnostic::error(
                    Code::Provisioning,
                    format!(
                        "the aws ClusterClass `{}` is given no `name`: the class must set each AWSManagedControlPlane's eksClusterName from it, or CAPA names the EKS cluster `<namespace>_<name>` and Argo CD's awsAuthConfig cannot find it",
                        class.name
                    ),
                    findings.at(fleet.at, &base, Target::Key),
                )
                .with_help("map `name` to the class variable its patch writes into eksClusterName, e.g. `name: eksClusterName`"),
            );
        }
    }
}

/// Facts of another cloud, and two facts mapped to one name, are errors.
fn check_mapping(
    fleet: &Fleet,
    cloud: Provider,
    mapping: &BTreeMap<Fact, String>,
    base: &Pointer,
    what: &str,
    findings: &mut Findings<'_>,
) {
    let mut seen: BTreeMap<&str, Fact> = BTreeMap::new();
    for (fact, name) in mapping {
        let at = base.clone().key(fact.as_str());
        if let Some(other) = fact.cloud().filter(|c| *c != cloud) {
            findings.push(
                Diagnostic::error(
                    Code::Provisioning,
                    format!(
                        "`{}` is a fact of {} clusters (`spec.{}`), which {} clusters do not have",
                        fact.as_str(),
                        other.as_str(),
                        other.as_str(),
                        cloud.as_str()
                    ),
                    findings.at(fleet.at, &at, Target::Key),
                )
                .with_help(format!(
                    "map only facts every cluster has or facts of `spec.{}`",
                    cloud.as_str()
                )),
            );
        }
        if let Some(first) = seen.insert(name.as_str(), *fact) {
            findings.push(
                Diagnostic::error(
                    Code::Provisioning,
                    format!(
                        "{what} `{name}` is given both `{}` and `{}`",
                        first.as_str(),
                        fact.as_str()
                    ),
                    findings.at(fleet.at, &at, Target::Value),
                )
                .with_help(format!("map each fact to its own {what}")),
            );
        }
    }
}
