//! The kubectl label-selector string syntax (apimachinery `labels.Parse`), used on the command
//! line: `environment=prod,region in (eu-west-1,eu-central-1),!legacy`.
//!
//! ```text
//! selector    := "" | requirement ("," requirement)*
//! requirement := ["!"] KEY
//!              | KEY ("=" | "==" | "!=") [VALUE]
//!              | KEY (">" | "<") INTEGER
//!              | KEY ("in" | "notin") "(" [VALUE] ("," [VALUE])* ")"
//! ```
//!
//! As upstream: whitespace (space, tab, CR, LF) may surround every token; `in` and `notin` are
//! keywords only where an operator is expected (`in=notin` is a key and a value); a missing
//! value is the empty string (`k=` means `k` equals `""`, `k in ()` means `k in ("")`,
//! `k in (a,)` means `k in (a,"")`); `k=v` and `k==v` are `In`, `k!=v` is `NotIn`. Keys and
//! values are validated as label keys and values, and a `>`/`<` bound must also be an `i64`,
//! so it can't be negative (`-1` is no label value). One deliberate difference: upstream ends
//! the input at a NUL byte, here NUL is an ordinary (and so invalid) character.

use super::compiled::{Operator, Requirement, Selector};
use crate::selector::syntax::{label_key_problems, label_value_problems};

/// A string selector that does not parse, with the 1-based character column of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct SelectorParseError {
    /// The 1-based column (counted in characters) of the offending token.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses the kubectl selector syntax into the same [`Selector`] that
/// [`Selector::compile`] builds; the empty string (or only whitespace) is everything.
pub fn parse(input: &str) -> Result<Selector, SelectorParseError> {
    let mut parser = Parser {
        tokens: lex(input),
        pos: 0,
    };
    let mut requirements = Vec::new();
    loop {
        let token = parser.peek();
        match token.kind {
            Kind::End => break,
            Kind::Ident(_) | Kind::Bang => {
                requirements.push(parser.requirement()?);
                let next = parser.next();
                match next.kind {
                    Kind::End => break,
                    Kind::Comma => {
                        let after = parser.peek();
                        if !matches!(after.kind, Kind::Ident(_) | Kind::Bang) {
                            return Err(after.unexpected("identifier after ','"));
                        }
                    }
                    _ => return Err(next.unexpected("',' or end of string")),
                }
            }
            _ => return Err(token.unexpected("'!', identifier or end of string")),
        }
    }
    Ok(Selector::from_requirements(requirements))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    End,
    OpenPar,
    ClosePar,
    Comma,
    Bang,
    Equals,
    DoubleEquals,
    NotEquals,
    Greater,
    Less,
    /// Any run of other characters, including the words `in` and `notin`.
    Ident(String),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// 1-based character column of the token's first character.
    column: usize,
}

impl Token {
    fn describe(&self) -> String {
        match &self.kind {
            Kind::End => "end of string".to_owned(),
            Kind::OpenPar => "'('".to_owned(),
            Kind::ClosePar => "')'".to_owned(),
            Kind::Comma => "','".to_owned(),
            Kind::Bang => "'!'".to_owned(),
            Kind::Equals => "'='".to_owned(),
            Kind::DoubleEquals => "'=='".to_owned(),
            Kind::NotEquals => "'!='".to_owned(),
            Kind::Greater => "'>'".to_owned(),
            Kind::Less => "'<'".to_owned(),
            Kind::Ident(s) => format!("'{s}'"),
        }
    }

    fn unexpected(&self, expected: &str) -> SelectorParseError {
        self.error(format!("found {}, expected: {expected}", self.describe()))
    }

