//! Diagnostics for people, rendered with `annotate-snippets`: the code and message, the file and
//! position, and the quoted source line with the offending part underlined. [`SourceText`] gives
//! the renderer the files' text.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{Diagnostic, Location, Severity};

/// Gives the text of a fleet file by its display path, so the text renderer can quote the line a
/// diagnostic points at.
pub trait SourceText {
    /// The whole text of `file`, if fleetc read it.
    fn source_text(&self, file: &str) -> Option<&str>;
}

/// No source text: diagnostics are shown with their path and position only.
impl SourceText for () {
    fn source_text(&self, _: &str) -> Option<&str> {
        None
    }
}

/// Renders diagnostics for a terminal or a log: a title with the code, the <file:line:col>, the
/// quoted source line with the offending part underlined, and a help line where there is one.
pub fn text(diagnostics: &[Diagnostic], sources: &dyn SourceText, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&renderer.render(&report(d, sources)));
        out.push_str("\n\n");
    }
    out
}

fn report<'a>(d: &'a Diagnostic, sources: &'a dyn SourceText) -> Vec<Group<'a>> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let mut group = Group::with_title(title);
    if let Some(location) = &d.location {
        group = group.element(snippet(location, sources));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    vec![group]
}

/// The quoted line for `location`, or just the path and position when the line is unknown.
fn snippet<'a>(
    location: &'a Location,
    sources: &'a dyn SourceText,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let line_text = sources
        .source_text(&location.file)
        .and_then(|text| text.lines().nth(location.line.saturating_sub(1) as usize));
    match line_text {
        Some(line) => {
            let start = byte_offset(line, location.column.saturating_sub(1) as usize);
            let end = byte_offset(
                line,
                (location.column - 1 + location.length.max(1)) as usize,
            )
            .max(start);
            let end = if end == start && start < line.len() {
                byte_offset(line, location.column as usize)
            } else {
                end
            };
            Snippet::source(line)
                .line_start(location.line as usize)
                .path(location.file.as_str())
                .annotation(AnnotationKind::Primary.span(start..end))
        }
        None => Snippet::source("")
            .line_start(location.line.max(1) as usize)
            .path(format!(
                "{}:{}:{}",
                location.file, location.line, location.column
            )),
    }
}

/// The byte offset of character `chars` in `line`, clamped to the line's end.
fn byte_offset(line: &str, chars: usize) -> usize {
    line.char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    struct One(&'static str);
    impl SourceText for One {
        fn source_text(&self, _: &str) -> Option<&str> {
            Some(self.0)
        }
    }

    #[test]
    fn quotes_and_underlines_the_line() {
        let d = Diagnostic::error(
            Code::UnknownField,
            "unknown field `regoin`",
            Some(Location {
                file: "fleet/c.yaml".into(),
                line: 2,
                column: 3,
                length: 6,
            }),
        )
        .with_help("did you mean `region`?");
        let out = text(&[d], &One("spec:\n  regoin: eu\n"), false);
        assert!(
            out.contains("error[unknown-field]: unknown field `regoin`"),
            "{out}"
        );
        assert!(out.contains("fleet/c.yaml:2:3"), "{out}");
        assert!(out.contains("  regoin: eu"), "{out}");
        assert!(out.contains("^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `region`?"), "{out}");
    }

    /// Hostile inputs M2: a diagnostic never quotes more of a file than a short, escaped
    /// excerpt of the line it points at (a one-line file of secrets is not printed whole).
    #[test]
    fn a_long_line_is_quoted_as_a_short_escaped_excerpt() {
        let line = format!("{}SECRET=x\u{0}TAIL{}", "a".repeat(500), "b".repeat(5_000));
        let d = Diagnostic::error(
            Code::YamlSyntax,
            "control characters are not allowed",
            Some(Location {
                file: "f".into(),
                line: 1,
                column: 510,
                length: 1,
            }),
        );
        let out = text(&[d], &One(Box::leak(line.into_boxed_str())), false);
        assert!(out.len() < 500, "{out}");
        assert!(out.contains("--> f:1:510"), "{out}");
        assert!(out.contains("1 | ...aaaa"), "{out}");
        assert!(out.contains("aaaaSECRET=x␀TAILbbbb"), "{out}");
        assert!(!out.contains('\u{0}'), "{out}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let d = Diagnostic::error(
            Code::WrongType,
            "bad",
            Some(Location {
                file: "f".into(),
                line: 1,
                column: 10,
                length: 2,
            }),
        );
        let out = text(&[d], &One("name: ü✓ 42\n"), false);
        let lines: Vec<&str> = out.lines().collect();
        let source = lines.iter().position(|l| l.contains("ü✓ 42")).unwrap();
        let marker = lines[source + 1];
        let column = marker.find('^').unwrap();
        let quoted = lines[source];
        // The caret sits under the "4" of "42" (counting characters, not bytes).
        assert_eq!(
            quoted.chars().nth(column),
            Some('4'),
            "{quoted:?} / {marker:?}"
        );
    }
}
