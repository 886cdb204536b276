//! YAML output, serialized from data (never assembled from text), so no value can inject YAML.
//!
//! A serde `Serializer` that writes block-style YAML straight into a string: typed objects are
//! written in their fields' order without building an intermediate tree. Strings are quoted
//! conservatively: a string is written plain only when every YAML reader, including the YAML 1.1
//! readers Kubernetes tools use (where `yes`, `on`, `0777` or `1:20` are not strings), reads it
//! back as the same string; multi-line text becomes a literal block (`|`), which reads naturally
//! in diffs.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use serde::ser::{self, Serialize};

/// Why a value could not be written as YAML (a shape fleetc never renders).
#[derive(Debug)]
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Appends one YAML document holding `value` (a mapping, as every Kubernetes object is).
pub(crate) fn write_document<T: Serialize + ?Sized>(value: &T, out: &mut String) {
    value
        .serialize(Writer {
            out,
            indent: 0,
            at: At::Root,
            marks: None,
        })
        .expect("fleetc renders only mappings, sequences and scalars");
}

/// A value to be written later. In a document written by [`record_document`] it writes nothing
/// and leaves a [`Mark`] saying where the value goes and how it is laid out there; [`write_at`]
/// writes the value at that mark. Writing the rest of a document once and only its slots per
/// use gives the same bytes as writing the whole document each time.
pub(crate) struct Slot(pub(crate) u32);

/// The newtype name a [`Slot`] serializes under, which only this writer knows.
const SLOT: &str = "$fleetc::yaml::Slot";

impl Serialize for Slot {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(SLOT, &self.0)
    }
}

/// Where a [`Slot`] sat in a recorded document: its number, the byte offset of the text it
/// writes, and the layout there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    pub(crate) slot: u32,
    pub(crate) offset: usize,
    indent: usize,
    at: At,
}

/// One YAML document holding `value`, with its slots left open (see [`Slot`]), and where they
/// are, in document order.
pub(crate) fn record_document<T: Serialize + ?Sized>(value: &T) -> (String, Vec<Mark>) {
    let mut out = String::new();
    let marks = RefCell::new(Vec::new());
    value
        .serialize(Writer {
            out: &mut out,
            indent: 0,
            at: At::Root,
            marks: Some(&marks),
        })
        .expect("fleetc renders only mappings, sequences and scalars");
    (out, marks.into_inner())
}

/// Appends `value` as the value of the slot at `mark` (after the text before the mark).
pub(crate) fn write_at<T: Serialize + ?Sized>(value: &T, mark: &Mark, out: &mut String) {
    value
        .serialize(Writer {
            out,
            indent: mark.indent,
            at: mark.at,
            marks: None,
        })
        .expect("fleetc renders only mappings, sequences and scalars");
}

/// Appends a recorded document, calling `write` at each mark to write its slot's value (with
/// [`write_at`]).
pub(crate) fn fill(
    text: &str,
    marks: &[Mark],
    out: &mut String,
    mut write: impl FnMut(&Mark, &mut String),
) {
    let mut done = 0;
    for mark in marks {
        out.push_str(&text[done..mark.offset]);
        write(mark, out);
        done = mark.offset;
    }
    out.push_str(&text[done..]);
}

/// Where the next value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// A document of its own.
    Root,
    /// After `key:` on the current line.
    Key,
    /// After `-` on the current line.
    Item,
}

struct Writer<'o> {
    out: &'o mut String,
    /// The indentation of the mapping or sequence the value belongs to.
    indent: usize,
    at: At,
    /// Where slots are recorded, in a document written by [`record_document`].
    marks: Option<&'o RefCell<Vec<Mark>>>,
}

fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

impl<'o> Writer<'o> {
    /// A scalar or an empty collection, on the current line.
    fn inline(self, text: &str) {
        if self.at != At::Root {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn string(self, s: &str) {
        if block_scalar_fits(s) {
            if self.at != At::Root {
                self.out.push(' ');
            }
            write_block_scalar(s, self.indent + 2, self.out);
        } else {
            if self.at != At::Root {
                self.out.push(' ');
            }
            write_string(s, self.out);
            self.out.push('\n');
        }
    }

    /// Starts a non-empty mapping: its entries sit at `indent + 2` below a key, beside a `-`,
    /// or at column 0 in a document.
    fn mapping(self) -> Mapping<'o> {
        let (indent, first_inline) = match self.at {
            At::Root => (0, false),
            At::Key => {
                self.out.push('\n');
                (self.indent + 2, false)
            }
            At::Item => {
                self.out.push(' ');
                (self.indent + 2, true)
            }
        };
        Mapping {
            out: self.out,
            indent,
            first_inline,
            key: String::new(),
            marks: self.marks,
        }
    }

    fn sequence(self) -> Sequence<'o> {
        let indent = match self.at {
            At::Root => 0,
            At::Key | At::Item => {
                self.out.push('\n');
                self.indent + 2
            }
        };
        Sequence {
            out: self.out,
            indent,
            marks: self.marks,
        }
    }
}

