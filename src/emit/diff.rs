//! Two rendered trees compared object by object. An object is identified by where it is applied
//! (a hub's folder, or a Terraform root) and its apiVersion, kind, namespace and name, so moving
//! it between files, or anything that only reorders or reformats the fleet, is no change.

use std::collections::BTreeMap;
use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::OutputTree;
use crate::render::generated_file::YAML_HEADER;

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

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.scope, self.kind)?;
        if let Some(ns) = &self.namespace {
            write!(f, "{ns}/")?;
        }
        f.write_str(&self.name)
    }
}

/// One object as rendered: where it sits and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedObject {
    pub file: String,
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
                k.scope.starts_with("hubs/")
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
            .filter_map(|p| tree.get(p).map(|bytes| objects(p, bytes)))
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

/// Where a file's objects are applied.
fn scope_of(path: &str) -> String {
    let mut parts = path.splitn(3, '/');
    match (parts.next(), parts.next()) {
        (Some(first), Some(second)) if first == "hubs" || first == "terraform" => {
            format!("{first}/{second}")
        }
        _ => path.to_owned(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Head {
    api_version: Option<String>,
    kind: Option<String>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    name: Option<String>,
    namespace: Option<String>,
}

/// The objects of one file. fleetc's YAML files separate documents with `---` lines, which its
/// emitter never writes inside a value; other files (Terraform JSON) are one object each.
fn objects(path: &str, bytes: &[u8]) -> Vec<(ObjectKey, RenderedObject)> {
    let text = String::from_utf8_lossy(bytes);
    let scope = scope_of(path);
    let whole = |text: &str| {
        let key = ObjectKey {
            scope: scope.clone(),
            api_version: String::new(),
            kind: "File".into(),
            namespace: None,
            name: path.to_owned(),
        };
        vec![(
            key,
            RenderedObject {
                file: path.to_owned(),
                text: text.to_owned(),
            },
        )]
    };
    let Some(body) = text.strip_prefix(YAML_HEADER) else {
        return whole(&text);
    };
    let mut out = Vec::new();
    for (index, document) in split_documents(body).into_iter().enumerate() {
        let head: Option<Head> = serde_yaml::from_str(document).ok();
        let Some(Head {
            api_version: Some(api_version),
            kind: Some(kind),
            metadata,
        }) = head
        else {
            return whole(&text);
        };
        let (name, namespace) = metadata.map_or((None, None), |m| (m.name, m.namespace));
        // A document without a name (a Kustomization) is named by its file and position.
        let name = name.unwrap_or_else(|| format!("{path}#{index}"));
        let key = ObjectKey {
            scope: scope.clone(),
            api_version,
            kind,
            namespace,
            name,
        };
        out.push((
            key,
            RenderedObject {
                file: path.to_owned(),
                text: document.to_owned(),
            },
        ));
    }
    out
}

/// The documents of a YAML stream whose separators are lines of exactly `---`.
fn split_documents(body: &str) -> Vec<&str> {
    let mut documents = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if line == "---\n" {
            documents.push(&body[start..offset]);
            start = offset + line.len();
        }
        offset += line.len();
    }
    documents.push(&body[start..]);
    documents
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::generated_file::yaml_file;
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
    fn only_separator_lines_split_documents() {
        assert_eq!(
            split_documents("a: x---\nb: 1\n---\nc: |\n  ---\n"),
            ["a: x---\nb: 1\n", "c: |\n  ---\n"]
        );
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
