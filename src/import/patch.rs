//! An ApplicationSet's `templatePatch`: a template that writes YAML, merged over each
//! generated Application as a strategic merge patch. The Application's fields carry no merge
//! keys, so the patch merges mappings key by key, deletes a key it sets to null, and replaces
//! lists and scalars.
//!
//! fleetc has no per-cluster patch, so import folds the patch into the Application template
//! when that keeps every cluster's Application the same, in one of two ways:
//! - the patch reads only what is the same on every cluster of the App (the list element's
//!   parameters and the generator values no merged generator sets): it is written once and
//!   merged into the template;
//! - the patch is a YAML mapping whose actions all sit inside its strings: merged into the
//!   template as it is, its strings are templates like the template's own.
//!
//! Anything else (a patch whose structure depends on each cluster) is refused. Whatever the
//! way, the Applications Argo CD generates are computed by evaluating the patch per cluster,
//! so the equivalence report checks the fold.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::template::eval::{self, Mode};
use super::template::{Arg, Command, Language, Node, Pipeline, Template};

/// Where the patch is in the ApplicationSet.
pub(super) const POINTER: &str = "/spec/templatePatch";

/// A `templatePatch`, read.
#[derive(Debug, Clone)]
pub(super) struct TemplatePatch {
    text: String,
    template: Template,
}

/// What a patch reads that is the same on every cluster of one App.
pub(super) struct Constant<'a> {
    /// The list element's parameters (one App per element).
    pub(super) element: Option<&'a Map<String, Value>>,
    /// Generator values that hold no template and that no merged generator sets.
    pub(super) values: Map<String, Value>,
}

impl TemplatePatch {
    /// Reads the ApplicationSet's patch, if it has one; `Err` says why it cannot be read.
    pub(super) fn read(
        set: &Value,
        language: Language,
        extra: &[String],
    ) -> Result<Option<Self>, String> {
        let Some(patch) = set.pointer(POINTER) else {
            return Ok(None);
        };
        let Some(text) = patch.as_str() else {
            return Err("its `templatePatch` is not a string".into());
        };
        let template = Template::parse_with(text, language, extra).map_err(|e| e.message)?;
        Ok(Some(Self {
            text: text.to_owned(),
            template,
        }))
    }

    /// Patches one generated Application as Argo CD does, over that cluster's parameters.
    pub(super) fn apply(
        &self,
        application: &mut Value,
        params: &Value,
        mode: Mode,
    ) -> Result<(), String> {
        let written = eval::write(&self.template, params, mode)
            .map_err(|e| format!("Argo CD fails it: {e}"))?;
        if let Some(path) = written.missing.first() {
            return Err(format!("it reads `{path}`, which this cluster lacks"));
        }
        let patch = mapping(&written.text)?;
        strategic_merge(application, &patch);
        Ok(())
    }

    /// The patch as it folds into the Application template of an App, when it can.
    pub(super) fn fold(&self, constant: &Constant<'_>, mode: Mode) -> Result<Value, String> {
        let fixed = |path: &[String]| match path {
            [first, ..] if constant.element.is_some_and(|e| e.contains_key(first)) => true,
            [values, key, ..] => values == "values" && constant.values.contains_key(key),
            _ => false,
        };
        let mut read = Vec::new();
        reads(&self.template.nodes, false, &mut read);
        if read.iter().all(|path| fixed(path)) {
            let mut params = Map::new();
            params.insert("values".into(), Value::Object(constant.values.clone()));
            if let Some(element) = constant.element {
                params.extend(element.clone());
            }
            let written = eval::write(&self.template, &Value::Object(params), mode)
                .map_err(|e| format!("Argo CD fails it: {e}"))?;
            return mapping(&written.text);
        }
        let as_written = mapping(&self.text)
            .ok()
            .filter(|patch| actions_in_values(patch) == Some(self.text.matches("{{").count()));
        let Some(patch) = as_written else {
            let mut varying: BTreeSet<String> = BTreeSet::new();
            varying.extend(
                read.iter()
                    .filter(|p| !fixed(p))
                    .map(|p| format!(".{}", p.join("."))),
            );
            return Err(format!(
                "its `templatePatch` writes structure from what differs between clusters ({}), and fleetc has no per-cluster patch: a patch may read only list elements and literal generator values, or keep its actions inside string values",
                varying.into_iter().collect::<Vec<_>>().join(", ")
            ));
        };
        Ok(patch)
    }
}

/// Reads the text a patch writes: a YAML mapping, without strategic merge directives.
fn mapping(text: &str) -> Result<Value, String> {
    let value: Value = serde_yaml::from_str(text)
        .map_err(|e| format!("its `templatePatch` does not write YAML: {e}"))?;
    let value = match value {
        Value::Null => Value::Object(Map::new()),
        v @ Value::Object(_) => v,
        _ => return Err("its `templatePatch` does not write a mapping".into()),
    };
    if let Some(key) = directive(&value) {
        return Err(format!(
            "its `templatePatch` uses the strategic merge directive `{key}`, which fleetc import does not read"
        ));
    }
    Ok(value)
}

/// A `$patch`, `$retainKeys` or other `$` key anywhere in the patch.
fn directive(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.starts_with('$') {
                Some(k.clone())
            } else {
                directive(v)
            }
        }),
        Value::Array(list) => list.iter().find_map(directive),
        _ => None,
    }
}

/// How many `{{` the string values of `value` hold; none when a key holds one (a templated
/// key is structure).
fn actions_in_values(value: &Value) -> Option<usize> {
    match value {
        Value::String(s) => Some(s.matches("{{").count()),
        Value::Array(list) => list.iter().map(actions_in_values).sum(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                if k.contains("{{") {
                    None
                } else {
                    actions_in_values(v)
                }
            })
            .sum(),
        _ => Some(0),
    }
}

