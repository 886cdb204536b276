//! An ApplicationSet with a cluster generator, turned into a fleetc App, and the Applications
//! Argo CD would generate from it for the imported clusters, to compare the App's rendering
//! with.
//!
//! The generator's selector becomes the App's placement, its `values` the App's `vars` (a value
//! that is itself a template is written into the templates that read it, as fleetc's `vars`
//! are data), and each templated string of the Application template a fleetc template. The
//! Application name pattern is kept (`applicationName`), and so is Argo CD's default Helm
//! release name, the Application's name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::objects::{Object, application_sources};
use super::patch::{Constant, POINTER, TemplatePatch, strategic_merge};
use super::secret::Imported as Cluster;
use super::template::eval::{self, Mode};
use super::template::translate::{self, Names};
use super::template::{Language, Template};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Target};
use crate::model::APPLICATION_FIELDS;
use crate::render::{IN_CLUSTER_SERVER, RESOURCES_FINALIZER};
use crate::selector::syntax::dns1123_label_problems;
use crate::selector::{LabelSelector, LabelSelectorRequirement, Selector};

/// An ApplicationSet, imported.
#[derive(Debug, Clone)]
pub(super) struct Imported {
    pub(super) name: String,
    /// The App document.
    pub(super) document: Value,
    /// What Argo CD generates, by cluster: the Application (in fleetc's comparison form).
    pub(super) expected: BTreeMap<String, Value>,
    /// Where the ApplicationSet is, for the report.
    pub(super) object: Object,
    /// Application names Argo CD generates for several clusters (it then drops them all), with
    /// those clusters: fleetc names them apart, and the comparison shows them as differences.
    pub(super) collisions: Vec<(String, Vec<String>)>,
}

/// The fields of an Application template an App carries over as they are (the destination is
/// the generated cluster, and only its namespace is carried).
pub(super) fn carried_fields() -> impl Iterator<Item = &'static str> {
    APPLICATION_FIELDS
        .into_iter()
        .filter(|f| *f != "destination")
}

/// Why an ApplicationSet is left out: where (a JSON pointer into it), and why.
type Refusal = (String, String);

fn refuse<T>(pointer: impl Into<String>, why: impl Into<String>) -> Result<T, Refusal> {
    Err((pointer.into(), why.into()))
}

/// Reads an ApplicationSet into one App (one per element of a matrix's list); none, with a
/// finding that says why, when fleetc cannot express it exactly.
pub(super) fn import(
    set: &Object,
    files: &Files,
    clusters: &[Cluster],
    findings: &mut Vec<Diagnostic>,
) -> Vec<Imported> {
    match build(set, clusters) {
        Ok(apps) => apps,
        Err((pointer, why)) => {
            findings.push(Diagnostic::error(
                Code::Import,
                format!("ApplicationSet `{}` is left out: {why}", set.name()),
                Some(set.locate(files, &pointer, target_of(&set.value, &pointer))),
            ));
            Vec::new()
        }
    }
}

/// A cluster generator: its selector and its values (each read as a template).
struct ClusterGenerator {
    pointer: String,
    /// Whether Argo CD adds its local `in-cluster` (an empty selector does) and the
    /// post-selector keeps it.
    adds_in_cluster: bool,
    /// The selector as written and the post-selector as Argo CD reads them (over the Secret's
    /// labels, over the flattened parameters), to find what Argo CD generates without going
    /// through the placement `selector` makes of them.
    own: Selector,
    post: Option<Selector>,
    selector: LabelSelector,
    raw: Map<String, Value>,
    values: BTreeMap<String, Template>,
}

impl ClusterGenerator {
    /// Whether Argo CD generates parameters for the cluster: its Secret's labels match the
    /// selector, and its flattened parameters the post-selector.
    fn generates_for(&self, cluster: &Cluster) -> bool {
        self.own.matches(&text_map(&cluster.secret_labels))
            && self
                .post
                .as_ref()
                .is_none_or(|p| p.matches(&flattened(params(cluster).as_object().expect("a map"))))
    }
}

/// What an ApplicationSet's generators make: a cluster generator, what is merged over it (in
/// order), and the elements of a list it is multiplied with.
struct Generators {
    base: ClusterGenerator,
    merged: Vec<Merged>,
    elements: Vec<Map<String, Value>>,
}

/// A generator merged over the base: cluster generators, whose values go to the clusters they
/// select, or a list whose elements name a cluster (by the merge key) and give it values.
enum Merged {
    Clusters(ClusterGenerator),
    List(Vec<ListEntry>),
}

/// A list element of a merge: the cluster it names (`name` or `server`, and the value) and the
/// values it gives it.
struct ListEntry {
    key: String,
    cluster: String,
    values: Map<String, Value>,
}

impl ListEntry {
    /// The imported cluster the entry names, if any (Argo CD drops an entry that names none).
    fn cluster<'c>(&self, clusters: &'c [Cluster]) -> Option<&'c Cluster> {
        clusters.iter().find(|c| match self.key.as_str() {
            "server" => c.server == self.cluster,
            _ => c.name == self.cluster,
        })
    }
}

/// The names Argo CD's cluster generator gives every parameter set.
const CLUSTER_PARAMS: [&str; 6] = [
    "name",
    "nameNormalized",
    "server",
    "project",
    "metadata",
    "values",
];

