//! Validating the two sides of a diff once where they are the same. [`crate::load::load_pair`]
//! gives both sides the very same value for a document of a file they have in common (same path,
//! same bytes), so a document of the second side whose value is one the first side held is that
//! document: same file, same place in it, same text. Checking it alone (pass 1) finds the same
//! things on both sides, and a cluster whose document, template and Fleet are all such documents
//! resolves to the same cluster, with the same findings; only where it came from (the sides'
//! file numbers) can differ. The first side records what it found; the second takes it instead
//! of working it out again.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::{Document, Pointer};
use crate::model::digest::Digest;
use crate::model::{Cluster, ClusterOrigin, Kind};

/// What pass 1 finds about one document: its kind, its findings, the nodes its schema rejects.
pub(crate) type Checked = (Option<Kind>, Vec<Diagnostic>, Vec<Pointer>);

/// A document's value by identity, not by content: held, so that no other value can take its
/// address while it is a key.
#[derive(Clone)]
struct Same(Arc<Value>);

impl Same {
    fn of(doc: &Document) -> Self {
        Self(Arc::clone(&doc.value))
    }
}

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Same {}

impl Hash for Same {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Arc::as_ptr(&self.0).hash(state);
    }
}

/// The documents a cluster is resolved from: its own, its template's (if it names one that
/// exists) and the Fleet's.
#[derive(PartialEq, Eq, Hash)]
struct LayersKey {
    cluster: Same,
    template: Option<Same>,
    fleet: Same,
}

impl LayersKey {
    fn of(cluster: &Document, template: Option<&Document>, fleet: &Document) -> Self {
        Self {
            cluster: Same::of(cluster),
            template: template.map(Same::of),
            fleet: Same::of(fleet),
        }
    }
}

/// What the first side found, by document.
#[derive(Default)]
pub(crate) struct Earlier {
    checked: HashMap<Same, Checked>,
    resolved: HashMap<LayersKey, Recorded>,
}

/// How a cluster resolved on the first side.
struct Recorded {
    /// Its position among the first side's sorted clusters, and its digest; `None` when it did
    /// not resolve.
    at: Option<(usize, Digest)>,
    /// The findings resolving it made.
    diagnostics: Vec<Diagnostic>,
}

/// How validation shares work between the sides of a diff.
pub(crate) enum Sharing<'a> {
    /// One fleet alone.
    Alone,
    /// The first side: what it finds is recorded here.
    First(&'a mut Earlier),
    /// The second side: what the first found, and its clusters (sorted by name).
    Second(&'a Earlier, &'a [Cluster]),
}

/// The first side's findings, as the second side reads them (nothing, on another side).
#[derive(Clone, Copy)]
pub(crate) struct Reuse<'a>(Option<(&'a Earlier, &'a [Cluster])>);

/// A cluster's resolution, as the sides share it.
pub(crate) struct Resolution {
    pub(crate) cluster: Option<Cluster>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Sharing<'_> {
    pub(crate) fn reuse(&self) -> Reuse<'_> {
        match self {
            Sharing::Second(earlier, clusters) => Reuse(Some((earlier, clusters))),
            _ => Reuse(None),
        }
    }

    /// Where the first side records what it finds.
    pub(crate) fn record(&mut self) -> Option<&mut Earlier> {
        match self {
            Sharing::First(earlier) => Some(&mut **earlier),
            _ => None,
        }
    }
}

impl Reuse<'_> {
    /// What pass 1 found about `doc` on the first side, if it is the same document there.
    pub(crate) fn checked(self, doc: &Document) -> Option<Checked> {
        let (earlier, _) = self.0?;
        earlier.checked.get(&Same::of(doc)).cloned()
    }

    /// The cluster the first side resolved from the same layers, with its findings, placed at
    /// `origin` (this side's documents).
    pub(crate) fn resolved(
        self,
        (cluster, template, fleet): (&Document, Option<&Document>, &Document),
        origin: ClusterOrigin,
    ) -> Option<Resolution> {
        let (earlier, clusters) = self.0?;
        let recorded = earlier
            .resolved
            .get(&LayersKey::of(cluster, template, fleet))?;
        let cluster = match recorded.at {
            Some((i, digest)) => {
                // Not the first side's clusters after all: work it out.
                let found = clusters.get(i).filter(|c| c.digest == digest);
                debug_assert!(found.is_some(), "the first side's clusters, as recorded");
                let mut cluster = found?.clone();
                cluster.origin = origin;
                Some(cluster)
            }
            None => None,
        };
        Some(Resolution {
            cluster,
            diagnostics: recorded.diagnostics.clone(),
        })
    }
}

impl Earlier {
    /// Records what pass 1 found about each document.
    pub(crate) fn record_checked<'a>(
        &mut self,
        found: impl Iterator<Item = (&'a Document, &'a Checked)>,
    ) {
        self.checked
            .extend(found.map(|(doc, checked)| (Same::of(doc), checked.clone())));
    }

    /// Records the resolution of the cluster of `cluster` (with `template` and `fleet`), now at
    /// `position` among the sorted clusters, with its digest.
    pub(crate) fn record_resolved(
        &mut self,
        (cluster, template, fleet): (&Document, Option<&Document>, &Document),
        position: Option<(usize, Digest)>,
        diagnostics: &[Diagnostic],
    ) {
        self.resolved.insert(
            LayersKey::of(cluster, template, fleet),
            Recorded {
                at: position,
                diagnostics: diagnostics.to_vec(),
            },
        );
    }
}
