//! Fonts: how the bytes of a shown string become characters and advances. A font's
//! `/ToUnicode` CMap comes first (CJK text in real reports is always reached through it);
//! then the predefined CJK encodings (`UniGB-UCS2-H`, `GBK-EUC-H`, …) and, for simple fonts,
//! `/Encoding` with `/Differences`. Widths come from `/W` (CID fonts) or `/Widths`.

use std::collections::HashMap;

use super::content::Text;
use super::file::PdfFile;
use super::syntax::{Dict, Lexer, Obj, Token, DEFAULT_BUDGET};

/// Most entries (code-to-text mappings, code ranges, widths) read from the fonts of one
/// document together. A full CJK font maps about 30,000 codes; report PDFs embed subsets
/// of a few thousand.
pub const MAX_FONT_ENTRIES: usize = 1_000_000;

/// Most code space ranges of one font (real CMaps have a handful).
const MAX_CODESPACE: usize = 64;

/// A font as the content reader uses it.
#[derive(Debug, Default)]
pub struct Font {
    /// Code lengths by first byte, from the codespace ranges (empty: 1 byte for simple
    /// fonts, 2 for composite ones).
    codespace: Vec<(usize, Vec<u8>, Vec<u8>)>,
    composite: bool,
    to_unicode: HashMap<u32, Text>,
    /// `bfrange`s with a base string, by their first code.
    ranges: Vec<(u32, u32, Vec<u16>)>,
    /// How codes map when there is no ToUnicode entry.
    fallback: Fallback,
    widths: HashMap<u32, f64>,
    default_width: f64,
    /// Glyph space → text space (1/1000 for all but Type 3 fonts).
    scale: f64,
    /// Entries that may still be read (of [`MAX_FONT_ENTRIES`], shared by the document).
    left: usize,
}

#[derive(Debug, Default)]
enum Fallback {
    /// Codes are Unicode (UCS-2 / UTF-16 CMaps).
    Ucs2,
    /// Codes are GBK/GB 2312 bytes.
    Gbk,
    /// A simple font's 256 characters.
    Simple(Box<[Option<char>; 256]>),
    /// Identity CID codes with no map: not text.
    #[default]
    None,
}

/// One character code of a string, with its text and advance (text space, unscaled by
/// the font size).
pub struct Glyph {
    /// `None`: the code has no mapping to text.
    pub text: Option<Text>,
    pub advance: f64,
    /// A single-byte code 32 (word spacing applies).
    pub space: bool,
}

impl Font {
    /// Loads a font; `left` is what remains of the document's [`MAX_FONT_ENTRIES`] and
    /// is 0 afterwards when the font took all of it (the caller refuses the document).
    pub fn load(file: &PdfFile, dict: &Dict, left: &mut usize) -> Font {
        let composite = dict.is(b"Subtype", b"Type0");
        let mut font = Font {
            composite,
            default_width: if composite { 1000.0 } else { 500.0 },
            scale: 0.001,
            left: *left,
            ..Font::default()
        };
        font.read(file, dict);
        font.ranges.sort_by_key(|r| r.0);
        *left = font.left;
        font
    }

    /// Counts one entry against the budget; false when it is spent.
    fn take(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }

