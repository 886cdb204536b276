//! An app's sources, as Argo CD needs them: `source` or `sources`, one tool per source (Helm,
//! Kustomize, a directory or a plugin), one source to take the app's Helm values, and Helm
//! release names Helm accepts. Overrides count: an override changes a source's fields but not
//! its tool, and `sources` in an override replaces the list, so it is checked as a list of its
//! own.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Findings;
use super::field_rules::{MAX_RELEASE_NAME, release_name_problems};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Document, Pointer, Target};
use crate::model::LayerOrigin;
use crate::model::{SourceKind, TOOL_KEYS, ValuesTarget, is_templated, values_target};

/// One source as it can end up: each key it has, where it is first set (and in which order:
/// the app's own keys in key order, then each override's).
struct SourceKeys<'a> {
    at: Pointer,
    keys: BTreeMap<&'a str, (usize, Pointer)>,
    /// The text of `helm.releaseName`, where it is set.
    release_names: Vec<(Pointer, &'a str)>,
    /// Whether the source sets `helm.releaseName` itself (not only through an override, which
    /// applies to some clusters).
    names_its_release: bool,
}

impl<'a> SourceKeys<'a> {
    fn new(at: Pointer) -> Self {
        Self {
            at,
            keys: BTreeMap::new(),
            release_names: Vec::new(),
            names_its_release: false,
        }
    }

    /// Adds the keys of `source`, declared at `at`: the source's own (`own`), or an override's.
    fn add(&mut self, source: &'a Value, at: &Pointer, own: bool) {
        let Some(map) = source.as_object() else {
            return;
        };
        for key in map.keys() {
            let order = self.keys.len();
            self.keys
                .entry(key.as_str())
                .or_insert_with(|| (order, at.clone().key(key.clone())));
        }
        if let Some(name) = source.pointer("/helm/releaseName").and_then(Value::as_str) {
            self.release_names
                .push((at.clone().key("helm").key("releaseName"), name));
            self.names_its_release |= own;
        }
    }

    fn kind(&self) -> SourceKind {
        SourceKind::of(|k| self.keys.contains_key(k))
    }
}

