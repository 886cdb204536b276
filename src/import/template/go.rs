//! Reading Go's `text/template` syntax: actions between `{{` and `}}`, with `{{-` and `-}}`
//! trimming the white space beside them and `{{/* */}}` comments.

use super::{Arg, Command, Node, Pipeline, Template, Unreadable};

fn unreadable(message: impl Into<String>) -> Unreadable {
    Unreadable {
        message: message.into(),
    }
}

/// One piece of the template's text: text, or an action's inside.
enum Piece<'a> {
    Text(String),
    Action(&'a str),
}

/// Splits the text into text and actions, applying the trim markers and dropping comments.
fn pieces(text: &str) -> Result<Vec<Piece<'_>>, Unreadable> {
    let mut pieces = Vec::new();
    let mut rest = text;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut before = &rest[..start];
        if trim_next {
            before = before.trim_start();
        }
        let inner_start = start + 2;
        let trim_left = rest[inner_start..].starts_with("- ")
            || rest[inner_start..].starts_with("-\t")
            || rest[inner_start..].starts_with("-\n");
        if trim_left {
            before = before.trim_end();
        }
        let Some(end) = action_end(&rest[inner_start..]) else {
            return Err(unreadable("an action opened with `{{` is not closed"));
        };
        let mut inner = &rest[inner_start..inner_start + end];
        if trim_left {
            inner = &inner[1..];
        }
        trim_next = inner.ends_with(" -") || inner.ends_with("\t-") || inner.ends_with("\n-");
        if trim_next {
            inner = &inner[..inner.len() - 1];
        }
        if !before.is_empty() {
            pieces.push(Piece::Text(before.to_owned()));
        }
        let trimmed = inner.trim();
        if !(trimmed.starts_with("/*") && trimmed.ends_with("*/")) {
            pieces.push(Piece::Action(trimmed));
        }
        rest = &rest[inner_start + end + 2..];
    }
    let last = if trim_next { rest.trim_start() } else { rest };
    if !last.is_empty() {
        pieces.push(Piece::Text(last.to_owned()));
    }
    Ok(pieces)
}

