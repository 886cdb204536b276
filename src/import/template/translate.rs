//! Translating an ApplicationSet template into a fleetc template (minijinja) that writes the
//! same text: fields become the names fleetc templates read (the caller says how, see
//! [`Names`]), functions become filters and operators, `if` stays `if`.
//!
//! Argo CD writes text, so a template that is one action is made text with `| string` (fleetc
//! would otherwise keep a number a number). Conditions read a field that a cluster may lack as
//! `none`, as Go reads a missing key as nil.

use std::fmt::Write as _;

use super::{Arg, Command, Node, Pipeline, Template};

/// How a path into Argo CD's parameters reads in a fleetc template: an expression, or why
/// fleetc has no such value.
pub trait Names {
    fn expression(&self, path: &[String]) -> Result<String, String>;
}

impl<F: Fn(&[String]) -> Result<String, String>> Names for F {
    fn expression(&self, path: &[String]) -> Result<String, String> {
        self(path)
    }
}

/// The fleetc template that writes what `template` writes.
pub fn template(template: &Template, names: &dyn Names) -> Result<String, String> {
    if let [Node::Output(p)] = template.nodes.as_slice() {
        return Ok(format!("{{{{ {} }}}}", text_of(p, names)?));
    }
    let mut out = String::new();
    nodes_into(&template.nodes, names, &mut out)?;
    Ok(out)
}

/// A fleetc expression whose value is the text `template` writes.
pub fn expression(template: &Template, names: &dyn Names) -> Result<String, String> {
    nodes_expression(&template.nodes, names)
}

fn nodes_into(nodes: &[Node], names: &dyn Names, out: &mut String) -> Result<(), String> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&literal_text(t)),
            Node::Unknown(tag) => out.push_str(&literal_text(&format!("{{{{{tag}}}}}"))),
            Node::Output(p) => {
                out.push_str("{{ ");
                out.push_str(&pipeline(p, names, false)?);
                out.push_str(" }}");
            }
            Node::If(branches, otherwise) => {
                for (i, (condition, body)) in branches.iter().enumerate() {
                    let word = if i == 0 { "if" } else { "elif" };
                    let condition = pipeline(condition, names, true)?;
                    let _ = write!(out, "{{% {word} {condition} %}}");
                    nodes_into(body, names, out)?;
                }
                if !otherwise.is_empty() {
                    out.push_str("{% else %}");
                    nodes_into(otherwise, names, out)?;
                }
                out.push_str("{% endif %}");
            }
            Node::Range { .. } => return Err(RANGE.to_owned()),
        }
    }
    Ok(())
}

/// Why a loop is not translated: a fleetc template writes one string, not structure.
const RANGE: &str =
    "`range` has no translation into a fleetc template, which writes a value, not a loop";

/// Text that fleetc writes as it is: template syntax in it is kept out of evaluation.
pub(in crate::import) fn literal_text(text: &str) -> String {
    if crate::model::is_templated(text) {
        format!("{{% raw %}}{text}{{% endraw %}}")
    } else {
        text.to_owned()
    }
}

fn nodes_expression(nodes: &[Node], names: &dyn Names) -> Result<String, String> {
    let mut parts = Vec::new();
    for node in nodes {
        parts.push(match node {
            Node::Text(t) => string_literal(t),
            Node::Unknown(tag) => string_literal(&format!("{{{{{tag}}}}}")),
            Node::Output(p) => text_of(p, names)?,
            Node::If(branches, otherwise) => {
                let mut tail = nodes_expression(otherwise, names)?;
                for (condition, body) in branches.iter().rev() {
                    tail = format!(
                        "({} if {} else {tail})",
                        nodes_expression(body, names)?,
                        pipeline(condition, names, true)?
                    );
                }
                tail
            }
            Node::Range { .. } => return Err(RANGE.to_owned()),
        });
    }
    Ok(match parts.len() {
        0 => "\"\"".to_owned(),
        1 => parts.remove(0),
        _ => format!("({})", parts.join(" ~ ")),
    })
}

