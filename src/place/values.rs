//! Helm values with minijinja expressions over `cluster`, `app` and `fleet`. Each app's value
//! strings are compiled once; each placement then fills them in. A string that is exactly one
//! `{{ expression }}` keeps the expression's type; any other templated string renders to text.

use std::collections::BTreeMap;

use minijinja::{Environment, Expression, Template, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value;

use crate::load::{Pointer, Segment};
use crate::model::{App, Cluster, Fleet};

/// The template engine all values share: strict about undefined names, no escaping.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_fuel(Some(100_000));
    env
}

/// A value template that failed, at `pointer` below the layer's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub(crate) pointer: Pointer,
    pub(crate) message: String,
}

enum Hole<'env, 'source> {
    Expression(Expression<'env, 'source>),
    Template(Template<'env, 'source>),
}

/// One layer of values (an app's `values`, or one override's), compiled.
pub(crate) struct Layer<'env, 'source> {
    base: &'source Value,
    holes: Vec<(Pointer, &'source str, Hole<'env, 'source>)>,
}

impl<'env, 'source> Layer<'env, 'source> {
    /// Compiles every templated string of `values`; syntax errors are reported per string.
    pub(crate) fn compile(
        env: &'env Environment<'static>,
        values: &'source Value,
    ) -> Result<Self, Vec<TemplateError>> {
        let mut strings = Vec::new();
        collect_templated(values, &Pointer::root(), &mut strings);
        let mut holes = Vec::new();
        let mut errors = Vec::new();
        for (pointer, source) in strings {
            let compiled = match single_expression(source) {
                Some(expr) => env.compile_expression(expr).map(Hole::Expression),
                None => env.template_from_str(source).map(Hole::Template),
            };
            match compiled {
                Ok(hole) => holes.push((pointer, source, hole)),
                Err(e) => errors.push(TemplateError {
                    pointer,
                    message: describe(&e, source),
                }),
            }
        }
        if errors.is_empty() {
            Ok(Self {
                base: values,
                holes,
            })
        } else {
            Err(errors)
        }
    }

