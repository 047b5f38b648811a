//! A PDF file's objects: found by scanning the file for `N G obj` (so a damaged or missing
//! cross-reference table does not matter), streams decoded (Flate with PNG predictors,
//! ASCIIHex, ASCII85), objects of object streams read, and the pages in order. Every
//! quantity is bounded: objects, decoded bytes, pages, nesting (see `mod.rs`, "Limits").

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::ops::Range;

use super::crypt::Decryptor;
use super::syntax::{Dict, Lexer, Obj, Token};
use super::{Damage, PdfError, PdfLimit, MAX_OBJECTS, MAX_PAGES, MAX_UNPACKED_BYTES, MAX_VALUES};

/// An object as found: a value, or a stream (its dictionary and data).
#[derive(Debug, Clone)]
pub enum Entry {
    Value(Obj),
    Stream(Dict, Data),
}

/// Where a stream's data is in the file, and whose it is (for decryption).
#[derive(Debug, Clone)]
pub struct Data {
    range: Range<usize>,
    num: u32,
    gen: u16,
}

pub struct PdfFile<'a> {
    data: &'a [u8],
    objects: HashMap<u32, Entry>,
    trailers: Vec<Dict>,
    unpacked: std::cell::Cell<u64>,
    /// Values (numbers, names, strings, arrays, dictionaries) that may still be built.
    values_left: usize,
    /// Set when the file is encrypted (and opens with the empty password).
    decryptor: Option<Decryptor>,
}

/// A page: its dictionary, its resources and `/Rotate` (inherited or its own).
pub struct Page {
    pub dict: Dict,
    pub resources: Dict,
    /// Clockwise quarter turns the page is shown with (0–3).
    pub quarter_turns: u8,
}

