//! JSON text, byte for byte as serde_json writes it — pretty as `to_string_pretty` lays it
//! out (two spaces a level), compact as `to_vec` — for every host that prints a result.
//!
//! Written here because serde_json's `PrettyFormatter` writes a line's indentation two bytes
//! at a time, one write per level: for a check's result that was about 40 % of the time
//! spent writing it. This formatter writes the line break and the whole indentation as one
//! slice. The serializer ([`writer`]) escapes strings a word at a time. Property tests hold
//! both to serde_json's output.

mod writer;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use std::io::{self, Write};

/// `value` as pretty JSON text.
///
/// The text is not checked for UTF-8 again (as serde_json's `to_string` does not): on
/// WebAssembly, where the check has no vector instructions, checking a result's 30 KB cost
/// 4 % of a whole check of canonical JSON.
#[allow(unsafe_code)]
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let bytes = to_vec(value)?;
    // SAFETY: the serializer writes only UTF-8: the formatter's punctuation, numbers and
    // escapes are ASCII; a string is written whole from its `str`, or in fragments of it
    // cut before and after ASCII bytes (writer.rs, `Serializer::string`); a `char` is
    // encoded by `char::encode_utf8`; raw JSON is a `str`. Property tests compare the text
    // with serde_json's for any value, string and shape, and debug builds check it here.
    debug_assert!(std::str::from_utf8(&bytes).is_ok());
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

/// `value` as pretty JSON text, in bytes (not checked again for UTF-8: for a writer).
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    // A check's result is tens of kilobytes: room for it at once, not grown by copies.
    let mut out = Vec::with_capacity(64 << 10);
    value.serialize(&mut writer::Serializer::new(&mut out, Pretty::default()))?;
    Ok(out)
}

/// `value` written as pretty JSON text into `out`.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(mut out: W, value: &T) -> serde_json::Result<()> {
    out.write_all(&to_vec(value)?)
        .map_err(serde_json::Error::io)
}

/// `value` as compact JSON text (no whitespace), in bytes, as `serde_json::to_vec` writes it.
pub fn to_vec_compact<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64 << 10);
    value.serialize(&mut writer::Serializer::new(&mut out, CompactFormatter))?;
    Ok(out)
}

/// serde_json's `PrettyFormatter` with two spaces a level, its state and its writes.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// A line break and the indentation of the deepest level written in one slice; deeper
/// levels (not in any result) are written in pieces.
const BREAK: &[u8; 1 + 2 * 32] =
    b"\n                                                                ";

