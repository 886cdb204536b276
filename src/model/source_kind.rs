//! What an Argo CD source deploys, as Argo CD tells it from the source's fields, and which of an
//! app's sources takes its Helm values.

/// What a source deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A chart (`chart`), or a source with `helm` options.
    Helm,
    Kustomize,
    Directory,
    Plugin,
    /// `ref` without `path` or `chart`: files other sources read (`$ref/values.yaml`).
    Files,
    /// A path with no options: Argo CD looks at its files (a chart, a kustomization or plain
    /// manifests).
    Undecided,
}

/// The keys that choose a source's tool, one at most per source.
pub const TOOL_KEYS: [&str; 4] = ["helm", "kustomize", "directory", "plugin"];

impl SourceKind {
    /// The kind of a source with the keys `has` says it has.
    pub fn of(has: impl Fn(&str) -> bool) -> Self {
        if has("helm") || has("chart") {
            Self::Helm
        } else if has("kustomize") {
            Self::Kustomize
        } else if has("directory") {
            Self::Directory
        } else if has("plugin") {
            Self::Plugin
        } else if has("ref") && !has("path") {
            Self::Files
        } else {
            Self::Undecided
        }
    }

    /// Whether Helm renders this source, once it gets the app's values if it is their target.
    pub fn is_helm(self) -> bool {
        self == Self::Helm
    }

    /// How users call it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Helm => "a Helm source",
            Self::Kustomize => "a Kustomize source",
            Self::Directory => "a directory source",
            Self::Plugin => "a plugin source",
            Self::Files => "a `ref` source",
            Self::Undecided => "a path source",
        }
    }
}

/// Which source takes an app's Helm values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuesTarget {
    /// This one (an index into the sources).
    One(usize),
    /// No source can: none is Helm or could be.
    None,
    /// Several could: these.
    Several(Vec<usize>),
}

/// The source that takes the values, of sources of these kinds: the one Helm source; with none,
/// the one path source with no options (a chart, which the values make a Helm source).
pub fn values_target(kinds: &[SourceKind]) -> ValuesTarget {
    let of = |wanted: SourceKind| -> Vec<usize> {
        kinds
            .iter()
            .enumerate()
            .filter(|(_, k)| **k == wanted)
            .map(|(i, _)| i)
            .collect()
    };
    let helm = of(SourceKind::Helm);
    let candidates = if helm.is_empty() {
        of(SourceKind::Undecided)
    } else {
        helm
    };
    match candidates.as_slice() {
        [] => ValuesTarget::None,
        [one] => ValuesTarget::One(*one),
        _ => ValuesTarget::Several(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SourceKind::*;

    fn kind(keys: &[&str]) -> SourceKind {
        SourceKind::of(|k| keys.contains(&k))
    }

    #[test]
    fn a_source_is_what_its_fields_make_it() {
        assert_eq!(kind(&["repoURL", "chart"]), Helm);
        assert_eq!(kind(&["repoURL", "path", "helm"]), Helm);
        assert_eq!(kind(&["repoURL", "path", "kustomize"]), Kustomize);
        assert_eq!(kind(&["repoURL", "path", "directory"]), Directory);
        assert_eq!(kind(&["repoURL", "path", "plugin"]), Plugin);
        assert_eq!(kind(&["repoURL", "ref"]), Files);
        // A ref source with a path deploys that path too.
        assert_eq!(kind(&["repoURL", "path", "ref"]), Undecided);
        assert_eq!(kind(&["repoURL", "path"]), Undecided);
    }

    #[test]
    fn values_go_to_the_one_helm_source() {
        assert_eq!(values_target(&[Files, Helm]), ValuesTarget::One(1));
        // A Helm source wins over a path that could be a chart.
        assert_eq!(values_target(&[Undecided, Helm]), ValuesTarget::One(1));
        assert_eq!(values_target(&[Undecided, Files]), ValuesTarget::One(0));
        assert_eq!(
            values_target(&[Helm, Files, Helm]),
            ValuesTarget::Several(vec![0, 2])
        );
        assert_eq!(
            values_target(&[Undecided, Undecided]),
            ValuesTarget::Several(vec![0, 1])
        );
        assert_eq!(values_target(&[Kustomize, Files]), ValuesTarget::None);
    }
}