fn read_generators(set: &Object, language: Language) -> Result<Generators, Refusal> {
    let list = set
        .value
        .pointer("/spec/generators")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let generator = match list.as_slice() {
        [one] => one.clone(),
        [] => return refuse("/spec", "it has no generator"),
        _ => {
            return refuse(
                "/spec/generators/1",
                "fleetc import reads one generator per ApplicationSet (several give the union of their Applications)",
            );
        }
    };
    let (kind, body, post) = only_kind(&generator, "/spec/generators/0")?;
    let at = format!("/spec/generators/0/{kind}");
    if kind != "clusters" {
        Post::refused(post.as_ref(), &kind)?;
    }
    match kind.as_str() {
        "clusters" => Ok(Generators {
            base: cluster_generator(&body, &at, language, &[], post.as_ref())?,
            merged: Vec::new(),
            elements: Vec::new(),
        }),
        "merge" => {
            let keys: Vec<&str> = body["mergeKeys"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if keys.is_empty() || !keys.iter().all(|k| ["server", "name"].contains(k)) {
                return refuse(
                    format!("{at}/mergeKeys"),
                    "fleetc import merges cluster generators on `server` or `name`, the cluster itself",
                );
            }
            let children = body["generators"].as_array().cloned().unwrap_or_default();
            let mut base = None;
            let mut merged = Vec::new();
            for (i, child) in children.iter().enumerate() {
                let here = format!("{at}/generators/{i}");
                let (kind, body, post) = only_kind(child, &here)?;
                if kind != "clusters" {
                    Post::refused(post.as_ref(), &kind)?;
                }
                match (kind.as_str(), base.is_some()) {
                    ("clusters", false) => {
                        base = Some(cluster_generator(
                            &body,
                            &format!("{here}/clusters"),
                            language,
                            &[],
                            post.as_ref(),
                        )?);
                    }
                    ("clusters", true) => merged.push(Merged::Clusters(cluster_generator(
                        &body,
                        &format!("{here}/clusters"),
                        language,
                        &[],
                        post.as_ref(),
                    )?)),
                    ("list", true) => merged.push(Merged::List(merge_list(
                        &body,
                        &format!("{here}/list"),
                        &keys,
                        language,
                    )?)),
                    _ => {
                        return refuse(
                            format!("{here}/{kind}"),
                            "fleetc import merges cluster generators and lists over a first cluster generator",
                        );
                    }
                }
            }
            let Some(base) = base else {
                return refuse(at, "the merge has no generator");
            };
            for entry in merged.iter().flat_map(|m| match m {
                Merged::List(entries) => entries.as_slice(),
                Merged::Clusters(_) => &[],
            }) {
                if let Some(key) = entry
                    .values
                    .keys()
                    .find(|k| base.values.get(*k).is_some_and(|b| !b.is_literal()))
                {
                    return refuse(
                        format!("{}/values/{key}", base.pointer),
                        "a templated value that a merged list replaces is not read yet",
                    );
                }
            }
            for g in merged.iter().filter_map(|m| match m {
                Merged::Clusters(g) => Some(g),
                Merged::List(_) => None,
            }) {
                for (key, t) in &g.values {
                    if !t.is_literal() {
                        return refuse(
                            format!("{}/values/{key}", g.pointer),
                            "a template in a merged generator's values is not read yet",
                        );
                    }
                    if base.values.get(key).is_some_and(|b| !b.is_literal()) {
                        return refuse(
                            format!("{}/values/{key}", base.pointer),
                            "a templated value that a merged generator replaces is not read yet",
                        );
                    }
                }
            }
            Ok(Generators {
                base,
                merged,
                elements: Vec::new(),
            })
        }
        "matrix" => {
            let children = body["generators"].as_array().cloned().unwrap_or_default();
            if children.len() != 2 {
                return refuse(
                    at,
                    "fleetc import reads a matrix of a cluster generator and a list",
                );
            }
            let mut base = None;
            let mut elements = None;
            for (i, child) in children.iter().enumerate() {
                let here = format!("{at}/generators/{i}");
                let (kind, body, post) = only_kind(child, &here)?;
                match kind.as_str() {
                    "list" => {
                        let listed = list_elements(&body, &format!("{here}/list"))?;
                        elements = Some(match post {
                            Some(post) => post.keep(listed)?,
                            None => listed,
                        });
                    }
                    "clusters" => base = Some((body, format!("{here}/clusters"), post)),
                    _ => {
                        return refuse(
                            format!("{here}/{kind}"),
                            "fleetc import reads a matrix of a cluster generator and a list",
                        );
                    }
                }
            }
            let (Some((body, here, post)), Some(elements)) = (base, elements) else {
                return refuse(
                    at,
                    "fleetc import reads a matrix of a cluster generator and a list",
                );
            };
            let keys: Vec<String> = element_keys(&elements).into_iter().collect();
            let base = cluster_generator(&body, &here, language, &keys, post.as_ref())?;
            for key in &keys {
                if CLUSTER_PARAMS.contains(&key.as_str()) || base.values.contains_key(key) {
                    return refuse(
                        format!("{at}/generators"),
                        format!("the list's `{key}` is also a parameter of the cluster generator"),
                    );
                }
            }
            Ok(Generators {
                base,
                merged: Vec::new(),
                elements,
            })
        }
        _ => refuse(
            at,
            format!(
                "the `{kind}` generator has no fleetc equivalent yet (fleetc import reads the cluster generator, alone, merged with cluster generators, or in a matrix with a list, and a list alone): its Applications depend on {}",
                match kind.as_str() {
                    "git" => "a repository's files, read at runtime",
                    "scmProvider" | "pullRequest" => "an SCM provider's API, read at runtime",
                    "plugin" => "a plugin's answer at runtime",
                    "list" => "a list alone, with no cluster generator",
                    _ => "what fleetc import does not read yet",
                }
            ),
        ),
    }
}

/// The elements of a list merged over cluster generators: each names a cluster by a merge key
/// and gives it values (`values: {…}` under goTemplate, `values.x` keys under fasttemplate),
/// and nothing else.
fn merge_list(
    body: &Value,
    at: &str,
    keys: &[&str],
    language: Language,
) -> Result<Vec<ListEntry>, Refusal> {
    let mut entries = Vec::new();
    for (i, element) in list_elements(body, at)?.into_iter().enumerate() {
        let here = format!("{at}/elements/{i}");
        let mut entry: Option<ListEntry> = None;
        let mut values = Map::new();
        for (k, v) in element {
            if let Some(value) = keys.contains(&k.as_str()).then(|| v.as_str()).flatten() {
                entry.get_or_insert(ListEntry {
                    key: k.clone(),
                    cluster: value.to_owned(),
                    values: Map::new(),
                });
            } else if k == "values" && language == Language::Go && v.is_object() {
                values.extend(v.as_object().cloned().unwrap_or_default());
            } else if let (Some(name), Language::Fast) = (k.strip_prefix("values."), language) {
                values.insert(name.to_owned(), v);
            } else {
                return refuse(
                    format!("{here}/{k}"),
                    "an element of a merged list gives a cluster values, named by the merge key; other parameters are not read yet",
                );
            }
        }
        let Some(mut entry) = entry else {
            return refuse(here, "the element names no cluster by the merge key");
        };
        for (k, v) in &values {
            let literal = v
                .as_str()
                .is_some_and(|t| Template::parse(t, language).is_ok_and(|t| t.is_literal()));
            if !literal {
                return refuse(
                    format!("{here}/values"),
                    format!("the value `{k}` is not literal text"),
                );
            }
        }
        entry.values = values;
        entries.push(entry);
    }
    Ok(entries)
}

/// A generator's one kind (`clusters`, `list`, …), its body, and its post-selector (with
/// where it is), which filters the parameter sets the generator makes.
fn only_kind(generator: &Value, at: &str) -> Result<(String, Value, Option<Post>), Refusal> {
    let Some(map) = generator.as_object() else {
        return refuse(at, "the generator is not a map");
    };
    let post = match map.get("selector") {
        Some(s) if s.as_object().is_some_and(|m| !m.is_empty()) => {
            let pointer = format!("{at}/selector");
            let selector: LabelSelector = serde_json::from_value(s.clone()).map_err(|e| {
                (
                    pointer.clone(),
                    format!("its post-selector is not a label selector ({e})"),
                )
            })?;
            Some(Post { selector, pointer })
        }
        _ => None,
    };
    let kinds: Vec<&String> = map.keys().filter(|k| *k != "selector").collect();
    match kinds.as_slice() {
        [kind] => Ok(((*kind).clone(), map[kind.as_str()].clone(), post)),
        [] => refuse(at, "the generator is empty"),
        _ => refuse(at, "a generator has one kind"),
    }
}

/// A generator's post-selector: a label selector over each parameter set it makes, flattened
/// to dotted keys (`metadata.labels.environment`, `name`, a list element's own keys).
struct Post {
    selector: LabelSelector,
    pointer: String,
}

impl Post {
    /// Refuses a post-selector where fleetc import does not read one.
    fn refused(post: Option<&Post>, on: &str) -> Result<(), Refusal> {
        match post {
            Some(p) => refuse(
                p.pointer.clone(),
                format!(
                    "a post-selector on a `{on}` generator is not read yet: put it on the cluster generator or the list"
                ),
            ),
            None => Ok(()),
        }
    }

    /// The post-selector of a cluster generator as requirements on the clusters' labels (what
    /// it reads of `metadata.labels.<key>`): anything else it reads is refused.
    fn on_labels(&self) -> Result<Vec<LabelSelectorRequirement>, Refusal> {
        let label = |key: &str| {
            key.strip_prefix("metadata.labels.").map(str::to_owned).ok_or_else(|| {
                (
                    self.pointer.clone(),
                    format!(
                        "its post-selector reads `{key}`; fleetc import reads a cluster generator's post-selector on labels (`metadata.labels.<key>`), which becomes part of the placement"
                    ),
                )
            })
        };
        let mut requirements = Vec::new();
        for (key, value) in &self.selector.match_labels {
            requirements.push(LabelSelectorRequirement {
                key: label(key)?,
                operator: "In".into(),
                values: vec![value.clone()],
            });
        }
        for r in &self.selector.match_expressions {
            requirements.push(LabelSelectorRequirement {
                key: label(&r.key)?,
                ..r.clone()
            });
        }
        Ok(requirements)
    }

    fn compiled(&self) -> Result<Selector, Refusal> {
        compile(&self.selector, &self.pointer, "post-selector")
    }

    /// The list elements the post-selector keeps.
    fn keep(&self, elements: Vec<Map<String, Value>>) -> Result<Vec<Map<String, Value>>, Refusal> {
        let compiled = self.compiled()?;
        Ok(elements
            .into_iter()
            .filter(|element| compiled.matches(&flattened(element)))
            .collect())
    }
}

/// Parameters as a post-selector sees them, flattened: nested maps and lists by dotted keys,
/// scalars as Go prints them.
fn flattened(params: &Map<String, Value>) -> BTreeMap<String, String> {
    let mut flat = BTreeMap::new();
    for (k, v) in params {
        flatten(k, v, &mut flat);
    }
    flat
}

/// A selector, compiled, or why not (`what` it is, at `pointer`).
fn compile(selector: &LabelSelector, pointer: &str, what: &str) -> Result<Selector, Refusal> {
    Selector::compile(selector).map_err(|e| {
        let why = e
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        (pointer.to_owned(), format!("its {what} is invalid: {why}"))
    })
}

/// A parameter's flattened entries: `key` for a scalar, `key.sub` and `key.0` within.
fn flatten(key: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| flatten(&format!("{key}.{k}"), v, out)),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&format!("{key}.{i}"), v, out)),
        Value::String(s) => {
            out.insert(key.to_owned(), s.clone());
        }
        Value::Null => {
            out.insert(key.to_owned(), "<nil>".to_owned());
        }
        other => {
            out.insert(key.to_owned(), other.to_string());
        }
    }
}