impl Pretty {
    /// A line break, then the current level's indentation.
    fn new_line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let width = 2 * self.depth;
        if width < BREAK.len() {
            return w.write_all(&BREAK[..1 + width]);
        }
        w.write_all(BREAK)?;
        for _ in 0..width - (BREAK.len() - 1) {
            w.write_all(b" ")?;
        }
        Ok(())
    }

    /// An array or object opened: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// An array or object closed: on a line of its own unless it was empty.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(w)?;
        }
        w.write_all(bracket)
    }

    /// Before an element or a key: a comma after the one before, then a new line.
    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.new_line(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Strings with every byte serde_json escapes (quotes, backslashes, each control
    /// character), DEL (not escaped), characters of two, three and four bytes, long enough
    /// to span several eight-byte words.
    const STRING: &str = "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é中😀 ]{0,40}";

    /// JSON values of any shape: empty and nested arrays and objects, deeper than the
    /// indentation written in one slice.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            STRING.prop_map(Value::String),
        ];
        leaf.prop_recursive(40, 200, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(STRING, inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn lays_out_as_serde_json(v in value()) {
            prop_assert_eq!(to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap());
            prop_assert_eq!(to_vec_compact(&v).unwrap(), serde_json::to_vec(&v).unwrap());
        }

        /// Any string, escaped as serde_json escapes it.
        #[test]
        fn escapes_as_serde_json(s in any::<String>()) {
            prop_assert_eq!(to_vec_compact(&s).unwrap(), serde_json::to_vec(&s).unwrap());
        }
    }

    /// Every shape of serde's data model a derived type can take.
    #[derive(Serialize)]
    struct Shapes {
        unit: (),
        unit_struct: UnitStruct,
        newtype: Newtype,
        tuple: (u8, i128, u128, f32, char),
        tuple_struct: TupleStruct,
        empty: Vec<u8>,
        empty_tuple_struct: EmptyStruct,
        none: Option<u8>,
        some: Option<&'static str>,
        #[serde(with = "bytes")]
        bytes: &'static [u8],
        variants: Vec<Variant>,
        int_keys: BTreeMap<i32, u8>,
        variant_keys: BTreeMap<Variant, u8>,
        bool_keys: BTreeMap<bool, u8>,
        char_keys: BTreeMap<char, u8>,
        newtype_keys: BTreeMap<Newtype, u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
    }

    #[derive(Serialize)]
    struct UnitStruct;

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Newtype(u8);

    #[derive(Serialize)]
    struct TupleStruct(u8, &'static str);

    #[derive(Serialize)]
    struct EmptyStruct {}

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Variant {
        Unit,
        Newtype(u8),
        Tuple(u8, u8),
        Struct { a: u8, b: Option<u8> },
        EmptyTuple(),
        EmptyStruct {},
    }

    mod bytes {
        pub fn serialize<S: serde::Serializer>(b: &&[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b)
        }
    }

    #[test]
    fn every_shape_as_serde_json() {
        let shapes = Shapes {
            unit: (),
            unit_struct: UnitStruct,
            newtype: Newtype(7),
            tuple: (1, -2, 3, 0.5, '中'),
            tuple_struct: TupleStruct(1, "a\"b"),
            empty: Vec::new(),
            empty_tuple_struct: EmptyStruct {},
            none: None,
            some: Some("é\n"),
            bytes: b"\x00\xff",
            variants: vec![
                Variant::Unit,
                Variant::Newtype(1),
                Variant::Tuple(1, 2),
                Variant::Struct { a: 1, b: None },
                Variant::EmptyTuple(),
                Variant::EmptyStruct {},
            ],
            int_keys: [(-1, 1), (2, 2)].into_iter().collect(),
            variant_keys: [(Variant::Unit, 1)].into_iter().collect(),
            bool_keys: [(true, 1), (false, 0)].into_iter().collect(),
            char_keys: [('"', 1)].into_iter().collect(),
            newtype_keys: [(Newtype(3), 1)].into_iter().collect(),
            skipped: None,
        };
        assert_eq!(
            to_string(&shapes).unwrap(),
            serde_json::to_string_pretty(&shapes).unwrap()
        );
        assert_eq!(
            to_vec_compact(&shapes).unwrap(),
            serde_json::to_vec(&shapes).unwrap()
        );
    }

    /// A key that is no string, number, boolean or unit variant is refused, as serde_json
    /// refuses it; a `RawValue` is written as it is.
    #[test]
    fn refuses_keys_and_passes_raw_json_as_serde_json() {
        let keys: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
        assert!(to_vec_compact(&keys).is_err() && serde_json::to_vec(&keys).is_err());
        let variant: BTreeMap<Variant, u8> = [(Variant::Newtype(1), 1)].into_iter().collect();
        assert!(to_vec_compact(&variant).is_err() && serde_json::to_vec(&variant).is_err());
        let raw = serde_json::value::RawValue::from_string("{\"a\":[1, 2]}".into()).unwrap();
        let held = vec![Some(raw)];
        assert_eq!(
            to_string(&held).unwrap(),
            serde_json::to_string_pretty(&held).unwrap()
        );
        assert_eq!(
            to_vec_compact(&held).unwrap(),
            serde_json::to_vec(&held).unwrap()
        );
    }

    #[test]
    fn deeper_than_one_slice() {
        let mut v = Value::from(1);
        for _ in 0..40 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(
            to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }
}
