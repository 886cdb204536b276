//! Paths to nodes inside one YAML document ([`Pointer`]), written as JSON Pointers
//! (`/spec/nodePools/0/name`). Stages keep pointers rather than positions; the dotted form
//! (`spec.nodePools[0].name`) is for messages.

use std::fmt;
use std::fmt::Write as _;

/// One step of a [`Pointer`]: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A step of the path a walk through a document is at, borrowed from the document. A walk
/// pushes and pops steps on its way down and makes a [`Pointer`] ([`Pointer::of_path`]) only of
/// what it finds, instead of one per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A path to a node inside one YAML document, like a JSON Pointer (`/spec/nodePools/0/name`).
/// Stages keep pointers instead of positions; the position is looked up only when a diagnostic
/// needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(Vec<Segment>);

impl Pointer {
    /// The document's root.
    pub fn root() -> Self {
        Self::default()
    }

    /// The pointer of a walked path.
    pub fn of_path(path: &[Step<'_>]) -> Self {
        Self(
            path.iter()
                .map(|step| match step {
                    Step::Key(k) => Segment::Key((*k).to_owned()),
                    Step::Index(i) => Segment::Index(*i),
                })
                .collect(),
        )
    }

    /// Parses a JSON Pointer string (`/a/b~1c/0`); numeric segments become indexes.
    pub fn parse(s: &str) -> Self {
        let segments = s
            .split('/')
            .skip(1)
            .map(|raw| {
                let key = raw.replace("~1", "/").replace("~0", "~");
                match key.parse::<usize>() {
                    Ok(i) if !key.starts_with('+') && (key == "0" || !key.starts_with('0')) => {
                        Segment::Index(i)
                    }
                    _ => Segment::Key(key),
                }
            })
            .collect();
        Self(segments)
    }

    /// This pointer with a key appended.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(Segment::Key(key.into()));
        self
    }

    /// This pointer with an index appended.
    #[must_use]
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(Segment::Index(index));
        self
    }

    /// This pointer with other segments appended.
    #[must_use]
    pub fn join(mut self, other: &Pointer) -> Self {
        self.0.extend(other.0.iter().cloned());
        self
    }

    /// The pointer one level up, or `None` at the root.
    pub fn parent(&self) -> Option<Pointer> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// A dotted, human form: `spec.nodePools[0].name`.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for segment in &self.0 {
            match segment {
                Segment::Key(k) if is_plain_key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Key(k) => {
                    let _ = write!(out, "[{k:?}]");
                }
                Segment::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for Pointer {
    /// The JSON Pointer form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for segment in &self.0 {
            match segment {
                Segment::Key(k) => write!(f, "/{}", k.replace('~', "~0").replace('/', "~1"))?,
                Segment::Index(i) => write!(f, "/{i}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        let p = Pointer::parse("/metadata/labels/fleetc.dev~1team/0");
        assert_eq!(
            p.segments(),
            &[
                Segment::Key("metadata".into()),
                Segment::Key("labels".into()),
                Segment::Key("fleetc.dev/team".into()),
                Segment::Index(0)
            ]
        );
        assert_eq!(p.to_string(), "/metadata/labels/fleetc.dev~1team/0");
        assert_eq!(Pointer::parse("").segments(), &[]);
        assert_eq!(
            Pointer::parse("/01").segments(),
            &[Segment::Key("01".into())]
        );
    }

    #[test]
    fn dotted_form() {
        let p = Pointer::root()
            .key("spec")
            .key("nodePools")
            .index(0)
            .key("a.b");
        assert_eq!(p.dotted(), "spec.nodePools[0][\"a.b\"]");
    }
}