fn cluster_generator(
    body: &Value,
    at: &str,
    language: Language,
    extra: &[String],
    post: Option<&Post>,
) -> Result<ClusterGenerator, Refusal> {
    if body
        .get("template")
        .is_some_and(|t| t.as_object().is_some_and(|m| !m.is_empty()))
    {
        return refuse(
            format!("{at}/template"),
            "a generator's own template is not read yet",
        );
    }
    let mut selector: LabelSelector = serde_json::from_value(
        body.get("selector").cloned().unwrap_or(json!({})),
    )
    .map_err(|e| {
        (
            format!("{at}/selector"),
            format!("its selector is not a label selector ({e})"),
        )
    })?;
    let own = compile(&selector, &format!("{at}/selector"), "selector")?;
    let post = match post {
        Some(post) => {
            selector.match_expressions.extend(post.on_labels()?);
            compile(&selector, &post.pointer, "post-selector")?;
            Some(post.compiled()?)
        }
        None => None,
    };
    let in_cluster =
        json!({"name": "in-cluster", "nameNormalized": "in-cluster", "server": IN_CLUSTER_SERVER});
    let adds_in_cluster = own.is_everything()
        && post
            .as_ref()
            .is_none_or(|p| p.matches(&flattened(in_cluster.as_object().expect("a map"))));
    let raw: Map<String, Value> = body
        .get("values")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut values = BTreeMap::new();
    for (key, value) in &raw {
        let here = format!("{at}/values/{key}");
        let Some(text) = value.as_str() else {
            return refuse(here, "generator values are text");
        };
        let t = Template::parse_with(text, language, extra).map_err(|e| (here, e.message))?;
        values.insert(key.clone(), t);
    }
    Ok(ClusterGenerator {
        pointer: at.to_owned(),
        adds_in_cluster,
        own,
        post,
        selector,
        raw,
        values,
    })
}

fn list_elements(body: &Value, at: &str) -> Result<Vec<Map<String, Value>>, Refusal> {
    for key in ["elementsYaml", "template"] {
        if body.get(key).is_some() {
            return refuse(
                format!("{at}/{key}"),
                format!("a list's `{key}` is not read yet"),
            );
        }
    }
    let elements = body["elements"].as_array().cloned().unwrap_or_default();
    if elements.is_empty() {
        return refuse(at, "the list has no elements");
    }
    elements
        .into_iter()
        .enumerate()
        .map(|(i, e)| match e {
            Value::Object(map) => Ok(map),
            _ => refuse(format!("{at}/elements/{i}"), "a list element is a map"),
        })
        .collect()
}

fn element_keys(elements: &[Map<String, Value>]) -> BTreeSet<String> {
    elements.iter().flat_map(|e| e.keys().cloned()).collect()
}