struct Mapping<'o> {
    out: &'o mut String,
    indent: usize,
    first_inline: bool,
    key: String,
    marks: Option<&'o RefCell<Vec<Mark>>>,
}

impl Mapping<'_> {
    fn key(&mut self, key: &str) {
        if self.first_inline {
            self.first_inline = false;
        } else {
            pad(self.out, self.indent);
        }
        let start = self.out.len();
        write_string(key, self.out);
        if self.out.len() - start > MAX_IMPLICIT_KEY {
            // YAML readers give up on an implicit key this long: say it is a key with `? `,
            // and put its `:` on a line of its own.
            self.out.insert_str(start, "? ");
            self.out.push('\n');
            pad(self.out, self.indent);
        }
        self.out.push(':');
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Writer {
            out: self.out,
            indent: self.indent,
            at: At::Key,
            marks: self.marks,
        })
    }
}

struct Sequence<'o> {
    out: &'o mut String,
    indent: usize,
    marks: Option<&'o RefCell<Vec<Mark>>>,
}

impl Sequence<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        pad(self.out, self.indent);
        self.out.push('-');
        value.serialize(Writer {
            out: self.out,
            indent: self.indent,
            at: At::Item,
            marks: self.marks,
        })
    }
}

/// A collection that turned out empty, or one that has entries.
enum Collection<'o, C> {
    Empty(Writer<'o>, &'static str),
    Open(C),
}

impl<'o> Writer<'o> {
    fn open_mapping(self, len: Option<usize>) -> Result<Collection<'o, Mapping<'o>>, Error> {
        match len {
            Some(0) => Ok(Collection::Empty(self, "{}")),
            Some(_) => Ok(Collection::Open(self.mapping())),
            None => Err(Error("a mapping of unknown length".into())),
        }
    }

    fn open_sequence(self, len: Option<usize>) -> Result<Collection<'o, Sequence<'o>>, Error> {
        match len {
            Some(0) => Ok(Collection::Empty(self, "[]")),
            Some(_) => Ok(Collection::Open(self.sequence())),
            None => Err(Error("a sequence of unknown length".into())),
        }
    }
}

impl<'o> ser::Serializer for Writer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Collection<'o, Sequence<'o>>;
    type SerializeTuple = Collection<'o, Sequence<'o>>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = Collection<'o, Mapping<'o>>;
    type SerializeStruct = Collection<'o, Mapping<'o>>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.inline(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.inline(&v.to_string());
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.inline(&v.to_string());
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // The same text JSON would hold; fleet values never hold NaN or infinities.
        let number = serde_json::Number::from_f64(v)
            .ok_or_else(|| Error(format!("{v} is not a number YAML readers agree on")))?;
        self.inline(&number.to_string());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(Error("raw bytes".into()))
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.inline("null");
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        if name != SLOT {
            return value.serialize(self);
        }
        let marks = self
            .marks
            .ok_or_else(|| Error("a slot outside a recorded document".into()))?;
        let mut number = String::new();
        value.serialize(KeyWriter(&mut number))?;
        let slot = number
            .parse()
            .map_err(|_| Error(format!("slot {number:?} is not a slot number")))?;
        marks.borrow_mut().push(Mark {
            slot,
            offset: self.out.len(),
            indent: self.indent,
            at: self.at,
        });
        Ok(())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error("an enum with data".into()))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        self.open_sequence(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        self.open_sequence(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error("a tuple struct".into()))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("an enum with data".into()))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        self.open_mapping(len)
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, Error> {
        self.open_mapping(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("an enum with data".into()))
    }
}

impl<C> Collection<'_, C> {
    /// Closes the collection: an empty one is written inline as `{}` or `[]`.
    fn close(self) {
        if let Collection::Empty(writer, text) = self {
            writer.inline(text);
        }
    }
}

