//! Bytes → text: UTF-8 (with or without BOM), UTF-16 by BOM, and the encodings of Chinese
//! offices (GBK, GB18030, Big5) detected with chardetng and decoded with encoding_rs.
//! Binary data is refused, never decoded into noise.
//!
//! UTF-8 is validated with simdutf8 (vector instructions where the CPU has them; the same
//! answer as `std::str::from_utf8`, several times fewer instructions on CJK text).

#[cfg(feature = "readers")]
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

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
    // Counted without a branch a byte, in blocks small enough for a byte counter and a
    // whole number of 16-byte vectors, so that the loop runs on vectors.
    let controls: usize = sample
        .chunks(240)
        .map(|block| {
            let n = block.iter().fold(0u8, |n, &b| {
                let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') & (b != 0x0C);
                n + u8::from(control)
            });
            usize::from(n)
        })
        .sum();
    controls * 20 > sample.len()
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
}