/// The App names of a matrix's elements: `<set>-<a value that names the element>`, or
/// `<set>-<n>` where no value does.
fn element_names(set: &str, elements: &[Map<String, Value>]) -> Vec<String> {
    let named: Vec<Option<String>> = elements
        .iter()
        .map(|e| {
            e.values()
                .filter_map(Value::as_str)
                .map(|v| format!("{set}-{v}"))
                .find(|n| dns1123_label_problems(n).is_empty())
        })
        .collect();
    let unique = named.iter().flatten().collect::<BTreeSet<_>>().len() == named.len()
        && named.iter().all(Option::is_some);
    named
        .into_iter()
        .enumerate()
        .map(|(i, n)| match n {
            Some(n) if unique => n,
            _ => format!("{set}-{}", i + 1),
        })
        .collect()
}

fn build(set: &Object, clusters: &[Cluster]) -> Result<Vec<Imported>, Refusal> {
    let name = set.name().to_owned();
    let language = if set.value.pointer("/spec/goTemplate") == Some(&Value::Bool(true)) {
        Language::Go
    } else {
        Language::Fast
    };
    let missing_is_error = set
        .value
        .pointer("/spec/goTemplateOptions")
        .and_then(Value::as_array)
        .is_some_and(|o| o.iter().any(|v| v == "missingkey=error"));
    let mode = Mode {
        language,
        missing_is_error,
    };
    if let Some([generator]) = set
        .value
        .pointer("/spec/generators")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        && generator.get("list").is_some()
    {
        return build_list(set, clusters, generator, mode);
    }
    let generators = read_generators(set, language)?;
    let Some(template) = set.value.pointer("/spec/template").cloned() else {
        return refuse("/spec", "it has no `template`");
    };
    let keys: Vec<String> = element_keys(&generators.elements).into_iter().collect();
    let patch =
        TemplatePatch::read(&set.value, language, &keys).map_err(|e| (POINTER.into(), e))?;
    if patch.is_none() {
        check_template(
            &template,
            language,
            "/spec/template",
            Destination::Generated,
        )?;
    }
    let preserve = preserves(set);

    // Which clusters the base generator selects, as Argo CD sees them.
    let base = &generators.base;
    let mut selected: Vec<&Cluster> = clusters.iter().filter(|c| base.generates_for(c)).collect();
    if base.adds_in_cluster && !selected.iter().any(|c| c.server == IN_CLUSTER_SERVER) {
        return refuse(
            base.pointer.clone(),
            "its selector is empty, so Argo CD also generates an Application for its local `in-cluster`, which has no cluster Secret: import the hub's own cluster Secret, or select clusters by label",
        );
    }
    selected.sort_by(|a, b| a.name.cmp(&b.name));

    let elements: Vec<(String, Option<&Map<String, Value>>)> = if generators.elements.is_empty() {
        vec![(name.clone(), None)]
    } else {
        element_names(&name, &generators.elements)
            .into_iter()
            .zip(generators.elements.iter().map(Some))
            .collect()
    };
    let mut apps = Vec::new();
    for (app_name, element) in elements {
        let names = ArgoNames {
            values: &base.values,
            element: &keys,
        };
        let folded = fold_patch(
            &template,
            patch.as_ref(),
            &Constant {
                element,
                values: constant_values(&generators),
            },
            mode,
            Destination::Generated,
        )?;
        let document = app_document(
            &app_name,
            &folded,
            Placing::of_generators(&generators, clusters, element),
            language,
            &names,
            preserve,
            &keys,
        )?;
        let mut expected = BTreeMap::new();
        for cluster in &selected {
            let mut params = params(cluster);
            let mut values = interpolate(base, &params, mode, &cluster.name)?;
            for m in &generators.merged {
                match m {
                    Merged::Clusters(g) => {
                        if g.generates_for(cluster) {
                            values.extend(interpolate(g, &params, mode, &cluster.name)?);
                        }
                    }
                    Merged::List(entries) => {
                        for entry in entries {
                            if entry
                                .cluster(clusters)
                                .is_some_and(|c| c.name == cluster.name)
                            {
                                values.extend(entry.values.clone());
                            }
                        }
                    }
                }
            }
            params["values"] = Value::Object(values);
            if let Some(element) = element {
                for (k, v) in element {
                    params[k.as_str()] = v.clone();
                }
            }
            let (_, application) = generated(
                &template,
                patch.as_ref(),
                mode,
                &params,
                Goes::Generated(&cluster.name),
                &set_namespace(set),
                preserve,
                &keys,
            )?;
            expected.insert(cluster.name.clone(), application);
        }
        apps.push(Imported {
            name: app_name,
            document,
            expected,
            object: set.clone(),
            collisions: Vec::new(),
        });
    }
    name_apart(&mut apps);
    Ok(apps)
}

/// The Application template with the patch folded into it (and checked again), when there is
/// one.
fn fold_patch(
    template: &Value,
    patch: Option<&TemplatePatch>,
    constant: &Constant<'_>,
    mode: Mode,
    destination: Destination,
) -> Result<Value, Refusal> {
    let mut folded = template.clone();
    let Some(patch) = patch else {
        return Ok(folded);
    };
    let written = patch
        .fold(constant, mode)
        .map_err(|e| (POINTER.to_owned(), e))?;
    if let Some(key) = written
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .find(|k| *k != "metadata" && *k != "spec")
    {
        return refuse(
            POINTER,
            format!("its `templatePatch` sets `{key}`, which is not an Application template's"),
        );
    }
    strategic_merge(&mut folded, &written);
    check_template(&folded, mode.language, POINTER, destination)?;
    Ok(folded)
}

/// What an Application template's destination must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// The cluster the cluster generator generates (`{{server}}` or `{{name}}`).
    Generated,
    /// Whatever the list element names: each element's is looked up among the clusters.
    Named,
}

