//! Evaluating a template as Argo CD's ApplicationSet controller does, over the parameters a
//! generator gives one cluster: what Argo CD would write, to compare fleetc's rendering with.
//!
//! Go templates follow `text/template` with `missingkey=default` unless the ApplicationSet sets
//! `missingkey=error`: a missing key is nil, printed as `<no value>`. fasttemplate writes an
//! unknown tag back as it was.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Arg, Command, FormatPiece, Language, Node, Pipeline, Template, format_pieces};

/// What a template wrote, and the parameters it printed that the cluster lacks (each as the
/// path read), which Argo CD writes as `<no value>` or leaves as `{{tag}}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    pub text: String,
    pub missing: Vec<String>,
    /// How many `range` items were written: nested loops are bounded by [`MAX_ITEMS`].
    items: usize,
}

/// How many `range` items one template may write: far beyond any patch, and a bound on
/// nested loops that would otherwise never end.
const MAX_ITEMS: usize = 100_000;

/// How evaluation runs.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub language: Language,
    /// `goTemplateOptions: ["missingkey=error"]`: a missing key fails the template.
    pub missing_is_error: bool,
}

/// Writes `template` over `params`; `Err` says why Argo CD would fail it.
pub fn write(template: &Template, params: &Value, mode: Mode) -> Result<Written, String> {
    let mut out = Written::default();
    let mut variables = vec![(String::new(), params.clone())];
    nodes(&template.nodes, params, &mut variables, mode, &mut out)?;
    Ok(out)
}

/// The variables in scope, innermost last: `$` (the parameters, with the empty name) first.
type Variables = Vec<(String, Value)>;

fn nodes(
    list: &[Node],
    dot: &Value,
    variables: &mut Variables,
    mode: Mode,
    out: &mut Written,
) -> Result<(), String> {
    for node in list {
        match node {
            Node::Text(t) => out.text.push_str(t),
            Node::Unknown(tag) => {
                out.text.push_str("{{");
                out.text.push_str(tag);
                out.text.push_str("}}");
            }
            Node::Output(p) => {
                let value = pipeline(p, dot, variables, mode)?;
                match (&value, mode.language) {
                    (Value::Null, Language::Fast) => {
                        let path = output_path(p);
                        let _ = write!(out.text, "{{{{{path}}}}}");
                        out.missing.push(path);
                    }
                    (Value::Null, Language::Go) => {
                        out.text.push_str("<no value>");
                        out.missing.push(output_path(p));
                    }
                    _ => out.text.push_str(&print(&value)?),
                }
            }
            Node::If(branches, otherwise) => {
                let mut taken = None;
                for (condition, body) in branches {
                    if truthy(&pipeline(condition, dot, variables, mode)?) {
                        taken = Some(body);
                        break;
                    }
                }
                nodes(taken.unwrap_or(otherwise), dot, variables, mode, out)?;
            }
            Node::Range {
                variables: declared,
                over,
                body,
                otherwise,
            } => {
                let items = items(pipeline(over, dot, variables, mode)?)?;
                if items.is_empty() {
                    nodes(otherwise, dot, variables, mode, out)?;
                }
                for (key, item) in items {
                    out.items += 1;
                    if out.items > MAX_ITEMS {
                        return Err(format!("its loops write more than {MAX_ITEMS} items"));
                    }
                    let scope = variables.len();
                    match declared.as_slice() {
                        [one] => variables.push((one.clone(), item.clone())),
                        [k, v] => {
                            variables.push((k.clone(), key));
                            variables.push((v.clone(), item.clone()));
                        }
                        _ => {}
                    }
                    nodes(body, &item, variables, mode, out)?;
                    variables.truncate(scope);
                }
            }
        }
    }
    Ok(())
}

/// What `range` goes over, as Go does: a list's items with their index, a map's entries in
/// the order of their keys; nothing for nil.
fn items(value: Value) -> Result<Vec<(Value, Value)>, String> {
    match value {
        Value::Array(list) => Ok(list
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i), v))
            .collect()),
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(entries
                .into_iter()
                .map(|(k, v)| (Value::String(k), v))
                .collect())
        }
        Value::Null => Ok(Vec::new()),
        other => Err(format!("`range` cannot go over {other}")),
    }
}