impl<'a> PdfFile<'a> {
    /// Finds every object of the file.
    pub fn open(data: &'a [u8]) -> Result<PdfFile<'a>, PdfError> {
        let mut file = PdfFile {
            data,
            objects: HashMap::new(),
            trailers: Vec::new(),
            unpacked: std::cell::Cell::new(0),
            values_left: MAX_VALUES,
            decryptor: None,
        };
        let mut found = 0usize;
        let mut pos = 0usize;
        let finder = memchr::memmem::Finder::new(b"obj");
        let trailer = memchr::memmem::Finder::new(b"trailer");
        while let Some(at) = finder.find(&data[pos..]).map(|i| pos + i) {
            pos = at + 3;
            let Some((num, gen)) = object_number(data, at) else {
                continue;
            };
            found += 1;
            if found > MAX_OBJECTS {
                return Err(PdfError::TooLarge(PdfLimit::Objects));
            }
            let mut lex = Lexer::new(data, at + 3);
            lex.budget = file.values_left;
            let value = lex.object(0);
            file.spend(lex.budget)?;
            let Ok(value) = value else {
                continue;
            };
            let end_of_value = lex.pos;
            // A stream follows its dictionary.
            let save = lex.pos;
            let entry = match (value, lex.token()) {
                (Obj::Dict(dict), Some(Token::Keyword(b"stream"))) => {
                    let start = stream_start(data, lex.pos);
                    let range = stream_range(data, &dict, start);
                    pos = pos.max(range.end);
                    Entry::Stream(dict, Data { range, num, gen })
                }
                (value, _) => {
                    lex.pos = save;
                    pos = pos.max(end_of_value);
                    Entry::Value(value)
                }
            };
            file.objects.insert(num, entry);
        }
        // Classic trailers (`trailer << … >>`), and the dictionaries of xref streams.
        let mut at = 0;
        while let Some(i) = trailer.find(&data[at..]) {
            at += i + 7;
            let mut lex = Lexer::new(data, at);
            lex.budget = file.values_left;
            let value = lex.object(0);
            file.spend(lex.budget)?;
            if let Ok(Obj::Dict(d)) = value {
                file.trailers.push(d);
            }
        }
        let mut xref_streams: Vec<Dict> = file
            .objects
            .values()
            .filter_map(|e| match e {
                Entry::Stream(d, _) if d.is(b"Type", b"XRef") => Some(d.clone()),
                _ => None,
            })
            .collect();
        file.trailers.append(&mut xref_streams);
        file.decryptor = file.decryptor()?;
        file.read_object_streams()?;
        Ok(file)
    }

    /// Takes what a lexer left of the values budget; all of it spent is the limit.
    fn spend(&mut self, left: usize) -> Result<(), PdfError> {
        self.values_left = left;
        if left == 0 {
            return Err(PdfError::TooLarge(PdfLimit::Values));
        }
        Ok(())
    }

    /// What decrypts the streams of an encrypted file (the last trailer naming `/Encrypt`
    /// is the file's own); `None` when it is not encrypted.
    fn decryptor(&self) -> Result<Option<Decryptor>, PdfError> {
        let Some(trailer) = self
            .trailers
            .iter()
            .rev()
            .find(|t| t.get(b"Encrypt").is_some())
        else {
            return Ok(None);
        };
        let Some(encrypt) = self.dict(trailer.get(b"Encrypt")) else {
            return Err(PdfError::Encrypted);
        };
        let id0 = match self.array(trailer.get(b"ID")).and_then(|a| a.first()) {
            Some(o) => match self.resolve(o) {
                Obj::Str(s) => s.clone(),
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        Decryptor::open(self, encrypt, &id0).map(Some)
    }

    fn read_object_streams(&mut self) -> Result<(), PdfError> {
        let streams: Vec<u32> = self
            .objects
            .iter()
            .filter(|(_, e)| matches!(e, Entry::Stream(d, _) if d.is(b"Type", b"ObjStm")))
            .map(|(n, _)| *n)
            .collect();
        let mut streams = streams;
        streams.sort_unstable();
        for num in streams {
            let Some(Entry::Stream(dict, data)) = self.objects.get(&num).cloned() else {
                continue;
            };
            let Ok(bytes) = self.decode(&dict, &data) else {
                continue;
            };
            let n = self.int(dict.get(b"N")).unwrap_or(0).max(0) as usize;
            let first = self.int(dict.get(b"First")).unwrap_or(0).max(0) as usize;
            if self.objects.len() + n > MAX_OBJECTS {
                return Err(PdfError::TooLarge(PdfLimit::Objects));
            }
            let mut header = Lexer::new(&bytes, 0);
            let mut pairs = Vec::with_capacity(n.min(bytes.len() / 4 + 1));
            for _ in 0..n {
                match (header.token(), header.token()) {
                    (Some(Token::Int(obj)), Some(Token::Int(off))) => pairs.push((obj, off)),
                    _ => break,
                }
            }
            for (obj, off) in pairs {
                let (Ok(obj), Ok(off)) = (u32::try_from(obj), usize::try_from(off)) else {
                    continue;
                };
                let Some(at) = first.checked_add(off).filter(|&a| a <= bytes.len()) else {
                    continue;
                };
                if self.objects.contains_key(&obj) {
                    continue;
                }
                let mut lex = Lexer::new(&bytes, at);
                lex.budget = self.values_left;
                let value = lex.object(0);
                self.spend(lex.budget)?;
                if let Ok(value) = value {
                    self.objects.insert(obj, Entry::Value(value));
                }
            }
        }
        Ok(())
    }

    /// An object with references resolved to their value (not streams).
    pub fn resolve<'b>(&'b self, obj: &'b Obj) -> &'b Obj {
        let mut cur = obj;
        for _ in 0..16 {
            match cur {
                Obj::Ref(n) => match self.objects.get(n) {
                    Some(Entry::Value(v)) => cur = v,
                    _ => return &Obj::Null,
                },
                _ => return cur,
            }
        }
        &Obj::Null
    }

    pub fn dict<'b>(&'b self, obj: Option<&'b Obj>) -> Option<&'b Dict> {
        match obj {
            Some(Obj::Ref(n)) => match self.objects.get(n) {
                Some(Entry::Value(v)) => self.resolve(v).as_dict(),
                Some(Entry::Stream(d, _)) => Some(d),
                None => None,
            },
            Some(o) => self.resolve(o).as_dict(),
            None => None,
        }
    }

    pub fn int(&self, obj: Option<&Obj>) -> Option<i64> {
        obj.and_then(|o| self.resolve(o).as_int())
    }

    pub fn number(&self, obj: Option<&Obj>) -> Option<f64> {
        obj.and_then(|o| self.resolve(o).as_f64())
    }

    pub fn array<'b>(&'b self, obj: Option<&'b Obj>) -> Option<&'b [Obj]> {
        obj.and_then(|o| self.resolve(o).as_array())
    }

    /// A stream's decoded bytes, given a reference to it (or `None`).
    pub fn stream(&self, obj: Option<&Obj>) -> Option<Result<(Dict, Vec<u8>), PdfError>> {
        let Some(Obj::Ref(n)) = obj else { return None };
        match self.objects.get(n)? {
            Entry::Stream(d, data) => Some(self.decode(d, data).map(|b| (d.clone(), b))),
            Entry::Value(_) => None,
        }
    }

    /// Decodes a stream's data through its filters. Counts against the unpacked budget.
    pub fn decode(&self, dict: &Dict, data: &Data) -> Result<Vec<u8>, PdfError> {
        let raw = &self.data[data.range.clone()];
        let mut bytes = match &self.decryptor {
            // Cross-reference streams are never encrypted.
            Some(d) if !dict.is(b"Type", b"XRef") => d.stream(data.num, data.gen, raw),
            _ => raw.to_vec(),
        };
        let filters: Vec<Obj> = match dict.get(b"Filter").map(|f| self.resolve(f)) {
            Some(Obj::Array(a)) => a.clone(),
            Some(Obj::Name(n)) => vec![Obj::Name(n.clone())],
            _ => Vec::new(),
        };
        let parms: Vec<Option<&Dict>> = match dict.get(b"DecodeParms").map(|p| self.resolve(p)) {
            Some(Obj::Array(a)) => a.iter().map(|p| self.resolve(p).as_dict()).collect(),
            Some(Obj::Dict(d)) => vec![Some(d)],
            _ => Vec::new(),
        };
        for (i, filter) in filters.iter().enumerate() {
            let Some(name) = filter.as_name() else {
                return Err(PdfError::Damaged(Damage::Filter));
            };
            let budget = MAX_UNPACKED_BYTES.saturating_sub(self.unpacked.get());
            bytes = match name {
                b"FlateDecode" | b"Fl" => inflate(&bytes, budget)?,
                b"ASCIIHexDecode" | b"AHx" => ascii_hex(&bytes),
                b"ASCII85Decode" | b"A85" => ascii85(&bytes),
                // Decryption is done above, by the document's own filter.
                b"Crypt" => bytes,
                _ => return Err(PdfError::Damaged(Damage::Filter)),
            };
            self.unpacked
                .set(self.unpacked.get().saturating_add(bytes.len() as u64));
            if self.unpacked.get() > MAX_UNPACKED_BYTES {
                return Err(PdfError::TooLarge(PdfLimit::Unpacked));
            }
            if let Some(Some(p)) = parms.get(i) {
                bytes = unpredict(&bytes, p, self)?;
            }
        }
        Ok(bytes)
    }

    /// The document catalog.
    fn catalog(&self) -> Option<&Dict> {
        for t in self.trailers.iter().rev() {
            if let Some(d) = self.dict(t.get(b"Root")) {
                if d.get(b"Pages").is_some() {
                    return Some(d);
                }
            }
        }
        let mut nums: Vec<&u32> = self.objects.keys().collect();
        nums.sort_unstable();
        nums.into_iter().find_map(|n| match self.objects.get(n) {
            Some(Entry::Value(Obj::Dict(d))) if d.is(b"Type", b"Catalog") => Some(d),
            _ => None,
        })
    }

    /// The pages in order: the page tree walked from the catalog (or, when it is broken,
    /// every `/Type /Page` object in number order), resources inherited.
    pub fn pages(&self) -> Result<Vec<Page>, PdfError> {
        let mut leaves: Vec<(Dict, Dict, i64)> = Vec::new();
        if let Some(root) = self.catalog().and_then(|c| c.get(b"Pages")) {
            let mut seen = HashSet::new();
            self.walk(root, (&Dict::default(), 0), 0, &mut seen, &mut leaves)?;
        }
        if leaves.is_empty() {
            let mut nums: Vec<&u32> = self.objects.keys().collect();
            nums.sort_unstable();
            for n in nums {
                if let Some(Entry::Value(Obj::Dict(d))) = self.objects.get(n) {
                    if d.is(b"Type", b"Page") {
                        let res = self.dict(d.get(b"Resources")).cloned().unwrap_or_default();
                        let rotate = self.int(d.get(b"Rotate")).unwrap_or(0);
                        leaves.push((d.clone(), res, rotate));
                        if leaves.len() > MAX_PAGES {
                            return Err(PdfError::TooLarge(PdfLimit::Pages));
                        }
                    }
                }
            }
        }
        Ok(leaves
            .into_iter()
            .map(|(dict, resources, rotate)| Page {
                dict,
                resources,
                quarter_turns: (rotate.rem_euclid(360) / 90) as u8,
            })
            .collect())
    }

    /// A page's content streams, decoded and joined (decoded one page at a time, so that
    /// only one page's content is held at once).
    pub fn contents(&self, page: &Page) -> Result<Vec<u8>, PdfError> {
        let mut contents = Vec::new();
        let refs: Vec<Obj> = match page.dict.get(b"Contents") {
            Some(Obj::Array(a)) => a.clone(),
            Some(r @ Obj::Ref(_)) => match self.resolve(r) {
                Obj::Array(a) => a.clone(),
                _ => vec![r.clone()],
            },
            _ => Vec::new(),
        };
        for r in refs.iter().take(10_000) {
            match self.stream(Some(r)) {
                Some(Ok((_, bytes))) => {
                    if contents.is_empty() {
                        contents = bytes;
                    } else {
                        contents.extend_from_slice(&bytes);
                    }
                    contents.push(b'\n');
                }
                Some(Err(e @ PdfError::TooLarge(_))) => return Err(e),
                // Content named but not in the file: cut short.
                None => return Err(PdfError::Damaged(Damage::Incomplete)),
                // A stream this reader cannot decode: the page keeps what else it has.
                Some(Err(_)) => {}
            }
        }
        Ok(contents)
    }

    fn walk(
        &self,
        node: &Obj,
        inherited: (&Dict, i64),
        depth: usize,
        seen: &mut HashSet<u32>,
        out: &mut Vec<(Dict, Dict, i64)>,
    ) -> Result<(), PdfError> {
        if depth > 64 {
            return Err(PdfError::TooLarge(PdfLimit::Nesting));
        }
        if let Obj::Ref(n) = node {
            if !seen.insert(*n) {
                return Ok(());
            }
        }
        let Some(dict) = self.dict(Some(node)) else {
            // A page (or a branch of pages) named but not in the file: cut short.
            return Err(PdfError::Damaged(Damage::Incomplete));
        };
        let resources = self
            .dict(dict.get(b"Resources"))
            .cloned()
            .unwrap_or_else(|| inherited.0.clone());
        let rotate = self.int(dict.get(b"Rotate")).unwrap_or(inherited.1);
        match self.array(dict.get(b"Kids")) {
            Some(kids) if !dict.is(b"Type", b"Page") => {
                for kid in kids {
                    self.walk(kid, (&resources, rotate), depth + 1, seen, out)?;
                }
            }
            _ => {
                if out.len() >= MAX_PAGES {
                    return Err(PdfError::TooLarge(PdfLimit::Pages));
                }
                out.push((dict.clone(), resources, rotate));
            }
        }
        Ok(())
    }
}

/// The number and generation of the object whose `obj` keyword is at `at`: `N G obj` with
/// `N G` integers just before it, at a token boundary.
fn object_number(data: &[u8], at: usize) -> Option<(u32, u16)> {
    if data
        .get(at + 3)
        .is_some_and(|&c| !super::syntax::is_white(c) && !super::syntax::is_delimiter(c))
    {
        return None;
    }
    let mut i = at;
    let skip_white = |i: &mut usize| {
        while *i > 0 && super::syntax::is_white(data[*i - 1]) {
            *i -= 1;
        }
    };
    let digits = |i: &mut usize| -> Option<usize> {
        let end = *i;
        while *i > 0 && data[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        (end > *i).then_some(end)
    };
    skip_white(&mut i);
    let gen_end = digits(&mut i)?;
    let gen_start = i;
    skip_white(&mut i);
    if i == gen_start {
        return None;
    }
    let num_end = digits(&mut i)?;
    if i > 0 && !super::syntax::is_white(data[i - 1]) && !super::syntax::is_delimiter(data[i - 1]) {
        return None;
    }
    let text = |r: Range<usize>| std::str::from_utf8(&data[r]).ok();
    let num = text(i..num_end)?.parse().ok()?;
    let gen = text(gen_start..gen_end)
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    Some((num, gen))
}

/// The first byte of a stream's data: after `stream` and its end of line.
fn stream_start(data: &[u8], mut pos: usize) -> usize {
    if data.get(pos) == Some(&b'\r') {
        pos += 1;
    }
    if data.get(pos) == Some(&b'\n') {
        pos += 1;
    }
    pos.min(data.len())
}

/// A stream's data: `/Length` bytes when `endstream` follows them, else up to the next
/// `endstream` (a wrong or indirect length is common).
fn stream_range(data: &[u8], dict: &Dict, start: usize) -> Range<usize> {
    if let Some(len) = dict.get(b"Length").and_then(Obj::as_int) {
        if let Some(end) = usize::try_from(len).ok().and_then(|l| start.checked_add(l)) {
            if end <= data.len() {
                let mut lex = Lexer::new(data, end);
                if lex.token() == Some(Token::Keyword(b"endstream")) {
                    return start..end;
                }
            }
        }
    }
    match memchr::memmem::find(&data[start..], b"endstream") {
        Some(i) => {
            let mut end = start + i;
            if end > start && data[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && data[end - 1] == b'\r' {
                end -= 1;
            }
            start..end
        }
        None => start..data.len(),
    }
}

/// zlib-inflates at most `budget` bytes (more is [`PdfLimit::Unpacked`]). A stream cut
/// short or damaged near its end keeps what was read before the damage.
fn inflate(bytes: &[u8], budget: u64) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    let mut reader = flate2::read::ZlibDecoder::new(bytes).take(budget.saturating_add(1));
    let result = reader.read_to_end(&mut out);
    if out.len() as u64 > budget {
        return Err(PdfError::TooLarge(PdfLimit::Unpacked));
    }
    if result.is_err() && out.is_empty() {
        // Some writers omit the zlib header: try raw deflate.
        let mut raw = flate2::read::DeflateDecoder::new(bytes).take(budget.saturating_add(1));
        let _ = raw.read_to_end(&mut out);
        if out.len() as u64 > budget {
            return Err(PdfError::TooLarge(PdfLimit::Unpacked));
        }
    }
    Ok(out)
}

fn ascii_hex(bytes: &[u8]) -> Vec<u8> {
    let mut lex_input = Vec::with_capacity(bytes.len() + 2);
    lex_input.push(b'<');
    lex_input.extend(bytes.iter().take_while(|&&b| b != b'>'));
    lex_input.push(b'>');
    match Lexer::new(&lex_input, 0).token() {
        Some(Token::Str(s)) => s,
        _ => Vec::new(),
    }
}

fn ascii85(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 4 / 5);
    let mut group = [0u8; 5];
    let mut n = 0;
    let body = bytes.strip_prefix(b"<~").unwrap_or(bytes);
    for &b in body {
        match b {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0, 0, 0, 0]),
            b'!'..=b'u' => {
                group[n] = b - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for slot in group.iter_mut().skip(n) {
            *slot = 84;
        }
        let v = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
        out.extend_from_slice(&(v as u32).to_be_bytes()[..n - 1]);
    }
    out
}

/// Undoes PNG predictors (`/Predictor` ≥ 10) of Flate data; TIFF predictor 2 is rare in
/// the streams read here (content, fonts' maps, object streams) and left as is.
fn unpredict(bytes: &[u8], parms: &Dict, file: &PdfFile) -> Result<Vec<u8>, PdfError> {
    let predictor = file.int(parms.get(b"Predictor")).unwrap_or(1);
    if predictor < 10 {
        return Ok(bytes.to_vec());
    }
    let columns = file
        .int(parms.get(b"Columns"))
        .unwrap_or(1)
        .clamp(1, 1 << 20) as usize;
    let colors = file.int(parms.get(b"Colors")).unwrap_or(1).clamp(1, 32) as usize;
    let bits = file
        .int(parms.get(b"BitsPerComponent"))
        .unwrap_or(8)
        .clamp(1, 16) as usize;
    let bpp = (colors * bits).div_ceil(8).max(1);
    let row = (columns * colors * bits).div_ceil(8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut prev = vec![0u8; row];
    for chunk in bytes.chunks(row + 1) {
        let (&kind, data) = match chunk.split_first() {
            Some(x) => x,
            None => break,
        };
        let mut cur = data.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prev[i];
            let up_left = if i >= bpp { prev[i - bpp] } else { 0 };
            cur[i] = match kind {
                1 => cur[i].wrapping_add(left),
                2 => cur[i].wrapping_add(up),
                3 => cur[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => cur[i].wrapping_add(paeth(left, up, up_left)),
                _ => cur[i],
            };
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_found_without_an_xref_table() {
        let pdf = b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n\
            2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n\
            3 0 obj <</Type/Page/Parent 2 0 R/Contents 4 0 R/Resources<<>>>> endobj\n\
            4 0 obj <</Length 99>> stream\nBT (endobj 5 0 obj) Tj ET\nendstream endobj\n";
        let file = PdfFile::open(pdf).unwrap();
        assert!(!file.objects.contains_key(&5), "no object inside a stream");
        let pages = file.pages().unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(
            file.contents(&pages[0]).unwrap(),
            b"BT (endobj 5 0 obj) Tj ET\n"
        );
    }

    #[test]
    fn ascii_filters() {
        assert_eq!(ascii_hex(b"48 65 6c6c 6f>"), b"Hello");
        assert_eq!(ascii85(b"<~87cUR~>"), b"Hell");
        assert_eq!(ascii85(b"87cURD]j7BEbo7~>"), b"Hello world");
        assert_eq!(ascii85(b"z@:B~>"), b"\0\0\0\0ab");
    }

    #[test]
    fn object_numbers_are_read_at_token_boundaries() {
        assert_eq!(object_number(b"12 0 obj", 5), Some((12, 0)));
        assert_eq!(object_number(b"\n7 3 obj<<", 5), Some((7, 3)));
        assert_eq!(object_number(b"x12 0 obj", 6), None);
        assert_eq!(object_number(b"endobj", 3), None);
        assert_eq!(object_number(b"1 0 objstm", 4), None);
    }
}