/// Refuses an Application template fleetc cannot carry: a field it does not read, a
/// destination other than the generated cluster, finalizers other than its own. `at` is the
/// template (its fields are pointed at) or the patch folded into it (pointed at as a whole).
fn check_template(
    template: &Value,
    language: Language,
    at: &str,
    wanted: Destination,
) -> Result<(), Refusal> {
    let here = |within: &str| {
        if at == POINTER {
            at.to_owned()
        } else {
            format!("{at}{within}")
        }
    };
    let spec = template.get("spec").cloned().unwrap_or(json!({}));
    for key in spec.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !APPLICATION_FIELDS.contains(&key.as_str()) {
            return refuse(
                here(&format!("/spec/{key}")),
                format!("`spec.{key}` of an Application template is not read yet"),
            );
        }
    }
    let destination = spec.get("destination").cloned().unwrap_or(json!({}));
    let to_cluster = match (
        destination.get("server").and_then(Value::as_str),
        destination.get("name").and_then(Value::as_str),
    ) {
        (Some(s), None) => is_param(s, "server", language),
        (None, Some(n)) => is_param(n, "name", language),
        _ => false,
    };
    if wanted == Destination::Generated && !to_cluster {
        return refuse(
            here("/spec/destination"),
            "its destination is not the generated cluster (`server: '{{server}}'` or `name: '{{name}}'`), and fleetc deploys each placement to its cluster",
        );
    }
    if let Some(finalizers) = template
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        && finalizers.as_slice() != [Value::from(RESOURCES_FINALIZER)]
    {
        return refuse(
            here("/metadata/finalizers"),
            format!("fleetc gives Applications the finalizer `{RESOURCES_FINALIZER}` or none"),
        );
    }
    Ok(())
}

/// The generator values a patch may read as the same on every cluster of an App: the base
/// generator's literal values that nothing merged over it sets.
fn constant_values(generators: &Generators) -> Map<String, Value> {
    let mut values = literal_values(&generators.base);
    for m in &generators.merged {
        match m {
            Merged::Clusters(g) => g.values.keys().for_each(|k| {
                values.remove(k);
            }),
            Merged::List(entries) => entries.iter().flat_map(|e| e.values.keys()).for_each(|k| {
                values.remove(k);
            }),
        }
    }
    values
}

/// Whether the ApplicationSet keeps its Applications' resources when it deletes them.
fn preserves(set: &Object) -> bool {
    set.value
        .pointer("/spec/syncPolicy/preserveResourcesOnDeletion")
        == Some(&Value::Bool(true))
}

/// A list generator alone: each element makes one Application, which goes where its
/// destination says. Each becomes an App (as a matrix's elements do) placed on that cluster,
/// with the element's parameters as its vars.
fn build_list(
    set: &Object,
    clusters: &[Cluster],
    generator: &Value,
    mode: Mode,
) -> Result<Vec<Imported>, Refusal> {
    let name = set.name().to_owned();
    let (_, body, post) = only_kind(generator, "/spec/generators/0")?;
    let mut elements = list_elements(&body, "/spec/generators/0/list")?;
    if let Some(post) = post {
        elements = post.keep(elements)?;
    }
    let Some(template) = set.value.pointer("/spec/template").cloned() else {
        return refuse("/spec", "it has no `template`");
    };
    let keys: Vec<String> = element_keys(&elements).into_iter().collect();
    let patch =
        TemplatePatch::read(&set.value, mode.language, &keys).map_err(|e| (POINTER.into(), e))?;
    if patch.is_none() {
        check_template(
            &template,
            mode.language,
            "/spec/template",
            Destination::Named,
        )?;
    }
    let preserve = preserves(set);
    let names = ListNames { element: &keys };
    let mut apps = Vec::new();
    for (i, (app_name, element)) in element_names(&name, &elements)
        .into_iter()
        .zip(&elements)
        .enumerate()
    {
        let (cluster, application) = generated(
            &template,
            patch.as_ref(),
            mode,
            &Value::Object(element.clone()),
            Goes::Named(clusters, i),
            &set_namespace(set),
            preserve,
            &keys,
        )?;
        let constant = Constant {
            element: Some(element),
            values: Map::new(),
        };
        let folded = fold_patch(
            &template,
            patch.as_ref(),
            &constant,
            mode,
            Destination::Named,
        )?;
        let placing = Placing {
            placement: json!({"clusters": [cluster]}),
            vars: element.clone(),
            overrides: Vec::new(),
        };
        let document = app_document(
            &app_name,
            &folded,
            placing,
            mode.language,
            &names,
            preserve,
            &keys,
        )?;
        apps.push(Imported {
            name: app_name,
            document,
            expected: BTreeMap::from([(cluster, application)]),
            object: set.clone(),
            collisions: Vec::new(),
        });
    }
    name_apart(&mut apps);
    Ok(apps)
}

/// Argo CD drops every Application whose name another one of the set also has. fleetc would
/// refuse the fleet, so the clusters involved get their name as a suffix (only they), and what
/// Argo CD generates for them is nothing: the comparison reports each.
fn name_apart(apps: &mut [Imported]) {
    let mut by_name: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for (i, app) in apps.iter().enumerate() {
        for (cluster, application) in &app.expected {
            if let Some(name) = application
                .pointer("/metadata/name")
                .and_then(Value::as_str)
            {
                by_name
                    .entry(name.to_owned())
                    .or_default()
                    .push((i, cluster.clone()));
            }
        }
    }
    let mut renamed: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (name, users) in by_name.into_iter().filter(|(_, u)| u.len() > 1) {
        for (i, cluster) in &users {
            apps[*i].expected.remove(cluster);
            renamed.entry(*i).or_default().insert(cluster.clone());
        }
        let clusters = users.iter().map(|(_, c)| c.clone()).collect();
        apps[users[0].0].collisions.push((name, clusters));
    }
    for (i, clusters) in renamed {
        let listed: Vec<String> = clusters
            .iter()
            .map(|c| serde_json::to_string(c).expect("a string serializes"))
            .collect();
        if let Some(Value::String(pattern)) = apps[i].document.pointer_mut("/spec/applicationName")
        {
            let _ = write!(
                pattern,
                "{{% if cluster.name in [{}] %}}-{{{{ cluster.name }}}}{{% endif %}}",
                listed.join(", ")
            );
        }
    }
}

fn set_namespace(set: &Object) -> String {
    set.text("/metadata/namespace")
        .unwrap_or("argocd")
        .to_owned()
}

/// A generator's values for one cluster, as Argo CD interpolates them.
fn interpolate(
    generator: &ClusterGenerator,
    params: &Value,
    mode: Mode,
    cluster: &str,
) -> Result<Map<String, Value>, Refusal> {
    let mut values = Map::new();
    for (key, t) in &generator.values {
        let here = format!("{}/values/{key}", generator.pointer);
        let w = eval::write(t, params, mode).map_err(|e| {
            (
                here.clone(),
                format!("on cluster `{cluster}`, Argo CD fails it: {e}"),
            )
        })?;
        if !w.missing.is_empty() {
            return refuse(here, missing(cluster, &w.missing, mode.language));
        }
        values.insert(key.clone(), w.text.into());
    }
    Ok(values)
}