/// The path an output reads, as a person would write it (for the report).
fn output_path(p: &Pipeline) -> String {
    match p.0.first() {
        Some(Command::Value(Arg::Field(path))) => path.join("."),
        Some(Command::Value(Arg::Variable(name, path))) => std::iter::once(format!("${name}"))
            .chain(path.iter().cloned())
            .collect::<Vec<_>>()
            .join("."),
        Some(Command::Call(name, _)) => format!("{name} …"),
        _ => "…".to_owned(),
    }
}

/// How Go's `fmt` prints a value in a template.
fn print(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok("<no value>".to_owned()),
        Value::Array(_) | Value::Object(_) => {
            Err("the template prints a list or a map, which Go writes in its own notation".into())
        }
    }
}

/// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
pub fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn pipeline(p: &Pipeline, dot: &Value, variables: &Variables, mode: Mode) -> Result<Value, String> {
    let mut last: Option<Value> = None;
    for command in &p.0 {
        last = Some(match command {
            Command::Value(arg) => operand(arg, dot, variables, mode)?,
            Command::Call(name, args) => {
                let mut values = args
                    .iter()
                    .map(|a| operand(a, dot, variables, mode))
                    .collect::<Result<Vec<_>, _>>()?;
                values.extend(last.take());
                call(name, &values)?
            }
        });
    }
    Ok(last.unwrap_or(Value::Null))
}

fn operand(arg: &Arg, dot: &Value, variables: &Variables, mode: Mode) -> Result<Value, String> {
    match arg {
        Arg::Field(path) => walk(dot, path, mode),
        Arg::Variable(name, path) => {
            let Some((_, value)) = variables.iter().rev().find(|(n, _)| n == name) else {
                return Err(format!("the variable `${name}` is not declared"));
            };
            walk(value, path, mode)
        }
        Arg::Str(s) => Ok(Value::String(s.clone())),
        Arg::Int(n) => Ok(Value::from(*n)),
        Arg::Bool(b) => Ok(Value::Bool(*b)),
        Arg::Nil => Ok(Value::Null),
        Arg::Group(p) => pipeline(p, dot, variables, mode),
    }
}

/// The value at `path` under `at`, as a template's `.a.b` reads it.
fn walk(mut at: &Value, path: &[String], mode: Mode) -> Result<Value, String> {
    for (i, key) in path.iter().enumerate() {
        match at {
            Value::Object(map) => match map.get(key) {
                Some(v) => at = v,
                None if mode.missing_is_error => {
                    return Err(format!(
                        "map has no entry for key `{}` (missingkey=error)",
                        path[..=i].join(".")
                    ));
                }
                None => return Ok(Value::Null),
            },
            Value::Null => return Ok(Value::Null),
            _ => {
                return Err(format!(
                    "`.{}` is not a map, so it has no field `{key}`",
                    path[..i].join(".")
                ));
            }
        }
    }
    Ok(at.clone())
}

fn text<'v>(name: &str, value: &'v Value) -> Result<&'v str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("`{name}` takes text, not {value}"))
}