/// Where the `}}` that closes an action is, skipping quoted strings.
fn action_end(inner: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (None, b'}') if bytes.get(i + 1) == Some(&b'}') => return Some(i),
            (None, q @ (b'"' | b'`')) => quote = Some(q),
            (Some(b'"'), b'\\') => i += 1,
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// How deeply conditions and parentheses may nest: far beyond what a template needs, and well
/// within the stack.
const MAX_DEPTH: usize = 64;

/// Reads a Go template.
pub(super) fn parse(text: &str) -> Result<Template, Unreadable> {
    let pieces = pieces(text)?;
    let mut depth: usize = 0;
    for piece in &pieces {
        if let Piece::Action(a) = piece {
            match split_word(a).0 {
                "if" | "range" => depth += 1,
                "end" => depth = depth.saturating_sub(1),
                _ => {}
            }
            let mut parens: usize = 0;
            for c in a.chars() {
                match c {
                    '(' => parens += 1,
                    ')' => parens = parens.saturating_sub(1),
                    _ => {}
                }
                if parens > MAX_DEPTH {
                    return Err(unreadable("parentheses nest too deeply"));
                }
            }
        }
        if depth > MAX_DEPTH {
            return Err(unreadable("conditions nest too deeply"));
        }
    }
    let mut at = 0;
    let nodes = block(&pieces, &mut at)?;
    match pieces.get(at) {
        None => Ok(Template { nodes }),
        Some(Piece::Action(a)) => Err(unreadable(format!("`{{{{ {a} }}}}` closes nothing"))),
        Some(Piece::Text(_)) => unreachable!("a block stops only at an action"),
    }
}

/// Nodes up to (not including) an `else` or `end` action, or the end of the template.
fn block(pieces: &[Piece<'_>], at: &mut usize) -> Result<Vec<Node>, Unreadable> {
    let mut nodes = Vec::new();
    while let Some(piece) = pieces.get(*at) {
        match piece {
            Piece::Text(t) => {
                nodes.push(Node::Text(t.clone()));
                *at += 1;
            }
            Piece::Action(a) => {
                let (word, rest) = split_word(a);
                match word {
                    "else" | "end" => return Ok(nodes),
                    "if" => {
                        *at += 1;
                        nodes.push(if_node(rest, pieces, at)?);
                    }
                    "range" => {
                        *at += 1;
                        nodes.push(range_node(rest, pieces, at)?);
                    }
                    "with" | "define" | "template" | "block" | "break" | "continue" => {
                        return Err(unreadable(format!(
                            "`{word}` actions are not supported by fleetc import"
                        )));
                    }
                    _ if a.starts_with('$') && a.contains('=') => {
                        return Err(unreadable(
                            "a variable can be declared only by `range` in fleetc import",
                        ));
                    }
                    _ => {
                        nodes.push(Node::Output(pipeline_of(a)?));
                        *at += 1;
                    }
                }
            }
        }
    }
    Ok(nodes)
}

/// The rest of an `if`: its branches up to the matching `end`.
fn if_node(condition: &str, pieces: &[Piece<'_>], at: &mut usize) -> Result<Node, Unreadable> {
    let mut branches = vec![(pipeline_of(condition)?, block(pieces, at)?)];
    loop {
        let Some(Piece::Action(a)) = pieces.get(*at) else {
            return Err(unreadable("an `if` has no `end`"));
        };
        let (word, rest) = split_word(a);
        *at += 1;
        if word == "end" {
            return Ok(Node::If(branches, Vec::new()));
        }
        // `else`, or `else if …`.
        let (next, condition) = split_word(rest);
        if next == "if" {
            branches.push((pipeline_of(condition)?, block(pieces, at)?));
            continue;
        }
        if !rest.is_empty() {
            return Err(unreadable(format!("`else {rest}` is not supported")));
        }
        let otherwise = block(pieces, at)?;
        match pieces.get(*at) {
            Some(Piece::Action(a)) if split_word(a).0 == "end" => {
                *at += 1;
                return Ok(Node::If(branches, otherwise));
            }
            _ => return Err(unreadable("an `else` has no `end`")),
        }
    }
}

/// The rest of a `range`: its variables, what it ranges over, its body and its `else`, up to
/// the matching `end`.
fn range_node(clause: &str, pieces: &[Piece<'_>], at: &mut usize) -> Result<Node, Unreadable> {
    let (variables, over) = match clause.split_once(":=") {
        Some((declared, over)) => {
            let variables: Vec<String> = declared
                .split(',')
                .map(|v| {
                    let v = v.trim();
                    match v.strip_prefix('$') {
                        Some(name) if !name.is_empty() && name.chars().all(is_name) => {
                            Ok(name.to_owned())
                        }
                        _ => Err(unreadable(format!("`{v}` is not a variable to declare"))),
                    }
                })
                .collect::<Result<_, _>>()?;
            if variables.len() > 2 {
                return Err(unreadable("`range` declares at most two variables"));
            }
            (variables, over)
        }
        None => (Vec::new(), clause),
    };
    let over = pipeline_of(over)?;
    let body = block(pieces, at)?;
    let otherwise = match pieces.get(*at) {
        Some(Piece::Action(a)) if *a == "else" => {
            *at += 1;
            block(pieces, at)?
        }
        _ => Vec::new(),
    };
    match pieces.get(*at) {
        Some(Piece::Action(a)) if split_word(a).0 == "end" => {
            *at += 1;
            Ok(Node::Range {
                variables,
                over,
                body,
                otherwise,
            })
        }
        _ => Err(unreadable("a `range` has no `end`")),
    }
}

fn is_name(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first word of an action and the rest.
fn split_word(action: &str) -> (&str, &str) {
    let action = action.trim();
    match action.find(|c: char| c.is_whitespace() || c == '(') {
        Some(i) => (&action[..i], action[i..].trim()),
        None => (action, ""),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Field(Vec<String>),
    Variable(String, Vec<String>),
    Ident(String),
    Str(String),
    Int(i64),
    Pipe,
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<Token>, Unreadable> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                out.push(Token::Pipe);
                i += 1;
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '.' => out.push(Token::Field(field_path(&chars, &mut i)?)),
            '$' => {
                i += 1;
                let start = i;
                while i < chars.len() && is_name(chars[i]) {
                    i += 1;
                }
                let name = chars[start..i].iter().collect();
                out.push(Token::Variable(name, field_path(&chars, &mut i)?));
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(unreadable("a string is not closed")),
                        Some('"') => break,
                        Some('\\') => {
                            let escaped = match chars.get(i + 1) {
                                Some('n') => '\n',
                                Some('t') => '\t',
                                Some('\\') => '\\',
                                Some('"') => '"',
                                other => {
                                    return Err(unreadable(format!(
                                        "the escape `\\{}` is not supported",
                                        other.map(ToString::to_string).unwrap_or_default()
                                    )));
                                }
                            };
                            s.push(escaped);
                            i += 2;
                        }
                        Some(c) => {
                            s.push(*c);
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(Token::Str(s));
            }
            '`' => {
                let start = i + 1;
                let Some(len) = chars[start..].iter().position(|c| *c == '`') else {
                    return Err(unreadable("a raw string is not closed"));
                };
                out.push(Token::Str(chars[start..start + len].iter().collect()));
                i = start + len + 1;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                let digits: String = chars[start..i].iter().collect();
                let n = digits
                    .parse()
                    .map_err(|_| unreadable(format!("`{digits}` is not a number fleetc reads")))?;
                out.push(Token::Int(n));
            }
            c if is_name(c) => {
                let start = i;
                while i < chars.len() && is_name(chars[i]) {
                    i += 1;
                }
                out.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(unreadable(format!("`{other}` is not supported here"))),
        }
    }
    Ok(out)
}

/// The `.a.b` path that starts at `chars[*i]` (empty for `.` itself, or none at all).
fn field_path(chars: &[char], i: &mut usize) -> Result<Vec<String>, Unreadable> {
    let mut path = Vec::new();
    while *i < chars.len() && chars[*i] == '.' {
        *i += 1;
        let start = *i;
        while *i < chars.len() && is_name(chars[*i]) {
            *i += 1;
        }
        if start == *i {
            if path.is_empty() && (*i >= chars.len() || !chars[*i].is_alphanumeric()) {
                break; // `.` itself
            }
            return Err(unreadable("a `.` is followed by no field name"));
        }
        path.push(chars[start..*i].iter().collect());
    }
    Ok(path)
}

fn pipeline_of(text: &str) -> Result<Pipeline, Unreadable> {
    let tokens = tokens(text)?;
    let mut at = 0;
    let pipeline = pipeline(&tokens, &mut at)?;
    if at < tokens.len() {
        return Err(unreadable(format!("`{text}` has a `)` too many")));
    }
    Ok(pipeline)
}

fn pipeline(tokens: &[Token], at: &mut usize) -> Result<Pipeline, Unreadable> {
    let mut commands = vec![command(tokens, at)?];
    while tokens.get(*at) == Some(&Token::Pipe) {
        *at += 1;
        let next = command(tokens, at)?;
        if !matches!(next, Command::Call(..)) {
            return Err(unreadable("only a function can follow `|`"));
        }
        commands.push(next);
    }
    Ok(Pipeline(commands))
}

fn command(tokens: &[Token], at: &mut usize) -> Result<Command, Unreadable> {
    let mut args = Vec::new();
    let mut function = None;
    while let Some(token) = tokens.get(*at) {
        match token {
            Token::Pipe | Token::Close => break,
            Token::Ident(name) if args.is_empty() && function.is_none() => {
                *at += 1;
                match name.as_str() {
                    "true" => args.push(Arg::Bool(true)),
                    "false" => args.push(Arg::Bool(false)),
                    "nil" => args.push(Arg::Nil),
                    _ => function = Some(name.clone()),
                }
            }
            _ => args.push(operand(tokens, at)?),
        }
    }
    match function {
        Some(name) => Ok(Command::Call(name, args)),
        None if args.len() == 1 => Ok(Command::Value(args.remove(0))),
        None if args.is_empty() => Err(unreadable("an empty command")),
        None => Err(unreadable(
            "a field followed by arguments (a method call) is not supported",
        )),
    }
}

fn operand(tokens: &[Token], at: &mut usize) -> Result<Arg, Unreadable> {
    let token = tokens.get(*at).cloned();
    *at += 1;
    match token {
        Some(Token::Field(path)) => Ok(Arg::Field(path)),
        Some(Token::Variable(name, path)) => Ok(Arg::Variable(name, path)),
        Some(Token::Str(s)) => Ok(Arg::Str(s)),
        Some(Token::Int(n)) => Ok(Arg::Int(n)),
        Some(Token::Ident(name)) => match name.as_str() {
            "true" => Ok(Arg::Bool(true)),
            "false" => Ok(Arg::Bool(false)),
            "nil" => Ok(Arg::Nil),
            // A function as an argument is called with no arguments in Go; none of ours is.
            _ => Err(unreadable(format!(
                "`{name}` as an argument needs parentheses: `({name} …)`"
            ))),
        },
        Some(Token::Open) => {
            let inner = pipeline(tokens, at)?;
            if tokens.get(*at) != Some(&Token::Close) {
                return Err(unreadable("a `(` is not closed"));
            }
            *at += 1;
            Ok(Arg::Group(inner))
        }
        Some(Token::Pipe | Token::Close) | None => Err(unreadable("an operand is missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Language;
    use super::*;

    fn go(text: &str) -> Vec<Node> {
        Template::parse(text, Language::Go)
            .expect("a template")
            .nodes
    }

    fn field(path: &[&str]) -> Arg {
        Arg::Field(path.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn fields_calls_and_pipelines() {
        assert_eq!(
            go(r#"{{ .name }}-{{ index .metadata.labels "app.kubernetes.io/name" | lower }}"#),
            [
                Node::Output(Pipeline(vec![Command::Value(field(&["name"]))])),
                Node::Text("-".into()),
                Node::Output(Pipeline(vec![
                    Command::Call(
                        "index".into(),
                        vec![
                            field(&["metadata", "labels"]),
                            Arg::Str("app.kubernetes.io/name".into())
                        ]
                    ),
                    Command::Call("lower".into(), vec![]),
                ])),
            ]
        );
    }

    #[test]
    fn trim_markers_and_comments() {
        assert_eq!(
            go("a  {{- /* note */ -}}  b {{- .x }}\n"),
            [
                Node::Text("a".into()),
                Node::Text("b".into()),
                Node::Output(Pipeline(vec![Command::Value(field(&["x"]))])),
                Node::Text("\n".into()),
            ]
        );
    }

    #[test]
    fn if_else_if_else() {
        let nodes = go(r#"{{if eq .a "x"}}1{{else if .b}}2{{else}}3{{end}}"#);
        let [Node::If(branches, otherwise)] = nodes.as_slice() else {
            panic!("{nodes:?}")
        };
        assert_eq!(branches.len(), 2);
        assert_eq!(otherwise, &[Node::Text("3".into())]);
    }

    #[test]
    fn range_with_variables_and_else() {
        let nodes = go("{{- range $i, $f := .files }}{{ $f }}{{ $.name }}{{ else }}none{{ end }}");
        assert_eq!(
            nodes,
            [Node::Range {
                variables: vec!["i".into(), "f".into()],
                over: Pipeline(vec![Command::Value(field(&["files"]))]),
                body: vec![
                    Node::Output(Pipeline(vec![Command::Value(Arg::Variable(
                        "f".into(),
                        vec![]
                    ))])),
                    Node::Output(Pipeline(vec![Command::Value(Arg::Variable(
                        String::new(),
                        vec!["name".into()]
                    ))])),
                ],
                otherwise: vec![Node::Text("none".into())],
            }]
        );
    }

    #[test]
    fn parentheses_and_literals() {
        assert_eq!(
            go(r#"{{ default (printf "%s-%d" .a 3) .b }}"#),
            [Node::Output(Pipeline(vec![Command::Call(
                "default".into(),
                vec![
                    Arg::Group(Pipeline(vec![Command::Call(
                        "printf".into(),
                        vec![Arg::Str("%s-%d".into()), field(&["a"]), Arg::Int(3)]
                    )])),
                    field(&["b"]),
                ]
            )]))]
        );
    }

    #[test]
    fn what_is_not_supported_says_so() {
        for (text, says) in [
            ("{{ with .x }}{{ end }}", "`with`"),
            ("{{ $x := .a }}", "only by `range`"),
            ("{{ range $a, $b, $c := .x }}{{ end }}", "at most two"),
            ("{{ range .x }}", "no `end`"),
            ("{{ .a", "not closed"),
            ("{{ if .a }}x", "no `end`"),
            ("{{ end }}", "closes nothing"),
            ("{{ .a.b 1 }}", "method call"),
            (&"{{ if .a }}".repeat(100), "nest too deeply"),
            (
                &format!("{{{{ {}.a{} }}}}", "(".repeat(1000), ")".repeat(1000)),
                "nest too deeply",
            ),
        ] {
            let e = Template::parse(text, Language::Go).expect_err(text);
            assert!(e.message.contains(says), "{text}: {}", e.message);
        }
    }
}