impl ser::SerializeSeq for Collection<'_, Sequence<'_>> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self {
            Collection::Open(s) => s.item(value),
            Collection::Empty(..) => Err(Error("more items than announced".into())),
        }
    }

    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeTuple for Collection<'_, Sequence<'_>> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Collection<'_, Mapping<'_>> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let Collection::Open(m) = self else {
            return Err(Error("more entries than announced".into()));
        };
        m.key.clear();
        key.serialize(KeyWriter(&mut m.key))?;
        let key = std::mem::take(&mut m.key);
        m.key(&key);
        m.key = key;
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self {
            Collection::Open(m) => m.value(value),
            Collection::Empty(..) => Err(Error("more entries than announced".into())),
        }
    }

    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStruct for Collection<'_, Mapping<'_>> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        match self {
            Collection::Open(m) => {
                m.key(key);
                m.value(value)
            }
            Collection::Empty(..) => Err(Error("more fields than announced".into())),
        }
    }

    fn end(self) -> Result<(), Error> {
        self.close();
        Ok(())
    }
}

/// Mapping keys are text: strings as they are, numbers and booleans as they print.
struct KeyWriter<'k>(&'k mut String);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }

    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(v.into())
    }

    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(Error("a float key".into()))
    }

    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(Error("a float key".into()))
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push(v);
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(Error("a bytes key".into()))
    }

    fn serialize_none(self) -> Result<(), Error> {
        Err(Error("a null key".into()))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Err(Error("a null key".into()))
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(Error("a null key".into()))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(Error("a complex key".into()))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("a complex key".into()))
    }
}

/// The longest key (as written) that is written as an implicit key: YAML readers look no
/// further than 1,024 characters for the `:` after a key, so a longer key is written as an
/// explicit one (`? key`).
const MAX_IMPLICIT_KEY: usize = 1_000;

/// Whether a character must be escaped (so only a double-quoted string can hold it): characters
/// outside YAML's printable set (control characters, U+FFFE, U+FFFF), line breaks of YAML 1.1
/// (U+0085, U+2028, U+2029) which 1.1 readers fold inside other styles, and the byte order mark.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A one-line string: plain when safe, else single-quoted, else double-quoted with escapes.
fn write_string(s: &str, out: &mut String) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if !s.chars().any(needs_escape) {
        out.push('\'');
        if s.contains('\'') {
            out.push_str(&s.replace('\'', "''"));
        } else {
            out.push_str(s);
        }
        out.push('\'');
    } else {
        write_double_quoted(s, out);
    }
}

fn write_double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words that YAML 1.1 or 1.2 readers turn into booleans or null.
const RESERVED: [&str; 10] = [
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
];

/// Whether `s` can be written without quotes and still read back as this string everywhere.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Numbers, timestamps, `.inf` and every YAML indicator start with something else.
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    if s.len() <= 5 && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    // One pass: only these bytes, never ": " or "  ", and no space or colon at the end.
    let mut previous = 0u8;
    for c in s.bytes() {
        if !PLAIN[usize::from(c)] || (c == b' ' && matches!(previous, b':' | b' ')) {
            return false;
        }
        previous = c;
    }
    !matches!(previous, b' ' | b':')
}

/// The bytes a plain scalar may hold: letters, digits and ` -_./:=@+,~()`.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "c < 256")]
        let b = c as u8;
        table[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'-'
                    | b'_'
                    | b'.'
                    | b'/'
                    | b':'
                    | b'='
                    | b'@'
                    | b'+'
                    | b','
                    | b'~'
                    | b'('
                    | b')'
            );
        c += 1;
    }
    table
};

/// Multi-line text is written as a literal block (`|`), unless it holds what a block cannot
/// (characters that need escaping, a first line that starts with a space or a tab, which readers
/// take for indentation, trailing spaces or tabs on a line).
fn block_scalar_fits(s: &str) -> bool {
    s.as_bytes().contains(&b'\n')
        && !s.starts_with([' ', '\n', '\t'])
        && s.chars()
            .all(|c| c == '\n' || c == '\t' || !needs_escape(c))
        && !s.lines().any(|l| l.ends_with([' ', '\t']))
}

