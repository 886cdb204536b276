//! One Argo CD Application per placement: the app's Application fields with what applies to the
//! placement merged in, its Helm values in its Helm source, destination by cluster name, in the
//! hub's Argo CD namespace. Written once per app and set of applied layers as a
//! [program](super::program) whose slots each placement fills.

use serde::ser::{SerializeMap as _, SerializeSeq as _};
use serde::{Serialize, Serializer};

use super::planned::Planned;
use super::tree::ObjectId;
use super::yaml::Slot;
use crate::model::{App, DEFAULT_PROJECT, Fleet, SourceKind, ValuesTarget, values_target};
use crate::place::{Placement, Plan};

/// The finalizer that makes Argo CD delete an Application's resources with it, as
/// `ApplicationSets` do by default.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// The label naming the app an Application comes from.
pub const APP_LABEL: &str = "fleetc.dev/app";

/// The label naming the cluster an Application deploys to.
pub const CLUSTER_LABEL: &str = "fleetc.dev/cluster";

/// Slot [`NAME`] of an Application holds its name.
pub(super) const NAME: u32 = 0;

/// Slot [`CLUSTER`] holds its cluster's name (a label, and the destination).
pub(super) const CLUSTER: u32 = 1;

/// The Application of `app` with the merged Application `fields` (shaped as
/// [`App::fields`]) and `values` as its Helm values; its name and cluster left as slots
/// [`NAME`] and [`CLUSTER`] (see [`Slot`]).
pub(super) struct Application<'p, 'a, V> {
    pub(super) fleet: &'a Fleet,
    pub(super) app: &'a App,
    pub(super) fields: Planned<'p, 'a>,
    pub(super) values: Option<V>,
}

impl<V: Serialize> Serialize for Application<'_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("apiVersion", API_VERSION)?;
        map.serialize_entry("kind", KIND)?;
        map.serialize_entry("metadata", &Metadata(self))?;
        map.serialize_entry("spec", &Spec(self))?;
        map.end()
    }
}

struct Metadata<'r, 'p, 'a, V>(&'r Application<'p, 'a, V>);

impl<V> Serialize for Metadata<'_, '_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Application { fleet, app, .. } = self.0;
        let metadata = self.0.fields.get("metadata");
        let annotations = metadata
            .and_then(|m| m.get("annotations"))
            .filter(|a| !matches!(a.plan, Plan::Map(entries) if entries.is_empty()));
        let len = 3
            + usize::from(annotations.is_some())
            + usize::from(!app.preserve_resources_on_deletion);
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("name", &Slot(NAME))?;
        map.serialize_entry("namespace", &fleet.argocd.namespace)?;
        map.serialize_entry(
            "labels",
            &Labels {
                app: metadata.and_then(|m| m.get("labels")),
                app_name: &app.name,
            },
        )?;
        if let Some(annotations) = annotations {
            map.serialize_entry("annotations", &annotations)?;
        }
        if !app.preserve_resources_on_deletion {
            map.serialize_entry("finalizers", &[RESOURCES_FINALIZER])?;
        }
        map.end()
    }
}

/// The app's labels and fleetc's two, in key order.
struct Labels<'p, 'a> {
    app: Option<Planned<'p, 'a>>,
    app_name: &'a str,
}

impl Serialize for Labels<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let theirs: &[(&str, Plan<'_>)] = match self.app.map(|p| p.plan) {
            Some(Plan::Map(entries)) => entries,
            _ => &[],
        };
        let ours = [
            (APP_LABEL, Label::Text(self.app_name)),
            (CLUSTER_LABEL, Label::Slot(Slot(CLUSTER))),
        ];
        let mut map = serializer.serialize_map(Some(theirs.len() + ours.len()))?;
        let mut theirs = theirs.iter().peekable();
        let write_theirs = |map: &mut S::SerializeMap, (k, plan): &(&str, Plan<'_>)| match self.app
        {
            Some(labels) => map.serialize_entry(k, &labels.at(plan)),
            None => Ok(()),
        };
        for (key, value) in ours {
            while let Some(entry) = theirs.next_if(|(k, _)| *k < key) {
                write_theirs(&mut map, entry)?;
            }
            map.serialize_entry(key, &value)?;
        }
        for entry in theirs {
            write_theirs(&mut map, entry)?;
        }
        map.end()
    }
}

