//! The fleet's files as loaded ([`Files`]): each file's display path and text, and a position
//! index built the first time a diagnostic needs one, so any stage can turn a document and a
//! [`Pointer`] into a file, line and column.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diagnostic::Location;
use crate::diagnostic::format::SourceText;

use super::pointer::Pointer;
use super::position::{Mark, NodeSpan, PositionIndex};

/// The index of a file in [`Files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub(crate) u32);

/// One document of one file: the unit every kind lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocRef {
    pub file: FileId,
    /// The document's position in its file's stream, from 0.
    pub index: u32,
}

/// What a diagnostic underlines: a mapping entry's key or its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Key,
    Value,
}

struct FileEntry {
    path: String,
    text: String,
    positions: OnceLock<PositionIndex>,
}

/// Every fleet file's path and text, and a lazily built position index per file, so any stage can
/// turn a (document, pointer) into <file:line:col>.
#[derive(Default)]
pub struct Files {
    entries: Vec<FileEntry>,
    by_path: HashMap<String, FileId>,
}

impl Files {
    /// Adds a file and returns its id.
    pub(crate) fn add(&mut self, path: String, text: String) -> FileId {
        let id = FileId(u32::try_from(self.entries.len()).expect("fewer than 2^32 files"));
        self.by_path.insert(path.clone(), id);
        self.entries.push(FileEntry {
            path,
            text,
            positions: OnceLock::new(),
        });
        id
    }

    /// The display path of a file.
    pub fn path(&self, id: FileId) -> &str {
        &self.entries[id.0 as usize].path
    }

    /// The text of a file.
    pub fn text(&self, id: FileId) -> &str {
        &self.entries[id.0 as usize].text
    }

    fn positions(&self, id: FileId) -> &PositionIndex {
        let entry = &self.entries[id.0 as usize];
        entry
            .positions
            .get_or_init(|| PositionIndex::build(&entry.text))
    }

    /// The location of the node at `pointer` in `doc` (its key or its value), or of the nearest
    /// ancestor that exists, or of the document's start.
    pub fn locate(&self, doc: DocRef, pointer: &Pointer, target: Target) -> Location {
        let index = self.positions(doc.file);
        match index.find(doc.index as usize, pointer) {
            Some((pos, exact)) => {
                // A missing child is reported at its parent's key: "here is where it belongs".
                let span = match (target, pos.key) {
                    (Target::Key, Some(key)) => key,
                    (_, Some(key)) if !exact => key,
                    _ => pos.value,
                };
                self.location(doc.file, span)
            }
            None => self.document_location(doc),
        }
    }

    /// The location of a whole document (where it starts).
    pub fn document_location(&self, doc: DocRef) -> Location {
        let start = self
            .positions(doc.file)
            .document_start(doc.index as usize)
            .unwrap_or(Mark { line: 1, col: 0 });
        self.location(doc.file, NodeSpan { start, end: start })
    }

    /// The location of the first repeated mapping key at or after `line`, where the YAML reader
    /// reports a duplicate (it points at the mapping, not at the second key).
    pub fn duplicate_key(&self, file: FileId, line: usize) -> Option<Location> {
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let span = self.positions(file).duplicate_key_from(line)?;
        Some(self.location(file, span))
    }

    /// A location at a 1-based line and column, as YAML parsers report errors.
    pub fn line_column(&self, file: FileId, line: usize, column: usize) -> Location {
        Location {
            file: self.path(file).to_owned(),
            line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
            column: u32::try_from(column.max(1)).unwrap_or(u32::MAX),
            length: 1,
        }
    }

    fn location(&self, file: FileId, span: NodeSpan) -> Location {
        let length = if span.end.line == span.start.line && span.end.col > span.start.col {
            span.end.col - span.start.col
        } else {
            // A node over several lines: underline the rest of its first line.
            let line = self
                .text(file)
                .lines()
                .nth(span.start.line.saturating_sub(1) as usize)
                .unwrap_or_default();
            let chars = u32::try_from(line.chars().count()).unwrap_or(u32::MAX);
            chars.saturating_sub(span.start.col).max(1)
        };
        Location {
            file: self.path(file).to_owned(),
            line: span.start.line.max(1),
            column: span.start.col + 1,
            length: length.max(1),
        }
    }
}

impl SourceText for Files {
    fn source_text(&self, file: &str) -> Option<&str> {
        self.by_path.get(file).map(|id| self.text(*id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> (Files, FileId) {
        let mut files = Files::default();
        let id = files.add("fleet/a.yaml".into(), text.into());
        (files, id)
    }

    fn at(files: &Files, file: FileId, doc: u32, pointer: &str, target: Target) -> (u32, u32, u32) {
        let l = files.locate(
            DocRef { file, index: doc },
            &Pointer::parse(pointer),
            target,
        );
        (l.line, l.column, l.length)
    }

    #[test]
    fn keys_values_and_items() {
        let text = "kind: Cluster\nspec:\n  region: eu-west-1\n  pools:\n    - name: a\n    - {name: bb}\n";
        let (f, id) = files(text);
        assert_eq!(at(&f, id, 0, "/spec/region", Target::Value), (3, 11, 9));
        assert_eq!(at(&f, id, 0, "/spec/region", Target::Key), (3, 3, 6));
        assert_eq!(
            at(&f, id, 0, "/spec/pools/1/name", Target::Value),
            (6, 14, 2)
        );
        assert_eq!(at(&f, id, 0, "/spec/pools/0/name", Target::Key), (5, 7, 4));
    }

    #[test]
    fn missing_nodes_fall_back_to_the_parent_key() {
        let (f, id) = files("spec:\n  region: x\n");
        assert_eq!(at(&f, id, 0, "/spec/hub", Target::Value), (1, 1, 4));
        assert_eq!(at(&f, id, 0, "/nothing/deeper", Target::Value).0, 1);
    }

    #[test]
    fn documents_are_counted_like_the_loader_counts_them() {
        let (f, id) = files("---\na: 1\n---\n# c\nb:\n  c: 2\n---\n---\nd: 3\n");
        assert_eq!(at(&f, id, 1, "/b/c", Target::Value), (6, 6, 1));
        assert_eq!(at(&f, id, 3, "/d", Target::Value), (9, 4, 1));
    }

    #[test]
    fn columns_count_characters() {
        let (f, id) = files("a: zürich ✓\nb: 1\nc: [ü, x]\n");
        assert_eq!(at(&f, id, 0, "/c/1", Target::Value), (3, 8, 1));
    }

    #[test]
    fn label_keys_with_slashes() {
        let (f, id) = files("metadata:\n  labels:\n    fleetc.dev/team: a\n");
        assert_eq!(
            at(&f, id, 0, "/metadata/labels/fleetc.dev~1team", Target::Key),
            (3, 5, 15)
        );
    }
}
