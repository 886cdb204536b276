//! Two revisions of a fleet compared: the clusters each app gains and loses ([`placements`]),
//! the files that can differ rendered for each side ([`changed`]), the two trees compared object
//! by object (here), what the removals do at runtime ([`impact`]), and the gates a change must
//! pass ([`gate`]). The command line only words the result.
//!
//! An object is identified by where it is applied (a hub's folder, or a Terraform root) and its
//! apiVersion, kind, namespace and name, so moving it between files, or anything that only
//! reorders or reformats the fleet, is no change.

mod changed;
mod gate;
mod hunks;
mod impact;
mod placements;

pub use changed::changed_trees;
pub use gate::{DeletionLimit, Gate, refused_destroys};
pub use hunks::{ChangeGroup, added_diff, change_groups, changed_diff};
pub use impact::{Destroyed, HubMove, Impact, impact};
pub use placements::{AppChange, PlacementChanges, Side as PlacementSide, placement_changes};

use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::render::layout;
use crate::render::{OutputFile, OutputTree};

/// The identity of a rendered object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectKey {
    /// Where the object is applied: `hubs/<hub>` or `terraform/<cluster>`.
    pub scope: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectKey {
    /// The kind and the name, as people name an object: `Application cert-manager-hub-eu`, or
    /// the kind alone for a file without a name (a hub's `kustomization.yaml`).
    pub fn kind_and_name(&self) -> String {
        if self.name.is_empty() {
            self.kind.clone()
        } else {
            format!("{} {}", self.kind, self.name)
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.scope, self.kind)?;
        match (&self.namespace, self.name.as_str()) {
            (Some(ns), name) => write!(f, " {ns}/{name}"),
            (None, "") => Ok(()),
            (None, name) => write!(f, " {name}"),
        }
    }
}

/// One object as rendered: where it sits and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedObject {
    pub file: String,
    /// The line of the file the object's text starts on (1-based).
    pub line: usize,
    pub text: String,
}

/// An object whose text differs between the two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedObject {
    pub key: ObjectKey,
    pub before: RenderedObject,
    pub after: RenderedObject,
}

/// Everything that differs between a base tree and a head tree, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectDiff {
    pub added: Vec<(ObjectKey, RenderedObject)>,
    pub removed: Vec<(ObjectKey, RenderedObject)>,
    pub changed: Vec<ChangedObject>,
}

impl ObjectDiff {
    /// The removed objects that take something off a cluster: Applications, and the cluster
    /// Secrets (or the `ExternalSecrets` that make them) that connect a cluster to its hub.
    pub fn deletions(&self) -> Vec<&ObjectKey> {
        self.removed
            .iter()
            .map(|(key, _)| key)
            .filter(|k| {
                matches!(layout::Scope::parse(&k.scope), layout::Scope::Hub(_))
                    && ["Application", "Secret", "ExternalSecret"].contains(&k.kind.as_str())
            })
            .collect()
    }