/// Where an Application Argo CD generates goes.
#[derive(Clone, Copy)]
enum Goes<'c> {
    /// To the cluster the cluster generator generated it for.
    Generated(&'c str),
    /// Where its destination says, among these clusters; the list element that made it (its
    /// index) is pointed at when no cluster is there.
    Named(&'c [Cluster], usize),
}

/// The Application Argo CD generates from the template for one parameter set, and the cluster
/// it goes to.
#[allow(
    clippy::too_many_arguments,
    reason = "two call sites, each argument a part of the generation"
)]
fn generated(
    template: &Value,
    patch: Option<&TemplatePatch>,
    mode: Mode,
    params: &Value,
    goes: Goes<'_>,
    namespace: &str,
    preserve: bool,
    extra: &[String],
) -> Result<(String, Value), Refusal> {
    let label = match goes {
        Goes::Generated(cluster) => cluster.to_owned(),
        Goes::Named(_, i) => format!("list element {}", i + 1),
    };
    let mut application = template.clone();
    write_strings(
        &mut application,
        "/spec/template",
        mode,
        params,
        &label,
        extra,
    )?;
    application["apiVersion"] = "argoproj.io/v1alpha1".into();
    application["kind"] = "Application".into();
    if application.pointer("/metadata/finalizers").is_none() && !preserve {
        application["metadata"]["finalizers"] = json!([RESOURCES_FINALIZER]);
    }
    let to = |a: &Value| {
        a.pointer("/spec/destination")
            .map(|d| (d.get("server").cloned(), d.get("name").cloned()))
    };
    let before = to(&application);
    if let Some(patch) = patch {
        patch
            .apply(&mut application, params, mode)
            .map_err(|e| (POINTER.to_owned(), format!("on cluster `{label}`, {e}")))?;
        if matches!(goes, Goes::Generated(_)) && to(&application) != before {
            return refuse(
                POINTER,
                format!(
                    "on cluster `{label}`, its `templatePatch` sends the Application elsewhere than the generated cluster"
                ),
            );
        }
    }
    let cluster = match goes {
        Goes::Generated(cluster) => cluster.to_owned(),
        Goes::Named(clusters, i) => {
            let element = format!("/spec/generators/0/list/elements/{i}");
            let found = match to(&application) {
                Some((Some(Value::String(server)), None)) => {
                    clusters.iter().find(|c| c.server == server)
                }
                Some((None, Some(Value::String(name)))) => clusters.iter().find(|c| c.name == name),
                _ => {
                    return refuse(
                        element,
                        "its Application's destination names neither one `server` nor one `name`",
                    );
                }
            };
            let Some(found) = found else {
                let (server, name) = to(&application).unwrap_or_default();
                let named = server
                    .or(name)
                    .map(|v| v.as_str().unwrap_or_default().to_owned())
                    .unwrap_or_default();
                return refuse(
                    element,
                    format!(
                        "its Application goes to `{named}`, which is no imported cluster's server or name: import that cluster's Secret too"
                    ),
                );
            };
            found.name.clone()
        }
    };
    application["metadata"]["namespace"] = namespace.into();
    let Some(app_name) = application
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return refuse(
            "/spec/template/metadata/name",
            "its template names no Application",
        );
    };
    if let Some(spec) = application.get_mut("spec").and_then(Value::as_object_mut) {
        default_release_names(spec, &app_name);
        spec.insert(
            "destination".into(),
            match destination_namespace(spec) {
                Some(ns) => json!({"name": cluster, "namespace": ns}),
                None => json!({"name": cluster}),
            },
        );
    }
    Ok((cluster, application))
}

/// The App: the template translated, placed by the base generator's selector, with the base's
/// literal values (and the element's parameters) as vars and each merged generator an override.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site, each argument a part of the App"
)]
fn app_document(
    name: &str,
    template: &Value,
    placing: Placing,
    language: Language,
    names: &dyn Names,
    preserve: bool,
    extra: &[String],
) -> Result<Value, Refusal> {
    let mut translated = template.clone();
    translate_strings(&mut translated, "/spec/template", language, names, extra)?;
    let t_meta = translated.get("metadata").cloned().unwrap_or(json!({}));
    let t_spec = translated.get("spec").cloned().unwrap_or(json!({}));
    let Some(application_name) = t_meta.get("name").and_then(Value::as_str) else {
        return refuse(
            "/spec/template/metadata",
            "its template names no Application",
        );
    };
    let mut app_spec = Map::new();
    app_spec.insert("applicationName".into(), application_name.into());
    for key in carried_fields() {
        if let Some(v) = t_spec.get(key) {
            app_spec.insert(key.into(), v.clone());
        }
    }
    default_release_names(&mut app_spec, application_name);
    if let Some(values) = helm_values(template, &mut app_spec, language, names, extra)? {
        app_spec.insert("values".into(), values);
    }
    if let Some(ns) = t_spec.pointer("/destination/namespace") {
        app_spec.insert("destination".into(), json!({"namespace": ns}));
    }
    if preserve {
        app_spec.insert("preserveResourcesOnDeletion".into(), true.into());
    }
    app_spec.insert("placement".into(), placing.placement);
    if !placing.vars.is_empty() {
        app_spec.insert("vars".into(), Value::Object(placing.vars));
    }
    if !placing.overrides.is_empty() {
        app_spec.insert("overrides".into(), Value::Array(placing.overrides));
    }
    let mut metadata = json!({"name": name});
    for key in ["labels", "annotations"] {
        if let Some(m) = t_meta
            .get(key)
            .filter(|m| m.as_object().is_some_and(|m| !m.is_empty()))
        {
            metadata[key] = m.clone();
        }
    }
    Ok(json!({
        "apiVersion": "fleetc.dev/v1alpha1",
        "kind": "App",
        "metadata": metadata,
        "spec": app_spec,
    }))
}

/// Where an App goes and the data it reads there: its placement, its vars and its overrides.
struct Placing {
    placement: Value,
    vars: Map<String, Value>,
    overrides: Vec<Value>,
}

impl Placing {
    /// The base generator's selector and literal values (with the element's parameters), and
    /// each merged generator an override.
    fn of_generators(
        generators: &Generators,
        clusters: &[Cluster],
        element: Option<&Map<String, Value>>,
    ) -> Self {
        let base = &generators.base;
        let mut vars: Map<String, Value> = literal_values(base);
        if let Some(element) = element {
            vars.extend(element.clone());
        }
        let mut overrides: Vec<Value> = Vec::new();
        for m in &generators.merged {
            match m {
                Merged::Clusters(g) if !g.raw.is_empty() => overrides.push(
                    json!({"selector": selector_document(&g.selector), "vars": literal_values(g)}),
                ),
                Merged::Clusters(_) => {}
                Merged::List(entries) => {
                    for entry in entries {
                        if let Some(cluster) = entry.cluster(clusters)
                            && !entry.values.is_empty()
                        {
                            overrides
                                .push(json!({"clusters": [cluster.name], "vars": entry.values}));
                        }
                    }
                }
            }
        }
        Self {
            placement: json!({"selector": selector_document(&base.selector)}),
            vars,
            overrides,
        }
    }
}

