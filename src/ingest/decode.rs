//! Bytes → text: UTF-8 (with or without BOM), UTF-16 by BOM, and the encodings of Chinese
//! offices (GBK, GB18030, Big5) detected with chardetng and decoded with encoding_rs.
//! Binary data is refused, never decoded into noise.
//!
//! UTF-8 is validated with simdutf8 (vector instructions where the CPU has them; the same
//! answer as `std::str::from_utf8`, several times fewer instructions on CJK text).

#[cfg(feature = "readers")]
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use std::borrow::Cow;

use super::InputError;

/// Decodes an input (`is_html`: an HTML page, whose `<meta charset>` is read when the
/// bytes are not UTF-8) and names the encoding it was read in.
#[cfg(feature = "readers")]
pub fn decode_input(input: &[u8], is_html: bool) -> Result<(String, &'static str), InputError> {
    // Only a page declares a charset; only bytes that are not UTF-8 need it.
    let declared = if is_html {
        super::html::declared_charset(input)
    } else {
        None
    };
    match declared {
        Some(enc) if utf8(input).is_none() => {
            match enc.decode_without_bom_handling_and_without_replacement(input) {
                Some(text) => Ok((text.into_owned(), enc.name())),
                None => decode(input),
            }
        }
        _ => decode(input),
    }
}

/// Without the readers (the core engine): UTF-8 (with or without BOM) only, read exactly as
/// with them; binary data refused as with them (where they would refuse it at the same
/// step); any other input is `ReaderNotLoaded { reader: Encodings }` — the full engine
/// decides (encoding_rs's tables and chardetng are a third of the core's size).
#[cfg(not(feature = "readers"))]
pub fn decode_input(input: &[u8], is_html: bool) -> Result<(String, &'static str), InputError> {
    let body = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    match utf8(body) {
        Some(text) => finish(text.to_string(), "UTF-8"),
        // No BOM, not UTF-8, not a page that may declare its charset: with the readers,
        // `decode` refuses binary data here before any detection.
        None if !is_html
            && !input.starts_with(b"\xEF\xBB\xBF")
            && !input.starts_with(b"\xFF\xFE")
            && !input.starts_with(b"\xFE\xFF")
            && looks_binary(input) =>
        {
            Err(InputError::Binary)
        }
        None => Err(InputError::ReaderNotLoaded {
            reader: super::Reader::Encodings,
        }),
    }
}

/// Decodes `input` and names the encoding it was read in.
#[cfg(feature = "readers")]
pub fn decode(input: &[u8]) -> Result<(String, &'static str), InputError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(input) {
        let (text, had_errors) = enc.decode_without_bom_handling(&input[bom_len..]);
        if had_errors {
            return Err(InputError::Undecodable {
                encoding: enc.name(),
            });
        }
        let name = if enc == UTF_16LE || enc == UTF_16BE {
            enc.name()
        } else {
            UTF_8.name()
        };
        return finish(text.into_owned(), name);
    }
    if let Some(text) = utf8(input) {
        return finish(text.to_string(), UTF_8.name());
    }
    if looks_binary(input) {
        return Err(InputError::Binary);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(input, true);
    let enc = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    let (text, _, had_errors) = enc.decode(input);
    if had_errors {
        return Err(InputError::Undecodable {
            encoding: enc.name(),
        });
    }
    finish(text.into_owned(), enc.name())
}

/// Text known to be UTF-8, read as [`decode_input`] reads its bytes: a UTF-8 BOM dropped
/// (no other BOM starts UTF-8 text, and a page's declared charset is read only for bytes
/// that are not UTF-8), binary data refused.
pub fn decode_text(text: &str) -> Result<(Cow<'_, str>, &'static str), InputError> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if looks_binary(body.as_bytes()) {
        return Err(InputError::Binary);
    }
    Ok((Cow::Borrowed(body), "UTF-8"))
}

/// [`decode_input`], the text borrowed from `input` where it is UTF-8 as it stands (no BOM:
/// then both builds read it so, whatever a page declares), copied only where decoding made
/// it.
pub fn decode_borrowed(
    input: &[u8],
    is_html: bool,
) -> Result<(Cow<'_, str>, &'static str), InputError> {
    let bom = [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"];
    match utf8(input) {
        Some(text) if !bom.iter().any(|b| input.starts_with(b)) => {
            if looks_binary(input) {
                return Err(InputError::Binary);
            }
            Ok((Cow::Borrowed(text), "UTF-8"))
        }
        _ => decode_input(input, is_html).map(|(text, name)| (Cow::Owned(text), name)),
    }
}

/// The bytes as text when they are UTF-8.
fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

fn finish(text: String, name: &'static str) -> Result<(String, &'static str), InputError> {
    if looks_binary(text.as_bytes()) {
        return Err(InputError::Binary);
    }
    Ok((text, name))
}

/// NUL bytes, or more than 1 in 20 characters being control codes other than tab and
/// line breaks, mean the input is not text.
fn looks_binary(bytes: &[u8]) -> bool {
    if memchr::memchr(0, bytes).is_some() {
        return true;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    // The bytes below 0x20 bound the control codes from above, and are counted in a third
    // of the time: a text has few (its line breaks), and needs no exact count.
    #[cfg(not(target_arch = "wasm32"))]
    if below_space_by_vectors(sample) * 20 <= sample.len() {
        return false;
    }
    #[cfg(not(target_arch = "wasm32"))]
    let controls = controls_by_vectors(sample);
    // WebAssembly's core instructions have no vectors: eight bytes a word.
    #[cfg(target_arch = "wasm32")]
    let controls = controls_by_words(sample);
    controls * 20 > sample.len()
}

/// A control code other than tab, line feed, form feed and carriage return.
fn is_control(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0C)
}

/// The control codes in `bytes`, counted without a branch a byte, in blocks small enough for
/// a byte counter and a whole number of 16-byte vectors, so that the loop runs on vectors.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn controls_by_vectors(bytes: &[u8]) -> usize {
    count_by_vectors(bytes, is_control)
}

