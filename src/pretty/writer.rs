//! A serde `Serializer` that writes JSON through a serde_json `Formatter`, as serde_json's
//! own `Serializer` does, byte for byte, but with strings escaped a word at a time.
//!
//! Written here because serde_json looks up every byte of every string in its escape
//! table (`format_escaped_str_contents`), and no `Formatter` hook reaches that loop: it was
//! the largest single cost of writing a check's result (about 6 instructions a byte; most
//! of a result is prose and messages, none of which needs escaping). Here eight bytes are
//! tested at once for a quote, a backslash or a control character, and only a word that
//! holds one is escaped byte by byte, with serde_json's own escapes (`write_char_escape`).
//! Everything else — numbers, layout, the escapes' spelling — is the formatter's, so the
//! output cannot drift from serde_json's; property tests in [`super`] hold it to it.

use serde::ser::{self, Error as _, Serialize};
use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Error, Result};

/// Writes JSON into `out`, laid out by `formatter`. The output is a `Vec` (not any writer):
/// a string without escapes is written with one reservation and one copy, as serde_json's
/// default string methods would write it (neither formatter of [`super`] overrides them).
pub(super) struct Serializer<'o, F> {
    writer: &'o mut Vec<u8>,
    formatter: F,
}

impl<'o, F: Formatter> Serializer<'o, F> {
    pub(super) fn new(writer: &'o mut Vec<u8>, formatter: F) -> Self {
        Serializer { writer, formatter }
    }