    fn read(&mut self, file: &PdfFile, dict: &Dict) {
        let font = self;
        let composite = font.composite;
        if dict.is(b"Subtype", b"Type3") {
            if let Some(m) = file.array(dict.get(b"FontMatrix")) {
                if let Some(a) = m.first().and_then(|o| file.number(Some(o))) {
                    font.scale = a.abs().clamp(1e-6, 1.0);
                }
            }
        }
        let encoding = dict.get(b"Encoding").map(|e| file.resolve(e));
        if composite {
            let name = match dict.get(b"Encoding") {
                Some(Obj::Ref(_)) => file
                    .stream(dict.get(b"Encoding"))
                    .and_then(Result::ok)
                    .and_then(|(d, bytes)| {
                        font.read_cmap(&bytes);
                        d.get(b"CMapName")
                            .and_then(Obj::as_name)
                            .map(<[u8]>::to_vec)
                    }),
                _ => encoding.and_then(Obj::as_name).map(<[u8]>::to_vec),
            };
            let name = name.unwrap_or_default();
            if name.windows(4).any(|w| w == b"UCS2") || name.windows(5).any(|w| w == b"UTF16") {
                font.fallback = Fallback::Ucs2;
            } else if name.starts_with(b"GB") {
                font.fallback = Fallback::Gbk;
                font.codespace.clear();
                font.codespace.push((1, vec![0x00], vec![0x80]));
                font.codespace.push((2, vec![0x81, 0x40], vec![0xFE, 0xFE]));
            }
            let descendant = file
                .array(dict.get(b"DescendantFonts"))
                .and_then(|a| a.first())
                .and_then(|d| file.dict(Some(d)));
            if let Some(cid) = descendant {
                font.read_cid_widths(file, cid);
            }
        } else {
            font.read_simple(file, dict, encoding);
        }
        // The font's own map goes last so that it wins.
        if let Some(Ok((_, bytes))) = file.stream(dict.get(b"ToUnicode")) {
            font.read_cmap(&bytes);
        }
    }

