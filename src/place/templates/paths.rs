//! Most templates only read a field: `{{ cluster.name }}`, `{{ cluster.labels.team }}`,
//! `api.{{ cluster.annotations.domain }}`. Those are evaluated here, straight from the
//! placement's data, without the template engine; anything else (filters, tests, operators,
//! whitespace control) goes to minijinja. The two agree on every template both can evaluate:
//! a test compares them.

use std::fmt::Write as _;

use serde_json::Value;

/// The variables a template sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    Cluster,
    App,
    Fleet,
    Vars,
}

/// A dotted or subscripted path below a root: `cluster.labels["acme.io/team"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path {
    pub(crate) root: Root,
    pub(crate) steps: Vec<String>,
}

/// A template made of text and paths only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Path(Path),
}

/// The JSON form of each variable, for one placement.
pub(crate) struct Variables<'a> {
    pub(crate) cluster: &'a Value,
    pub(crate) app: &'a Value,
    pub(crate) fleet: &'a Value,
    pub(crate) vars: &'a Value,
}

impl Path {
    /// Parses `root(.name | ["key"] | ['key'])*`, surrounding spaces allowed; `None` for
    /// anything else.
    pub(crate) fn parse(expression: &str) -> Option<Path> {
        let mut rest = expression.trim();
        let (root, after) = ident(rest)?;
        let root = match root {
            "cluster" => Root::Cluster,
            "app" => Root::App,
            "fleet" => Root::Fleet,
            "vars" => Root::Vars,
            _ => return None,
        };
        rest = after;
        let mut steps = Vec::new();
        while !rest.is_empty() {
            if let Some(after_dot) = rest.strip_prefix('.') {
                let (name, after) = ident(after_dot)?;
                steps.push(name.to_owned());
                rest = after;
            } else if let Some(after_bracket) = rest.strip_prefix('[') {
                let quote = after_bracket
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'')?;
                let inner = &after_bracket[1..];
                let end = inner.find(quote)?;
                let key = &inner[..end];
                if key.contains('\\') {
                    return None;
                }
                steps.push(key.to_owned());
                rest = inner[end + 1..].strip_prefix(']')?;
            } else {
                return None;
            }
        }
        Some(Path { root, steps })
    }

    /// The value at this path, or `None` when it is undefined.
    pub(crate) fn lookup<'v>(&self, variables: &Variables<'v>) -> Option<&'v Value> {
        let root = match self.root {
            Root::Cluster => variables.cluster,
            Root::App => variables.app,
            Root::Fleet => variables.fleet,
            Root::Vars => variables.vars,
        };
        self.steps
            .iter()
            .try_fold(root, |v, step| v.as_object()?.get(step))
    }
}

/// A name: `[A-Za-z_][A-Za-z0-9_]*`, and what follows it.
fn ident(s: &str) -> Option<(&str, &str)> {
    let end = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_alphabetic() || *c == '_' || (*i > 0 && c.is_ascii_digit())))
        .map_or(s.len(), |(i, _)| i);
    (end > 0).then(|| s.split_at(end))
}

/// A template of text and `{{ path }}`s only (no statements, comments or whitespace control),
/// as pieces; `None` for anything else.
pub(crate) fn pieces(template: &str) -> Option<Vec<Piece>> {
    if template.contains("{%")
        || template.contains("{#")
        || template.contains("{{-")
        || template.contains("-}}")
    {
        return None;
    }
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            pieces.push(Piece::Text(rest[..start].to_owned()));
        }
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        pieces.push(Piece::Path(Path::parse(&after[..end])?));
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        return None;
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    Some(pieces)
}

/// What evaluating pieces gave.
pub(crate) enum Rendered {
    Text(String),
    /// A path is undefined: this one (for the message).
    Undefined(String),
    /// A path holds something other than text: the template engine decides how it prints.
    NotText,
}

/// Renders text pieces.
pub(crate) fn render(pieces: &[Piece], variables: &Variables<'_>, source: &str) -> Rendered {
    let mut out = String::with_capacity(source.len() + 16);
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Path(p) => match p.lookup(variables) {
                Some(Value::String(s)) => out.push_str(s),
                Some(_) => return Rendered::NotText,
                None => return Rendered::Undefined(describe(p)),
            },
        }
    }
    Rendered::Text(out)
}

/// The path as written canonically, for messages.
pub(crate) fn describe(path: &Path) -> String {
    let mut out = match path.root {
        Root::Cluster => "cluster".to_owned(),
        Root::App => "app".to_owned(),
        Root::Fleet => "fleet".to_owned(),
        Root::Vars => "vars".to_owned(),
    };
    for step in &path.steps {
        if ident(step).is_some_and(|(_, rest)| rest.is_empty()) {
            out.push('.');
            out.push_str(step);
        } else {
            let _ = write!(out, "[{step:?}]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        let p = Path::parse(" cluster.labels[\"acme.io/team\"] ").unwrap();
        assert_eq!(
            (p.root, p.steps.clone()),
            (Root::Cluster, vec!["labels".into(), "acme.io/team".into()])
        );
        assert_eq!(Path::parse("app['name']").unwrap().steps, ["name"]);
        for not_a_path in [
            "cluster.name | upper",
            "cluster.x[0]",
            "1 + cluster.n",
            "other.x",
            "cluster..x",
            "cluster.labels[\"a\\\"b\"]",
            "cluster.2x",
        ] {
            assert_eq!(Path::parse(not_a_path), None, "{not_a_path}");
        }
    }

    #[test]
    fn text_pieces() {
        assert_eq!(
            pieces("api.{{ cluster.name }}.x").unwrap(),
            [
                Piece::Text("api.".into()),
                Piece::Path(Path {
                    root: Root::Cluster,
                    steps: vec!["name".into()]
                }),
                Piece::Text(".x".into())
            ]
        );
        for not_simple in [
            "{{ a | b }}",
            "{% if x %}",
            "{{- cluster.name }}",
            "{{ cluster.name ",
            "x }}",
        ] {
            assert_eq!(pieces(not_simple), None, "{not_simple}");
        }
    }
}
