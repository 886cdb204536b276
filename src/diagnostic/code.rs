//! The registry of diagnostic codes, declared once through the `codes!` macro: each [`Code`]
//! with its stable kebab-case name and a one-line description. `docs/diagnostics.md` lists the
//! same codes in the same order, which a test checks.

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident => $name:literal, $what:literal;)*) => {
        /// The stable identity of a kind of finding. The kebab-case name is part of fleetc's
        /// interface: JSON output, GitHub annotations and documentation use it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line on what the code means.
            pub fn description(self) -> &'static str {
                match self {
                    $(Code::$variant => $what,)*
                }
            }
        }
    };
}

codes! {
    Io => "io", "a fleet file could not be read";
    FleetFile => "fleet-file", "an entry of the fleet folder fleetc does not read: a symlink that leaves the repository, a special file, a submodule, a file over 64 MiB";
    Encoding => "encoding", "a fleet file is not UTF-8";
    YamlSyntax => "yaml-syntax", "a fleet file is not valid YAML";
    DuplicateKey => "duplicate-key", "a YAML mapping has the same key twice";
    UnsupportedYaml => "unsupported-yaml", "a YAML feature fleetc does not accept (tags, merge keys, non-string keys)";
    NotAnObject => "not-an-object", "a YAML document is not a mapping";
    ApiVersion => "api-version", "a document's apiVersion is missing or not fleetc.dev/v1alpha1";
    UnknownKind => "unknown-kind", "a document's kind is not Fleet, ClusterTemplate, Cluster, App or Team";
    UnknownField => "unknown-field", "a field the schema does not define (often a typo)";
    MissingField => "missing-field", "a required field is absent";
    WrongType => "wrong-type", "a value has the wrong type";
    InvalidValue => "invalid-value", "a value breaks the schema (enum, pattern, range)";
    MissingFleet => "missing-fleet", "the fleet has no Fleet document";
    DuplicateFleet => "duplicate-fleet", "the fleet has more than one Fleet document";
    DuplicateName => "duplicate-name", "two objects of one kind share a name";
    UnknownHub => "unknown-hub", "a reference to a hub the Fleet does not declare";
    UnknownTemplate => "unknown-template", "a reference to a ClusterTemplate that does not exist";
    UnknownSecretStore => "unknown-secret-store", "a reference to a secret store the Fleet does not declare";
    UnknownCluster => "unknown-cluster", "a reference to a Cluster that does not exist";
    InvalidName => "invalid-name", "a name Kubernetes would reject";
    LabelKey => "label-key", "a label or annotation key Kubernetes would reject";
    LabelValue => "label-value", "a label value Kubernetes would reject";
    ReservedLabel => "reserved-label", "a user label reuses a built-in placement label or an Argo CD key";
    Selector => "selector", "a label selector apimachinery would reject";
    LabelVocabulary => "label-vocabulary", "a selector key no cluster carries and the Fleet does not declare, or a label key or value outside the Fleet's declared vocabulary";
    Connection => "connection", "a cluster connection that cannot work";
    UnportableText => "unportable-text", "a string or key Kubernetes tooling cannot carry (a character go-yaml rejects, a key over 1,000 characters)";
    Credential => "credential", "a credential declared in the fleet, where it would land in out/";
    Provisioning => "provisioning", "a provisioning declaration the provisioner cannot act on (provisioner, cloud facts, node pools, modules, ClusterClasses)";
    Expiry => "expiry", "an ephemeral cluster that has expired (error) or expires within 7 days (warning)";
    ValueTemplate => "value-template", "a template (in values, an Application field or an Application name) that fails, or makes what its field cannot take";
    UnevaluatedTemplate => "unevaluated-template", "template syntax in a field fleetc does not evaluate, which would be copied on literally";
    AppSource => "app-source", "an app's sources as Argo CD cannot take them: `source` and `sources` together, two tools in one source, an override that changes a source's tool";
    ValueType => "value-type", "values that do not fit where they go";
    ObjectSize => "object-size", "a rendered object larger than the hub's API server stores (1.5 MiB)";
    ApplicationNameCollision => "application-name-collision", "two placements on one hub, or a placement and the hub's root Application, produce the same Application name";
    NoPlacement => "no-placement", "an app that lands on no cluster";
    Stage => "stage", "an app's rollout stages overlap on a cluster or leave one of its placements out";
    Engine => "engine", "a field or source a hub's delivery engine cannot deliver: an Argo CD field of an app on a Flux hub's cluster, several sources, a templated or HEAD-tracking source";
    Team => "team", "an app of a team's project placed outside the team's clusters or namespaces, or deploying from a repository the team may not use";
    ClusterScope => "cluster-scope", "an app placed on a project-scoped cluster outside its project or namespaces, which Argo CD refuses to sync";
    StaleOutput => "stale-output", "a file of out/ that differs from what `fleetc render` writes (`fleetc check`)";
    MissingOutput => "missing-output", "a file `fleetc render` writes that out/ lacks (`fleetc check`)";
    ExtraOutput => "extra-output", "a file fleetc generated that it no longer renders (`fleetc check`)";
    LeftoverOutput => "leftover-output", "a staging file an interrupted render left in out/ (`fleetc check`)";
    OutputSchema => "output-schema", "a document in out/ that its CRD's schema, or a core kind's, rejects (`fleetc validate --output`)";
    Import => "import", "an object `fleetc import` cannot express in the fleet exactly, left out (`fleetc import`)";
    ImportDifference => "import-difference", "an Application the imported fleet renders otherwise than Argo CD generates it (`fleetc import`)";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name} is not kebab-case"
            );
            assert!(!code.description().is_empty());
        }
    }

    /// docs/diagnostics.md lists every code, in registry order, with its description.
    #[test]
    fn the_diagnostics_page_lists_every_code_as_the_registry_does() {
        let page = include_str!("../../docs/diagnostics.md");
        let rows: Vec<(&str, &str)> = page
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("| `")?;
                let (code, rest) = rest.split_once("` | ")?;
                let (meaning, _fix) = rest.split_once(" | ")?;
                Some((code, meaning))
            })
            .collect();
        let registry: Vec<(&str, &str)> = Code::ALL
            .iter()
            .map(|c| (c.as_str(), c.description()))
            .collect();
        assert_eq!(rows, registry);
    }
}