/// A generator's values that hold no template: the App's (or an override's) vars.
fn literal_values(generator: &ClusterGenerator) -> Map<String, Value> {
    generator
        .raw
        .iter()
        .filter(|(k, _)| generator.values.get(*k).is_some_and(Template::is_literal))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A selector as a fleet file writes it (no empty `values` lists).
fn selector_document(selector: &LabelSelector) -> Value {
    let mut value = json!(selector);
    let expressions = value
        .get_mut("matchExpressions")
        .and_then(Value::as_array_mut);
    for e in expressions.into_iter().flatten() {
        if e["values"].as_array().is_some_and(Vec::is_empty) {
            e.as_object_mut().map(|m| m.remove("values"));
        }
    }
    value
}

/// A string is pointed at by its value; anything else by its key.
fn target_of(value: &Value, pointer: &str) -> Target {
    if value.pointer(pointer).is_some_and(Value::is_string) {
        Target::Value
    } else {
        Target::Key
    }
}

fn destination_namespace(spec: &Map<String, Value>) -> Option<Value> {
    spec.get("destination")?.get("namespace").cloned()
}

/// Why a cluster makes the ApplicationSet write something fleetc will not.
fn missing(cluster: &str, paths: &[String], language: Language) -> String {
    let what = match language {
        Language::Go => "`<no value>`",
        Language::Fast => "the placeholder as it is",
    };
    format!(
        "on cluster `{cluster}` it reads {}, which the cluster lacks, and Argo CD writes {what}; fleetc refuses a value a cluster lacks (give the cluster the label or annotation, or use `default` in the ApplicationSet)",
        paths
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The parameters Argo CD's cluster generator gives a cluster (goTemplate's nesting; the flat
/// fasttemplate keys read the same values).
fn params(cluster: &Cluster) -> Value {
    json!({
        "name": cluster.name,
        "nameNormalized": normalized(&cluster.name),
        "server": cluster.server,
        "project": cluster.project.clone().unwrap_or_default(),
        "metadata": {
            "labels": cluster.secret_labels,
            "annotations": cluster.annotations,
        },
    })
}

/// Argo CD's `nameNormalized`: the name with what a DNS name cannot hold replaced by `-`.
fn normalized(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn text_map(labels: &Map<String, Value>) -> BTreeMap<String, String> {
    labels
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect()
}

/// Whether `text` is exactly the generator's parameter `param` (`{{server}}`, `{{ .server }}`).
fn is_param(text: &str, param: &str, language: Language) -> bool {
    let Ok(t) = Template::parse(text, language) else {
        return false;
    };
    matches!(t.nodes.as_slice(), [super::template::Node::Output(p)]
        if p.0 == [super::template::Command::Value(super::template::Arg::Field(vec![param.to_owned()]))])
}

/// A Helm source (a chart, or Helm options) without a release name gets Argo CD's default: the
/// Application's name (fleetc's default would be the app's).
pub(super) fn default_release_names(spec: &mut Map<String, Value>, application_name: &str) {
    for source in application_sources(spec) {
        let is_helm = source.get("chart").is_some() || source.get("helm").is_some();
        if !is_helm {
            continue;
        }
        let helm = source
            .as_object_mut()
            .map(|s| s.entry("helm").or_insert_with(|| json!({})));
        if let Some(Value::Object(helm)) = helm {
            helm.entry("releaseName")
                .or_insert_with(|| application_name.into());
        }
    }
}

/// The Helm values of the App's sources, taken out of them to be the App's `values` (which
/// fleetc gives its one Helm source as `valuesObject`): `valuesObject` as it is, and `values`
/// (a YAML text) read as YAML with each action kept where it stands. Helm reads `valuesObject`
/// over `values`.
fn helm_values(
    template: &Value,
    app_spec: &mut Map<String, Value>,
    language: Language,
    names: &dyn Names,
    extra: &[String],
) -> Result<Option<Value>, (String, String)> {
    let (key, count) = if app_spec.contains_key("source") {
        ("source", 1)
    } else {
        (
            "sources",
            app_spec
                .get("sources")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
        )
    };
    let mut found: Option<Value> = None;
    for i in 0..count {
        let (raw_pointer, at) = if key == "source" {
            ("/spec/source".to_owned(), "/source".to_owned())
        } else {
            (format!("/spec/sources/{i}"), format!("/sources/{i}"))
        };
        let raw_helm = template.pointer(&format!("{raw_pointer}/helm"));
        let Some(Value::Object(helm)) = app_spec_pointer(app_spec, &format!("{at}/helm")) else {
            continue;
        };
        let object = helm.remove("valuesObject");
        let text = helm.remove("values");
        if object.is_none() && text.is_none() {
            continue;
        }
        let here = format!("/spec/template{raw_pointer}/helm");
        if found.is_some() {
            return Err((here, "two sources carry Helm values; fleetc gives an app's values to its one Helm source".into()));
        }
        let mut values = match raw_helm
            .and_then(|h| h.get("values"))
            .and_then(Value::as_str)
        {
            Some(raw) => values_text(raw, language, names, extra)
                .map_err(|e| (format!("{here}/values"), e))?,
            None => Value::Object(Map::new()),
        };
        if let Some(object) = object {
            crate::model::deep_merge(&mut values, &object);
        }
        found = Some(values);
    }
    Ok(found)
}

/// The value at a pointer into the App's spec.
fn app_spec_pointer<'v>(spec: &'v mut Map<String, Value>, pointer: &str) -> Option<&'v mut Value> {
    let (first, rest) = pointer.trim_start_matches('/').split_once('/')?;
    spec.get_mut(first)?.pointer_mut(&format!("/{rest}"))
}

/// Helm's `values` text, with templates in it, as a map of fleetc templates.
fn values_text(
    raw: &str,
    language: Language,
    names: &dyn Names,
    extra: &[String],
) -> Result<Value, String> {
    if raw.contains("fleetc-import-") {
        return Err("the Helm values hold the text fleetc import marks templates with".into());
    }
    let template = Template::parse_with(raw, language, extra).map_err(|e| e.message)?;
    let mut text = String::new();
    let mut actions = Vec::new();
    for node in &template.nodes {
        match node {
            super::template::Node::Text(t) => text.push_str(t),
            super::template::Node::Output(p) => {
                let _ = write!(text, "fleetc-import-{}-x", actions.len());
                actions.push(p.clone());
            }
            _ => {
                return Err("a Helm values text with conditions or unknown tags is not read yet; write it as `valuesObject`".into());
            }
        }
    }
    let parsed: Value = serde_yaml::from_str(&text).map_err(|e| {
        format!("the Helm values are not YAML fleetc reads with their templates in place ({e})")
    })?;
    if !parsed.is_object() {
        return Err("the Helm values are not a map".into());
    }
    rebuild(parsed, &actions, names)
}

/// Puts each action back where its placeholder stands, as a fleetc template.
fn rebuild(
    value: Value,
    actions: &[super::template::Pipeline],
    names: &dyn Names,
) -> Result<Value, String> {
    let placeholder = regex::Regex::new(r"fleetc-import-(\d+)-x").expect("a valid pattern");
    match value {
        Value::String(s) if placeholder.is_match(&s) => {
            let mut nodes = Vec::new();
            let mut last = 0;
            for found in placeholder.captures_iter(&s) {
                let whole = found.get(0).expect("a match");
                if whole.start() > last {
                    nodes.push(super::template::Node::Text(
                        s[last..whole.start()].to_owned(),
                    ));
                }
                let action = found[1]
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| actions.get(i))
                    .ok_or_else(|| {
                        "a template placeholder fleetc import did not write".to_owned()
                    })?;
                nodes.push(super::template::Node::Output(action.clone()));
                last = whole.end();
            }
            if last < s.len() {
                nodes.push(super::template::Node::Text(s[last..].to_owned()));
            }
            translate::template(&Template { nodes }, names).map(Value::String)
        }
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                if placeholder.is_match(&k) {
                    return Err("a template in a key of the Helm values is not read yet".to_owned());
                }
                Ok((k, rebuild(v, actions, names)?))
            })
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        Value::Array(list) => list
            .into_iter()
            .map(|v| rebuild(v, actions, names))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other),
    }
}