    /// Whether the trees hold the same objects.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares two trees. Files with identical bytes are skipped without being read; only the
/// files that differ are split into their objects.
pub fn diff(base: &OutputTree, head: &OutputTree) -> ObjectDiff {
    let mut paths: Vec<&str> = base
        .iter()
        .filter(|(path, bytes)| head.get(path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    paths.extend(head.paths().filter(|p| base.get(p).is_none()));
    paths.sort_unstable();
    paths.dedup();
    let split = |tree: &OutputTree| -> BTreeMap<ObjectKey, RenderedObject> {
        paths
            .par_iter()
            .filter_map(|p| tree.file(p).map(|file| objects(p, file)))
            .flatten()
            .collect::<Vec<_>>()
            .into_iter()
            .collect()
    };
    let (mut before, after) = rayon::join(|| split(base), || split(head));
    let mut result = ObjectDiff::default();
    for (key, after) in after {
        match before.remove(&key) {
            None => result.added.push((key, after)),
            Some(before) if before.text != after.text => {
                result.changed.push(ChangedObject { key, before, after });
            }
            Some(_) => {}
        }
    }
    result.removed = before.into_iter().collect();
    result
}

/// The objects of one file, from the index render recorded; a file without one (Terraform
/// JSON) is one object.
fn objects(path: &str, file: &OutputFile) -> Vec<(ObjectKey, RenderedObject)> {
    let text = String::from_utf8_lossy(&file.bytes);
    let scope = layout::scope_name(path);
    if file.objects.is_empty() {
        let key = ObjectKey {
            scope,
            api_version: String::new(),
            kind: "File".into(),
            namespace: None,
            name: path.to_owned(),
        };
        return vec![(
            key,
            RenderedObject {
                file: path.to_owned(),
                line: 1,
                text: text.into_owned(),
            },
        )];
    }
    // Line numbers are counted once through the file, from one object's start to the next
    // (the objects are in file order), not from the top for each object.
    let mut line = 1;
    let mut counted = 0;
    file.objects
        .iter()
        .map(|(id, range)| {
            let key = ObjectKey {
                scope: scope.clone(),
                api_version: id.api_version.to_string(),
                kind: id.kind.to_string(),
                namespace: id.namespace.clone(),
                name: id.name.clone(),
            };
            if range.start < counted {
                (line, counted) = (1, 0);
            }
            line += text
                .get(counted..range.start)
                .map_or(0, |between| between.matches('\n').count());
            counted = range.start;
            let object = RenderedObject {
                file: path.to_owned(),
                line,
                text: text.get(range.clone()).unwrap_or_default().to_owned(),
            };
            (key, object)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::yaml_file;
    use serde_json::json;

    fn app(name: &str, replicas: u32) -> serde_json::Value {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
               "metadata": {"name": name, "namespace": "argocd"}, "spec": {"replicas": replicas}})
    }

    fn tree(files: &[(&str, Vec<serde_json::Value>)]) -> OutputTree {
        files
            .iter()
            .map(|(p, docs)| ((*p).to_owned(), yaml_file(docs)))
            .collect()
    }

    #[test]
    fn objects_are_matched_by_identity_not_by_file() {
        let base = tree(&[
            ("hubs/h/clusters/a.yaml", vec![app("x-a", 1), app("y-a", 1)]),
            ("hubs/h/clusters/b.yaml", vec![app("x-b", 1)]),
        ]);
        let head = tree(&[
            ("hubs/h/clusters/a.yaml", vec![app("x-a", 1)]),
            (
                "hubs/h/clusters/c.yaml",
                vec![app("y-a", 1), app("x-b", 2), app("z-c", 1)],
            ),
        ]);
        let d = diff(&base, &head);
        let names = |v: &[(ObjectKey, RenderedObject)]| {
            v.iter().map(|(k, _)| k.name.clone()).collect::<Vec<_>>()
        };
        assert_eq!(names(&d.added), ["z-c"]);
        assert!(d.removed.is_empty(), "{:?}", d.removed);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].key.name, "x-b");
        assert_eq!(d.changed[0].before.file, "hubs/h/clusters/b.yaml");
        assert_eq!(d.changed[0].after.file, "hubs/h/clusters/c.yaml");
    }

    #[test]
    fn the_same_object_on_another_hub_is_another_object() {
        let base = tree(&[("hubs/eu/clusters/a.yaml", vec![app("x-a", 1)])]);
        let head = tree(&[("hubs/us/clusters/a.yaml", vec![app("x-a", 1)])]);
        let d = diff(&base, &head);
        assert_eq!((d.added.len(), d.removed.len(), d.changed.len()), (1, 1, 0));
        assert_eq!(d.added[0].0.scope, "hubs/us");
    }

    #[test]
    fn identical_trees_have_no_diff() {
        let t = tree(&[("hubs/h/clusters/a.yaml", vec![app("x-a", 1)])]);
        assert!(diff(&t, &t).is_empty());
    }

    #[test]
    fn non_yaml_files_are_whole_objects() {
        let base: OutputTree = [("terraform/c/main.tf.json".to_owned(), b"{}".to_vec())]
            .into_iter()
            .collect();
        let head: OutputTree = [("terraform/c/main.tf.json".to_owned(), b"{\"a\":1}".to_vec())]
            .into_iter()
            .collect();
        let d = diff(&base, &head);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].key.scope, "terraform/c");
        assert_eq!(d.changed[0].key.kind, "File");
    }
}
