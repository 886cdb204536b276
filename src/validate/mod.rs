//! The validate stage: JSON documents to the typed [`Fleet`], or diagnostics that say what is
//! wrong and where. It runs in two passes, and reports everything a pass finds:
//!
//! 1. each document on its own: kind and apiVersion, its JSON Schema, credentials, strings that
//!    Kubernetes tooling cannot carry;
//! 2. the fleet as a whole, when every document passed: one Fleet, unique names, references
//!    that resolve, clusters merged with templates and defaults, labels and selectors as
//!    Kubernetes would accept them, connections that can work, provisioning declarations that
//!    the provisioner can act on, and expiries not passed.

mod apps;
mod classify;
mod clusters;
mod connection;
mod credentials;
mod decode;
mod expiry;
mod fleet;
pub mod label_syntax;
mod labels;
mod names;
mod portable;
mod provisioners;
mod provisioning;
pub mod schema;
mod suggest;
mod vocabulary;

use rayon::prelude::*;

use crate::compile::Options;
use crate::diagnostic::{self, Diagnostic, Location};
use crate::load::{DocRef, Document, Files, Pointer, Target};
use crate::model::{Fleet, Kind};

/// "Did you mean `x`?" for a misspelt name among `candidates`, or the choices when there are few.
pub fn suggest_help(word: &str, candidates: &[&str]) -> Option<String> {
    suggest::help(word, candidates)
}

/// What the validate stage produces: the fleet when it is valid, and every finding.
pub struct Validated {
    pub fleet: Option<Fleet>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Validates the loaded documents. With `incomplete` (some file could not be read), only the
/// per-document pass runs: the fleet as a whole cannot be judged without all of it.
pub fn validate(
    files: &Files,
    documents: &[Document],
    incomplete: bool,
    options: &Options,
) -> Validated {
    let checked: Vec<(Option<Kind>, Vec<Diagnostic>)> = documents
        .par_iter()
        .map(|doc| check_document(doc, files))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = checked.iter().flat_map(|(_, d)| d.clone()).collect();
    if incomplete || diagnostic::has_errors(&diagnostics) {
        return Validated {
            fleet: None,
            diagnostics,
        };
    }
    let mut by_kind = Documents::default();
    for (doc, (kind, _)) in documents.iter().zip(&checked) {
        match kind {
            Some(Kind::Fleet) => by_kind.fleets.push(doc),
            Some(Kind::ClusterTemplate) => by_kind.templates.push(doc),
            Some(Kind::Cluster) => by_kind.clusters.push(doc),
            Some(Kind::App) => by_kind.apps.push(doc),
            None => {}
        }
    }
    let mut findings = Findings {
        files,
        now: options.now,
        diagnostics: Vec::new(),
    };
    let fleet = fleet::build(&by_kind, &mut findings);
    diagnostics.extend(findings.diagnostics);
    let fleet = fleet.filter(|_| !diagnostic::has_errors(&diagnostics));
    Validated { fleet, diagnostics }
}

/// Pass 1 for one document: its kind, then its schema and credentials.
fn check_document(doc: &Document, files: &Files) -> (Option<Kind>, Vec<Diagnostic>) {
    match classify::classify(doc, files) {
        Err(d) => (None, vec![d]),
        Ok(kind) => {
            let (mut found, flagged) = credentials::scan(kind, doc, files);
            let skip = |key: &str| flagged.iter().any(|f| f == key);
            found.extend(schema::check(kind, doc, files, &skip));
            found.extend(portable::scan(doc, files));
            (Some(kind), found)
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
}

/// Collects pass-2 diagnostics and locates them.
pub(crate) struct Findings<'a> {
    pub(crate) files: &'a Files,
    /// The time expiries are judged against.
    pub(crate) now: jiff::Timestamp,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Findings<'a> {
    /// New findings about the same files at the same time, for work done on another thread;
    /// [`Findings::join`] takes them back.
    pub(crate) fn fork(&self) -> Findings<'a> {
        Findings {
            files: self.files,
            now: self.now,
            diagnostics: Vec::new(),
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
}