    fn error(&self, message: String) -> SelectorParseError {
        SelectorParseError {
            column: self.column,
            message,
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// Splits the input into tokens; always ends with [`Kind::End`].
fn lex(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if is_space(c) {
            i += 1;
            continue;
        }
        let (kind, len) = if is_special(c) {
            special(c, chars.get(i + 1).copied())
        } else {
            let len = chars[i..]
                .iter()
                .take_while(|&&c| !is_space(c) && !is_special(c))
                .count();
            (Kind::Ident(chars[i..i + len].iter().collect()), len)
        };
        tokens.push(Token { kind, column });
        i += len;
    }
    tokens.push(Token {
        kind: Kind::End,
        column: chars.len() + 1,
    });
    tokens
}

/// The longest operator token starting with `c`: only `==` and `!=` are two characters long.
fn special(c: char, next: Option<char>) -> (Kind, usize) {
    match (c, next) {
        ('=', Some('=')) => (Kind::DoubleEquals, 2),
        ('!', Some('=')) => (Kind::NotEquals, 2),
        ('=', _) => (Kind::Equals, 1),
        ('!', _) => (Kind::Bang, 1),
        ('(', _) => (Kind::OpenPar, 1),
        (')', _) => (Kind::ClosePar, 1),
        ('>', _) => (Kind::Greater, 1),
        ('<', _) => (Kind::Less, 1),
        // The only special character left is ','.
        _ => (Kind::Comma, 1),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

/// A value as written, with the column it was found at (for an omitted value, the column of
/// the token where it would have been).
struct Value {
    text: String,
    column: usize,
}

impl Parser {
    fn peek(&self) -> Token {
        let last = self.tokens.len() - 1;
        self.tokens[self.pos.min(last)].clone()
    }

    fn next(&mut self) -> Token {
        let token = self.peek();
        self.pos += 1;
        token
    }

    fn requirement(&mut self) -> Result<Requirement, SelectorParseError> {
        let negated = self.peek().kind == Kind::Bang;
        if negated {
            self.next();
        }
        let key_token = self.next();
        let Kind::Ident(key) = &key_token.kind else {
            return Err(key_token.unexpected("identifier"));
        };
        let problems = label_key_problems(key);
        if !problems.is_empty() {
            let message = format!("invalid label key {key:?}: {}", problems.join("; "));
            return Err(key_token.error(message));
        }
        if negated {
            return Ok(Requirement::new(
                key.clone(),
                Operator::DoesNotExist,
                Vec::new(),
            ));
        }
        if matches!(self.peek().kind, Kind::End | Kind::Comma) {
            return Ok(Requirement::new(key.clone(), Operator::Exists, Vec::new()));
        }
        let (operator, values) = self.operator_and_values()?;
        check_values(key, operator, &values)?;
        let values = values.into_iter().map(|v| v.text).collect();
        Ok(Requirement::new(key.clone(), operator, values))
    }

    fn operator_and_values(&mut self) -> Result<(Operator, Vec<Value>), SelectorParseError> {
        let token = self.next();
        let operator = match &token.kind {
            Kind::Ident(word) if word == "in" => Operator::In,
            Kind::Ident(word) if word == "notin" => Operator::NotIn,
            Kind::Equals | Kind::DoubleEquals => Operator::In,
            Kind::NotEquals => Operator::NotIn,
            Kind::Greater => Operator::GreaterThan,
            Kind::Less => Operator::LessThan,
            _ => return Err(token.unexpected("in, notin, =, ==, !=, > or <")),
        };
        let values = match token.kind {
            Kind::Ident(_) => self.value_set()?,
            _ => vec![self.exact_value()?],
        };
        Ok((operator, values))
    }

    /// `( [v] (, [v])* )`; an empty slot is the value `""`.
    fn value_set(&mut self) -> Result<Vec<Value>, SelectorParseError> {
        let open = self.next();
        if open.kind != Kind::OpenPar {
            return Err(open.unexpected("'('"));
        }
        let mut values = Vec::new();
        loop {
            let token = self.peek();
            match &token.kind {
                Kind::Ident(text) => {
                    self.next();
                    values.push(Value {
                        text: text.clone(),
                        column: token.column,
                    });
                }
                Kind::Comma | Kind::ClosePar => {
                    values.push(Value {
                        text: String::new(),
                        column: token.column,
                    });
                }
                _ => return Err(token.unexpected("',', ')' or identifier")),
            }
            let separator = self.next();
            match separator.kind {
                Kind::Comma => {}
                Kind::ClosePar => return Ok(values),
                _ => return Err(separator.unexpected("',' or ')'")),
            }
        }
    }

    /// The value after `=`, `==`, `!=`, `>` or `<`; `""` when the requirement ends there.
    fn exact_value(&mut self) -> Result<Value, SelectorParseError> {
        let token = self.peek();
        match &token.kind {
            Kind::End | Kind::Comma => Ok(Value {
                text: String::new(),
                column: token.column,
            }),
            Kind::Ident(text) => {
                self.next();
                Ok(Value {
                    text: text.clone(),
                    column: token.column,
                })
            }
            _ => Err(token.unexpected("identifier")),
        }
    }
}

/// The checks of apimachinery's `NewRequirement` on values: `>`/`<` bounds are integers, and
/// every value is a label value.
fn check_values(key: &str, operator: Operator, values: &[Value]) -> Result<(), SelectorParseError> {
    for value in values {
        let error = |message| {
            Err(SelectorParseError {
                column: value.column,
                message,
            })
        };
        let is_bound = matches!(operator, Operator::GreaterThan | Operator::LessThan);
        if is_bound && value.text.parse::<i64>().is_err() {
            let text = &value.text;
            return error(format!(
                "invalid value {text:?}: for '>' and '<' the value must be an integer"
            ));
        }
        let problems = label_value_problems(&value.text);
        if !problems.is_empty() {
            let text = &value.text;
            let problems = problems.join("; ");
            return error(format!(
                "invalid label value {text:?} for key {key:?}: {problems}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;
    use crate::selector::{LabelSelector, LabelSelectorRequirement};

    fn ok(input: &str) -> Selector {
        match parse(input) {
            Ok(selector) => selector,
            Err(error) => panic!("{input:?} should parse: {error}"),
        }
    }

    fn req(key: &str, operator: Operator, values: &[&str]) -> Requirement {
        Requirement::new(
            key,
            operator,
            values.iter().map(|v| (*v).to_owned()).collect(),
        )
    }

    fn single(input: &str, key: &str, operator: Operator, values: &[&str]) {
        let selector = ok(input);
        assert_eq!(
            selector.requirements(),
            [req(key, operator, values)],
            "{input:?}"
        );
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// `input` fails at `column` with a message containing `fragment`.
    fn fails(input: &str, column: usize, fragment: &str) {
        let error = parse(input).expect_err(input);
        assert_eq!(error.column, column, "{input:?}: {error}");
        assert!(
            error.message.contains(fragment),
            "{input:?}: {error} lacks {fragment:?}"
        );
    }

    #[test]
    fn empty_input_is_everything() {
        for input in ["", " ", "\t\r\n "] {
            assert!(ok(input).is_everything(), "{input:?}");
        }
    }

    #[test]
    fn equality_forms() {
        single("env=prod", "env", Operator::In, &["prod"]);
        single("env==prod", "env", Operator::In, &["prod"]);
        single("env!=prod", "env", Operator::NotIn, &["prod"]);
        single(" env  =\tprod ", "env", Operator::In, &["prod"]);
        single("env != prod", "env", Operator::NotIn, &["prod"]);
    }

    #[test]
    fn set_forms() {
        single("region in (eu,us)", "region", Operator::In, &["eu", "us"]);
        single("region notin (eu)", "region", Operator::NotIn, &["eu"]);
        single("foo  in\t (abc)", "foo", Operator::In, &["abc"]);
        single("x notin\n (abc)", "x", Operator::NotIn, &["abc"]);
        single("x in ( b , a , b )", "x", Operator::In, &["a", "b"]);
        single("x in(a)", "x", Operator::In, &["a"]);
        single(
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99",
            Operator::NotIn,
            &["10.10.100.1", "tick.tack.clock"],
        );
    }

    #[test]
    fn existence_forms() {
        single("legacy", "legacy", Operator::Exists, &[]);
        single("!legacy", "legacy", Operator::DoesNotExist, &[]);
        single("! legacy ", "legacy", Operator::DoesNotExist, &[]);
        single("\rx", "x", Operator::Exists, &[]);
        single(
            "example.com/key-with-dash",
            "example.com/key-with-dash",
            Operator::Exists,
            &[],
        );
    }

    #[test]
    fn integer_comparisons() {
        single("n>1", "n", Operator::GreaterThan, &["1"]);
        single("n < 7", "n", Operator::LessThan, &["7"]);
        single("n>007", "n", Operator::GreaterThan, &["007"]);
        let gt = ok("n>1");
        assert!(gt.matches(&labels(&[("n", "2")])));
        assert!(!gt.matches(&labels(&[("n", "1")])));
        assert!(!gt.matches(&labels(&[("n", "v2")])));
        assert!(!gt.matches(&labels(&[])));
        assert!(ok("n<1").matches(&labels(&[("n", "0")])));
    }

    #[test]
    fn missing_values_are_the_empty_string() {
        // Upstream: `x=` and `x= ` parse, as `x` equal to "".
        single("x=", "x", Operator::In, &[""]);
        single("x= ", "x", Operator::In, &[""]);
        single("x!=", "x", Operator::NotIn, &[""]);
        // Upstream: `x in ()` parses as `x in ("")`, not as an error, although an `In` without
        // values is an error in YAML.
        single("x in ()", "x", Operator::In, &[""]);
        single("x notin ( )", "x", Operator::NotIn, &[""]);
        single("x in (abc,)", "x", Operator::In, &["", "abc"]);
        single("x notin (, a)", "x", Operator::NotIn, &["", "a"]);
        single("x in (a,,b)", "x", Operator::In, &["", "a", "b"]);
        single("x in (,,)", "x", Operator::In, &[""]);
        let sel = ok("x=,z= ");
        assert_eq!(
            sel.requirements(),
            [req("x", Operator::In, &[""]), req("z", Operator::In, &[""])]
        );
        assert!(ok("x=").matches(&labels(&[("x", "")])));
        assert!(!ok("x=").matches(&labels(&[])));
        assert!(!ok("x in ()").matches(&labels(&[("x", "a")])));
    }

    #[test]
    fn in_and_notin_are_keywords_only_as_operators() {
        single("notin=in", "notin", Operator::In, &["in"]);
        single("in in (in)", "in", Operator::In, &["in"]);
        single(
            "a in (x,y,notin, z,in)",
            "a",
            Operator::In,
            &["in", "notin", "x", "y", "z"],
        );
        single("in", "in", Operator::Exists, &[]);
        single("!notin", "notin", Operator::DoesNotExist, &[]);
        fails(
            "x IN (a)",
            3,
            "found 'IN', expected: in, notin, =, ==, !=, > or <",
        );
    }

    #[test]
    fn several_requirements_sorted_by_key() {
        let sel = ok("environment=prod,region in (eu-west-1,eu-central-1),!legacy");
        assert_eq!(
            sel.requirements(),
            [
                req("environment", Operator::In, &["prod"]),
                req("legacy", Operator::DoesNotExist, &[]),
                req("region", Operator::In, &["eu-central-1", "eu-west-1"]),
            ]
        );
        let labels_prod = labels(&[("environment", "prod"), ("region", "eu-west-1")]);
        assert!(sel.matches(&labels_prod));
        let mut legacy = labels_prod.clone();
        legacy.insert("legacy".to_owned(), "true".to_owned());
        assert!(!sel.matches(&legacy));
        assert_eq!(ok("x=a,a=x"), ok("a=x , x=a"));
        let sel = ok("x notin (abc,,def),bar,z in (),w");
        let keys: Vec<&str> = sel.requirements().iter().map(Requirement::key).collect();
        assert_eq!(keys, ["bar", "w", "x", "z"]);
    }

    #[test]
    fn duplicate_keys_are_kept_and_anded() {
        let sel = ok("k in (a,b),k!=b");
        assert_eq!(sel.requirements().len(), 2);
        assert!(sel.matches(&labels(&[("k", "a")])));
        assert!(!sel.matches(&labels(&[("k", "b")])));
    }

    #[test]
    fn same_selector_as_compile() {
        let yaml = LabelSelector {
            match_labels: labels(&[("env", "prod")]),
            match_expressions: vec![
                LabelSelectorRequirement {
                    key: "region".to_owned(),
                    operator: "NotIn".to_owned(),
                    values: vec!["b".to_owned(), "a".to_owned()],
                },
                LabelSelectorRequirement {
                    key: "legacy".to_owned(),
                    operator: "DoesNotExist".to_owned(),
                    values: vec![],
                },
            ],
        };
        let compiled = Selector::compile(&yaml).expect("valid selector");
        assert_eq!(ok("env=prod,region notin (a,b),!legacy"), compiled);
        assert_eq!(ok(&compiled.to_string()), compiled);
    }

    #[test]
    fn display_round_trips() {
        for input in [
            "a,b in (x),c in (,a,z)",
            "w in (a,b),x notin (a),y,!z",
            "n>3,n<9",
            "k in ()",
        ] {
            assert_eq!(ok(input).to_string(), input);
        }
    }

    #[test]
    fn upstream_bad_strings() {
        fails("x=a||y=b", 3, "invalid label value \"a||y\" for key \"x\"");
        fails("x==a==b", 5, "found '==', expected: ',' or end of string");
        fails("!x=a", 3, "found '=', expected: ',' or end of string");
        fails(
            "x<a",
            3,
            "invalid value \"a\": for '>' and '<' the value must be an integer",
        );
        fails("x,,y", 3, "found ',', expected: identifier after ','");
        fails(
            ",x,y",
            1,
            "found ',', expected: '!', identifier or end of string",
        );
        fails(
            "x nott in (y)",
            3,
            "found 'nott', expected: in, notin, =, ==, !=, > or <",
        );
        fails(
            "a in (xyz),",
            12,
            "found end of string, expected: identifier after ','",
        );
        fails(
            "a in (xyz)b notin ()",
            11,
            "found 'b', expected: ',' or end of string",
        );
        fails("a in (xyz abc)", 11, "found 'abc', expected: ',' or ')'");
        fails(
            "a notin(",
            9,
            "found end of string, expected: ',', ')' or identifier",
        );
        fails("a (", 3, "found '(', expected: in, notin");
        fails(
            "(",
            1,
            "found '(', expected: '!', identifier or end of string",
        );
    }

    #[test]
    fn more_malformed_strings() {
        fails("!", 2, "found end of string, expected: identifier");
        fails("!!x", 2, "found '!', expected: identifier");
        fails("x!y", 2, "found '!', expected: in, notin");
        fails("x in y", 6, "found 'y', expected: '('");
        fails("x in", 5, "found end of string, expected: '('");
        fails("x in (a", 8, "found end of string, expected: ',' or ')'");
        fails(
            "x in (a,=)",
            9,
            "found '=', expected: ',', ')' or identifier",
        );
        fails("x=(a)", 3, "found '(', expected: identifier");
        fails("x>=1", 3, "found '=', expected: identifier");
        fails("x===a", 4, "found '=', expected: identifier");
        fails("k=a b", 5, "found 'b', expected: ',' or end of string");
        fails(")", 1, "found ')'");
        fails(
            "x,",
            3,
            "found end of string, expected: identifier after ','",
        );
    }

    #[test]
    fn integer_bounds_must_be_label_values_and_i64() {
        fails("x>", 3, "the value must be an integer");
        fails("x>1.5", 3, "the value must be an integer");
        fails("x>99999999999999999999", 3, "the value must be an integer");
        // An i64, but not a label value.
        fails("x>-1", 3, "invalid label value \"-1\"");
        fails("x<+1", 3, "invalid label value \"+1\"");
    }

    #[test]
    fn keys_are_validated() {
        fails(
            "Bad.Prefix/key=v",
            1,
            "invalid label key \"Bad.Prefix/key\": prefix part",
        );
        fails("a/b/c", 1, "a valid label key must consist of");
        fails("x,/y", 3, "prefix part must be non-empty");
        fails(
            &format!("!{}", "k".repeat(64)),
            2,
            "name part must be no more than 63",
        );
        fails("-k in (a)", 1, "name part must consist of alphanumeric");
        fails("k\u{0}", 1, "name part must consist of alphanumeric");
        single("UPPER=Case", "UPPER", Operator::In, &["Case"]);
    }

    #[test]
    fn values_are_validated() {
        fails(
            "k=a:b",
            3,
            "invalid label value \"a:b\" for key \"k\": a valid label must",
        );
        fails("k in (ok, a/b)", 11, "invalid label value \"a/b\"");
        fails(
            &format!("k={}", "v".repeat(64)),
            3,
            "must be no more than 63 characters",
        );
        fails("k!=-a", 4, "a valid label must be an empty string");
    }

    #[test]
    fn columns_count_characters() {
        // The error is after a two-byte character: column 11, byte offset 12.
        fails("k in (é,a b)", 11, "found 'b'");
        fails("k=é", 3, "invalid label value \"é\"");
    }

    #[test]
    fn error_display() {
        let error = parse("x,,y").expect_err("bad");
        assert_eq!(
            error.to_string(),
            "column 3: found ',', expected: identifier after ','"
        );
    }

    const KEYS: [&str; 3] = ["a", "b", "example.com/c"];
    const VALUES: [&str; 5] = ["", "x", "y", "01", "1"];

    /// One requirement as (key, YAML operator, values, string form).
    fn requirement() -> impl Strategy<Value = (String, String, Vec<String>, String)> {
        let key = prop::sample::select(&KEYS[..]);
        let values = prop::sample::subsequence(&VALUES[..], 1..=3);
        let space = prop::sample::select(&["", " ", "\t"][..]);
        (key, 0..4usize, values, space, any::<bool>()).prop_map(|(key, op, values, sp, alt)| {
            let values: Vec<String> = values.into_iter().map(str::to_owned).collect();
            let (operator, text) = match op {
                0 | 1 => set_form(key, op == 0, &values, sp, alt),
                2 => ("Exists", format!("{sp}{key}{sp}")),
                _ => ("DoesNotExist", format!("!{sp}{key}")),
            };
            let values = if op < 2 { values } else { Vec::new() };
            (key.to_owned(), operator.to_owned(), values, text)
        })
    }

    /// `k in (…)`, `k notin (…)`, or for one value `k=v`, `k==v`, `k!=v`.
    fn set_form(
        key: &str,
        is_in: bool,
        values: &[String],
        sp: &str,
        alt: bool,
    ) -> (&'static str, String) {
        let (operator, word, eq) = if is_in {
            ("In", "in", if alt { "==" } else { "=" })
        } else {
            ("NotIn", "notin", "!=")
        };
        let text = match values {
            [value] if alt || !is_in => format!("{key}{sp}{eq}{sp}{value}"),
            _ => format!("{key} {word}{sp}({})", values.join(&format!("{sp},{sp}"))),
        };
        (operator, text)
    }

    fn label_set() -> impl Strategy<Value = BTreeMap<String, String>> {
        let pair = (
            prop::sample::select(&KEYS[..]),
            prop::sample::select(&VALUES[..]),
        );
        prop::collection::vec(pair, 0..4).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn parse_agrees_with_compile(
            reqs in prop::collection::vec(requirement(), 0..5),
            sets in prop::collection::vec(label_set(), 1..8),
        ) {
            let text = reqs.iter().map(|r| r.3.as_str()).collect::<Vec<_>>().join(",");
            let yaml = LabelSelector {
                match_labels: BTreeMap::new(),
                match_expressions: reqs
                    .iter()
                    .map(|(key, operator, values, _)| LabelSelectorRequirement {
                        key: key.clone(),
                        operator: operator.clone(),
                        values: values.clone(),
                    })
                    .collect(),
            };
            let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            let compiled = Selector::compile(&yaml)
                .map_err(|e| TestCaseError::fail(format!("{yaml:?}: {e:?}")))?;
            prop_assert_eq!(&parsed, &compiled, "{}", text);
            for set in &sets {
                prop_assert_eq!(parsed.matches(set), compiled.matches(set), "{} on {:?}", text, set);
            }
            prop_assert_eq!(parse(&parsed.to_string()), Ok(parsed));
        }

        #[test]
        fn in_one_value_is_match_labels(
            key in prop::sample::select(&KEYS[..]),
            value in prop::sample::select(&VALUES[..]),
            sets in prop::collection::vec(label_set(), 1..8),
        ) {
            let by_labels = LabelSelector {
                match_labels: BTreeMap::from([(key.to_owned(), value.to_owned())]),
                match_expressions: Vec::new(),
            };
            let by_expression = LabelSelector {
                match_labels: BTreeMap::new(),
                match_expressions: vec![LabelSelectorRequirement {
                    key: key.to_owned(),
                    operator: "In".to_owned(),
                    values: vec![value.to_owned()],
                }],
            };
            let a = Selector::compile(&by_labels).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let b = Selector::compile(&by_expression).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let c = parse(&format!("{key}={value}")).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(&a, &c);
            for set in &sets {
                let expected = set.get(key).is_some_and(|v| v == value);
                prop_assert_eq!(a.matches(set), expected);
            }
        }

        #[test]
        fn parse_never_panics_and_round_trips(text in "[a-c0-9 ,()=!<>/.-]{0,24}|(in|notin|[ab]| |,|\\(|\\)|=|!){0,12}") {
            if let Ok(selector) = parse(&text) {
                prop_assert_eq!(parse(&selector.to_string()), Ok(selector));
            }
        }
    }
}
