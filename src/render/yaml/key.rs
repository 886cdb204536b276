//! Mapping keys: text, written as strings are (numbers and booleans as they print), and as
//! an explicit key (`? key`) past the length YAML readers look for the `:`.

use std::fmt::Write as _;

use serde::ser::{self, Serialize};

use super::Error;

/// Mapping keys are text: strings as they are, numbers and booleans as they print.
pub(super) struct KeyWriter<'k>(pub(super) &'k mut String);

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
pub(super) const MAX_IMPLICIT_KEY: usize = 1_000;
