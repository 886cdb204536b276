//! Templates: minijinja expressions over `cluster`, `app`, `fleet` and `vars`, in Helm values and
//! in Application fields. Each app's templated strings are compiled once; each placement then
//! fills them in. A string that is exactly one `{{ expression }}` keeps the expression's type;
//! any other templated string renders to text. What a template in a field produces must suit the
//! field ([`FieldRule`]).

use std::collections::BTreeMap;

use minijinja::{Environment, Expression, Template, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value;

use super::memory::{Site, bounded};
use super::paths::{self, Path, Piece, Rendered, Variables, pieces};
use crate::diagnostic::Code;
use crate::load::{Pointer, Segment};
use crate::model::{App, Cluster, Fleet, is_templated};
use crate::validate::field_rules::FieldRule;

/// The template engine all values share: strict about undefined names, no escaping.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    // A value is the whole string: its final newline is part of it (a `|` block keeps it), as
    // it is when the string is read directly.
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters"),
    );
    // A value template is a few lookups and filters; a runaway loop is a mistake, and a hook that
    // hangs on it is worse than one that says so.
    env.set_fuel(Some(FUEL));
    env
}

/// A value template that failed, at `pointer` below the layer's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError {
    pub(crate) pointer: Pointer,
    /// What kind of finding it is: most are `value-template`; a result holding a credential is
    /// `credential`, one Kubernetes tooling cannot carry `unportable-text`.
    pub(crate) code: Code,
    pub(crate) message: String,
}

enum Hole<'env, 'source> {
    /// `{{ cluster.labels.team }}`: read directly, keeping its type.
    Path(Path),
    /// Text and paths only, read directly; the template for values that are not text.
    Text(Vec<Piece>, Template<'env, 'source>),
    /// A single expression, with its text (inside the braces).
    Expression(Expression<'env, 'source>, &'source str),
    Template(Template<'env, 'source>),
}

/// A template variable (`cluster`, `app`, `fleet`, `vars`) for one placement, as JSON (for paths read
/// directly) and as a template value (for everything else), both from the same data.
pub(crate) struct Variable {
    json: Value,
    jinja: minijinja::Value,
}

impl Variable {
    pub(crate) fn new<T: Serialize>(data: &T) -> Self {
        let json = serde_json::to_value(data).expect("template variables are plain data");
        let jinja = minijinja::Value::from(minijinja::value::Serde(&json));
        Self { json, jinja }
    }
}

/// The variables of one placement; the template engine's context is built only if a template
/// needs it.
pub(crate) struct Scope<'a> {
    cluster: &'a Variable,
    app: &'a Variable,
    fleet: &'a Variable,
    vars: &'a Variable,
    context: std::cell::OnceCell<minijinja::Value>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(
        cluster: &'a Variable,
        app: &'a Variable,
        fleet: &'a Variable,
        vars: &'a Variable,
    ) -> Self {
        Self {
            cluster,
            app,
            fleet,
            vars,
            context: std::cell::OnceCell::new(),
        }
    }

    fn variables(&self) -> Variables<'a> {
        Variables {
            cluster: &self.cluster.json,
            app: &self.app.json,
            fleet: &self.fleet.json,
            vars: &self.vars.json,
        }
    }

    fn jinja(&self) -> minijinja::Value {
        self.context
            .get_or_init(|| {
                minijinja::context! {
                    cluster => self.cluster.jinja.clone(),
                    app => self.app.jinja.clone(),
                    fleet => self.fleet.jinja.clone(),
                    vars => self.vars.jinja.clone(),
                }
            })
            .clone()
    }
}