/// The parameter paths a template reads (from the parameters, not from a `range` item, which
/// is as constant as what the `range` goes over).
fn reads(nodes: &[Node], in_range: bool, out: &mut Vec<Vec<String>>) {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Unknown(_) => {}
            Node::Output(p) => pipeline_reads(p, in_range, out),
            Node::If(branches, otherwise) => {
                for (condition, body) in branches {
                    pipeline_reads(condition, in_range, out);
                    reads(body, in_range, out);
                }
                reads(otherwise, in_range, out);
            }
            Node::Range {
                over,
                body,
                otherwise,
                ..
            } => {
                pipeline_reads(over, in_range, out);
                reads(body, true, out);
                reads(otherwise, in_range, out);
            }
        }
    }
}

fn pipeline_reads(p: &Pipeline, in_range: bool, out: &mut Vec<Vec<String>>) {
    for command in &p.0 {
        let args = match command {
            Command::Call(_, args) => args.as_slice(),
            Command::Value(arg) => std::slice::from_ref(arg),
        };
        for arg in args {
            match arg {
                Arg::Field(path) if !in_range => out.push(path.clone()),
                Arg::Variable(name, path) if name.is_empty() => out.push(path.clone()),
                Arg::Group(p) => pipeline_reads(p, in_range, out),
                _ => {}
            }
        }
    }
}

/// Merges a patch onto an Application as a strategic merge patch does for its fields:
/// mappings merge, null deletes, anything else replaces.
pub(super) fn strategic_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else if let Some(existing) = target.get_mut(key) {
                    strategic_merge(existing, value);
                } else {
                    let mut fresh = Value::Object(Map::new());
                    strategic_merge(&mut fresh, value);
                    target.insert(key.clone(), fresh);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn go() -> Mode {
        Mode {
            language: Language::Go,
            missing_is_error: false,
        }
    }

    #[test]
    fn the_patch_merges_maps_deletes_nulls_and_replaces_lists() {
        let mut app = json!({"spec": {"source": {"helm": {"valueFiles": ["a"], "releaseName": "x"}},
            "syncPolicy": {"automated": {"prune": false}}}});
        strategic_merge(
            &mut app,
            &json!({"spec": {"source": {"helm": {"valueFiles": ["b", "c"], "releaseName": null}},
                "syncPolicy": {"automated": {"selfHeal": true}}, "info": [{"name": "n"}]}}),
        );
        assert_eq!(
            app,
            json!({"spec": {"source": {"helm": {"valueFiles": ["b", "c"]}},
                "syncPolicy": {"automated": {"prune": false, "selfHeal": true}},
                "info": [{"name": "n"}]}})
        );
    }

    fn patch(text: &str) -> TemplatePatch {
        TemplatePatch::read(&json!({"spec": {"templatePatch": text}}), Language::Go, &[])
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_patch_of_list_elements_and_literal_values_is_written_once() {
        let p = patch(
            "spec:\n  source:\n    helm:\n      valueFiles:\n      {{- range $f := .valueFiles }}\n        - {{ $f }}\n      {{- end }}\n{{- if .values.autoSync }}\n  syncPolicy:\n    automated:\n      prune: {{ .values.prune }}\n{{- end }}\n",
        );
        let element = json!({"valueFiles": ["values.large.yaml", "values.debug.yaml"]});
        let constant = Constant {
            element: element.as_object(),
            values: json!({"autoSync": "true", "prune": "true"})
                .as_object()
                .unwrap()
                .clone(),
        };
        assert_eq!(
            p.fold(&constant, go()).unwrap(),
            json!({"spec": {"source": {"helm": {"valueFiles": ["values.large.yaml", "values.debug.yaml"]}},
                "syncPolicy": {"automated": {"prune": true}}}})
        );
    }

    #[test]
    fn a_patch_with_actions_inside_strings_folds_as_written() {
        let p =
            patch("spec:\n  source:\n    targetRevision: '{{ .metadata.annotations.revision }}'\n");
        let constant = Constant {
            element: None,
            values: Map::new(),
        };
        assert_eq!(
            p.fold(&constant, go()).unwrap(),
            json!({"spec": {"source": {"targetRevision": "{{ .metadata.annotations.revision }}"}}})
        );
    }

    #[test]
    fn a_patch_whose_structure_differs_between_clusters_is_refused() {
        let constant = Constant {
            element: None,
            values: json!({"autoSync": "true"}).as_object().unwrap().clone(),
        };
        for (text, says) in [
            (
                "spec:\n{{- if eq .metadata.labels.environment \"prod\" }}\n  syncPolicy: {automated: {}}\n{{- end }}\n",
                "(.metadata.labels.environment)",
            ),
            // A YAML comment hides an action from the strings: not folded as written.
            (
                "spec:\n  project: '{{ .name }}' # {{ .server }}\n",
                "(.name, .server)",
            ),
            // A templated key is structure too.
            ("spec:\n  '{{ .name }}': x\n", "(.name)"),
        ] {
            let e = patch(text).fold(&constant, go()).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn directives_and_non_mappings_are_refused() {
        let mut app = json!({});
        for (text, says) in [
            ("spec:\n  $patch: replace\n", "`$patch`"),
            ("- a\n", "not write a mapping"),
            ("spec: [\n", "does not write YAML"),
        ] {
            let e = patch(text).apply(&mut app, &json!({}), go()).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
