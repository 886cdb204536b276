//! The templates of an ApplicationSet, read into one syntax tree whichever language wrote them:
//! Go's `text/template` (`goTemplate: true`, with the sprig functions real fleets use) or
//! fasttemplate's `{{tag}}` placeholders (the default). The tree is then evaluated as Argo CD
//! would ([`eval`]) and translated into a fleetc template ([`translate`]).
//!
//! Only what fleets are seen to use is read: fields (`.name`, `.metadata.labels.x`), string,
//! number and boolean literals, function calls and pipelines, parentheses,
//! `if`/`else if`/`else`/`end`, and `range` with the variables it declares (which only
//! [`eval`] reads: a fleetc template has no loop, so translating one is an error). Anything
//! else (`with`, a variable declared outside `range`, a method call) is an error that names
//! it, so an ApplicationSet is never approximated.

pub mod eval;
mod go;
pub mod translate;

/// A template: text and actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text written as it is.
    Text(String),
    /// `{{ pipeline }}`: the pipeline's value, printed.
    Output(Pipeline),
    /// `{{ if a }}…{{ else if b }}…{{ else }}…{{ end }}`: each condition with its nodes, then
    /// the nodes of `else` (empty without one).
    If(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    /// `{{ range $k, $v := list }}…{{ else }}…{{ end }}`: the body once per item, with `.` the
    /// item and the declared variables (none, the item, or the index or key and the item) set;
    /// the nodes of `else` when there are no items.
    Range {
        variables: Vec<String>,
        over: Pipeline,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    /// fasttemplate's `{{tag}}` for a tag Argo CD does not know: written back as it was.
    Unknown(String),
}

/// Commands separated by `|`: each command's value is the last argument of the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline(pub Vec<Command>);

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// A function and its arguments.
    Call(String, Vec<Arg>),
    /// A single operand.
    Value(Arg),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.a.b`: a path into the parameters (empty for `.` itself).
    Field(Vec<String>),
    /// `$name.a.b`: a path into a variable (`$` itself, the parameters, has the empty name).
    Variable(String, Vec<String>),
    Str(String),
    Int(i64),
    Bool(bool),
    Nil,
    /// `( pipeline )`.
    Group(Pipeline),
}

/// Which language a template is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Go's `text/template`, with sprig's and Argo CD's functions.
    Go,
    /// fasttemplate: `{{tag}}`, replaced by the parameter of that name.
    Fast,
}

/// Why a template cannot be read: what, and at which character of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub message: String,
}

impl Template {
    /// Reads `text` as a template of `language`.
    pub fn parse(text: &str, language: Language) -> Result<Self, Unreadable> {
        Self::parse_with(text, language, &[])
    }

    /// Reads `text`, where a generator adds the parameters `extra` (a list's element keys),
    /// which fasttemplate must know by name.
    pub fn parse_with(
        text: &str,
        language: Language,
        extra: &[String],
    ) -> Result<Self, Unreadable> {
        match language {
            Language::Go => go::parse(text),
            Language::Fast => Ok(fast(text, extra)),
        }
    }

    /// Whether the text has no action: it is written as it is.
    pub fn is_literal(&self) -> bool {
        self.nodes.iter().all(|n| matches!(n, Node::Text(_)))
    }
}

/// The functions of a Go template (sprig's and Argo CD's) that fleetc import translates.
pub const FUNCTIONS: [&str; 11] = [
    "index", "default", "printf", "replace", "lower", "upper", "eq", "ne", "and", "or", "not",
];

/// A piece of a `printf` format: text, or a verb (`s`, `v` or `d`) that takes the next argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatPiece {
    Text(String),
    Verb(char),
}

/// Reads a `printf` format as the templates use it: `%s`, `%v`, `%d`, and `%%` for `%`.
pub fn format_pieces(format: &str) -> Result<Vec<FormatPiece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => text.push('%'),
            Some(verb @ ('s' | 'v' | 'd')) => {
                if !text.is_empty() {
                    pieces.push(FormatPiece::Text(std::mem::take(&mut text)));
                }
                pieces.push(FormatPiece::Verb(verb));
            }
            other => {
                return Err(format!(
                    "the printf verb `%{}` is not supported",
                    other.map(String::from).unwrap_or_default()
                ));
            }
        }
    }
    if !text.is_empty() {
        pieces.push(FormatPiece::Text(text));
    }
    Ok(pieces)
}

/// fasttemplate: `{{tag}}` (the tag trimmed of spaces) is a parameter; text elsewhere. The
/// parameters are flat: `metadata.labels.<key>` names one label, whatever dots the key holds.
fn fast(text: &str, extra: &[String]) -> Template {
    let mut nodes = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        if start > 0 {
            nodes.push(Node::Text(rest[..start].to_owned()));
        }
        let tag = &rest[start + 2..start + 2 + len];
        nodes.push(match fast_path(tag.trim(), extra) {
            Some(path) => Node::Output(Pipeline(vec![Command::Value(Arg::Field(path))])),
            None => Node::Unknown(tag.to_owned()),
        });
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        nodes.push(Node::Text(rest.to_owned()));
    }
    Template { nodes }
}

/// The parameter path of a fasttemplate tag, when it names one Argo CD sets.
fn fast_path(tag: &str, extra: &[String]) -> Option<Vec<String>> {
    for prefix in ["metadata.labels.", "metadata.annotations.", "values."] {
        if let Some(key) = tag.strip_prefix(prefix) {
            let mut path: Vec<String> = prefix
                .trim_end_matches('.')
                .split('.')
                .map(str::to_owned)
                .collect();
            path.push(key.to_owned());
            return Some(path);
        }
    }
    (["name", "nameNormalized", "server", "project"].contains(&tag)
        || extra.iter().any(|e| e == tag))
    .then(|| vec![tag.to_owned()])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(path: &[&str]) -> Node {
        Node::Output(Pipeline(vec![Command::Value(Arg::Field(
            path.iter().map(|s| (*s).to_owned()).collect(),
        ))]))
    }

    #[test]
    fn fasttemplate_tags_are_flat_parameters() {
        let t = Template::parse(
            "addon-{{name}}-{{ metadata.labels.app.kubernetes.io/name }}{{oops}}",
            Language::Fast,
        )
        .unwrap();
        assert_eq!(
            t.nodes,
            [
                Node::Text("addon-".into()),
                field(&["name"]),
                Node::Text("-".into()),
                field(&["metadata", "labels", "app.kubernetes.io/name"]),
                Node::Unknown("oops".into()),
            ]
        );
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// Whatever an ApplicationSet's strings hold, reading, evaluating and translating them
        /// ends in a result or an error, never a panic.
        #[test]
        fn any_text_is_read_evaluated_and_translated_without_panicking(
            text in proptest::prop_oneof![
                proptest::string::string_regex(r#"[{}()|." a-z$`\\0-9%:=,-]{0,48}"#).unwrap(),
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "{{", "}}", "{{- ", " -}}", ".a", ".values.v", ".metadata.labels.a", " ",
                        "if ", "else", "end", "(", ")", "|", "\"%s-%d\"", "default", "printf",
                        "index", "eq", "not", "and", "lower", "x", "`q`", "1", "-1", "nil",
                        "range ", "$v := ", "$k, $v := ", "$v", "$.", "$", "toYaml", "nindent 2",
                    ]),
                    0..24,
                )
                .prop_map(|parts| parts.concat()),
            ],
        ) {
            let params = serde_json::json!({
                "name": "c", "metadata": {"labels": {"a": "1"}, "annotations": {}},
                "values": {"v": "x"},
            });
            let names = |path: &[String]| -> Result<String, String> {
                Ok(format!("x[{}]", serde_json::to_string(&path.join(".")).unwrap()))
            };
            for language in [Language::Go, Language::Fast] {
                if let Ok(t) = Template::parse(&text, language) {
                    for missing_is_error in [false, true] {
                        let _ = eval::write(&t, &params, eval::Mode { language, missing_is_error });
                    }
                    let _ = translate::template(&t, &names);
                    let _ = translate::expression(&t, &names);
                }
            }
        }
    }

    #[test]
    fn an_unclosed_fasttemplate_tag_is_text() {
        let t = Template::parse("a {{name", Language::Fast).unwrap();
        assert_eq!(t.nodes, [Node::Text("a {{name".into())]);
        assert!(t.is_literal());
    }
}