/// One of fleetc's label values: known per app, or written per placement.
#[derive(Serialize)]
#[serde(untagged)]
enum Label<'a> {
    Text(&'a str),
    Slot(Slot),
}

struct Spec<'r, 'p, 'a, V>(&'r Application<'p, 'a, V>);

impl<V: Serialize> Serialize for Spec<'_, '_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let application = self.0;
        let Some(spec) = application.fields.get("spec") else {
            return serializer.serialize_map(Some(0))?.end();
        };
        let project = spec.get("project");
        let sources = Sources::of(application, spec);
        let len = 2
            + usize::from(!matches!(sources, Sources::None))
            + LATER_FIELDS
                .iter()
                .filter(|k| spec.get(k).is_some())
                .count();
        let mut map = serializer.serialize_map(Some(len))?;
        match project {
            Some(project) => map.serialize_entry("project", &project)?,
            None => map.serialize_entry("project", DEFAULT_PROJECT)?,
        }
        match &sources {
            Sources::One(source) => map.serialize_entry("source", source)?,
            Sources::Several(sources) => map.serialize_entry("sources", sources)?,
            Sources::None => {}
        }
        map.serialize_entry(
            "destination",
            &Destination(spec.get("destination").and_then(|d| d.get("namespace"))),
        )?;
        for key in LATER_FIELDS {
            if let Some(field) = spec.get(key) {
                map.serialize_entry(key, &field)?;
            }
        }
        map.end()
    }
}

/// The fields of an Application's spec after its destination, in the order they are written.
const LATER_FIELDS: [&str; 4] = [
    "syncPolicy",
    "ignoreDifferences",
    "info",
    "revisionHistoryLimit",
];

/// The destination: the placement's cluster by name, and the namespace.
struct Destination<'p, 'a>(Option<Planned<'p, 'a>>);

impl Serialize for Destination<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + usize::from(self.0.is_some())))?;
        map.serialize_entry("name", &Slot(CLUSTER))?;
        if let Some(namespace) = &self.0 {
            map.serialize_entry("namespace", namespace)?;
        }
        map.end()
    }
}

/// The Application's source or sources.
enum Sources<'r, 'p, 'a, V> {
    One(Source<'r, 'p, 'a, V>),
    Several(SourceList<'r, 'p, 'a, V>),
    None,
}

struct SourceList<'r, 'p, 'a, V>(Vec<Source<'r, 'p, 'a, V>>);

impl<V: Serialize> Serialize for SourceList<'_, '_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for source in &self.0 {
            seq.serialize_element(source)?;
        }
        seq.end()
    }
}

impl<'r, 'p, 'a, V> Sources<'r, 'p, 'a, V> {
    /// The sources in `spec`: the values go to the one that takes them (in a valid fleet there
    /// is one; an invalid one is rendered only for its findings), and each Helm source is released under the app's name unless it names
    /// its release.
    fn of(application: &'r Application<'p, 'a, V>, spec: Planned<'p, 'a>) -> Self {
        let (plans, single) = match (spec.get("source"), spec.get("sources")) {
            (Some(source), _) => (vec![source], true),
            (None, Some(list)) => match list.plan {
                Plan::Seq(items) => (items.iter().map(|p| list.at(p)).collect(), false),
                _ => (Vec::new(), false),
            },
            (None, None) => (Vec::new(), false),
        };
        let kinds: Vec<SourceKind> = plans
            .iter()
            .map(|p| SourceKind::of(|k| p.get(k).is_some()))
            .collect();
        // Which source takes the values depends on whether the app has values anywhere, not
        // on whether this placement does: otherwise a path source's release name would change
        // with the overrides that apply.
        let values = application.values.as_ref();
        let target = match values_target(&kinds) {
            ValuesTarget::One(i) if application.app.has_values() => Some(i),
            _ => None,
        };
        let sources: Vec<_> = plans
            .into_iter()
            .zip(kinds)
            .enumerate()
            .map(|(i, (plan, kind))| {
                let takes_values = target == Some(i);
                Source {
                    plan,
                    values: values.filter(|_| takes_values),
                    release: (kind.is_helm() || takes_values).then_some(&application.app.name),
                }
            })
            .collect();
        match (single, sources.len()) {
            (_, 0) => Sources::None,
            (true, _) => Sources::One(sources.into_iter().next().expect("one source")),
            (false, _) => Sources::Several(SourceList(sources)),
        }
    }
}