    /// `value` as a JSON string: quoted, escaped as serde_json escapes.
    fn string(&mut self, value: &str) -> Result<()> {
        let bytes = value.as_bytes();
        let Some(first) = first_escape(bytes) else {
            // What `begin_string`, `write_string_fragment` and `end_string` write.
            let out = &mut *self.writer;
            out.reserve(bytes.len() + 2);
            out.push(b'"');
            out.extend_from_slice(bytes);
            out.push(b'"');
            return Ok(());
        };
        let (w, f) = (&mut *self.writer, &mut self.formatter);
        f.begin_string(w).map_err(Error::io)?;
        // The start of the bytes not yet written, and where the search stands: words
        // without a byte to escape are passed over whole. (The text is split only
        // before and after ASCII bytes, so at characters' boundaries.)
        let (mut start, mut i) = (0, first);
        while i < bytes.len() {
            if let Some(word) = bytes.get(i..i + 8) {
                if !needs_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
                    i += 8;
                    continue;
                }
            }
            for (j, &b) in bytes.iter().enumerate().take(i + 8).skip(i) {
                if let Some(escape) = escape(b) {
                    if start < j {
                        f.write_string_fragment(w, &value[start..j])
                            .map_err(Error::io)?;
                    }
                    f.write_char_escape(w, escape).map_err(Error::io)?;
                    start = j + 1;
                }
            }
            i += 8;
        }
        if start < bytes.len() {
            f.write_string_fragment(w, &value[start..])
                .map_err(Error::io)?;
        }
        f.end_string(w).map_err(Error::io)
    }

    /// A struct's or map's entry under a string key.
    fn entry<T: ?Sized + Serialize>(&mut self, first: bool, key: &str, value: &T) -> Result<()> {
        self.formatter
            .begin_object_key(&mut self.writer, first)
            .map_err(Error::io)?;
        self.string(key)?;
        self.formatter
            .end_object_key(&mut self.writer)
            .map_err(Error::io)?;
        self.value(value)
    }

    /// An object's value after its key.
    fn value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.formatter
            .begin_object_value(&mut self.writer)
            .map_err(Error::io)?;
        value.serialize(&mut *self)?;
        self.formatter
            .end_object_value(&mut self.writer)
            .map_err(Error::io)
    }

    /// `{"variant": ` of an enum's variant that holds a value, before the value.
    fn open_variant(&mut self, variant: &str) -> Result<()> {
        self.formatter
            .begin_object(&mut self.writer)
            .map_err(Error::io)?;
        self.formatter
            .begin_object_key(&mut self.writer, true)
            .map_err(Error::io)?;
        self.string(variant)?;
        self.formatter
            .end_object_key(&mut self.writer)
            .map_err(Error::io)?;
        self.formatter
            .begin_object_value(&mut self.writer)
            .map_err(Error::io)
    }

    /// The end of what [`open_variant`](Self::open_variant) opened.
    fn close_variant(&mut self) -> Result<()> {
        self.formatter
            .end_object_value(&mut self.writer)
            .map_err(Error::io)?;
        self.formatter
            .end_object(&mut self.writer)
            .map_err(Error::io)
    }

    /// An array opened; empty when `len` says so.
    fn open_array(&mut self, len: Option<usize>) -> Result<Compound<'_, 'o, F>> {
        self.formatter
            .begin_array(&mut self.writer)
            .map_err(Error::io)?;
        let state = if len == Some(0) {
            self.formatter
                .end_array(&mut self.writer)
                .map_err(Error::io)?;
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }

    /// An object opened; empty when `len` says so.
    fn open_object(&mut self, len: Option<usize>) -> Result<Compound<'_, 'o, F>> {
        self.formatter
            .begin_object(&mut self.writer)
            .map_err(Error::io)?;
        let state = if len == Some(0) {
            self.formatter
                .end_object(&mut self.writer)
                .map_err(Error::io)?;
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether some byte of `word` is a quote, a backslash or below 0x20. (A byte whose high
/// bit is set — part of a character beyond ASCII — is none of them.) The test is exact
/// about whether there is one, not about which byte it is.
fn needs_escape(word: u64) -> bool {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (control | zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\')))) != 0
}

/// Where the first byte of `bytes` that JSON escapes is: eight bytes tested at once, the
/// word that holds one (or the last bytes, fewer than a word) then byte by byte.
fn first_escape(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        if needs_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
            break;
        }
        at += 8;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    rest.iter()
        .position(|&b| ESCAPED[usize::from(b)])
        .map(|p| at + p)
}

/// The bytes [`escape`] escapes, by value (made from it at compile time).
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = escape(b as u8).is_some();
        b += 1;
    }
    t
};

/// serde_json's escape of a byte, if it has one.
const fn escape(b: u8) -> Option<CharEscape> {
    Some(match b {
        b'"' => CharEscape::Quote,
        b'\\' => CharEscape::ReverseSolidus,
        0x08 => CharEscape::Backspace,
        0x09 => CharEscape::Tab,
        0x0A => CharEscape::LineFeed,
        0x0C => CharEscape::FormFeed,
        0x0D => CharEscape::CarriageReturn,
        0x00..=0x1F => CharEscape::AsciiControl(b),
        _ => return None,
    })
}

/// The name under which serde_json's `RawValue` serializes its JSON text, as a struct of one
/// field; serde_json writes that text as it is, and so does this serializer (a test holds
/// the name to serde_json's).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// Where an array or object stands.
#[derive(PartialEq)]
enum State {
    /// Opened and closed at once (its length was 0).
    Empty,
    First,
    Rest,
    /// A `RawValue`: its one field is JSON text, written as it is.
    Raw,
}

/// An array, object, or enum variant's value being written.
pub(super) struct Compound<'a, 'o, F> {
    ser: &'a mut Serializer<'o, F>,
    state: State,
}

impl<F: Formatter> Compound<'_, '_, F> {
    /// Whether the next element is the first, noting that it no longer will be.
    fn first(&mut self) -> bool {
        let first = self.state == State::First;
        self.state = State::Rest;
        first
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let first = self.first();
        let ser = &mut *self.ser;
        ser.formatter
            .begin_array_value(&mut ser.writer, first)
            .map_err(Error::io)?;
        value.serialize(&mut *ser)?;
        ser.formatter
            .end_array_value(&mut ser.writer)
            .map_err(Error::io)
    }

    fn close_array(&mut self) -> Result<()> {
        if self.state == State::Empty {
            return Ok(());
        }
        self.ser
            .formatter
            .end_array(&mut self.ser.writer)
            .map_err(Error::io)
    }

    fn close_object(&mut self) -> Result<()> {
        if matches!(self.state, State::Empty | State::Raw) {
            return Ok(());
        }
        self.ser
            .formatter
            .end_object(&mut self.ser.writer)
            .map_err(Error::io)
    }
}

impl<'a, 'o, F: Formatter> ser::Serializer for &'a mut Serializer<'o, F> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o, F>;
    type SerializeTuple = Compound<'a, 'o, F>;
    type SerializeTupleStruct = Compound<'a, 'o, F>;
    type SerializeTupleVariant = Compound<'a, 'o, F>;
    type SerializeMap = Compound<'a, 'o, F>;
    type SerializeStruct = Compound<'a, 'o, F>;
    type SerializeStructVariant = Compound<'a, 'o, F>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.formatter
            .write_bool(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<()> {
        self.formatter
            .write_i64(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        self.formatter
            .write_i128(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        self.formatter
            .write_u64(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        self.formatter
            .write_u128(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        self.formatter
            .write_f32(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        self.formatter
            .write_f64(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.string(v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.formatter
            .write_byte_array(&mut self.writer, v)
            .map_err(Error::io)
    }

    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<()> {
        self.formatter
            .write_null(&mut self.writer)
            .map_err(Error::io)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.close_variant()
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.open_array(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        self.open_array(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        self.open_array(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        self.open_variant(variant)?;
        self.open_array(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.open_object(len)
    }

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        if name == RAW_VALUE {
            return Ok(Compound {
                ser: self,
                state: State::Raw,
            });
        }
        self.open_object(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        self.open_variant(variant)?;
        self.open_object(Some(len))
    }
}

/// serde's three kinds of array (a sequence, a tuple, a tuple struct): each element
/// written as an array's, the array closed at the end.
macro_rules! array {
    ($($kind:ident :: $method:ident),*) => {$(
        impl<F: Formatter> ser::$kind for Compound<'_, '_, F> {
            type Ok = ();
            type Error = Error;

            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }

            fn end(mut self) -> Result<()> {
                self.close_array()
            }
        }
    )*};
}

array!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl<F: Formatter> ser::SerializeTupleVariant for Compound<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }

    fn end(mut self) -> Result<()> {
        self.close_array()?;
        self.ser.close_variant()
    }
}

impl<F: Formatter> ser::SerializeMap for Compound<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        let first = self.first();
        let ser = &mut *self.ser;
        ser.formatter
            .begin_object_key(&mut ser.writer, first)
            .map_err(Error::io)?;
        key.serialize(Key { ser: &mut *ser })?;
        ser.formatter
            .end_object_key(&mut ser.writer)
            .map_err(Error::io)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.ser.value(value)
    }

    fn end(mut self) -> Result<()> {
        self.close_object()
    }
}

impl<F: Formatter> ser::SerializeStruct for Compound<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        if self.state == State::Raw {
            let serde_json::Value::String(raw) = serde_json::to_value(value)? else {
                return Err(Error::custom("a RawValue holds its JSON as a string"));
            };
            let ser = &mut *self.ser;
            return ser
                .formatter
                .write_raw_fragment(&mut ser.writer, &raw)
                .map_err(Error::io);
        }
        let first = self.first();
        self.ser.entry(first, key, value)
    }

    fn end(mut self) -> Result<()> {
        self.close_object()
    }
}

impl<F: Formatter> ser::SerializeStructVariant for Compound<'_, '_, F> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        let first = self.first();
        self.ser.entry(first, key, value)
    }

    fn end(mut self) -> Result<()> {
        self.close_object()?;
        self.ser.close_variant()
    }
}

/// A map's key: JSON keys are strings, so numbers and booleans are written quoted, as
/// serde_json writes them; a key of any other kind is an error.
struct Key<'a, 'o, F> {
    ser: &'a mut Serializer<'o, F>,
}

impl<F: Formatter> Key<'_, '_, F> {
    /// A key that is not a string written as one: `write` between quotes.
    fn quoted(self, write: impl FnOnce(&mut F, &mut Vec<u8>) -> std::io::Result<()>) -> Result<()> {
        let (w, f) = (&mut *self.ser.writer, &mut self.ser.formatter);
        f.begin_string(w).map_err(Error::io)?;
        write(f, w).map_err(Error::io)?;
        f.end_string(w).map_err(Error::io)
    }
}

fn key_must_be_a_string() -> Error {
    Error::custom("key must be a string")
}

/// The methods of [`Key`] for values that cannot be a key.
macro_rules! not_a_key {
    ($($name:ident($($arg:ty),*) -> $ok:ty;)*) => {$(
        fn $name(self, $(_: $arg),*) -> Result<$ok> {
            Err(key_must_be_a_string())
        }
    )*};
}

impl<F: Formatter> ser::Serializer for Key<'_, '_, F> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.ser.string(v)
    }

    fn serialize_char(self, v: char) -> Result<()> {
        self.ser.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        self.ser.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.quoted(|f, w| f.write_bool(w, v))
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<()> {
        self.quoted(|f, w| f.write_i64(w, v))
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        self.quoted(|f, w| f.write_i128(w, v))
    }

    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        self.quoted(|f, w| f.write_u64(w, v))
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        self.quoted(|f, w| f.write_u128(w, v))
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        if !v.is_finite() {
            return Err(Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(|f, w| f.write_f32(w, v))
    }

    fn serialize_f64(self, v: f64) -> Result<()> {
        if !v.is_finite() {
            return Err(Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.quoted(|f, w| f.write_f64(w, v))
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<()> {
        Err(key_must_be_a_string())
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(key_must_be_a_string())
    }

    not_a_key! {
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize)
            -> Self::SerializeStructVariant;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// JSON escapes the control characters, the quote and the backslash (RFC 8259, 7), and
    /// nothing else: the table made from `escape` holds those.
    #[test]
    fn the_table_is_the_escapes() {
        for b in 0..=255u8 {
            let json = b < 0x20 || b == b'"' || b == b'\\';
            assert_eq!(ESCAPED[usize::from(b)], json, "{b:#04x}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// The first escaped byte found a word at a time is the first found a byte at a
        /// time, wherever it stands in a word or in the bytes after the last whole one.
        #[test]
        fn first_escape_is_the_first(s in "[a中\"\\\\\u{0}\u{1f}\u{7f} ]{0,40}") {
            let want = s.bytes().position(|b| escape(b).is_some());
            proptest::prop_assert_eq!(first_escape(s.as_bytes()), want);
        }
    }
}
