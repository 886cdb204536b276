//! The validate stage: JSON documents to the typed [`Fleet`], and diagnostics that say what is
//! wrong and where. It runs in two passes, and reports everything it can find in one run:
//!
//! 1. each document on its own: kind and apiVersion, its JSON Schema, credentials, strings that
//!    Kubernetes tooling cannot carry, template syntax where fleetc does not evaluate it;
//! 2. the fleet as a whole, with every document of a known kind (those the schema rejected in
//!    part without the rejected nodes): one Fleet, unique names, references that resolve,
//!    clusters merged with templates and defaults, labels and selectors as Kubernetes would
//!    accept them, connections that can work, provisioning declarations that the provisioner
//!    can act on, and expiries not passed.

mod app_sources;
mod apps;
mod classify;
mod clusters;
mod connection;
mod credentials;
mod decode;
mod expiry;
pub(crate) mod field_rules;
mod fleet;
mod labels;
mod names;
mod portable;
mod provisioners;
mod provisioning;
pub mod schema;
mod shared;
pub(crate) mod suggest;
mod teams;
mod unevaluated;
mod vocabulary;

use std::collections::{HashMap, HashSet};

/// How long before its expiry a cluster is warned about (and `check` words it relative to now).
pub use expiry::WARN_BEFORE as EXPIRY_WARNING;
/// A duration as findings word it: `3 days`, `5 hours`.
pub use expiry::human as expiry_human;
pub(crate) use shared::{Earlier, Sharing};

use rayon::prelude::*;
use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::load::{DocRef, Document, Files, Pointer, Segment, Target};
use crate::model::{Fleet, Kind};
use shared::Checked;

/// "Did you mean `x`?" for a misspelt name among `candidates`, or the choices when there are few.
pub fn suggest_help(word: &str, candidates: &[&str]) -> Option<String> {
    suggest::help(word, candidates)
}