/// Checks the sources of the app `name`: its Application `fields` (the App's `spec` but
/// placement, values, vars and overrides) and each override's.
pub(super) fn check(
    doc: &Document,
    name: &str,
    fields: &Map<String, Value>,
    overrides: &[(LayerOrigin, &Map<String, Value>)],
    has_values: bool,
    findings: &mut Findings<'_>,
) {
    let mut found = Vec::new();
    let locate = |p: &Pointer, t| Some(findings.files.locate(doc.at, p, t));
    let spec = Pointer::root().key("spec");
    let (source, sources) = (fields.get("source"), fields.get("sources"));
    match (source, sources) {
        (Some(_), Some(_)) => found.push(
            Diagnostic::error(
                Code::AppSource,
                format!("app `{name}` sets both `source` and `sources`"),
                locate(&spec.clone().key("sources"), Target::Key),
            )
            .with_help("Argo CD takes one: `source` for a single source, `sources` for several"),
        ),
        (None, None) => found.push(
            Diagnostic::error(
                Code::AppSource,
                format!("app `{name}` has no `source`"),
                locate(&spec, Target::Key),
            )
            .with_help(
                "add `source` (a `repoURL` with a `path` or a `chart`), or `sources` for several",
            ),
        ),
        _ => {}
    }

    // Each list of sources an Application can end up with. A single source is checked as the
    // app writes it (the clusters no override applies to get it) and with every override's
    // fields added (whichever apply, the source can have any of them).
    let mut lists: Vec<Vec<SourceKeys<'_>>> = Vec::new();
    if let Some(source) = source {
        let at = spec.clone().key("source");
        let mut own = SourceKeys::new(at.clone());
        own.add(source, &at, true);
        let mut keys = SourceKeys::new(at.clone());
        keys.add(source, &at, true);
        for (origin, o) in overrides {
            if let Some(patch) = o.get("source") {
                keys.add(patch, &origin.pointer().key("source"), false);
            }
        }
        lists.push(vec![own]);
        lists.push(vec![keys]);
    } else if let Some(sources) = sources {
        lists.push(list_keys(sources, &spec.clone().key("sources")));
    }
    for (origin, o) in overrides {
        let at = origin.pointer();
        let (field, base) = match (o.contains_key("source"), o.contains_key("sources")) {
            (true, _) if source.is_none() && sources.is_some() => ("source", "sources"),
            (_, true) if sources.is_none() && source.is_some() => ("sources", "source"),
            _ => ("", ""),
        };
        if !field.is_empty() {
            found.push(
                Diagnostic::error(
                    Code::AppSource,
                    format!(
                        "{} sets `{field}`, but app `{name}` has `{base}`",
                        match origin {
                            LayerOrigin::Override(i) => format!("override {i}"),
                            LayerOrigin::Stage(i) => format!("stage {i}"),
                        }
                    ),
                    locate(&at.clone().key(field), Target::Key),
                )
                .with_help(format!(
                    "an override changes the fields the app has: set `{base}` here (a list \
                     replaces the app's whole list), or let the field read a var \
                     (`{{{{ vars.version }}}}`) that the override sets"
                )),
            );
        }
        if let Some(sources) = o.get("sources").filter(|_| sources.is_some()) {
            lists.push(list_keys(sources, &at.clone().key("sources")));
        }
    }

    for list in &lists {
        for source in list {
            check_tools(source, &mut found, &locate);
        }
        if has_values {
            check_values_target(list, &mut found, &locate, source.is_some());
        }
        check_release_names(name, list, has_values, &mut found, &locate);
    }
    // A finding about what several lists share is reported once.
    let mut seen = Vec::new();
    found.retain(|d| {
        let key = (d.message.clone(), d.location.clone());
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    findings.diagnostics.extend(found);
}

fn list_keys<'a>(sources: &'a Value, at: &Pointer) -> Vec<SourceKeys<'a>> {
    sources
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, source)| {
            let here = at.clone().index(i);
            let mut keys = SourceKeys::new(here.clone());
            keys.add(source, &here, true);
            keys
        })
        .collect()
}

type Locate<'l> = dyn Fn(&Pointer, Target) -> Option<crate::diagnostic::Location> + 'l;

/// One tool per source; a chart only with Helm; a path or a chart, not both.
fn check_tools(source: &SourceKeys<'_>, found: &mut Vec<Diagnostic>, locate: &Locate<'_>) {
    let mut tools: Vec<(&str, &(usize, Pointer))> = TOOL_KEYS
        .iter()
        .filter_map(|t| source.keys.get_key_value(t).map(|(k, p)| (*k, p)))
        .collect();
    tools.sort_by_key(|(_, (order, _))| *order);
    let tools: Vec<(&str, &Pointer)> = tools.into_iter().map(|(k, (_, p))| (k, p)).collect();
    let dotted = source.at.dotted();
    if let [(first, _), (second, at), ..] = tools.as_slice() {
        found.push(
            Diagnostic::error(
                Code::AppSource,
                format!(
                    "`{dotted}` gets both `{first}` and `{second}` (at `{}`); Argo CD renders a \
                     source with one tool",
                    at.dotted()
                ),
                locate(at, Target::Key),
            )
            .with_help(
                "keep one of `helm`, `kustomize`, `directory` and `plugin`; an override changes \
                 a source's fields, not its tool",
            ),
        );
    }
    if let (Some(_), Some((tool, at))) = (
        source.keys.get("chart"),
        tools.iter().find(|(t, _)| *t != "helm"),
    ) {
        found.push(
            Diagnostic::error(
                Code::AppSource,
                format!("`{dotted}` names a chart, which Helm renders, but gets `{tool}` options"),
                locate(at, Target::Key),
            )
            .with_help("a chart takes `helm` options; `kustomize`, `directory` and `plugin` are for a `path`"),
        );
    }
    if let (Some(_), Some((_, chart))) = (source.keys.get("path"), source.keys.get("chart")) {
        found.push(
            Diagnostic::error(
                Code::AppSource,
                format!("`{dotted}` gets both `path` and `chart`"),
                locate(chart, Target::Key),
            )
            .with_help("use `path` for a directory in a git repo, or `chart` for a chart in a Helm repository"),
        );
    }
}