/// sprig's `empty`: what `default` replaces.
fn empty(value: &Value) -> bool {
    !truthy(value)
}

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!("`{name}` takes {n} arguments, not {}", args.len()))
        }
    };
    match name {
        "index" => {
            let (first, keys) = args
                .split_first()
                .ok_or_else(|| "`index` takes a map".to_owned())?;
            let mut at = first.clone();
            for key in keys {
                at = match (&at, key) {
                    (Value::Object(map), Value::String(k)) => {
                        map.get(k).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Array(list), Value::Number(i)) => i
                        .as_u64()
                        .and_then(|i| list.get(usize::try_from(i).ok()?))
                        .cloned()
                        .ok_or_else(|| format!("index {i} out of range"))?,
                    (Value::Null, _) => return Err("index of untyped nil".into()),
                    _ => return Err(format!("cannot index {at} with {key}")),
                };
            }
            Ok(at)
        }
        "default" => {
            arity(2)?;
            Ok(if empty(&args[1]) {
                args[0].clone()
            } else {
                args[1].clone()
            })
        }
        "printf" => {
            let (format, rest) = args
                .split_first()
                .ok_or_else(|| "`printf` takes a format".to_owned())?;
            printf(text(name, format)?, rest)
        }
        "replace" => {
            arity(3)?;
            Ok(Value::String(
                text(name, &args[2])?.replace(text(name, &args[0])?, text(name, &args[1])?),
            ))
        }
        "lower" => {
            arity(1)?;
            Ok(Value::String(text(name, &args[0])?.to_lowercase()))
        }
        "upper" => {
            arity(1)?;
            Ok(Value::String(text(name, &args[0])?.to_uppercase()))
        }
        "trimPrefix" | "trimSuffix" => {
            arity(2)?;
            let (s, affix) = (text(name, &args[1])?, text(name, &args[0])?);
            let trimmed = if name == "trimPrefix" {
                s.strip_prefix(affix)
            } else {
                s.strip_suffix(affix)
            };
            Ok(Value::String(trimmed.unwrap_or(s).to_owned()))
        }
        "eq" => {
            let (first, rest) = args
                .split_first()
                .ok_or_else(|| "`eq` takes two values".to_owned())?;
            if rest.is_empty() {
                return Err("`eq` takes two values".into());
            }
            Ok(Value::Bool(rest.iter().any(|v| v == first)))
        }
        "ne" => {
            arity(2)?;
            Ok(Value::Bool(args[0] != args[1]))
        }
        "and" => Ok(args
            .iter()
            .find(|v| !truthy(v))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "or" => Ok(args
            .iter()
            .find(|v| truthy(v))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "not" => {
            arity(1)?;
            Ok(Value::Bool(!truthy(&args[0])))
        }
        // Argo CD's `toYaml` (sigs.k8s.io/yaml, without the last line break) and sprig's
        // `toJson`, `indent`, `nindent` and `quote`, as patches use them to write structure.
        "toYaml" => {
            arity(1)?;
            let yaml = serde_yaml::to_string(&args[0]).map_err(|e| e.to_string())?;
            Ok(Value::String(yaml.trim_end_matches('\n').to_owned()))
        }
        "toJson" => {
            arity(1)?;
            Ok(Value::String(args[0].to_string()))
        }
        "indent" | "nindent" => {
            arity(2)?;
            let width = args[0]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n <= 256)
                .ok_or_else(|| format!("`{name}` takes a width, not {}", args[0]))?;
            let pad = " ".repeat(width);
            let indented = format!(
                "{pad}{}",
                text(name, &args[1])?.replace('\n', &format!("\n{pad}"))
            );
            Ok(Value::String(if name == "nindent" {
                format!("\n{indented}")
            } else {
                indented
            }))
        }
        "quote" => Ok(Value::String(
            args.iter()
                .filter(|a| !a.is_null())
                .map(|a| {
                    let shown = match a {
                        Value::String(s) => s.clone(),
                        other => print(other)?,
                    };
                    Ok(Value::String(shown).to_string())
                })
                .collect::<Result<Vec<_>, String>>()?
                .join(" "),
        )),
        other => Err(format!(
            "the function `{other}` is not one fleetc import knows"
        )),
    }
}