    /// The layer's values for one placement.
    pub(crate) fn evaluate(&self, context: &minijinja::Value) -> Result<Value, Vec<TemplateError>> {
        let mut out = self.base.clone();
        let mut errors = Vec::new();
        for (pointer, source, hole) in &self.holes {
            let result = match hole {
                Hole::Expression(e) => e
                    .eval(context.clone())
                    .map_err(|e| describe(&e, source))
                    .and_then(|v| {
                        if v.is_undefined() {
                            let expression = single_expression(source).unwrap_or(source).trim();
                            Err(format!("`{expression}` is undefined"))
                        } else {
                            Ok(serde_json::to_value(&v).unwrap_or(Value::Null))
                        }
                    }),
                Hole::Template(t) => t
                    .render(context.clone())
                    .map(Value::String)
                    .map_err(|e| describe(&e, source)),
            };
            match result {
                Ok(value) => {
                    if let Some(slot) = slot(&mut out, pointer) {
                        *slot = value;
                    }
                }
                Err(message) => errors.push(TemplateError {
                    pointer: pointer.clone(),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// Whether a string holds template syntax.
fn is_templated(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

fn collect_templated<'a>(value: &'a Value, at: &Pointer, out: &mut Vec<(Pointer, &'a str)>) {
    match value {
        Value::String(s) if is_templated(s) => out.push((at.clone(), s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_templated(item, &at.clone().index(i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect_templated(v, &at.clone().key(k.clone()), out);
            }
        }
        _ => {}
    }
}

/// The expression inside a string that is exactly one `{{ … }}` (whitespace control allowed).
fn single_expression(s: &str) -> Option<&str> {
    let inner = s.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.strip_prefix('-').unwrap_or(inner);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    let nested = inner.contains("{{") || inner.contains("}}") || inner.contains("{%");
    (!nested && !inner.trim().is_empty()).then_some(inner)
}

fn slot<'a>(value: &'a mut Value, pointer: &Pointer) -> Option<&'a mut Value> {
    pointer
        .segments()
        .iter()
        .try_fold(value, |v, segment| match segment {
            Segment::Key(k) => v.get_mut(k.as_str()),
            Segment::Index(i) => v.get_mut(*i),
        })
}

/// A readable message: what failed and, where minijinja knows, the part of the source.
fn describe(e: &minijinja::Error, source: &str) -> String {
    let part = e
        .range()
        .map(|r| widen_to_name(source, r))
        .and_then(|r| source.get(r))
        .filter(|p| !p.trim().is_empty());
    match (e.kind(), part) {
        (minijinja::ErrorKind::UndefinedError, Some(part)) => {
            format!("`{}` is undefined", part.trim())
        }
        (kind, part) => {
            let detail = e.detail().map(|d| format!(": {d}")).unwrap_or_default();
            let near = part
                .map(|p| format!(" (at `{}`)", p.trim()))
                .unwrap_or_default();
            format!("{kind}{detail}{near}")
        }
    }
}

/// minijinja points at the failing attribute (`.annotations.x`); widen the range leftwards over
/// the dotted name it belongs to (`cluster.annotations.x`), so the message names all of it.
fn widen_to_name(source: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let before = source.get(..range.start).unwrap_or_default();
    let name_chars = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .map(char::len_utf8)
        .sum::<usize>();
    range.start - name_chars..range.end
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterContext<'a> {
    name: &'a str,
    labels: &'a BTreeMap<String, String>,
    annotations: &'a BTreeMap<String, String>,
    provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    hub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kubernetes_version: Option<&'a str>,
}

/// The `cluster` variable of value templates.
pub(crate) fn cluster_context(cluster: &Cluster) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(ClusterContext {
        name: &cluster.name,
        labels: &cluster.placement_labels,
        annotations: &cluster.annotations,
        provider: cluster.provider.as_str(),
        region: cluster.region.as_deref(),
        environment: cluster.environment.as_deref(),
        hub: &cluster.hub,
        kubernetes_version: cluster.kubernetes_version.as_deref(),
    }))
}

/// The `app` variable of value templates.
pub(crate) fn app_context(app: &App) -> minijinja::Value {
    minijinja::context! {
        name => app.name.as_str(),
        namespace => app.destination_namespace.as_str(),
        project => app.project.as_str(),
    }
}

/// The `fleet` variable of value templates.
pub(crate) fn fleet_context(fleet: &Fleet) -> minijinja::Value {
    minijinja::context! { name => fleet.name.as_str() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(values: &Value, ctx: &minijinja::Value) -> Result<Value, Vec<TemplateError>> {
        let env = environment();
        let layer = Layer::compile(&env, values)?;
        layer.evaluate(ctx)
    }

    fn ctx() -> minijinja::Value {
        minijinja::context! {
            cluster => minijinja::context! { name => "prod-eu-1", replicas => 3, labels => minijinja::context!{ tier => "critical" } },
        }
    }

    #[test]
    fn single_expressions_keep_their_type() {
        let values = json!({
            "n": "{{ cluster.replicas }}",
            "b": "{{ cluster.replicas > 2 }}",
            "l": "{{ [1, 2] }}",
            "m": "{{ cluster.labels }}",
            "s": "{{ cluster.name }}",
            "trimmed": "{{- cluster.replicas -}}",
        });
        assert_eq!(
            eval(&values, &ctx()).unwrap(),
            json!({"n": 3, "b": true, "l": [1, 2], "m": {"tier": "critical"}, "s": "prod-eu-1", "trimmed": 3})
        );
    }

    #[test]
    fn other_strings_render_to_text() {
        let values = json!({"a": "name={{ cluster.name }}", "b": "{{ cluster.replicas }}x", "c": "{{ 1 }}{{ 2 }}", "plain": "no template"});
        assert_eq!(
            eval(&values, &ctx()).unwrap(),
            json!({"a": "name=prod-eu-1", "b": "3x", "c": "12", "plain": "no template"})
        );
    }

    #[test]
    fn undefined_names_are_errors_that_name_the_expression() {
        let values =
            json!({"x": {"y": ["ok", "{{ cluster.annotations.role_arn }}"]}, "z": "a-{{ nope }}"});
        let errors = eval(&values, &ctx()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].pointer.to_string(), "/x/y/1");
        assert!(
            errors[0].message.contains("undefined"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[1].pointer.to_string(), "/z");
        assert!(
            errors[1].message.contains("`nope` is undefined"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn undefined_attributes_inside_text_name_the_whole_path() {
        let values = json!({"d": "api.{{ cluster.annotations.domain }}"});
        let errors = eval(&values, &ctx()).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`cluster.annotations.domain` is undefined"
        );
    }

    #[test]
    fn syntax_errors_are_reported_at_compile_time() {
        let env = environment();
        let values = json!({"bad": "{{ cluster.name "});
        let Err(errors) = Layer::compile(&env, &values) else {
            panic!("expected an error")
        };
        assert_eq!(errors[0].pointer.to_string(), "/bad");
        assert!(
            errors[0].message.contains("syntax"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn default_filter_handles_missing_names() {
        let values = json!({"r": "{{ cluster.region | default('none') }}"});
        assert_eq!(eval(&values, &ctx()).unwrap(), json!({"r": "none"}));
    }
}
