//! Apps: their selectors compile as apimachinery would, the clusters they name exist, and their
//! values fit their source.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::app_sources;
use super::decode::decode;
use super::labels::check_map;
use super::{Findings, suggest, vocabulary};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Pointer, Target};
use crate::model::digest::{Digest, digest_of};
use crate::model::label_vocabulary::LabelVocabulary;
use crate::model::{
    App, FLEETC_LABEL_PREFIX, LayerOrigin, Override, PlacementRule, STAGE_LABEL, Spread, Stage,
    is_templated,
};
use crate::selector::LabelSelector;
use crate::selector::{PathSegment, Selector};

/// The document's `apiVersion` and `kind` were checked when it was classified.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppInput {
    metadata: AppMeta,
    spec: AppSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AppMeta {
    name: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    not_credentials: Vec<String>,
}

/// The schema allows only the [`APPLICATION_FIELDS`](crate::model::APPLICATION_FIELDS) besides these.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppSpec {
    #[serde(default)]
    application_name: Option<String>,
    #[serde(default)]
    preserve_resources_on_deletion: bool,
    #[serde(default)]
    placement: PlacementInput,
    #[serde(default)]
    vars: Option<Value>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(default)]
    overrides: Vec<OverrideInput>,
    #[serde(default)]
    stages: Vec<StageInput>,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