/// Go's `fmt.Sprintf` for the verbs templates use: `%s`, `%v`, `%d` and `%%`.
fn printf(format: &str, args: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut args = args.iter();
    for piece in format_pieces(format)? {
        let verb = match piece {
            FormatPiece::Text(t) => {
                out.push_str(&t);
                continue;
            }
            FormatPiece::Verb(verb) => verb,
        };
        match args.next() {
            Some(Value::Null) => {
                let _ = write!(out, "%!{verb}(<nil>)");
            }
            Some(v) => out.push_str(&print(v)?),
            None => {
                let _ = write!(out, "%!{verb}(MISSING)");
            }
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn go(text: &str, params: &Value) -> Result<Written, String> {
        let t = Template::parse(text, Language::Go).expect("a template");
        write(
            &t,
            params,
            Mode {
                language: Language::Go,
                missing_is_error: false,
            },
        )
    }

    fn params() -> Value {
        json!({
            "name": "prod-eu",
            "metadata": {"labels": {"environment": "prod"}, "annotations": {"addons_repo_basepath": ""}},
            "values": {"chart": "cert-manager", "replicas": 2},
        })
    }

    #[test]
    fn fields_functions_and_conditionals_as_argo_cd_writes_them() {
        let p = params();
        for (template, written) in [
            ("{{ .name }}", "prod-eu"),
            ("{{ .values.replicas }}", "2"),
            (
                r#"{{ index .metadata.labels "environment" | upper }}"#,
                "PROD",
            ),
            (
                r#"{{ default "base/" .metadata.annotations.addons_repo_basepath }}"#,
                "base/",
            ),
            (
                r#"{{ printf "%s-%s" .values.chart .name }}"#,
                "cert-manager-prod-eu",
            ),
            (r#"{{ replace "-" "_" .name }}"#, "prod_eu"),
            (r#"{{ trimPrefix "prod-" .name }}"#, "eu"),
            (
                r#"{{ if eq .metadata.labels.environment "prod" }}3{{ else }}1{{ end }}"#,
                "3",
            ),
            (
                "{{ if .metadata.labels.missing }}a{{ else if .name }}b{{ end }}",
                "b",
            ),
        ] {
            assert_eq!(go(template, &p).unwrap().text, written, "{template}");
        }
    }

    #[test]
    fn range_sets_dot_and_variables_and_structure_functions_write_yaml() {
        let p = json!({
            "name": "c1",
            "files": ["a.yaml", "b.yaml"],
            "labels": {"b": "2", "a": "1"},
            "sync": {"prune": true},
        });
        for (template, written) in [
            ("{{ range .files }}[{{ . }}]{{ end }}", "[a.yaml][b.yaml]"),
            (
                "{{ range $i, $f := .files }}{{ $i }}={{ $f }}@{{ $.name }};{{ end }}",
                "0=a.yaml@c1;1=b.yaml@c1;",
            ),
            (
                "{{ range $k, $v := .labels }}{{ $k }}{{ $v }}{{ end }}",
                "a1b2",
            ),
            ("{{ range .none }}x{{ else }}empty{{ end }}", "empty"),
            ("a:{{ toYaml .sync | nindent 2 }}", "a:\n  prune: true"),
            ("{{ toYaml .files | indent 2 }}", "  - a.yaml\n  - b.yaml"),
            (r#"{{ quote .name "x" }}"#, r#""c1" "x""#),
            ("{{ toJson .files }}", r#"["a.yaml","b.yaml"]"#),
        ] {
            assert_eq!(go(template, &p).unwrap().text, written, "{template}");
        }
        assert!(
            go("{{ range .name }}{{ end }}", &p)
                .unwrap_err()
                .contains("cannot go over")
        );
        let deep = format!(
            "{}{}",
            "{{ range $.files }}{{ range $.files }}".repeat(10),
            "{{ end }}{{ end }}".repeat(10)
        );
        assert!(
            go(&deep, &p)
                .unwrap_err()
                .contains("more than 100000 items")
        );
        assert!(
            go("{{ $nope }}", &p)
                .unwrap_err()
                .contains("`$nope` is not declared")
        );
    }

    #[test]
    fn a_missing_key_prints_no_value_or_fails_with_missingkey_error() {
        let p = params();
        let w = go("x-{{ .metadata.annotations.nope }}", &p).unwrap();
        assert_eq!(w.text, "x-<no value>");
        assert_eq!(w.missing, ["metadata.annotations.nope"]);
        let t = Template::parse("{{ .nope }}", Language::Go).unwrap();
        let strict = Mode {
            language: Language::Go,
            missing_is_error: true,
        };
        assert!(
            write(&t, &p, strict)
                .unwrap_err()
                .contains("missingkey=error")
        );
    }

    #[test]
    fn fasttemplate_leaves_what_the_cluster_lacks() {
        let t = Template::parse(
            "{{values.chart}}/{{metadata.labels.team}}{{x}}",
            Language::Fast,
        )
        .unwrap();
        let mode = Mode {
            language: Language::Fast,
            missing_is_error: false,
        };
        let w = write(&t, &params(), mode).unwrap();
        assert_eq!(w.text, "cert-manager/{{metadata.labels.team}}{{x}}");
        assert_eq!(w.missing, ["metadata.labels.team"]);
    }
}
