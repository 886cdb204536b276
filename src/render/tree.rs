//! A rendered `out/` tree in memory ([`OutputTree`]): each file's bytes by path and, for YAML
//! files, where each object's text sits ([`ObjectId`]), so `diff` compares objects without
//! reading the YAML back.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

/// The identity of a Kubernetes object: apiVersion, kind, namespace and name. (apiVersion and
/// kind are nearly always constants: they are borrowed when they can be.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectId {
    #[serde(rename = "apiVersion")]
    pub api_version: Cow<'static, str>,
    pub kind: Cow<'static, str>,
    pub namespace: Option<String>,
    pub name: String,
}

/// One rendered file: its bytes and, for YAML files, where each object's text sits in them (so
/// `diff` compares objects without reading the YAML back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputFile {
    pub bytes: Vec<u8>,
    /// Empty for a file that is one opaque object (Terraform JSON).
    pub objects: Vec<(ObjectId, Range<usize>)>,
}

impl From<Vec<u8>> for OutputFile {
    fn from(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            objects: Vec::new(),
        }
    }
}

/// A rendered `out/` tree in memory: relative path (with `/`) to file, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputTree {
    files: BTreeMap<String, OutputFile>,
}

impl OutputTree {
    /// Adds a file. Paths are relative to `out/` and unique; a second insert replaces the first.
    pub fn insert(&mut self, path: impl Into<String>, file: impl Into<OutputFile>) {
        self.files.insert(path.into(), file.into());
    }

    /// The content of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|f| f.bytes.as_slice())
    }

    /// A file with its object index.
    pub fn file(&self, path: &str) -> Option<&OutputFile> {
        self.files.get(path)
    }

    /// Every file's content, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .map(|(p, f)| (p.as_str(), f.bytes.as_slice()))
    }

    /// Every path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The total size in bytes.
    pub fn bytes(&self) -> usize {
        self.files.values().map(|f| f.bytes.len()).sum()
    }
}

impl<F: Into<OutputFile>> Extend<(String, F)> for OutputTree {
    fn extend<I: IntoIterator<Item = (String, F)>>(&mut self, iter: I) {
        self.files
            .extend(iter.into_iter().map(|(p, f)| (p, f.into())));
    }
}

impl<F: Into<OutputFile>> FromIterator<(String, F)> for OutputTree {
    fn from_iter<I: IntoIterator<Item = (String, F)>>(iter: I) -> Self {
        Self {
            files: iter.into_iter().map(|(p, f)| (p, f.into())).collect(),
        }
    }
}