/// A source, its fields in the order Argo CD's documentation writes them.
struct Source<'r, 'p, 'a, V> {
    plan: Planned<'p, 'a>,
    /// The app's values, if this source takes them.
    values: Option<&'r V>,
    /// The release name of a Helm source that names none.
    release: Option<&'a str>,
}

/// The fields of a source before its tool's options, in the order they are written.
const SOURCE_FIELDS: [&str; 7] = [
    "repoURL",
    "chart",
    "path",
    "targetRevision",
    "ref",
    "name",
    "tagPrefix",
];

impl<V: Serialize> Serialize for Source<'_, '_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let helm = self.plan.get("helm");
        let with_helm = helm.is_some() || self.release.is_some() || self.values.is_some();
        let len = SOURCE_FIELDS
            .iter()
            .chain(&OPTIONS)
            .filter(|k| self.plan.get(k).is_some())
            .count()
            + usize::from(with_helm);
        let mut map = serializer.serialize_map(Some(len))?;
        for key in SOURCE_FIELDS {
            if let Some(field) = self.plan.get(key) {
                map.serialize_entry(key, &field)?;
            }
        }
        if with_helm {
            map.serialize_entry(
                "helm",
                &Helm {
                    options: helm,
                    release: self.release,
                    values: self.values,
                },
            )?;
        }
        for key in OPTIONS {
            if let Some(field) = self.plan.get(key) {
                map.serialize_entry(key, &field)?;
            }
        }
        map.end()
    }
}

/// The options of the tools other than Helm, in the order they are written.
const OPTIONS: [&str; 3] = ["kustomize", "directory", "plugin"];

/// The declared Helm options in key order, with the default release name among them, then
/// `valuesObject`.
struct Helm<'r, 'p, 'a, V> {
    options: Option<Planned<'p, 'a>>,
    release: Option<&'a str>,
    values: Option<&'r V>,
}

impl<V: Serialize> Serialize for Helm<'_, '_, '_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const RELEASE: &str = "releaseName";
        let options: &[(&str, Plan<'_>)] = match self.options.map(|o| o.plan) {
            Some(Plan::Map(entries)) => entries,
            _ => &[],
        };
        let default_release = self
            .release
            .filter(|_| !options.iter().any(|(k, _)| *k == RELEASE));
        let len = options.len()
            + usize::from(default_release.is_some())
            + usize::from(self.values.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        let mut release_written = default_release.is_none();
        for (key, plan) in options {
            if !release_written && *key > RELEASE {
                map.serialize_entry(RELEASE, &default_release)?;
                release_written = true;
            }
            if let Some(helm) = self.options {
                map.serialize_entry(key, &helm.at(plan))?;
            }
        }
        if !release_written {
            map.serialize_entry(RELEASE, &default_release)?;
        }
        if let Some(values) = self.values {
            map.serialize_entry("valuesObject", values)?;
        }
        map.end()
    }
}

/// The identity of the Application of `placement`.
pub(super) fn id(fleet: &Fleet, placement: &Placement) -> ObjectId {
    ObjectId {
        api_version: API_VERSION.into(),
        kind: KIND.into(),
        namespace: Some(fleet.argocd.namespace.clone()),
        name: placement.application.clone(),
    }
}

const API_VERSION: &str = "argoproj.io/v1alpha1";
const KIND: &str = "Application";