    fn read_cid_widths(&mut self, file: &PdfFile, cid: &Dict) {
        if let Some(dw) = file.number(cid.get(b"DW")) {
            self.default_width = dw;
        }
        let Some(w) = file.array(cid.get(b"W")) else {
            return;
        };
        let mut i = 0;
        while i < w.len() {
            let Some(first) = file.int(w.get(i)) else {
                break;
            };
            match w.get(i + 1).map(|o| file.resolve(o)) {
                Some(Obj::Array(list)) => {
                    for (k, v) in list.iter().enumerate() {
                        if !self.take() {
                            return;
                        }
                        if let (Some(v), Ok(code)) = (v.as_f64(), u32::try_from(first + k as i64)) {
                            self.widths.insert(code, v);
                        }
                    }
                    i += 2;
                }
                Some(_) => {
                    let (Some(last), Some(v)) = (file.int(w.get(i + 1)), file.number(w.get(i + 2)))
                    else {
                        break;
                    };
                    let span = (last - first).clamp(0, 65_535);
                    for k in 0..=span {
                        if !self.take() {
                            return;
                        }
                        if let Ok(code) = u32::try_from(first + k) {
                            self.widths.insert(code, v);
                        }
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    fn read_simple(&mut self, file: &PdfFile, dict: &Dict, encoding: Option<&Obj>) {
        let first = file.int(dict.get(b"FirstChar")).unwrap_or(0);
        if let Some(widths) = file.array(dict.get(b"Widths")) {
            for (k, w) in widths.iter().enumerate().take(256) {
                if let (Some(w), Ok(code)) = (file.number(Some(w)), u32::try_from(first + k as i64))
                {
                    self.widths.insert(code, w);
                }
            }
        }
        if let Some(missing) = file
            .dict(dict.get(b"FontDescriptor"))
            .and_then(|d| file.number(d.get(b"MissingWidth")))
            .filter(|w| *w > 0.0)
        {
            self.default_width = missing;
        }
        let mut table: Box<[Option<char>; 256]> = Box::new([None; 256]);
        for (code, slot) in table.iter_mut().enumerate() {
            *slot = win_ansi(code as u8);
        }
        let differences = match encoding {
            Some(Obj::Dict(d)) => file.array(d.get(b"Differences")),
            _ => None,
        };
        if let Some(diffs) = differences {
            let mut code = 0usize;
            for item in diffs {
                match file.resolve(item) {
                    Obj::Int(n) => code = (*n).clamp(0, 255) as usize,
                    Obj::Name(name) => {
                        if let Some(slot) = table.get_mut(code) {
                            *slot = glyph_name(name);
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        self.fallback = Fallback::Simple(table);
    }

    /// Reads a CMap: code space ranges, `bfchar` and `bfrange` (ToUnicode) and `cidchar`/
    /// `cidrange` are told apart by their section names; only the code space is taken
    /// from an encoding CMap.
    fn read_cmap(&mut self, bytes: &[u8]) {
        let mut lex = Lexer::new(bytes, 0);
        // The operands of the entry being read: 2 (a code space range, a `bfchar`) or 3
        // (a `bfrange`), taken as soon as they are complete.
        let mut operands: Vec<Obj> = Vec::with_capacity(3);
        let mut section: &[u8] = b"";
        while let Some(token) = lex.token() {
            if let Token::Keyword(k) = token {
                section = match k {
                    b"begincodespacerange" | b"beginbfchar" | b"beginbfrange" => k,
                    _ => b"",
                };
                operands.clear();
                continue;
            }
            if section.is_empty() {
                continue;
            }
            match lex.object_from(token, 0) {
                Ok(obj) => operands.push(obj),
                Err(_) => operands.clear(),
            }
            let wanted = if section == b"beginbfrange" { 3 } else { 2 };
            if operands.len() < wanted {
                continue;
            }
            lex.budget = DEFAULT_BUDGET;
            if !self.take() {
                return;
            }
            match (section, operands.as_slice()) {
                (b"begincodespacerange", [Obj::Str(lo), Obj::Str(hi)])
                    if !lo.is_empty()
                        && lo.len() == hi.len()
                        && lo.len() <= 4
                        && self.codespace.len() < MAX_CODESPACE =>
                {
                    self.codespace.push((lo.len(), lo.clone(), hi.clone()));
                }
                (b"beginbfchar", [Obj::Str(src), Obj::Str(dst)]) => {
                    if let Some(code) = code_of(src) {
                        self.to_unicode.insert(code, Text::new(utf16(dst)));
                    }
                }
                (b"beginbfrange", [Obj::Str(lo), Obj::Str(hi), dst]) => {
                    if let (Some(lo), Some(hi)) = (code_of(lo), code_of(hi)) {
                        if lo <= hi {
                            self.bfrange(lo, hi, dst);
                        }
                    }
                }
                _ => {}
            }
            operands.clear();
        }
    }

    fn bfrange(&mut self, lo: u32, hi: u32, dst: &Obj) {
        match dst {
            Obj::Str(base) => {
                let units = be_units(base);
                if !units.is_empty() {
                    self.ranges.push((lo, hi, units));
                }
            }
            Obj::Array(list) => {
                for (k, item) in list.iter().enumerate() {
                    let code = lo.saturating_add(k as u32);
                    if code > hi || !self.take() {
                        break;
                    }
                    if let Obj::Str(s) = item {
                        self.to_unicode.insert(code, Text::new(utf16(s)));
                    }
                }
            }
            _ => {}
        }
    }

    /// Splits a shown string into its codes, each with its text and advance.
    pub fn glyphs(&self, bytes: &[u8]) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = self.code_len(&bytes[i..]).min(bytes.len() - i);
            let code = bytes[i..i + len]
                .iter()
                .fold(0u32, |acc, &b| acc << 8 | u32::from(b));
            let text = self.text_of(code, len);
            let width = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width);
            out.push(Glyph {
                text,
                advance: width * self.scale,
                space: len == 1 && code == 32,
            });
            i += len;
        }
        out
    }

    fn code_len(&self, rest: &[u8]) -> usize {
        if self.codespace.is_empty() {
            return if self.composite { 2 } else { 1 };
        }
        for (len, lo, hi) in &self.codespace {
            if rest.len() >= *len && (0..*len).all(|k| lo[k] <= rest[k] && rest[k] <= hi[k]) {
                return *len;
            }
        }
        // A byte in no range: the shortest code length consumes it.
        self.codespace.iter().map(|c| c.0).min().unwrap_or(1)
    }

    fn text_of(&self, code: u32, len: usize) -> Option<Text> {
        if let Some(t) = self.to_unicode.get(&code) {
            return Some(t.clone());
        }
        // The last range starting at or before the code (ranges are sorted by start).
        let at = self.ranges.partition_point(|r| r.0 <= code);
        if let Some((lo, hi, base)) = at.checked_sub(1).and_then(|i| self.ranges.get(i)) {
            if code <= *hi {
                let mut units = base.clone();
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add((code - lo) as u16);
                }
                return Some(Text::new(String::from_utf16_lossy(&units)));
            }
        }
        match &self.fallback {
            Fallback::Ucs2 => char::from_u32(code).map(Text::One),
            Fallback::Gbk => {
                let bytes: Vec<u8> = if len == 1 {
                    vec![code as u8]
                } else {
                    vec![(code >> 8) as u8, code as u8]
                };
                let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
                (!bad).then(|| Text::new(text.into_owned()))
            }
            Fallback::Simple(table) => table.get(code as usize).copied().flatten().map(Text::One),
            Fallback::None => None,
        }
    }
}

fn code_of(bytes: &[u8]) -> Option<u32> {
    (!bytes.is_empty() && bytes.len() <= 4)
        .then(|| bytes.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)))
}

/// Big-endian UTF-16 code units (a ToUnicode destination); an odd last byte is padded.
fn be_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect()
}

fn utf16(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&be_units(bytes))
}

/// WinAnsiEncoding (the common base of simple fonts): Latin-1 except 0x80–0x9F.
fn win_ansi(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        0x80 => Some('€'),
        0x85 => Some('…'),
        0x91 => Some('‘'),
        0x92 => Some('’'),
        0x93 => Some('“'),
        0x94 => Some('”'),
        0x95 => Some('•'),
        0x96 => Some('–'),
        0x97 => Some('—'),
        _ => None,
    }
}

/// A glyph name of `/Differences`: the ones numbers and punctuation use, and `uniXXXX`.
fn glyph_name(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    const NAMES: &[(&str, char)] = &[
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("space", ' '),
        ("period", '.'),
        ("comma", ','),
        ("hyphen", '-'),
        ("minus", '−'),
        ("percent", '%'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("colon", ':'),
        ("semicolon", ';'),
        ("slash", '/'),
        ("plus", '+'),
        ("equal", '='),
        ("bracketleft", '['),
        ("bracketright", ']'),
        ("endash", '–'),
        ("emdash", '—'),
        ("quotedblleft", '“'),
        ("quotedblright", '”'),
        ("quoteleft", '‘'),
        ("quoteright", '’'),
        ("bullet", '•'),
        ("underscore", '_'),
        ("ampersand", '&'),
        ("numbersign", '#'),
        ("asterisk", '*'),
        ("question", '?'),
        ("exclam", '!'),
    ];
    if let Some((_, c)) = NAMES.iter().find(|(n, _)| *n == name) {
        return Some(*c);
    }
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_ascii_alphabetic() {
            return Some(c);
        }
    }
    let hex = name
        .strip_prefix("uni")
        .or_else(|| name.strip_prefix('u'))?;
    let hex = hex.get(..4.min(hex.len()))?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_maps_codes() {
        let mut font = Font {
            composite: true,
            default_width: 1000.0,
            scale: 0.001,
            left: MAX_FONT_ENTRIES,
            ..Font::default()
        };
        font.read_cmap(
            b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <653F> endbfchar\n\
              1 beginbfrange <0013> <001C> <0030> endbfrange\n\
              1 beginbfrange <0020> <0021> [<5E9C> <4FE1>] endbfrange endcmap",
        );
        font.ranges.sort_by_key(|r| r.0);
        let text: String = font
            .glyphs(&[0x00, 0x11, 0x00, 0x20, 0x00, 0x21, 0x00, 0x14, 0x00, 0x1C])
            .iter()
            .flat_map(|g| g.text.as_ref().unwrap().chars())
            .collect();
        assert_eq!(text, "政府信19");
        assert!(font.glyphs(&[0x00, 0x99])[0].text.is_none());
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name(b"seven"), Some('7'));
        assert_eq!(glyph_name(b"uni653F"), Some('政'));
        assert_eq!(glyph_name(b"A"), Some('A'));
        assert_eq!(glyph_name(b"g123"), None);
    }
}
