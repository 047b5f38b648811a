//! Pretty JSON text, laid out byte for byte as `serde_json::to_string_pretty` lays it out
//! (two spaces a level), for every host that prints a result.
//!
//! Written here because serde_json's `PrettyFormatter` writes a line's indentation two bytes
//! at a time, one write per level: for a check's result that was about 40 % of the time
//! spent writing it. This formatter writes the line break and the whole indentation as one
//! slice. A property test holds the layout to serde_json's.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// `value` as pretty JSON text.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    // serde_json writes only UTF-8 (its strings are `str`s, escaped or whole).
    Ok(String::from_utf8(to_vec(value)?).expect("serde_json writes UTF-8"))
}

/// `value` as pretty JSON text, in bytes (not checked again for UTF-8: for a writer).
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    // A check's result is tens of kilobytes: room for it at once, not grown by copies.
    let mut out = Vec::with_capacity(64 << 10);
    to_writer(&mut out, value)?;
    Ok(out)
}

/// `value` written as pretty JSON text into `out`.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(out: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Pretty::default());
    value.serialize(&mut ser)
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

    /// JSON values of any shape: empty and nested arrays and objects, deeper than the
    /// indentation written in one slice.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\\n\u{1}中 ]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(40, 200, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-z中]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn lays_out_as_serde_json(v in value()) {
            prop_assert_eq!(to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap());
        }
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