fn write_block_scalar(s: &str, level: usize, out: &mut String) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    for line in s.split_terminator('\n') {
        if !line.is_empty() {
            pad(out, level);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{Value, json};

    fn yaml<T: Serialize>(v: &T) -> String {
        let mut out = String::new();
        write_document(v, &mut out);
        out
    }

    /// Reads YAML back with the project's YAML reader.
    fn read(s: &str) -> Value {
        let y: serde_yaml::Value = serde_yaml::from_str(s).unwrap();
        serde_json::to_value(y).unwrap()
    }

    #[test]
    fn slots_filled_later_write_what_the_value_would_have() {
        #[derive(Serialize)]
        struct Doc<T> {
            a: T,
            list: [T; 2],
            nested: Inner<T>,
        }
        #[derive(Serialize)]
        struct Inner<T> {
            inner: T,
            items: [T; 1],
        }
        let (text, marks) = record_document(&Doc {
            a: Slot(0),
            list: [Slot(1), Slot(2)],
            nested: Inner {
                inner: Slot(3),
                items: [Slot(4)],
            },
        });
        assert_eq!(
            marks.iter().map(|m| m.slot).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        let values = [
            json!("x"),
            json!("on"),
            json!({"k": [1, {"m": "yes", "n": {}}], "j": "a\nb\n"}),
            json!([[], [{"x": 1}]]),
            json!("multi\nline\n"),
            json!({}),
            json!(null),
        ];
        for v in &values {
            let mut filled = String::new();
            fill(&text, &marks, &mut filled, |mark, out| {
                write_at(v, mark, out);
            });
            let direct = yaml(&Doc {
                a: v,
                list: [v, v],
                nested: Inner {
                    inner: v,
                    items: [v],
                },
            });
            assert_eq!(filled, direct, "{v}");
        }
    }

    #[test]
    fn a_slot_outside_a_recorded_document_is_refused() {
        let mut out = String::new();
        let refused = std::panic::catch_unwind(move || write_document(&[Slot(0)], &mut out));
        assert!(refused.is_err());
    }

    #[test]
    fn block_layout() {
        let v = json!({
            "apiVersion": "v1",
            "metadata": {"name": "x", "labels": {"argocd.argoproj.io/secret-type": "cluster"}},
            "list": [{"a": 1, "b": [true, null]}, "s", [], {}, [1, [2]]],
            "empty": {},
        });
        assert_eq!(
            yaml(&v),
            "apiVersion: v1\nempty: {}\nlist:\n  - a: 1\n    b:\n      - true\n      - null\n  - s\n  - []\n  - {}\n  -\n    - 1\n    -\n      - 2\nmetadata:\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n  name: x\n"
        );
        assert_eq!(read(&yaml(&v)), v);
    }

    #[test]
    fn typed_structs_keep_their_field_order_and_skip_what_they_skip() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Object<'a> {
            api_version: &'a str,
            kind: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
            spec: Spec,
        }
        #[derive(Serialize)]
        struct Spec {
            replicas: u32,
            ratio: f64,
            tags: Vec<&'static str>,
            empty: Vec<u8>,
        }
        let o = Object {
            api_version: "v1",
            kind: "Thing",
            skipped: None,
            spec: Spec {
                replicas: 3,
                ratio: 0.5,
                tags: vec!["a", "yes"],
                empty: vec![],
            },
        };
        assert_eq!(
            yaml(&o),
            "apiVersion: v1\nkind: Thing\nspec:\n  replicas: 3\n  ratio: 0.5\n  tags:\n    - a\n    - 'yes'\n  empty: []\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "true",
            "null",
            "~",
            "",
            "1.33",
            "0777",
            "1:20",
            "1e3",
            ".inf",
            "-x",
            "- x",
            "a: b",
            "a #b",
            "#c",
            "{{ x }}",
            "*ref",
            "&a",
            "!tag",
            "x:",
            "  lead",
            "trail ",
            "@at",
            "%p",
            "`b`",
            "'q'",
            "\"d\"",
            "|",
            ">",
            "<<",
            "2026-01-01",
            "=",
            "ümlaut",
            "a  b",
        ] {
            let out = yaml(&json!({ "k": s }));
            assert_ne!(out, format!("k: {s}\n"), "{s:?} must be quoted");
            assert_eq!(read(&out), json!({ "k": s }), "{s:?} round-trips: {out}");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "prod-eu-1",
            "https://github.com/acme/fleet.git",
            "arn:aws:iam::111122223333:role/x",
            "CreateNamespace=true",
            "eks.amazonaws.com/role-arn",
            "Hello world",
        ] {
            assert_eq!(yaml(&json!({ "k": s })), format!("k: {s}\n"));
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_that_round_trip() {
        for s in [
            "a\nb",
            "a\nb\n",
            "a\n\nb\n\n",
            "{\n  \"x\": 1\n}",
            " lead\nx",
            "tab\tx\ny",
            "a \nb",
        ] {
            let v = json!({"outer": {"k": s}, "list": [s]});
            let out = yaml(&v);
            assert_eq!(read(&out), v, "{s:?}: {out}");
        }
        assert_eq!(yaml(&json!({"k": "a\nb\n"})), "k: |\n  a\n  b\n");
        assert_eq!(yaml(&json!({"k": "a\n\nb"})), "k: |-\n  a\n\n  b\n");
        assert_eq!(yaml(&json!({"l": ["a\nb"]})), "l:\n  - |-\n    a\n    b\n");
    }

    #[test]
    fn control_characters_are_escaped() {
        let v = json!({"k": "bell\u{7}", "nul": "a\u{0}b"});
        let out = yaml(&v);
        assert!(out.contains("\"bell\\u0007\""), "{out}");
        assert_eq!(read(&out), v);
    }

    #[test]
    fn keys_are_quoted_like_values() {
        let v = json!({"on": 1, "80": "http", "a b": 2});
        let out = yaml(&v);
        assert_eq!(read(&out), v, "{out}");
        assert!(out.contains("'on': 1"), "{out}");
    }

    #[test]
    fn numbers_print_as_json_does() {
        let v = json!({"i": -3, "u": 18_446_744_073_709_551_615_u64, "f": 1.5, "e": 1e300});
        assert_eq!(read(&yaml(&v)), v);
    }

    /// Hostile inputs M3: strings that made the output unreadable to libyaml and go-yaml.
    #[test]
    fn strings_readers_once_rejected_are_written_readably() {
        let long_key = "k".repeat(1_500);
        let v = json!({
            "tab": "\tlisten 80;\nfoo",
            "nonchar": "a\u{fffe}b\u{ffff}",
            "bom": "a\u{feff}b",
            "a\u{2028}b": "line separator in a key",
            "p\u{2029}": "x",
            "nel": "a\u{85}b",
            long_key.clone(): {"nested": ["x", {"y": 1}]},
            "list": [{long_key.clone(): "in an item"}],
        });
        let out = yaml(&v);
        assert_eq!(read(&out), v, "{out}");
        assert!(out.contains("tab: \"\\tlisten 80;\\nfoo\""), "{out}");
        assert!(out.contains("\"a\\ufffeb\\uffff\""), "{out}");
        assert!(out.contains("\"a\\u2028b\": line separator"), "{out}");
        assert!(
            out.contains(&format!("? {long_key}\n:\n  nested:")),
            "{out}"
        );
        assert!(
            out.contains(&format!("  - ? {long_key}\n    : in an item")),
            "{out}"
        );
    }

    /// Strings built mostly from what YAML treats specially, so the property below meets the
    /// hard cases often, not once in a billion.
    fn hostile_string() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let special = prop_oneof![
            Just('\n'),
            Just('\t'),
            Just('\r'),
            Just(' '),
            Just(':'),
            Just('#'),
            Just('-'),
            Just('\''),
            Just('"'),
            Just('\\'),
            Just('{'),
            Just('&'),
            Just('*'),
            Just('!'),
            Just('|'),
            Just('>'),
            Just('%'),
            Just('@'),
            Just('`'),
            Just('\u{0}'),
            Just('\u{1b}'),
            Just('\u{85}'),
            Just('\u{a0}'),
            Just('\u{2028}'),
            Just('\u{2029}'),
            Just('\u{feff}'),
            Just('\u{fffe}'),
            Just('\u{ffff}'),
            Just('\u{1f600}'),
        ];
        let pieces = prop_oneof![
            4 => special.prop_map(String::from),
            2 => "[a-z0-9.]{1,6}",
            1 => prop_oneof![
                Just("yes"), Just("null"), Just("~"), Just("0777"), Just("1:20"), Just("---"),
                Just("..."), Just("1e3"), Just(".inf"), Just("0x1F"), Just("2026-01-01"),
            ]
            .prop_map(String::from),
            1 => any::<char>().prop_map(String::from),
        ];
        prop_oneof![
            20 => proptest::collection::vec(pieces, 0..12).prop_map(|p| p.concat()),
            1 => "[a-z]{1000,1030}",
        ]
    }

    fn hostile_tree() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            4 => hostile_string().prop_map(Value::String),
            1 => any::<i64>().prop_map(Value::from),
            1 => any::<bool>().prop_map(Value::from),
            1 => Just(Value::Null),
        ];
        leaf.prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(hostile_string(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]

        /// Whatever strings a fleet holds, as keys or values at any depth, the YAML written
        /// reads back as the same data with an independent reader (libyaml's rules, through
        /// `serde_yaml`).
        #[test]
        fn any_strings_round_trip_through_an_independent_reader(
            doc in proptest::collection::btree_map(hostile_string(), hostile_tree(), 0..6)
        ) {
            let v = Value::Object(doc.into_iter().collect());
            let out = yaml(&v);
            let back: Result<serde_yaml::Value, _> = serde_yaml::from_str(&out);
            let back = back.map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{out}")))?;
            proptest::prop_assert_eq!(serde_json::to_value(back).unwrap(), v, "{}", out);
        }
    }
}