/// What Argo CD's parameters are called in a fleetc template.
struct ArgoNames<'a> {
    values: &'a BTreeMap<String, Template>,
    /// The parameters a matrix's list adds (the App's vars).
    element: &'a [String],
}

impl Names for ArgoNames<'_> {
    fn expression(&self, path: &[String]) -> Result<String, String> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["name" | "nameNormalized"] => Ok("cluster.name".into()),
            ["metadata", "labels"] => Ok("cluster.labels".into()),
            ["metadata", "annotations"] => Ok("cluster.annotations".into()),
            ["metadata", "labels", k] => Ok(member("cluster.labels", k)),
            ["metadata", "annotations", k] => Ok(member("cluster.annotations", k)),
            ["values", k] => match self.values.get(*k) {
                Some(t) if !t.is_literal() => translate::expression(t, &NoValues),
                _ => Ok(member("vars", k)),
            },
            ["server"] => Err("fleetc does not know a cluster's API server address where templates read it (it lives in the secret store)".into()),
            ["project"] => Err("fleetc templates do not read a cluster's project".into()),
            [k, rest @ ..] if self.element.iter().any(|e| e == k) => {
                Ok(rest.iter().fold(member("vars", k), |e, key| member(&e, key)))
            }
            _ => Err(format!("`.{}` is not a parameter of the cluster generator", path.join("."))),
        }
    }
}

/// The names a list generator alone gives: its elements' parameters, the App's vars.
struct ListNames<'a> {
    element: &'a [String],
}

impl Names for ListNames<'_> {
    fn expression(&self, path: &[String]) -> Result<String, String> {
        match path.split_first() {
            Some((k, rest)) if self.element.contains(k) => Ok(rest
                .iter()
                .fold(member("vars", k), |e, key| member(&e, key))),
            _ => Err(format!(
                "`.{}` is not a parameter of the list generator",
                path.join(".")
            )),
        }
    }
}

/// `base.key`, or `base["key"]` when the key is no identifier.
fn member(base: &str, key: &str) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        format!("{base}.{key}")
    } else {
        format!(
            "{base}[{}]",
            serde_json::to_string(key).expect("a string serializes")
        )
    }
}

/// Names inside a generator value: the value templates cannot read values.
struct NoValues;

impl Names for NoValues {
    fn expression(&self, path: &[String]) -> Result<String, String> {
        if path.first().map(String::as_str) == Some("values") {
            return Err("a generator value reads another value".into());
        }
        ArgoNames {
            values: &BTreeMap::new(),
            element: &[],
        }
        .expression(path)
    }
}

/// Translates every string of `value` (at `pointer` in the ApplicationSet); `Err` has the
/// pointer of the string that cannot be, and why.
fn translate_strings(
    value: &mut Value,
    pointer: &str,
    language: Language,
    names: &dyn Names,
    extra: &[String],
) -> Result<(), (String, String)> {
    match value {
        Value::String(s) => {
            let t = Template::parse_with(s, language, extra)
                .map_err(|e| (pointer.to_owned(), e.message))?;
            if !t.is_literal() {
                *s = translate::template(&t, names).map_err(|e| (pointer.to_owned(), e))?;
            }
            Ok(())
        }
        Value::Array(list) => list.iter_mut().enumerate().try_for_each(|(i, v)| {
            translate_strings(v, &format!("{pointer}/{i}"), language, names, extra)
        }),
        Value::Object(map) => map.iter_mut().try_for_each(|(k, v)| {
            // The destination is the cluster itself; fleetc names it.
            if pointer == "/spec/template/spec/destination" && (k == "server" || k == "name") {
                return Ok(());
            }
            translate_strings(
                v,
                &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                language,
                names,
                extra,
            )
        }),
        _ => Ok(()),
    }
}

/// Writes every string of `value` as Argo CD does for one cluster.
fn write_strings(
    value: &mut Value,
    pointer: &str,
    mode: Mode,
    params: &Value,
    cluster: &str,
    extra: &[String],
) -> Result<(), (String, String)> {
    match value {
        Value::String(s) => {
            let t = Template::parse_with(s, mode.language, extra)
                .map_err(|e| (pointer.to_owned(), e.message))?;
            let w = eval::write(&t, params, mode).map_err(|e| {
                (
                    pointer.to_owned(),
                    format!("on cluster `{cluster}`, Argo CD fails it: {e}"),
                )
            })?;
            if !w.missing.is_empty() {
                return Err((
                    pointer.to_owned(),
                    missing(cluster, &w.missing, mode.language),
                ));
            }
            *s = w.text;
            Ok(())
        }
        Value::Array(list) => list.iter_mut().enumerate().try_for_each(|(i, v)| {
            write_strings(v, &format!("{pointer}/{i}"), mode, params, cluster, extra)
        }),
        Value::Object(map) => map.iter_mut().try_for_each(|(k, v)| {
            write_strings(
                v,
                &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                mode,
                params,
                cluster,
                extra,
            )
        }),
        _ => Ok(()),
    }
}