/// What the validate stage produces: the fleet as far as it could be built, and every finding.
pub struct Validated {
    /// `None` when not even a partial fleet could be built (no readable Fleet document).
    pub fleet: Option<Fleet>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Validates the loaded documents, reporting every finding it can in one run: a document the
/// schema rejects in part goes on to the fleet-wide checks without the rejected nodes, and
/// nothing is skipped because something elsewhere is wrong. With `incomplete` (some file could
/// not be read), the findings that missing documents could cause (a name that resolves to
/// nothing, no Fleet) are left out. Expiries are judged at `now`. The fleet is returned whenever
/// it can be built, valid or not: its findings say which.
pub fn validate(
    files: &Files,
    documents: &[Document],
    incomplete: bool,
    now: jiff::Timestamp,
) -> Validated {
    validate_sharing(files, documents, incomplete, now, &mut Sharing::Alone)
}

/// [`validate`], for one side of a diff: the two sides are validated once where they are the
/// same (see [`Sharing`]).
pub(crate) fn validate_sharing(
    files: &Files,
    documents: &[Document],
    incomplete: bool,
    now: jiff::Timestamp,
    sharing: &mut Sharing<'_>,
) -> Validated {
    let reuse = sharing.reuse();
    let checked: Vec<Checked> = documents
        .par_iter()
        .map(|doc| {
            reuse
                .checked(doc)
                .unwrap_or_else(|| check_document(doc, files))
        })
        .collect();
    if let Some(earlier) = sharing.record() {
        earlier.record_checked(documents.iter().zip(&checked));
    }
    let mut diagnostics: Vec<Diagnostic> = checked.iter().flat_map(|(_, d, _)| d.clone()).collect();
    // The documents the schema rejected in part, without the rejected nodes.
    let repaired: HashMap<DocRef, Document> = documents
        .iter()
        .zip(&checked)
        .filter(|(_, (kind, _, broken))| kind.is_some() && !broken.is_empty())
        .map(|(doc, (_, _, broken))| (doc.at, repair(doc, broken)))
        .collect();
    let quiet: HashMap<DocRef, Vec<Pointer>> = documents
        .iter()
        .zip(&checked)
        .filter(|(_, (kind, _, broken))| kind.is_some() && !broken.is_empty())
        .map(|(doc, (_, _, broken))| (doc.at, removable(broken)))
        .collect();
    let mut by_kind = Documents::default();
    for (doc, (kind, _, _)) in documents.iter().zip(&checked) {
        let doc = repaired.get(&doc.at).unwrap_or(doc);
        match kind {
            Some(Kind::Fleet) => by_kind.fleets.push(doc),
            Some(Kind::ClusterTemplate) => by_kind.templates.push(doc),
            Some(Kind::Cluster) => by_kind.clusters.push(doc),
            Some(Kind::App) => by_kind.apps.push(doc),
            Some(Kind::Team) => by_kind.teams.push(doc),
            None => {}
        }
    }
    // A document of no kind fleetc reads (no `kind`, a kind it does not know, another
    // apiVersion) was reported as such; a reference to its name is not reported again.
    let unread: HashSet<String> = documents
        .iter()
        .zip(&checked)
        .filter(|(_, (kind, _, _))| kind.is_none())
        .filter_map(|(doc, _)| {
            doc.value
                .pointer("/metadata/name")?
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let mut findings = Findings {
        files,
        now,
        diagnostics: Vec::new(),
        quiet: &quiet,
        unread: &unread,
    };
    let fleet = fleet::build(&by_kind, &mut findings, sharing);
    let mut found = findings.diagnostics;
    if incomplete {
        found.retain(|d| !MAY_BE_CAUSED_BY_A_MISSING_FILE.contains(&d.code));
    }
    diagnostics.extend(found);
    once_per_credential(&mut diagnostics);
    Validated { fleet, diagnostics }
}

/// Keeps one credential finding per value: the scan of every document and the check of a field
/// (a private key as `caData`) may both recognise it. The later one, the field's, says more.
fn once_per_credential(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    let mut kept: Vec<Diagnostic> = diagnostics
        .drain(..)
        .rev()
        .filter(|d| {
            d.code != Code::Credential
                || d.location.as_ref().is_none_or(|at| seen.insert(at.clone()))
        })
        .collect();
    kept.reverse();
    *diagnostics = kept;
}

/// Findings that a document in a file fleetc could not read is likely to have caused: a name
/// that resolves to nothing (the file may declare it), no Fleet at all.
const MAY_BE_CAUSED_BY_A_MISSING_FILE: [Code; 4] = [
    Code::MissingFleet,
    Code::UnknownCluster,
    Code::UnknownTemplate,
    Code::NoPlacement,
];

/// The nodes to remove for the rejected nodes at `broken`: a rejected item of a list takes its
/// whole list along (removing an item would renumber the rest, and their positions with them).
fn removable(broken: &[Pointer]) -> Vec<Pointer> {
    broken
        .iter()
        .map(|p| {
            let mut p = p.clone();
            while matches!(p.last(), Some(Segment::Index(_))) {
                p = p.parent().unwrap_or_default();
            }
            p
        })
        .collect()
}

/// `doc` without the nodes at `broken` (see [`removable`]).
fn repair(doc: &Document, broken: &[Pointer]) -> Document {
    let mut value = Value::clone(&doc.value);
    let mut targets = removable(broken);
    targets.sort_by_key(|p| std::cmp::Reverse(p.segments().len()));
    for target in targets {
        let Some((Segment::Key(key), parent)) = target.segments().split_last() else {
            continue;
        };
        let parent = parent
            .iter()
            .try_fold(&mut value, |v, segment| match segment {
                Segment::Key(k) => v.get_mut(k.as_str()),
                Segment::Index(i) => v.get_mut(*i),
            });
        if let Some(Value::Object(map)) = parent {
            map.remove(key);
        }
    }
    Document {
        at: doc.at,
        value: std::sync::Arc::new(value),
    }
}

/// Pass 1 for one document: its kind, then its schema and credentials; and the nodes the
/// schema rejects.
fn check_document(doc: &Document, files: &Files) -> Checked {
    match classify::classify(doc, files) {
        Err(d) => (None, vec![d], Vec::new()),
        Ok(kind) => {
            let (mut found, flagged) = credentials::scan(kind, doc, files);
            let skip = |key: &str| flagged.iter().any(|f| f == key);
            let mut broken = Vec::new();
            found.extend(schema::check(kind, doc, files, &skip, &mut broken));
            found.extend(portable::scan(doc, files));
            found.extend(unevaluated::scan(kind, doc, files));
            (Some(kind), found, broken)
        }
    }
}

/// The documents of each kind, in file order.
#[derive(Default)]
pub(crate) struct Documents<'a> {
    pub(crate) fleets: Vec<&'a Document>,
    pub(crate) templates: Vec<&'a Document>,
    pub(crate) clusters: Vec<&'a Document>,
    pub(crate) apps: Vec<&'a Document>,
    pub(crate) teams: Vec<&'a Document>,
}

/// Collects pass-2 diagnostics and locates them.
pub(crate) struct Findings<'a> {
    pub(crate) files: &'a Files,
    /// The time expiries are judged against.
    pub(crate) now: jiff::Timestamp,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The documents pass 1 repaired, with the nodes it removed: a typed reading of them that
    /// fails, or a field found missing where one was removed, repeats what the schema already
    /// said, and is not reported.
    pub(crate) quiet: &'a HashMap<DocRef, Vec<Pointer>>,
    /// The names in documents of no kind fleetc reads: a reference to one may mean that
    /// document, whose error is reported already.
    pub(crate) unread: &'a HashSet<String>,
}

impl<'a> Findings<'a> {
    /// New findings about the same files at the same time, for work done on another thread;
    /// [`Findings::join`] takes them back.
    pub(crate) fn fork(&self) -> Findings<'a> {
        Findings {
            files: self.files,
            now: self.now,
            diagnostics: Vec::new(),
            quiet: self.quiet,
            unread: self.unread,
        }
    }

    /// Takes back the diagnostics of a [`Findings::fork`].
    pub(crate) fn join(&mut self, forked: Findings<'_>) {
        self.diagnostics.extend(forked.diagnostics);
    }

    /// The location of a node, as diagnostics take it.
    #[allow(
        clippy::unnecessary_wraps,
        reason = "diagnostics take an optional location"
    )]
    pub(crate) fn at(&self, doc: DocRef, pointer: &Pointer, target: Target) -> Option<Location> {
        Some(self.files.locate(doc, pointer, target))
    }

    /// Records a diagnostic.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records that reading `docs` (one document, or a cluster's layers) as typed data failed,
    /// unless one of them was repaired (the schema said what is wrong already).
    pub(crate) fn push_decode(&mut self, docs: &[DocRef], diagnostic: Diagnostic) {
        if !docs.iter().any(|d| self.quiet.contains_key(d)) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Whether pass 1 removed the node at `pointer` of `doc` (or one around it).
    pub(crate) fn was_removed(&self, doc: DocRef, pointer: &Pointer) -> bool {
        self.quiet.get(&doc).is_some_and(|removed| {
            removed
                .iter()
                .any(|r| pointer.segments().starts_with(r.segments()))
        })
    }
}
