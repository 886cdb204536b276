//! The layout writer: a serde `Serializer` that writes block-style YAML into a string,
//! mappings and sequences indented under their keys and items, empty ones as `{}` and `[]`.

use std::cell::RefCell;

use serde::ser::{self, Serialize};

use super::key::{KeyWriter, MAX_IMPLICIT_KEY};
use super::scalar::{block_scalar_fits, write_block_scalar, write_string};
use super::{Error, Mark, SLOT};

/// Where the next value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    /// A document of its own.
    Root,
    /// After `key:` on the current line.
    Key,
    /// After `-` on the current line.
    Item,
}

pub(super) struct Writer<'o> {
    pub(super) out: &'o mut String,
    /// The indentation of the mapping or sequence the value belongs to.
    pub(super) indent: usize,
    pub(super) at: At,
    /// Where slots are recorded, in a document written by [`record_document`].
    pub(super) marks: Option<&'o RefCell<Vec<Mark>>>,
}

pub(super) fn pad(out: &mut String, n: usize) {
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

pub(super) struct Mapping<'o> {
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

pub(super) struct Sequence<'o> {
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
pub(super) enum Collection<'o, C> {
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