/// One layer of templated data (an app's `values` or Application fields, or one override's),
/// compiled.
pub(crate) struct Layer<'env, 'source> {
    base: &'source Value,
    /// The values with their templated strings marked, to be written without copying them.
    shape: Shape<'source>,
    holes: Vec<(Pointer, &'source str, Hole<'env, 'source>)>,
    /// Per hole, its report should it pass the memory bound.
    sites: Vec<Site>,
    /// Per hole, whether the fleet marked it as not a credential.
    marked: Vec<bool>,
    /// Per hole, what its field requires of the result (`None` for a value).
    rules: Vec<Option<FieldRule>>,
}

/// A layer's values, with each templated string replaced by its index among the layer's holes;
/// subtrees without templates stay borrowed whole.
#[derive(Debug)]
pub(crate) enum Shape<'s> {
    Literal(&'s Value),
    Hole(usize),
    Map(Vec<(&'s str, Shape<'s>)>),
    Seq(Vec<Shape<'s>>),
}

impl<'s> Shape<'s> {
    /// The shape of `value`, numbering its templated strings in the order [`collect_templated`]
    /// finds them (keys in order, items in order).
    fn of(value: &'s Value, next: &mut usize) -> Shape<'s> {
        match value {
            Value::String(s) if is_templated(s) => {
                *next += 1;
                Shape::Hole(*next - 1)
            }
            Value::Object(map) if has_templates(value) => Shape::Map(
                map.iter()
                    .map(|(k, v)| (k.as_str(), Shape::of(v, next)))
                    .collect(),
            ),
            Value::Array(items) if has_templates(value) => {
                Shape::Seq(items.iter().map(|v| Shape::of(v, next)).collect())
            }
            other => Shape::Literal(other),
        }
    }
}

/// A shape for tests of the values view.
#[cfg(test)]
pub(crate) fn shape_for_tests(value: &Value) -> Shape<'_> {
    Shape::of(value, &mut 0)
}

fn has_templates(value: &Value) -> bool {
    match value {
        Value::String(s) => is_templated(s),
        Value::Array(items) => items.iter().any(has_templates),
        Value::Object(map) => map.values().any(has_templates),
        _ => false,
    }
}

impl<'env, 'source> Layer<'env, 'source> {
    /// Compiles every templated string of `values`; syntax errors are reported per string.
    /// `site` gives each (by its pointer below `values`) its report should it pass the memory
    /// bound; `marked` says whether the fleet marked it as not a credential; `rule` what its
    /// field requires of the result (`None` for Helm values, which take anything).
    pub(crate) fn compile(
        env: &'env Environment<'static>,
        values: &'source Value,
        site: &dyn Fn(&Pointer) -> Site,
        marked: &dyn Fn(&Pointer) -> bool,
        rule: &dyn Fn(&Pointer) -> Option<FieldRule>,
    ) -> Result<Self, Vec<TemplateError>> {
        let mut strings = Vec::new();
        collect_templated(values, &Pointer::root(), &mut strings);
        let mut holes = Vec::new();
        let mut errors = Vec::new();
        for (pointer, source) in strings {
            // minijinja's error ranges count from the start of what it compiled.
            let compiled = match single_expression(source) {
                Some(expr) => match Path::parse(expr) {
                    Some(path) => Ok(Hole::Path(path)),
                    None => env
                        .compile_expression(expr)
                        .map(|e| Hole::Expression(e, expr))
                        .map_err(|e| describe(&e, expr)),
                },
                None => env
                    .template_from_str(source)
                    .map(|t| match pieces(source) {
                        Some(pieces) => Hole::Text(pieces, t),
                        None => Hole::Template(t),
                    })
                    .map_err(|e| describe(&e, source)),
            };
            match compiled {
                Ok(hole) => holes.push((pointer, source, hole)),
                Err(message) => errors.push(TemplateError {
                    pointer,
                    code: Code::ValueTemplate,
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(Self {
                base: values,
                shape: Shape::of(values, &mut 0),
                sites: holes.iter().map(|(p, _, _)| site(p)).collect(),
                marked: holes.iter().map(|(p, _, _)| marked(p)).collect(),
                rules: holes.iter().map(|(p, _, _)| rule(p)).collect(),
                holes,
            })
        } else {
            Err(errors)
        }
    }

    /// The layer's shape (see [`Shape`]).
    pub(crate) fn shape(&self) -> &Shape<'source> {
        &self.shape
    }

    /// The layer's values for one placement, as a value of their own.
    pub(crate) fn evaluate(&self, scope: &Scope<'_>) -> Result<Value, Vec<TemplateError>> {
        let results = self.evaluate_holes(scope)?;
        let mut out = self.base.clone();
        for ((pointer, _, _), value) in self.holes.iter().zip(results) {
            if let Some(slot) = slot(&mut out, pointer) {
                *slot = value;
            }
        }
        Ok(out)
    }

    /// The value of each templated string, in the order of the holes of [`Layer::shape`].
    pub(crate) fn evaluate_holes(
        &self,
        scope: &Scope<'_>,
    ) -> Result<Vec<Value>, Vec<TemplateError>> {
        let mut results = Vec::with_capacity(self.holes.len());
        let mut errors = Vec::new();
        let render = |t: &Template<'_, '_>, source: &str| {
            let mut out = LimitedText::default();
            match t.render_captured_to(scope.jinja(), &mut out) {
                Ok(_) => Ok(Value::String(
                    String::from_utf8_lossy(&out.bytes).into_owned(),
                )),
                Err(_) if out.overflowed => Err(too_large()),
                Err(e) => Err(describe(&e, source)),
            }
        };
        for ((((pointer, source, hole), site), marked), rule) in self
            .holes
            .iter()
            .zip(&self.sites)
            .zip(&self.marked)
            .zip(&self.rules)
        {
            let result = match hole {
                Hole::Path(path) => path
                    .lookup(&scope.variables())
                    .cloned()
                    .ok_or_else(|| format!("`{}` is undefined", paths::describe(path))),
                Hole::Text(pieces, template) => {
                    match paths::render(pieces, &scope.variables(), source) {
                        Rendered::Text(text) => Ok(Value::String(text)),
                        Rendered::Undefined(path) => Err(format!("`{path}` is undefined")),
                        Rendered::NotText => bounded(site, || render(template, source)),
                    }
                }
                Hole::Expression(e, expression) => bounded(site, || {
                    let value = e
                        .eval(scope.jinja())
                        .map_err(|e| describe(&e, expression))?;
                    if value.is_undefined() {
                        return Err(format!("`{}` is undefined", expression.trim()));
                    }
                    to_json(&value, &mut RESULT_LIMIT.clone())
                }),
                Hole::Template(t) => bounded(site, || render(t, source)),
            };
            let checked = result
                .map_err(|message| (Code::ValueTemplate, message))
                .and_then(|value| match rule.and_then(|r| r.problem(&value)) {
                    Some(problem) => Err((Code::ValueTemplate, problem)),
                    None => Ok(value),
                })
                .and_then(portable)
                .and_then(|value| {
                    // A template under a credential-named key is judged by what it produces:
                    // a value derived from the (checked) fleet is not a secret, a map with a
                    // credential in it or a token's shape is.
                    if *marked {
                        Ok(value)
                    } else {
                        credential_free(value)
                    }
                });
            match checked {
                Ok(value) => results.push(value),
                Err((code, message)) => errors.push(TemplateError {
                    pointer: pointer.clone(),
                    code,
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(results)
        } else {
            Err(errors)
        }
    }
}

/// The largest result a value template may produce, in bytes of text (strings, numbers and
/// keys; each item or entry counts a few bytes more).
pub(crate) const RESULT_LIMIT: Budget = Budget(1 << 20);

/// What is left of [`RESULT_LIMIT`] while a result is converted.
#[derive(Clone, Copy)]
pub(crate) struct Budget(usize);

impl Budget {
    fn spend(&mut self, bytes: usize) -> Result<(), String> {
        self.0 = self.0.checked_sub(bytes).ok_or_else(too_large)?;
        Ok(())
    }
}

fn too_large() -> String {
    format!(
        "its result is larger than {} MiB; a value template should produce a value, not a \
         document",
        RESULT_LIMIT.0 >> 20
    )
}

/// A template's result as JSON, refused once it passes `budget`: a nested repetition is small
/// as a template value (its items are shared) but not once written out.
fn to_json(value: &minijinja::Value, budget: &mut Budget) -> Result<Value, String> {
    use minijinja::value::ValueKind;
    const ITEM: usize = 8;
    match value.kind() {
        ValueKind::Seq | ValueKind::Iterable => {
            let items = value.try_iter().map_err(|e| e.to_string())?;
            let mut out = Vec::new();
            for item in items {
                budget.spend(ITEM)?;
                out.push(to_json(&item, budget)?);
            }
            Ok(Value::Array(out))
        }
        ValueKind::Map => {
            let keys = value.try_iter().map_err(|e| e.to_string())?;
            let mut out = serde_json::Map::new();
            for key in keys {
                let item = value.get_item(&key).map_err(|e| e.to_string())?;
                let name = match key.as_str() {
                    Some(s) => s.to_owned(),
                    None if key.is_number() || key.kind() == ValueKind::Bool => key.to_string(),
                    None => return Err(format!("its result has a key that is not text: `{key}`")),
                };
                budget.spend(ITEM + name.len())?;
                let item = to_json(&item, budget)?;
                out.insert(name, item);
            }
            Ok(Value::Object(out))
        }
        ValueKind::String => {
            let text = value.as_str().unwrap_or_default();
            budget.spend(text.len())?;
            Ok(Value::String(text.to_owned()))
        }
        ValueKind::Undefined | ValueKind::None => Ok(Value::Null),
        _ => {
            budget.spend(ITEM)?;
            let scalar = serde_json::to_value(value).unwrap_or(Value::Null);
            if let Value::String(s) = &scalar {
                budget.spend(s.len())?;
            }
            Ok(scalar)
        }
    }
}

/// A template's text output, refused past [`RESULT_LIMIT`].
#[derive(Default)]
struct LimitedText {
    bytes: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for LimitedText {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > RESULT_LIMIT.0 {
            self.overflowed = true;
            return Err(std::io::Error::other("the result is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A result that holds no credential: no credential-named key with a value, nothing that looks
/// like a secret (see [`crate::model::credential`]).
fn credential_free(value: Value) -> Result<Value, (Code, String)> {
    fn find(value: &Value, at: &Pointer) -> Option<(Pointer, String)> {
        use crate::model::credential::{holds_credential, is_credential_key, secret_in_text};
        match value {
            Value::String(s) => secret_in_text(s)
                .map(|secret| (at.clone(), format!("looks like {}", secret.describe()))),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| find(item, &at.clone().index(i))),
            Value::Object(map) => map.iter().find_map(|(k, v)| {
                let here = at.clone().key(k.clone());
                if is_credential_key(k) && holds_credential(v) {
                    Some((here, format!("holds a credential under `{k}`")))
                } else {
                    find(v, &here)
                }
            }),
            _ => None,
        }
    }
    match find(&value, &Pointer::root()) {
        None => Ok(value),
        Some((at, what)) => {
            let within = if at.segments().is_empty() {
                String::new()
            } else {
                format!(" (at `{}`)", at.dotted())
            };
            Err((
                Code::Credential,
                format!(
                    "its result {what}{within}: Helm values are rendered into out/ in plain text"
                ),
            ))
        }
    }
}

/// A result every consumer of `out/` can carry (see [`crate::model::portable_text`]).
fn portable(value: Value) -> Result<Value, (Code, String)> {
    let found = crate::model::portable_text::problems(&value);
    match found.first() {
        None => Ok(value),
        Some((at, is_key, problem)) => {
            let within = if at.segments().is_empty() {
                String::new()
            } else {
                format!(" (at `{}` in its result)", at.dotted())
            };
            Err((
                Code::UnportableText,
                format!("{}{within}", problem.message(*is_key)),
            ))
        }
    }
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

/// How many steps one value template may take.
const FUEL: u64 = 100_000;

/// A readable message: what failed and, where minijinja knows, the part of the source.
fn describe(e: &minijinja::Error, source: &str) -> String {
    let part = e
        .range()
        .map(|r| widen_to_name(source, r))
        .and_then(|r| source.get(r))
        .filter(|p| !p.trim().is_empty());
    match (e.kind(), part) {
        (minijinja::ErrorKind::UndefinedError, Some(part)) => {
            let part = part.trim();
            let name = part
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '"' | '\''));
            if name {
                format!("`{part}` is undefined")
            } else {
                format!("`{part}` reads an undefined value")
            }
        }
        (minijinja::ErrorKind::OutOfFuel, _) => format!(
            "it runs too long (over {FUEL} steps); a value template should be a few lookups \
             and filters, so look for a loop that repeats more than intended"
        ),
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

/// The `cluster` variable of templates.
pub(crate) fn cluster_variable(cluster: &Cluster) -> Variable {
    Variable::new(&ClusterContext {
        name: &cluster.name,
        labels: &cluster.placement_labels,
        annotations: &cluster.annotations,
        provider: cluster.provider.as_str(),
        region: cluster.region.as_deref(),
        environment: cluster.environment.as_deref(),
        hub: &cluster.hub,
        kubernetes_version: cluster.kubernetes_version.as_deref(),
    })
}

/// The `app` variable of templates: its name, and its namespace and project as the App
/// declares them (without templates, before overrides).
pub(crate) fn app_variable(app: &App) -> Variable {
    let mut variable = serde_json::json!({ "name": app.name });
    if let Some(namespace) = app.declared("/spec/destination/namespace") {
        variable["namespace"] = Value::from(namespace);
    }
    if app.fields.pointer("/spec/project").is_none() {
        variable["project"] = Value::from(crate::model::DEFAULT_PROJECT);
    } else if let Some(project) = app.declared("/spec/project") {
        variable["project"] = Value::from(project);
    }
    Variable::new(&variable)
}

/// The `fleet` variable of templates.
pub(crate) fn fleet_variable(fleet: &Fleet) -> Variable {
    Variable::new(&serde_json::json!({ "name": fleet.name }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::place::templates::memory::test_site;
    use serde_json::json;

    /// The variables of the tests: a cluster with a name, a number and labels.
    fn variables() -> (Variable, Variable, Variable, Variable) {
        (
            Variable::new(
                &json!({"name": "prod-eu-1", "replicas": 3, "labels": {"tier": "critical", "acme.io/team": "payments"}}),
            ),
            Variable::new(&json!({"name": "web"})),
            Variable::new(&json!({"name": "acme"})),
            Variable::new(&json!({"chartVersion": "1.6.0", "limit": 5})),
        )
    }

    fn eval(values: &Value) -> Result<Value, Vec<TemplateError>> {
        let env = environment();
        let layer = Layer::compile(&env, values, &test_site, &|_| false, &|_| None)?;
        let (c, a, f, v) = variables();
        layer.evaluate(&Scope::new(&c, &a, &f, &v))
    }

    /// The same, with every string given to the template engine (no direct reads).
    fn eval_by_engine(values: &Value) -> Result<Value, Vec<TemplateError>> {
        let env = environment();
        let mut layer = Layer::compile(&env, values, &test_site, &|_| false, &|_| None)?;
        for (_, source, hole) in &mut layer.holes {
            *hole = match single_expression(source) {
                Some(expr) => Hole::Expression(env.compile_expression(expr).unwrap(), expr),
                None => Hole::Template(env.template_from_str(source).unwrap()),
            };
        }
        let (c, a, f, v) = variables();
        layer.evaluate(&Scope::new(&c, &a, &f, &v))
    }

    #[test]
    fn direct_reads_agree_with_the_template_engine() {
        for template in [
            "{{ cluster.name }}",
            "{{cluster.name}}",
            "{{ cluster['name'] }}",
            "{{ cluster.labels }}",
            "{{ cluster.labels.tier }}",
            "{{ cluster.labels[\"acme.io/team\"] }}",
            "{{ cluster.replicas }}",
            "{{ app.name }}",
            "{{ fleet.name }}",
            "{{ vars.chartVersion }}",
            "{{ vars.limit }}",
            "api.{{ cluster.name }}.x",
            "{{ app.name }}-{{ cluster.labels.tier }}",
            "n={{ cluster.replicas }}",
            "{{ cluster.labels }} here",
        ] {
            let values = json!({ "v": template });
            assert_eq!(eval(&values), eval_by_engine(&values), "{template}");
        }
        for undefined in [
            "{{ cluster.nope }}",
            "x {{ cluster.labels.nope }}",
            "{{ cluster.name.x }}",
        ] {
            let values = json!({ "v": undefined });
            let (fast, engine) = (
                eval(&values).unwrap_err(),
                eval_by_engine(&values).unwrap_err(),
            );
            assert_eq!(fast[0].message, engine[0].message, "{undefined}");
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
            eval(&values).unwrap(),
            json!({"n": 3, "b": true, "l": [1, 2], "m": {"tier": "critical", "acme.io/team": "payments"}, "s": "prod-eu-1", "trimmed": 3})
        );
    }

    #[test]
    fn other_strings_render_to_text() {
        let values = json!({"a": "name={{ cluster.name }}", "b": "{{ cluster.replicas }}x", "c": "{{ 1 }}{{ 2 }}", "plain": "no template"});
        assert_eq!(
            eval(&values).unwrap(),
            json!({"a": "name=prod-eu-1", "b": "3x", "c": "12", "plain": "no template"})
        );
    }

    #[test]
    fn undefined_names_are_errors_that_name_the_expression() {
        let values =
            json!({"x": {"y": ["ok", "{{ cluster.annotations.role_arn }}"]}, "z": "a-{{ nope }}"});
        let errors = eval(&values).unwrap_err();
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
        let errors = eval(&values).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`cluster.annotations.domain` is undefined"
        );
    }

    #[test]
    fn syntax_errors_are_reported_at_compile_time() {
        let env = environment();
        let values = json!({"bad": "{{ cluster.name "});
        let Err(errors) = Layer::compile(&env, &values, &test_site, &|_| false, &|_| None) else {
            panic!("expected an error")
        };
        assert_eq!(errors[0].pointer.to_string(), "/bad");
        assert!(
            errors[0].message.contains("syntax"),
            "{}",
            errors[0].message
        );
    }

    /// Hostile inputs m5: minijinja dropped a final newline that the direct read kept.
    #[test]
    fn a_final_newline_is_kept_by_both_paths() {
        let values = json!({"a": "x {{ cluster.name }}\n", "b": "x {{ cluster.name | lower }}\n"});
        assert_eq!(
            eval(&values).unwrap(),
            json!({"a": "x prod-eu-1\n", "b": "x prod-eu-1\n"})
        );
        assert_eq!(eval(&values), eval_by_engine(&values));
    }

    /// Hostile inputs m4: the quoted fragment of a failing single expression was shifted by
    /// the two characters of `{{`.
    #[test]
    fn errors_in_single_expressions_quote_the_right_fragment() {
        let errors = eval(&json!({"v": "{{ cluster.labels | nosuchfilter }}"})).unwrap_err();
        assert!(
            errors[0].message.contains("(at `nosuchfilter`)"),
            "{}",
            errors[0].message
        );
        let errors =
            eval(&json!({"v": "{{ 2 if cluster.environment == 'prod' else 1 }}"})).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`if cluster.environment == 'prod'` reads an undefined value"
        );
    }

    #[test]
    fn default_filter_handles_missing_names() {
        let values = json!({"r": "{{ cluster.region | default('none') }}"});
        assert_eq!(eval(&values).unwrap(), json!({"r": "none"}));
    }
}
