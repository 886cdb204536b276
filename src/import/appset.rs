//! An ApplicationSet with a cluster generator, turned into a fleetc App, and the Applications
//! Argo CD would generate from it for the imported clusters, to compare the App's rendering
//! with.
//!
//! The generator's selector becomes the App's placement, its `values` the App's `vars` (a value
//! that is itself a template is written into the templates that read it, as fleetc's `vars`
//! are data), and each templated string of the Application template a fleetc template. The
//! Application name pattern is kept (`applicationName`), and so is Argo CD's default Helm
//! release name, the Application's name.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::objects::Object;
use super::secret::Imported as Cluster;
use super::template::eval::{self, Mode};
use super::template::translate::{self, Names};
use super::template::{Language, Template};
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Target};
use crate::render::{IN_CLUSTER_SERVER, RESOURCES_FINALIZER};
use crate::selector::{LabelSelector, Selector};

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
}

/// The fields of an Application template fleetc carries over, and where they go in the App.
const SPEC_FIELDS: [&str; 7] = [
    "project",
    "source",
    "sources",
    "syncPolicy",
    "ignoreDifferences",
    "info",
    "revisionHistoryLimit",
];

/// Reads an ApplicationSet; `None`, with a finding that says why, when fleetc cannot express it
/// exactly.
pub(super) fn import(
    set: &Object,
    files: &Files,
    clusters: &[Cluster],
    findings: &mut Vec<Diagnostic>,
) -> Option<Imported> {
    let name = set.name().to_owned();
    let leave_out = |findings: &mut Vec<Diagnostic>, pointer: &str, why: String| {
        findings.push(Diagnostic::error(
            Code::Import,
            format!("ApplicationSet `{name}` is left out: {why}"),
            Some(set.locate(files, pointer, target_of(&set.value, pointer))),
        ));
        None
    };
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
    if set.value.pointer("/spec/templatePatch").is_some() {
        return leave_out(
            findings,
            "/spec/templatePatch",
            "fleetc import does not read `templatePatch` yet".into(),
        );
    }
    let generators = set
        .value
        .pointer("/spec/generators")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let generator = match generators.as_slice() {
        [one] => one,
        [] => return leave_out(findings, "/spec", "it has no generator".into()),
        _ => {
            return leave_out(
                findings,
                "/spec/generators/1",
                "fleetc import reads one generator per ApplicationSet (several give the union of their Applications)".into(),
            );
        }
    };
    let Some(kind) = generator
        .as_object()
        .and_then(|g| g.keys().find(|k| *k != "selector"))
    else {
        return leave_out(
            findings,
            "/spec/generators/0",
            "the generator is empty".into(),
        );
    };
    if kind != "clusters" {
        return leave_out(
            findings,
            &format!("/spec/generators/0/{kind}"),
            format!(
                "the `{kind}` generator has no fleetc equivalent yet (fleetc import reads the cluster generator): its Applications depend on {}",
                match kind.as_str() {
                    "git" => "a repository's files, read at runtime",
                    "scmProvider" | "pullRequest" => "an SCM provider's API, read at runtime",
                    "plugin" => "a plugin's answer at runtime",
                    "list" => "a list, which fleetc import will read with the cluster generator",
                    _ => "what fleetc import does not read yet",
                }
            ),
        );
    }
    let generator = &generator["clusters"];
    if generator
        .get("template")
        .is_some_and(|t| t.as_object().is_some_and(|m| !m.is_empty()))
    {
        return leave_out(
            findings,
            "/spec/generators/0/clusters/template",
            "a generator's own template is not read yet".into(),
        );
    }
    let selector: LabelSelector =
        match serde_json::from_value(generator.get("selector").cloned().unwrap_or(json!({}))) {
            Ok(s) => s,
            Err(e) => {
                return leave_out(
                    findings,
                    "/spec/generators/0/clusters/selector",
                    format!("its selector is not a label selector ({e})"),
                );
            }
        };
    let compiled = match Selector::compile(&selector) {
        Ok(s) => s,
        Err(e) => {
            let why = e
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ");
            return leave_out(
                findings,
                "/spec/generators/0/clusters/selector",
                format!("its selector is invalid: {why}"),
            );
        }
    };
    let values: Map<String, Value> = generator
        .get("values")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    // Every templated string, read once.
    let mut value_templates = BTreeMap::new();
    for (key, value) in &values {
        let Some(text) = value.as_str() else {
            return leave_out(
                findings,
                &format!("/spec/generators/0/clusters/values/{key}"),
                "generator values are text".into(),
            );
        };
        match Template::parse(text, language) {
            Ok(t) => {
                value_templates.insert(key.clone(), t);
            }
            Err(e) => {
                return leave_out(
                    findings,
                    &format!("/spec/generators/0/clusters/values/{key}"),
                    e.message,
                );
            }
        }
    }
    let Some(template) = set.value.pointer("/spec/template").cloned() else {
        return leave_out(findings, "/spec", "it has no `template`".into());
    };
    let names = ArgoNames {
        values: &value_templates,
    };
    // The Application template, translated.
    let mut translated = template.clone();
    if let Err((pointer, why)) =
        translate_strings(&mut translated, "/spec/template", language, &names)
    {
        return leave_out(findings, &pointer, why);
    }

    // The App.
    let spec_in = template.get("spec").cloned().unwrap_or(json!({}));
    for key in spec_in.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !SPEC_FIELDS.contains(&key.as_str()) && key != "destination" {
            return leave_out(
                findings,
                &format!("/spec/template/spec/{key}"),
                format!("`spec.{key}` of an Application template is not read yet"),
            );
        }
    }
    let destination = spec_in.get("destination").cloned().unwrap_or(json!({}));
    let to_cluster = match (
        destination.get("server").and_then(Value::as_str),
        destination.get("name").and_then(Value::as_str),
    ) {
        (Some(s), None) if is_param(s, "server", language) => true,
        (None, Some(n)) if is_param(n, "name", language) => true,
        _ => false,
    };
    if !to_cluster {
        return leave_out(
            findings,
            "/spec/template/spec/destination",
            "its destination is not the generated cluster (`server: '{{server}}'` or `name: '{{name}}'`), and fleetc deploys each placement to its cluster".into(),
        );
    }
    let t_meta = translated.get("metadata").cloned().unwrap_or(json!({}));
    let t_spec = translated.get("spec").cloned().unwrap_or(json!({}));
    if let Some(finalizers) = template
        .pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        && finalizers.as_slice() != [Value::from(RESOURCES_FINALIZER)]
    {
        return leave_out(
            findings,
            "/spec/template/metadata/finalizers",
            format!("fleetc gives Applications the finalizer `{RESOURCES_FINALIZER}` or none"),
        );
    }
    let preserve = set
        .value
        .pointer("/spec/syncPolicy/preserveResourcesOnDeletion")
        == Some(&Value::Bool(true));
    let Some(application_name) = t_meta.get("name").and_then(Value::as_str) else {
        return leave_out(
            findings,
            "/spec/template/metadata",
            "its template names no Application".into(),
        );
    };
    let mut app_spec = Map::new();
    app_spec.insert("applicationName".into(), application_name.into());
    for key in SPEC_FIELDS {
        if let Some(v) = t_spec.get(key) {
            app_spec.insert(key.into(), v.clone());
        }
    }
    default_release_names(&mut app_spec, application_name);
    match helm_values(&template, &mut app_spec, language, &names) {
        Ok(Some(values)) => {
            app_spec.insert("values".into(), values);
        }
        Ok(None) => {}
        Err((pointer, why)) => return leave_out(findings, &pointer, why),
    }
    if let Some(ns) = t_spec.pointer("/destination/namespace") {
        app_spec.insert("destination".into(), json!({"namespace": ns}));
    }
    if preserve {
        app_spec.insert("preserveResourcesOnDeletion".into(), true.into());
    }
    let mut selector_value = json!(selector);
    let expressions = selector_value
        .get_mut("matchExpressions")
        .and_then(Value::as_array_mut);
    for e in expressions.into_iter().flatten() {
        if e["values"].as_array().is_some_and(Vec::is_empty) {
            e.as_object_mut().map(|m| m.remove("values"));
        }
    }
    app_spec.insert("placement".into(), json!({"selector": selector_value}));
    let literal_vars: Map<String, Value> = values
        .iter()
        .filter(|(k, _)| value_templates.get(*k).is_some_and(Template::is_literal))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !literal_vars.is_empty() {
        app_spec.insert("vars".into(), Value::Object(literal_vars));
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
    let document = json!({
        "apiVersion": "fleetc.dev/v1alpha1",
        "kind": "App",
        "metadata": metadata,
        "spec": app_spec,
    });

    // What Argo CD generates.
    let namespace = set.text("/metadata/namespace").unwrap_or("argocd");
    let mut selected: Vec<&Cluster> = clusters
        .iter()
        .filter(|c| compiled.matches(&text_map(&c.secret_labels)))
        .collect();
    if compiled.is_everything() && !selected.iter().any(|c| c.server == IN_CLUSTER_SERVER) {
        return leave_out(
            findings,
            "/spec/generators/0/clusters",
            "its selector is empty, so Argo CD also generates an Application for its local `in-cluster`, which has no cluster Secret: import the hub's own cluster Secret, or select clusters by label".into(),
        );
    }
    selected.sort_by(|a, b| a.name.cmp(&b.name));
    let mut expected = BTreeMap::new();
    for cluster in selected {
        let mut params = params(cluster);
        let mut interpolated = Map::new();
        for (key, t) in &value_templates {
            match eval::write(t, &params, mode) {
                Ok(w) if w.missing.is_empty() => {
                    interpolated.insert(key.clone(), w.text.into());
                }
                Ok(w) => {
                    return leave_out(
                        findings,
                        &format!("/spec/generators/0/clusters/values/{key}"),
                        missing(&cluster.name, &w.missing, language),
                    );
                }
                Err(e) => {
                    return leave_out(
                        findings,
                        &format!("/spec/generators/0/clusters/values/{key}"),
                        format!("on cluster `{}`, Argo CD fails it: {e}", cluster.name),
                    );
                }
            }
        }
        params["values"] = Value::Object(interpolated);
        let mut application = template.clone();
        if let Err((pointer, why)) = write_strings(
            &mut application,
            "/spec/template",
            mode,
            &params,
            &cluster.name,
        ) {
            return leave_out(findings, &pointer, why);
        }
        let Some(app_name) = application
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return leave_out(
                findings,
                "/spec/template/metadata/name",
                "its template names no Application".into(),
            );
        };
        application["apiVersion"] = "argoproj.io/v1alpha1".into();
        application["kind"] = "Application".into();
        application["metadata"]["namespace"] = namespace.into();
        if application.pointer("/metadata/finalizers").is_none() && !preserve {
            application["metadata"]["finalizers"] = json!([RESOURCES_FINALIZER]);
        }
        if let Some(spec) = application.get_mut("spec").and_then(Value::as_object_mut) {
            default_release_names(spec, &app_name);
            spec.insert(
                "destination".into(),
                match destination_namespace(spec) {
                    Some(ns) => json!({"name": cluster.name, "namespace": ns}),
                    None => json!({"name": cluster.name}),
                },
            );
        }
        expected.insert(cluster.name.clone(), application);
    }
    Some(Imported {
        name,
        document,
        expected,
        object: set.clone(),
    })
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
    let sources: Vec<&mut Value> = if spec.contains_key("source") {
        spec.get_mut("source").into_iter().collect()
    } else {
        match spec.get_mut("sources") {
            Some(Value::Array(list)) => list.iter_mut().collect(),
            _ => Vec::new(),
        }
    };
    for source in sources {
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
            Some(raw) => {
                values_text(raw, language, names).map_err(|e| (format!("{here}/values"), e))?
            }
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
fn values_text(raw: &str, language: Language, names: &dyn Names) -> Result<Value, String> {
    if raw.contains("fleetc-import-") {
        return Err("the Helm values hold the text fleetc import marks templates with".into());
    }
    let template = Template::parse(raw, language).map_err(|e| e.message)?;
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
            _ => Err(format!("`.{}` is not a parameter of the cluster generator", path.join("."))),
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
) -> Result<(), (String, String)> {
    match value {
        Value::String(s) => {
            let t = Template::parse(s, language).map_err(|e| (pointer.to_owned(), e.message))?;
            if !t.is_literal() {
                *s = translate::template(&t, names).map_err(|e| (pointer.to_owned(), e))?;
            }
            Ok(())
        }
        Value::Array(list) => list.iter_mut().enumerate().try_for_each(|(i, v)| {
            translate_strings(v, &format!("{pointer}/{i}"), language, names)
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
) -> Result<(), (String, String)> {
    match value {
        Value::String(s) => {
            let t =
                Template::parse(s, mode.language).map_err(|e| (pointer.to_owned(), e.message))?;
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
            write_strings(v, &format!("{pointer}/{i}"), mode, params, cluster)
        }),
        Value::Object(map) => map.iter_mut().try_for_each(|(k, v)| {
            write_strings(
                v,
                &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                mode,
                params,
                cluster,
            )
        }),
        _ => Ok(()),
    }
}