/// A minijinja string literal.
fn string_literal(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// A pipeline as text, as Go prints it: the parameters are text already, and so is what the
/// text functions return; a comparison, a number or a boolean is made text.
fn text_of(p: &Pipeline, names: &dyn Names) -> Result<String, String> {
    let e = pipeline(p, names, false)?;
    let not_text = match p.0.last() {
        Some(Command::Call(name, _)) => ["eq", "ne", "not", "and", "or"].contains(&name.as_str()),
        Some(Command::Value(arg)) => matches!(arg, Arg::Int(_) | Arg::Bool(_) | Arg::Nil),
        None => false,
    };
    // minijinja writes a boolean as Python does (`True`), Go as `true`.
    Ok(if not_text {
        format!("({e} | string | lower)")
    } else {
        e
    })
}

fn pipeline(p: &Pipeline, names: &dyn Names, lenient: bool) -> Result<String, String> {
    let mut last: Option<Translated> = None;
    for command in &p.0 {
        last = Some(match command {
            Command::Value(arg) => operand(arg, names, lenient)?,
            Command::Call(name, args) if name == "index" && last.is_none() => {
                index(args, names, lenient)?
            }
            Command::Call(name, args) => {
                let mut translated = args
                    .iter()
                    .map(|a| operand(a, names, lenient))
                    .collect::<Result<Vec<_>, _>>()?;
                translated.extend(last.take());
                call(name, &translated)?
            }
        });
    }
    Ok(last.map(|t| t.text).unwrap_or_default())
}

/// A translated operand, and the literal text it was (for `printf` formats and `index` keys).
struct Translated {
    text: String,
    literal: Option<String>,
}

fn operand(arg: &Arg, names: &dyn Names, lenient: bool) -> Result<Translated, String> {
    let plain = |text: String| Translated {
        text,
        literal: None,
    };
    Ok(match arg {
        Arg::Field(path) => {
            let e = names.expression(path)?;
            plain(if lenient {
                format!("({e} | default(none))")
            } else {
                e
            })
        }
        Arg::Str(s) => Translated {
            text: string_literal(s),
            literal: Some(s.clone()),
        },
        Arg::Int(n) => plain(n.to_string()),
        Arg::Bool(b) => plain(b.to_string()),
        Arg::Nil => plain("none".to_owned()),
        Arg::Group(p) => plain(format!("({})", pipeline(p, names, lenient)?)),
        Arg::Variable(name, _) => {
            return Err(format!(
                "the variable `${name}` has no translation into a fleetc template"
            ));
        }
    })
}

/// `index`: with a field and literal keys, the same value as the field path they make (so
/// `index .metadata.labels "app.kubernetes.io/name"` reads one label).
fn index(args: &[Arg], names: &dyn Names, lenient: bool) -> Result<Translated, String> {
    let keys: Option<Vec<String>> = args
        .iter()
        .skip(1)
        .map(|k| match k {
            Arg::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    if let (Some(Arg::Field(path)), Some(keys)) = (args.first(), keys)
        && !keys.is_empty()
    {
        let mut full = path.clone();
        full.extend(keys);
        return operand(&Arg::Field(full), names, lenient);
    }
    let t = args
        .iter()
        .map(|a| operand(a, names, lenient))
        .collect::<Result<Vec<_>, _>>()?;
    call("index", &t)
}

fn call(name: &str, t: &[Translated]) -> Result<Translated, String> {
    let arity = |n: usize| {
        if t.len() == n {
            Ok(())
        } else {
            Err(format!("`{name}` takes {n} arguments, not {}", t.len()))
        }
    };
    let text = match name {
        "index" => {
            let (first, rest) = t
                .split_first()
                .ok_or_else(|| "`index` takes a map".to_owned())?;
            let mut e = first.text.clone();
            for k in rest {
                e = format!("{e}[{}]", k.text);
            }
            e
        }
        "default" => {
            arity(2)?;
            format!("({} | default({}, true))", t[1].text, t[0].text)
        }
        "printf" => {
            let format = t
                .first()
                .and_then(|f| f.literal.clone())
                .ok_or_else(|| "`printf` needs a literal format".to_owned())?;
            printf(&format, &t[1..])?
        }
        "replace" => {
            arity(3)?;
            format!("({} | replace({}, {}))", t[2].text, t[0].text, t[1].text)
        }
        "lower" | "upper" => {
            arity(1)?;
            format!("({} | {name})", t[0].text)
        }
        "eq" => {
            if t.len() < 2 {
                return Err("`eq` takes two values".into());
            }
            let tests: Vec<String> = t[1..]
                .iter()
                .map(|b| format!("{} == {}", t[0].text, b.text))
                .collect();
            format!("({})", tests.join(" or "))
        }
        "trimPrefix" => {
            arity(2)?;
            let (p, s) = (&t[0].text, &t[1].text);
            format!("({s}[({p} | length):] if {s}[:({p} | length)] == {p} else {s})")
        }
        "trimSuffix" => {
            arity(2)?;
            let (p, s) = (&t[0].text, &t[1].text);
            format!(
                "({s}[:({s} | length) - ({p} | length)] if {s}[({s} | length) - ({p} | length):] == {p} else {s})"
            )
        }
        "ne" => {
            arity(2)?;
            format!("({} != {})", t[0].text, t[1].text)
        }
        "and" | "or" => {
            if t.is_empty() {
                return Err(format!("`{name}` takes values"));
            }
            let joined: Vec<&str> = t.iter().map(|x| x.text.as_str()).collect();
            format!("({})", joined.join(&format!(" {name} ")))
        }
        "not" => {
            arity(1)?;
            format!("(not {})", t[0].text)
        }
        other => {
            return Err(format!(
                "the function `{other}` has no fleetc translation yet (fleetc import reads {})",
                super::FUNCTIONS.join(", ")
            ));
        }
    };
    Ok(Translated {
        text,
        literal: None,
    })
}

/// `printf` with a literal format: the pieces, joined.
fn printf(format: &str, args: &[Translated]) -> Result<String, String> {
    let mut args = args.iter();
    let mut parts = Vec::new();
    for piece in super::format_pieces(format)? {
        parts.push(match piece {
            super::FormatPiece::Text(t) => string_literal(&t),
            super::FormatPiece::Verb(_) => {
                let arg = args
                    .next()
                    .ok_or_else(|| "`printf` has fewer arguments than verbs".to_owned())?;
                format!("({} | string)", arg.text)
            }
        });
    }
    Ok(match parts.len() {
        0 => "\"\"".to_owned(),
        _ => format!("({})", parts.join(" ~ ")),
    })
}

#[cfg(test)]
mod tests {
    use super::super::Language;
    use super::*;

    fn names(path: &[String]) -> Result<String, String> {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["name"] => Ok("cluster.name".into()),
            ["metadata", "labels", k] => Ok(format!("cluster.labels[{}]", string_literal(k))),
            ["values", k] => Ok(format!("vars[{}]", string_literal(k))),
            _ => Err(format!("no `{}`", path.join("."))),
        }
    }

    fn go(text: &str) -> Result<String, String> {
        template(&Template::parse(text, Language::Go).unwrap(), &names)
    }

    #[test]
    fn a_lone_action_is_made_text() {
        assert_eq!(go("{{ .values.v }}").unwrap(), r#"{{ vars["v"] }}"#);
        assert_eq!(
            go(r#"{{ eq .name "a" }}"#).unwrap(),
            r#"{{ ((cluster.name == "a") | string | lower) }}"#
        );
    }

    #[test]
    fn text_actions_and_conditions() {
        assert_eq!(
            go(r#"addon-{{ .name }}-{{ index .metadata.labels "team" | upper }}"#).unwrap(),
            r#"addon-{{ cluster.name }}-{{ (cluster.labels["team"] | upper) }}"#
        );
        assert_eq!(go("{{ .server }}").unwrap_err(), "no `server`");
        assert_eq!(
            go(r#"{{ if eq (index .metadata.labels "e") "prod" }}3{{ else }}1{{ end }}"#).unwrap(),
            r#"{% if (((cluster.labels["e"] | default(none))) == "prod") %}3{% else %}1{% endif %}"#
        );
    }

    #[test]
    fn functions() {
        assert_eq!(
            go(r#"{{ printf "%s-%s" .name .values.c }}x"#).unwrap(),
            r#"{{ ((cluster.name | string) ~ "-" ~ (vars["c"] | string)) }}x"#
        );
        assert_eq!(
            go(r#"{{ default "a" .values.c }}/"#).unwrap(),
            r#"{{ (vars["c"] | default("a", true)) }}/"#
        );
        assert_eq!(
            go(r#"{{ .name | replace "-" "_" }}/"#).unwrap(),
            r#"{{ (cluster.name | replace("-", "_")) }}/"#
        );
        assert!(
            go("{{ .name | sha256sum }}")
                .unwrap_err()
                .contains("`sha256sum`")
        );
    }

    /// The translation writes what Argo CD writes: each template is evaluated as Argo CD does
    /// and, translated, by fleetc's own template engine, over the same cluster.
    #[test]
    fn translations_write_what_argo_cd_writes() {
        use super::super::eval::{self, Mode};
        let params = serde_json::json!({
            "name": "prod-eu-1",
            "metadata": {
                "labels": {"team": "payments", "env": "prod", "app.kubernetes.io/part-of": "shop"},
                "annotations": {"basepath": "", "region": "eu-west-1"},
            },
            "values": {"c": "cert-manager", "v": "1.2.0"},
        });
        let context = serde_json::json!({
            "cluster": {
                "name": "prod-eu-1",
                "labels": params["metadata"]["labels"],
                "annotations": params["metadata"]["annotations"],
            },
            "vars": params["values"],
        });
        let names = |path: &[String]| -> Result<String, String> {
            let p: Vec<&str> = path.iter().map(String::as_str).collect();
            let key = |k: &str| string_literal(k);
            match p.as_slice() {
                ["name"] => Ok("cluster.name".into()),
                ["metadata", "labels", k] => Ok(format!("cluster.labels[{}]", key(k))),
                ["metadata", "annotations", k] => Ok(format!("cluster.annotations[{}]", key(k))),
                ["values", k] => Ok(format!("vars[{}]", key(k))),
                _ => Err(path.join(".")),
            }
        };
        let env = crate::place::value_environment();
        for text in [
            "{{ .name }}",
            "addon-{{ .name }}-{{ .values.c }}",
            r#"{{ index .metadata.labels "app.kubernetes.io/part-of" }}"#,
            r#"{{ default "base/" .metadata.annotations.basepath }}envs"#,
            r#"{{ default "base/" .metadata.annotations.missing }}"#,
            r#"{{ .metadata.annotations.missing | default "x" | upper }}"#,
            r#"{{ printf "%s-%s-%d" .values.c .name 3 }}"#,
            r#"{{ replace "-" "_" .name }}"#,
            r#"{{ trimPrefix "prod-" .name }}/{{ trimPrefix "dev-" .name }}/{{ trimPrefix "" .name }}"#,
            r#"{{ trimSuffix "-1" .name }}/{{ trimSuffix "-eu-1-too-long" .name }}"#,
            r#"{{ lower "A" }}{{ upper .metadata.labels.team }}"#,
            r#"{{ if eq .metadata.labels.env "prod" }}3{{ else }}1{{ end }}"#,
            r#"{{ if .metadata.labels.missing }}a{{ else if ne .name "x" }}b{{ end }}"#,
            "{{ if and .name (not .metadata.labels.missing) }}yes{{ end }}",
            "{{ if or .metadata.labels.missing .metadata.labels.team }}t{{ end }}",
            r#"{{ eq .values.v "1.2.0" }}"#,
            "v{{- .values.v -}} .",
        ] {
            let t = Template::parse(text, super::super::Language::Go).expect(text);
            let argo = eval::write(
                &t,
                &params,
                Mode {
                    language: super::super::Language::Go,
                    missing_is_error: false,
                },
            )
            .expect(text);
            let translated = template(&t, &names).expect(text);
            let fleetc = env
                .render_str(
                    &translated,
                    minijinja::Value::from(minijinja::value::Serde(&context)),
                )
                .unwrap_or_else(|e| panic!("{text} as {translated}: {e:#}"));
            assert_eq!(fleetc, argo.text, "{text} as {translated}");
        }
    }

    #[test]
    fn template_syntax_in_text_stays_text() {
        assert_eq!(
            go("{{`{{ raw }}`}} {% x %}").unwrap(),
            r#"{{ "{{ raw }}" }}{% raw %} {% x %}{% endraw %}"#
        );
    }

    #[test]
    fn an_expression_for_inlining() {
        let t = Template::parse("v{{ .name }}", Language::Go).unwrap();
        assert_eq!(expression(&t, &names).unwrap(), r#"("v" ~ cluster.name)"#);
    }
}