/// A rollout stage: its name, the clusters it holds, and a layer like an override's.
#[derive(Deserialize)]
struct StageInput {
    name: String,
    selector: LabelSelector,
    #[serde(default)]
    soak: Option<String>,
    #[serde(default)]
    vars: Option<Value>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PlacementInput {
    selector: Option<LabelSelector>,
    #[serde(default)]
    clusters: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    spread: Option<SpreadInput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpreadInput {
    key: String,
    count: usize,
    prefer: Option<LabelSelector>,
}

/// The schema allows only the [`APPLICATION_FIELDS`](crate::model::APPLICATION_FIELDS) besides these.
#[derive(Deserialize)]
struct OverrideInput {
    #[serde(default)]
    selector: Option<LabelSelector>,
    #[serde(default)]
    clusters: Vec<String>,
    #[serde(default)]
    vars: Option<Value>,
    #[serde(default)]
    values: Option<Value>,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

/// Builds every app, sorted by name. `clusters` are the declared cluster names.
pub(crate) fn build(
    documents: &[&Document],
    clusters: &BTreeSet<&str>,
    labels: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Vec<App> {
    let mut apps: Vec<App> = documents
        .iter()
        .filter_map(|doc| build_one(doc, clusters, labels, findings))
        .collect();
    apps.sort_by(|a, b| a.name.cmp(&b.name));
    apps
}

fn build_one(
    doc: &Document,
    clusters: &BTreeSet<&str>,
    labels: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Option<App> {
    let input: AppInput = decode(&doc.value, doc.at, &Pointer::root(), findings.files)
        .map_err(|d| findings.push_decode(&[doc.at], d))
        .ok()?;
    let spec = input.spec;
    let name = input.metadata.name;
    check_metadata(
        doc,
        &input.metadata.labels,
        &input.metadata.annotations,
        findings,
    );
    let has_values = spec.values.is_some()
        || spec.overrides.iter().any(|o| o.values.is_some())
        || spec.stages.iter().any(|s| s.values.is_some());
    // The layers in the order they apply: each stage's, then each override's.
    let override_fields: Vec<(LayerOrigin, &Map<String, Value>)> = spec
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| (LayerOrigin::Stage(i), &s.fields))
        .chain(
            spec.overrides
                .iter()
                .enumerate()
                .map(|(i, o)| (LayerOrigin::Override(i), &o.fields)),
        )
        .collect();
    app_sources::check(
        doc,
        &name,
        &spec.fields,
        &override_fields,
        has_values,
        findings,
    );

    let base = Pointer::parse("/spec/placement");
    let selector = spec.placement.selector.as_ref().and_then(|s| {
        let at = base.clone().key("selector");
        vocabulary::check_selector(labels, doc, s, &at, findings);
        compile_selector(doc, s, &at, labels, findings)
    });
    let selector_ok = spec.placement.selector.is_none() || selector.is_some();
    let spread = spec.placement.spread.as_ref().and_then(|input| {
        let at = base.clone().key("spread");
        vocabulary::check_key(labels, doc, &input.key, &at.clone().key("key"), findings);
        let prefer = match &input.prefer {
            None => None,
            Some(p) => {
                let at = at.clone().key("prefer");
                vocabulary::check_selector(labels, doc, p, &at, findings);
                Some(compile_selector(doc, p, &at, labels, findings)?)
            }
        };
        Some(Spread {
            key: input.key.clone(),
            count: input.count,
            prefer,
        })
    });
    let spread_ok = spec.placement.spread.is_none() || spread.is_some();
    for (list, names) in [
        ("clusters", &spec.placement.clusters),
        ("exclude", &spec.placement.exclude),
    ] {
        for (i, cluster) in names.iter().enumerate() {
            if !clusters.contains(cluster.as_str()) && !findings.unread.contains(cluster) {
                let mut d = Diagnostic::error(
                    Code::UnknownCluster,
                    format!(
                        "app `{name}` lists cluster `{cluster}` in `placement.{list}`, but no cluster has that name"
                    ),
                    findings.at(doc.at, &base.clone().key(list).index(i), Target::Value),
                );
                d.help = suggest::help(cluster, &clusters.iter().copied().collect::<Vec<_>>());
                findings.push(d);
            }
        }
    }
    let (stages, mut overrides) = stages(doc, &name, spec.stages, labels, findings)?;
    for (i, o) in spec.overrides.into_iter().enumerate() {
        let base = Pointer::parse("/spec/overrides").index(i);
        if o.selector.is_none() && o.clusters.is_empty() {
            findings.push(
                Diagnostic::error(
                    Code::MissingField,
                    format!("override {i} of app `{name}` says neither which clusters nor which labels it applies to"),
                    findings.at(doc.at, &base, Target::Key),
                )
                .with_help("give it a `selector`, a `clusters` list, or both"),
            );
            continue;
        }
        for (j, cluster) in o.clusters.iter().enumerate() {
            if !clusters.contains(cluster.as_str()) && !findings.unread.contains(cluster) {
                let mut d = Diagnostic::error(
                    Code::UnknownCluster,
                    format!(
                        "override {i} of app `{name}` names cluster `{cluster}`, but no cluster has that name"
                    ),
                    findings.at(
                        doc.at,
                        &base.clone().key("clusters").index(j),
                        Target::Value,
                    ),
                );
                d.help = suggest::help(cluster, &clusters.iter().copied().collect::<Vec<_>>());
                findings.push(d);
            }
        }
        let selector = match &o.selector {
            None => None,
            Some(s) => {
                let at = base.clone().key("selector");
                vocabulary::check_selector(labels, doc, s, &at, findings);
                match compile_selector(doc, s, &at, labels, findings) {
                    Some(compiled) => Some(compiled),
                    None => continue,
                }
            }
        };
        overrides.push(Override {
            selector,
            clusters: o.clusters,
            values: o.values,
            vars: o.vars,
            fields: (!o.fields.is_empty()).then(|| json!({ "spec": o.fields })),
            origin: LayerOrigin::Override(i),
        });
    }
    if !selector_ok || !spread_ok {
        return None;
    }
    let mut metadata = Map::new();
    for (key, map) in [
        ("labels", &input.metadata.labels),
        ("annotations", &input.metadata.annotations),
    ] {
        if !map.is_empty() {
            metadata.insert(key.into(), json!(map));
        }
    }
    Some(App {
        name,
        digest: rendering_digest(&doc.value),
        at: doc.at,
        application_name: spec.application_name.map(Value::from),
        fields: json!({ "metadata": metadata, "spec": spec.fields }),
        vars: spec.vars,
        preserve_resources_on_deletion: spec.preserve_resources_on_deletion,
        placement: PlacementRule {
            selector,
            clusters: spec.placement.clusters,
            exclude: spec.placement.exclude,
            spread,
        },
        values: spec.values,
        overrides,
        stages,
        not_credentials: input.metadata.not_credentials,
    })
}

/// A soak time: `<n>d`, `<n>h` or `<n>m`.
fn soak_duration(text: &str) -> Option<jiff::SignedDuration> {
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let n: i64 = number.parse().ok().filter(|n| *n >= 0)?;
    let minutes = match unit {
        "d" => n.checked_mul(24 * 60)?,
        "h" => n.checked_mul(60)?,
        "m" => n,
        _ => return None,
    };
    Some(jiff::SignedDuration::from_mins(minutes))
}

/// The app's stages, and their layers (the first of the app's overrides): each stage's
/// selector checked like a placement's, its name unique. `None` when a selector is invalid.
fn stages(
    doc: &Document,
    app: &str,
    inputs: Vec<StageInput>,
    labels: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Option<(Vec<Stage>, Vec<Override>)> {
    let mut stages: Vec<Stage> = Vec::new();
    let mut layers = Vec::new();
    let mut ok = true;
    for (i, input) in inputs.into_iter().enumerate() {
        let base = Pointer::parse("/spec/stages").index(i);
        if stages.iter().any(|s| s.name == input.name) {
            findings.push(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("app `{app}` has two stages named `{}`", input.name),
                    findings.at(doc.at, &base.clone().key("name"), Target::Value),
                )
                .with_help("give each stage its own name"),
            );
        }
        let at = base.clone().key("selector");
        vocabulary::check_selector(labels, doc, &input.selector, &at, findings);
        let Some(selector) = compile_selector(doc, &input.selector, &at, labels, findings) else {
            ok = false;
            continue;
        };
        layers.push(Override {
            selector: Some(selector.clone()),
            clusters: Vec::new(),
            values: input.values,
            vars: input.vars,
            fields: Some(json!({
                "metadata": {"labels": {STAGE_LABEL: input.name}},
                "spec": input.fields,
            })),
            origin: LayerOrigin::Stage(i),
        });
        let soak = match input.soak.as_deref().map(soak_duration) {
            None => None,
            Some(Some(d)) if i > 0 => Some(d),
            Some(parsed) => {
                findings.push(
                    Diagnostic::error(
                        Code::Stage,
                        if parsed.is_none() {
                            format!("the soak time of stage `{}` is not a duration", input.name)
                        } else {
                            format!("the first stage, `{}`, has no stage before it to soak in", input.name)
                        },
                        findings.at(doc.at, &base.clone().key("soak"), Target::Value),
                    )
                    .with_help("a soak time is a whole number of days, hours or minutes (`7d`, `48h`, `30m`), on any stage but the first"),
                );
                None
            }
        };
        stages.push(Stage {
            name: input.name,
            selector,
            soak,
        });
    }
    ok.then_some((stages, layers))
}

/// Compiles a selector, reporting every problem at its node.
pub(super) fn compile_selector(
    doc: &Document,
    selector: &LabelSelector,
    at: &Pointer,
    vocabulary: &LabelVocabulary,
    findings: &mut Findings<'_>,
) -> Option<Selector> {
    match Selector::compile(selector) {
        Ok(s) => Some(s),
        Err(errors) => {
            // One finding per place, however many of apimachinery's rules it breaks there.
            let mut grouped: Vec<(Vec<PathSegment>, String)> = Vec::new();
            for e in errors {
                match grouped.last_mut() {
                    Some((path, message)) if *path == e.path => {
                        let rule = e
                            .message
                            .rsplit_once("\": ")
                            .map_or(e.message.as_str(), |(_, r)| r);
                        message.push_str("; ");
                        message.push_str(rule);
                    }
                    _ => grouped.push((e.path, e.message)),
                }
            }
            for (path, message) in grouped {
                let e = crate::selector::SelectorError {
                    path,
                    message: super::labels::readable(&[message]),
                };
                let pointer = e.path.iter().fold(at.clone(), |p, segment| match segment {
                    PathSegment::Key(k) => p.key(k.clone()),
                    PathSegment::Index(i) => p.index(*i),
                });
                // In matchLabels a key and its value share a path: the message quotes which one
                // is wrong.
                let target = match e.path.as_slice() {
                    [PathSegment::Key(m), PathSegment::Key(key)]
                        if m == "matchLabels" && e.message.contains(&format!("\"{key}\"")) =>
                    {
                        Target::Key
                    }
                    _ => Target::Value,
                };
                // A key that is no label key is most likely a slip of a key the clusters carry.
                let slip = selector
                    .match_labels
                    .keys()
                    .chain(selector.match_expressions.iter().map(|r| &r.key))
                    .filter(|key| !vocabulary.knows(key))
                    .find(|key| e.message.starts_with(&format!("Invalid value: \"{key}\"")))
                    .and_then(|key| {
                        let names = vocabulary.names();
                        suggest::closest(key, names.iter().copied())
                            .map(|best| format!("did you mean `{best}`?"))
                    });
                findings.push(
                    Diagnostic::error(
                        Code::Selector,
                        format!("invalid label selector: {}", e.message),
                        findings.at(doc.at, &pointer, target),
                    )
                    .with_help(match slip {
                        Some(slip) => format!("{slip}; {SELECTOR_HELP}"),
                        None => SELECTOR_HELP.to_owned(),
                    }),
                );
            }
            None
        }
    }
}

/// What a valid selector looks like, for every selector error.
const SELECTOR_HELP: &str = "a selector is `matchLabels` (key: value) and `matchExpressions` \
    ({key, operator, values}); operators are In and NotIn (with values) and Exists and \
    DoesNotExist (without); keys are `[prefix/]name`, values at most 63 letters, digits, `-`, `_` \
    and `.`, starting and ending with a letter or digit";

fn check_metadata(
    doc: &Document,
    labels: &BTreeMap<String, String>,
    annotations: &BTreeMap<String, String>,
    findings: &mut Findings<'_>,
) {
    let reserved = |key: &str| {
        key.starts_with(FLEETC_LABEL_PREFIX).then(|| {
            format!("fleetc writes the `{FLEETC_LABEL_PREFIX}*` keys onto Applications itself")
        })
    };
    for (field, map, annotations) in [
        ("labels", labels, false),
        ("annotations", annotations, true),
    ] {
        let files = findings.files;
        let locate = |key: &str, target| {
            Some(files.locate(
                doc.at,
                &Pointer::root().key("metadata").key(field).key(key),
                target,
            ))
        };
        // A templated label value is checked for each cluster, once it is produced.
        let literal: BTreeMap<String, String> = map
            .iter()
            .map(|(k, v)| {
                let v = if is_templated(v) { "" } else { v.as_str() };
                (k.clone(), v.to_owned())
            })
            .collect();
        let found = check_map(&literal, annotations, &reserved, &locate);
        findings.diagnostics.extend(found);
    }
}

/// The digest of what an app's Applications depend on: its document without `spec.placement`,
/// which decides only which clusters the app goes to (and a cluster's render key already lists
/// the apps placed on it). So changing where an app goes re-renders only the clusters it joins
/// or leaves.
fn rendering_digest(document: &Value) -> Digest {
    let mut document = document.clone();
    if let Some(spec) = document.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("placement");
    }
    digest_of(&document)
}

#[cfg(test)]
mod tests {
    use crate::test_fleet::fleet;

    fn app(placement: &str, values: &str) -> String {
        format!(
            "apiVersion: fleetc.dev/v1alpha1\nkind: App\nmetadata: {{name: web}}\n\
             spec: {{source: {{repoURL: https://x.invalid/r.git, path: p}}, destination: {{namespace: n}}, \
             placement: {placement}, values: {values}}}\n"
        )
    }

    #[test]
    fn where_an_app_goes_is_not_part_of_what_it_renders() {
        // `tier` is declared, since no cluster carries it.
        let digest = |placement: &str, values: &str| {
            fleet("  labels: {tier: {}}", &app(placement, values)).apps[0].digest
        };
        let base = digest("{selector: {matchLabels: {tier: api}}}", "{replicas: 1}");
        assert_eq!(
            base,
            digest("{selector: {matchLabels: {tier: web}}}", "{replicas: 1}")
        );
        assert_ne!(
            base,
            digest("{selector: {matchLabels: {tier: api}}}", "{replicas: 2}")
        );
    }
}