/// The bytes of `bytes` that `wanted` says yes to, counted as described above.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
#[inline(always)]
fn count_by_vectors(bytes: &[u8], wanted: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(240)
        .map(|block| usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(wanted(b)))))
        .sum()
}

/// The bytes below 0x20 in `bytes` (control codes, tabs, line breaks), counted as
/// [`controls_by_vectors`] counts.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn below_space_by_vectors(bytes: &[u8]) -> usize {
    count_by_vectors(bytes, |b| b < 0x20)
}

/// The control codes in `bytes`, eight at a time in a `u64` (each test exact per byte: no
/// carry or borrow crosses from one byte to the next).
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
fn controls_by_words(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const LOW7: u64 = ONES * 0x7F;
    const HIGH: u64 = ONES * 0x80;
    // The high bit of each byte equal to `c`.
    let equal = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        !(((x & LOW7) + LOW7) | x) & HIGH
    };
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        // Below 0x20: 0x9F − (low 7 bits) keeps its high bit when they are below 0x20, and
        // the byte's own high bit is clear.
        let below = ((ONES * 0x9F) - (w & LOW7)) & !w & HIGH;
        let spaces = equal(w, b'\t') | equal(w, b'\n') | equal(w, b'\r') | equal(w, 0x0C);
        n += (below & !spaces).count_ones() as usize;
    }
    n + words.remainder().iter().filter(|&&b| is_control(b)).count()
}

#[cfg(all(test, feature = "readers"))]
mod tests {
    use super::*;

    const REPORT: &str =
        "海东市民和县\n2020 年度政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n";

    #[test]
    fn gbk_and_gb18030_are_detected() {
        for enc in [encoding_rs::GBK, encoding_rs::GB18030] {
            let (bytes, _, _) = enc.encode(REPORT);
            let (text, name) = decode(&bytes).unwrap();
            assert_eq!(text, REPORT, "{name}");
            assert!(name == "GBK" || name == "gb18030", "{name}");
        }
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in REPORT.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().0, REPORT);
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(decode(b"\x00\x01\x02abc"), Err(InputError::Binary));
        let noise: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 31) as u8).collect();
        assert_eq!(decode(&noise), Err(InputError::Binary));
    }

    proptest::proptest! {
        /// The word-at-a-time count (WebAssembly's) is the byte-at-a-time count, for bytes
        /// drawn mostly near the control range (every byte value, every position in a word).
        #[test]
        fn control_codes_counted_by_words_as_by_bytes(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![0u8..0x22, proptest::num::u8::ANY],
                0..100,
            )
        ) {
            let by_bytes = bytes.iter().filter(|&&b| is_control(b)).count();
            proptest::prop_assert_eq!(controls_by_words(&bytes), by_bytes);
            proptest::prop_assert_eq!(controls_by_vectors(&bytes), by_bytes);
            let below = bytes.iter().filter(|&&b| b < 0x20).count();
            proptest::prop_assert_eq!(below_space_by_vectors(&bytes), below);
        }

        /// Text is told from binary as the exact count of control codes tells it, whether
        /// the bound on them decides or not (line breaks and tabs many or few).
        #[test]
        fn binary_as_control_codes_say(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(b"ab\xe4\xb8\xad".to_vec()),
                    1 => proptest::sample::select(b"\n\t\r\x0c".to_vec()),
                    1 => 1u8..0x20,
                ],
                0..400,
            )
        ) {
            let controls = bytes.iter().filter(|&&b| is_control(b)).count();
            proptest::prop_assert_eq!(looks_binary(&bytes), controls * 20 > bytes.len());
        }

        /// Borrowed or not, the text and the encoding are `decode_input`'s, and so is the
        /// error: UTF-8 with and without BOMs of each kind, GBK, control codes, pages.
        #[test]
        fn borrowed_is_decoded(
            head in proptest::sample::select(vec![&b""[..], b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"<html><meta charset=\"gbk\">"]),
            text in "[a中\u{0}\u{1}\n年 ]{0,30}",
            gbk in proptest::bool::ANY,
            is_html in proptest::bool::ANY,
        ) {
            let mut bytes = head.to_vec();
            if gbk {
                bytes.extend_from_slice(&encoding_rs::GBK.encode(&text).0);
            } else {
                bytes.extend_from_slice(text.as_bytes());
            }
            let borrowed = decode_borrowed(&bytes, is_html).map(|(t, n)| (t.into_owned(), n));
            proptest::prop_assert_eq!(borrowed, decode_input(&bytes, is_html));
        }
    }
}