/// The app's values need exactly one source to go to.
fn check_values_target(
    list: &[SourceKeys<'_>],
    found: &mut Vec<Diagnostic>,
    locate: &Locate<'_>,
    single: bool,
) {
    let kinds: Vec<SourceKind> = list.iter().map(SourceKeys::kind).collect();
    let values = Pointer::parse("/spec/values");
    match values_target(&kinds) {
        ValuesTarget::One(_) => {}
        ValuesTarget::None => {
            let message = match (single, kinds.as_slice()) {
                (true, [kind]) => format!(
                    "`values` are Helm values, but this app's source is {}",
                    kind.describe()
                ),
                _ => format!(
                    "`values` are Helm values, but none of the sources in `{}` is a Helm source",
                    list.first().map(|s| s.at.dotted()).unwrap_or_default()
                ),
            };
            found.push(
                Diagnostic::error(Code::ValueType, message, locate(&values, Target::Key))
                    .with_help("remove `values` and the overrides' `values`, or deploy a chart (`chart`, or `helm` options on a path)"),
            );
        }
        ValuesTarget::Several(several) => {
            let named: Vec<String> = several
                .iter()
                .map(|i| format!("`{}`", list[*i].at.dotted()))
                .collect();
            found.push(
                Diagnostic::error(
                    Code::ValueType,
                    format!(
                        "`values` go to the app's one Helm source, but {} could each take them",
                        named.join(" and ")
                    ),
                    locate(&values, Target::Key),
                )
                .with_help("keep one chart per app, or give the others their values in files (`helm.valueFiles`); a path that is not a chart takes `directory: {}` or `kustomize: {}`"),
            );
        }
    }
}

/// Each Helm source's release name: as written, or the app's name by default.
fn check_release_names(
    name: &str,
    list: &[SourceKeys<'_>],
    has_values: bool,
    found: &mut Vec<Diagnostic>,
    locate: &Locate<'_>,
) {
    let kinds: Vec<SourceKind> = list.iter().map(SourceKeys::kind).collect();
    let target = match values_target(&kinds) {
        ValuesTarget::One(i) if has_values => Some(i),
        _ => None,
    };
    for (i, source) in list.iter().enumerate() {
        if !(source.kind().is_helm() || target == Some(i)) {
            continue;
        }
        for (at, release) in &source.release_names {
            if is_templated(release) {
                continue;
            }
            let problems = release_name_problems(release);
            if !problems.is_empty() {
                found.push(
                    Diagnostic::error(
                        Code::InvalidName,
                        format!(
                            "`{release}` is not a valid Helm release name: {}",
                            problems.join("; ")
                        ),
                        locate(at, Target::Value),
                    )
                    .with_help("Helm names a release with at most 53 lowercase letters, digits, `-` and `.`"),
                );
            }
        }
        if !source.names_its_release && name.len() > MAX_RELEASE_NAME {
            found.push(
                Diagnostic::error(
                    Code::InvalidName,
                    format!(
                        "the Helm release name of app `{name}` is its name by default, {} \
                         characters; Helm allows at most {MAX_RELEASE_NAME}",
                        name.len()
                    ),
                    locate(&Pointer::parse("/metadata/name"), Target::Value),
                )
                .with_help(format!(
                    "set `helm.releaseName` on `{}`, or shorten the app's name",
                    source.at.dotted()
                )),
            );
        }
    }
}
