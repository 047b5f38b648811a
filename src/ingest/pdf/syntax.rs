//! PDF syntax (ISO 32000-1 §7.2–7.3): the tokens and objects of a PDF file and of its
//! content streams — numbers, names, strings, arrays, dictionaries, references, keywords.
//! Any bytes give tokens; nesting is bounded by [`MAX_NESTING`].

/// Deepest nesting of arrays and dictionaries read. Real files nest a few levels.
pub const MAX_NESTING: usize = 64;

/// Objects a lexer builds unless told otherwise (one content operator's operands, one
/// CMap entry): a `TJ` array has hundreds, a `/W` array a few thousand.
pub const DEFAULT_BUDGET: usize = 100_000;

/// A PDF object. Streams are dictionaries with a byte range in the file (see `file.rs`).
#[derive(Debug, Clone, PartialEq)]
pub enum Obj {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
}

impl Obj {
    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) => Some(d),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Obj]> {
        match self {
            Obj::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Obj::Int(i) => Some(*i as f64),
            Obj::Real(r) if r.is_finite() => Some(*r),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Obj::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// A dictionary: few keys, kept in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dict(pub Vec<(Vec<u8>, Obj)>);

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Obj> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    /// Whether `/Type` (or another name-valued key) is `value`.
    pub fn is(&self, key: &[u8], value: &[u8]) -> bool {
        self.get(key).and_then(Obj::as_name) == Some(value)
    }
}

/// A token of PDF syntax.
#[derive(Debug, Clone, PartialEq)]
pub enum Token<'a> {
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// `obj`, `R`, `stream`, operators of content streams, and stray bytes.
    Keyword(&'a [u8]),
}

pub fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

pub fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// Reads tokens and objects from bytes.
pub struct Lexer<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
    /// How many more objects (each number, name, string, array, dictionary …) may be
    /// built: memory stays bounded however long an array is. At 0, [`Lexer::object`]
    /// fails as on too deep a nesting.
    pub budget: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], pos: usize) -> Self {
        Lexer {
            buf,
            pos,
            budget: DEFAULT_BUDGET,
        }
    }

    /// Skips white space and comments.
    pub fn skip_white(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.buf.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Whether what follows may be the rest of a reference, ` G R`: an integer, then the
    /// keyword `R` (all the tokens of [`Lexer::object_from`]'s look ahead can be, told from
    /// the bytes without reading them: a content stream's many numbers are told at once).
    fn may_be_reference(&mut self) -> bool {
        let save = self.pos;
        self.skip_white();
        let buf = self.buf;
        let mut p = self.pos;
        if matches!(buf.get(p), Some(b'+' | b'-')) {
            p += 1;
        }
        let digits = p;
        while buf.get(p).is_some_and(u8::is_ascii_digit) {
            p += 1;
        }
        let regular_at = |p: usize| buf.get(p).is_some_and(|&c| is_regular(c));
        let mut may = p > digits && !regular_at(p);
        if may {
            self.pos = p;
            self.skip_white();
            may = buf.get(self.pos) == Some(&b'R') && !regular_at(self.pos + 1);
        }
        self.pos = save;
        may
    }

    /// The next token, or `None` at the end.
    pub fn token(&mut self) -> Option<Token<'a>> {
        self.skip_white();
        let buf = self.buf;
        let &b = buf.get(self.pos)?;
        match b {
            b'[' => {
                self.pos += 1;
                Some(Token::ArrayOpen)
            }
            b']' => {
                self.pos += 1;
                Some(Token::ArrayClose)
            }
            b'<' if buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Some(Token::DictOpen)
            }
            b'>' if buf.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Some(Token::DictClose)
            }
            b'<' => Some(Token::Str(self.hex_string())),
            b'(' => Some(Token::Str(self.literal_string())),
            b'/' => Some(Token::Name(self.name())),
            b'0'..=b'9' | b'+' | b'-' | b'.' => Some(self.number()),
            _ => {
                let start = self.pos;
                if is_regular(b) {
                    while self.buf.get(self.pos).is_some_and(|&c| is_regular(c)) {
                        self.pos += 1;
                    }
                } else {
                    // A stray delimiter (`)`, `>`, `{`, `}`): one byte.
                    self.pos += 1;
                }
                Some(Token::Keyword(&buf[start..self.pos]))
            }
        }
    }

    fn number(&mut self) -> Token<'a> {
        let start = self.pos;
        let mut neg = false;
        if matches!(self.buf[self.pos], b'+' | b'-') {
            neg = self.buf[self.pos] == b'-';
            self.pos += 1;
        }
        let mut int: i64 = 0;
        let mut overflow = false;
        let mut digits = 0;
        // All the digits as one integer, and how many follow the point: a real of at most
        // 15 digits is that integer over a power of ten, both exact in an f64, and IEEE
        // division rounds their quotient as parsing the text would (Clinger's fast path).
        let mut mantissa: u64 = 0;
        let mut decimals: u32 = 0;
        while let Some(&c) = self.buf.get(self.pos) {
            if !c.is_ascii_digit() {
                break;
            }
            match int
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(c - b'0')))
            {
                Some(v) => int = v,
                None => overflow = true,
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            digits += 1;
            self.pos += 1;
        }
        let mut real = false;
        if self.buf.get(self.pos) == Some(&b'.') {
            real = true;
            self.pos += 1;
            while let Some(&c) = self.buf.get(self.pos).filter(|c| c.is_ascii_digit()) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                decimals += 1;
                digits += 1;
                self.pos += 1;
            }
        }
        // Stray regular bytes glued to a number (`12x`) belong to it; such a token is
        // not a number.
        let glued = self.buf.get(self.pos).is_some_and(|&c| is_regular(c));
        while self.buf.get(self.pos).is_some_and(|&c| is_regular(c)) {
            self.pos += 1;
        }
        if digits == 0 || glued {
            return Token::Keyword(&self.buf[start..self.pos]);
        }
        if real && digits <= 15 {
            const POWERS: [f64; 16] = [
                1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                1e15,
            ];
            let v = mantissa as f64 / POWERS[decimals as usize];
            return Token::Real(if neg { -v } else { v });
        }
        if real || overflow {
            let text = std::str::from_utf8(&self.buf[start..self.pos]).unwrap_or("0");
            let text = text.strip_prefix('+').unwrap_or(text);
            // `-.5`, `4.`, `--3` (seen in the wild) all read; anything else is 0.
            let v = text
                .trim_start_matches('-')
                .parse::<f64>()
                .map(|v| if neg { -v } else { v })
                .unwrap_or(0.0);
            return Token::Real(v);
        }
        Token::Int(if neg { -int } else { int })
    }

    fn name(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(&c) = self.buf.get(self.pos) {
            if !is_regular(c) {
                break;
            }
            if c == b'#' {
                let hex = self.buf.get(self.pos + 1..self.pos + 3);
                if let Some(v) = hex.and_then(|h| hex_pair(h[0], h[1])) {
                    out.push(v);
                    self.pos += 3;
                    continue;
                }
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            let Some(v) = hex_digit(c) else { continue };
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    fn literal_string(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = self.buf.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.buf.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.buf.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// The next object (with `N G R` read as a reference), or `None` at the end or on a
    /// keyword that is not an object (returned as `Err` with the keyword).
    pub fn object(&mut self, depth: usize) -> Result<Obj, Option<&'a [u8]>> {
        let Some(token) = self.token() else {
            return Err(None);
        };
        self.object_from(token, depth)
    }

    pub fn object_from(&mut self, token: Token<'a>, depth: usize) -> Result<Obj, Option<&'a [u8]>> {
        if self.budget == 0 {
            return Err(Some(b"["));
        }
        self.budget -= 1;
        match token {
            Token::Int(n) if !self.may_be_reference() => Ok(Obj::Int(n)),
            Token::Int(n) => {
                // `N G R`: look ahead without consuming unless it is a reference.
                let save = self.pos;
                if let (Ok(num), Some(Token::Int(_)), Some(Token::Keyword(b"R"))) =
                    (u32::try_from(n), self.token(), self.token())
                {
                    return Ok(Obj::Ref(num));
                }
                self.pos = save;
                Ok(Obj::Int(n))
            }
            Token::Real(r) => Ok(Obj::Real(r)),
            Token::Name(n) => Ok(Obj::Name(n)),
            Token::Str(s) => Ok(Obj::Str(s)),
            Token::ArrayOpen => {
                if depth >= MAX_NESTING {
                    return Err(Some(b"["));
                }
                let mut items = Vec::new();
                loop {
                    match self.token() {
                        None | Some(Token::ArrayClose) => break,
                        Some(t) => match self.object_from(t, depth + 1) {
                            Ok(o) => items.push(o),
                            Err(Some(k)) if k == b"[" || k == b"<<" => return Err(Some(k)),
                            // A stray keyword inside an array is skipped.
                            Err(_) => {}
                        },
                    }
                }
                Ok(Obj::Array(items))
            }
            Token::DictOpen => {
                if depth >= MAX_NESTING {
                    return Err(Some(b"<<"));
                }
                let mut entries = Vec::new();
                loop {
                    match self.token() {
                        None | Some(Token::DictClose) => break,
                        Some(Token::Name(key)) => {
                            let save = self.pos;
                            match self.token() {
                                Some(Token::DictClose) | None => {
                                    entries.push((key, Obj::Null));
                                    break;
                                }
                                Some(t) => match self.object_from(t, depth + 1) {
                                    Ok(v) => entries.push((key, v)),
                                    Err(Some(k)) if k == b"[" || k == b"<<" => return Err(Some(k)),
                                    Err(_) => {
                                        // `/Key endobj`: a damaged dictionary ends here.
                                        self.pos = save;
                                        entries.push((key, Obj::Null));
                                        if matches!(
                                            self.peek_keyword(),
                                            Some(b"endobj" | b"stream")
                                        ) {
                                            break;
                                        }
                                        self.token();
                                    }
                                },
                            }
                        }
                        Some(Token::Keyword(k)) if k == b"endobj" || k == b"stream" => {
                            // Unterminated dictionary: give it back to the caller.
                            self.pos -= k.len();
                            break;
                        }
                        Some(_) => {}
                    }
                }
                Ok(Obj::Dict(Dict(entries)))
            }
            Token::Keyword(b"true") => Ok(Obj::Bool(true)),
            Token::Keyword(b"false") => Ok(Obj::Bool(false)),
            Token::Keyword(b"null") => Ok(Obj::Null),
            Token::Keyword(k) => Err(Some(k)),
            Token::ArrayClose => Err(Some(b"]")),
            Token::DictClose => Err(Some(b">>")),
        }
    }

    fn peek_keyword(&mut self) -> Option<&'a [u8]> {
        let save = self.pos;
        let t = self.token();
        self.pos = save;
        match t {
            Some(Token::Keyword(k)) => Some(k),
            _ => None,
        }
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn hex_pair(a: u8, b: u8) -> Option<u8> {
    Some(hex_digit(a)? << 4 | hex_digit(b)?)
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// A real read by the fast path is the number Rust's parser reads, bit for bit.
        #[test]
        fn reals_read_as_parsed(text in "[+-]?[0-9]{0,9}\\.[0-9]{0,9}") {
            let mut lexer = Lexer::new(text.as_bytes(), 0);
            if let Some(Token::Real(v)) = lexer.token() {
                let digits = text.trim_start_matches(['+', '-']);
                let parsed: f64 = digits.parse().unwrap_or(0.0);
                let parsed = if text.starts_with('-') { -parsed } else { parsed };
                proptest::prop_assert_eq!(v.to_bits(), parsed.to_bits(), "{}", text);
            }
        }

        /// An integer is a reference's number exactly when the two tokens after it are an
        /// integer and `R` (what telling it from the bytes first must not change), and the
        /// lexer stops where that reading leaves it.
        #[test]
        fn a_reference_is_what_the_tokens_after_it_say(
            parts in proptest::collection::vec((
                proptest::sample::select(&[
                    "0", "12", "-3", "+4", "1.5", "4294967296", "99999999999999999999", "R",
                    "Rx", "R/", "/N", "[", "]", "(s)", "<ab>", "<<", ">>", "x",
                ][..]),
                proptest::sample::select(&[" ", "\n", "\r", "", "%c\n ", "\t"][..]),
            ), 0..5)
        ) {
            let parts: Vec<String> = parts.iter().map(|(t, s)| format!("{t}{s}")).collect();
            let text = format!("7 {}", parts.concat());
            let bytes = text.as_bytes();
            let mut lexer = Lexer::new(bytes, 0);
            let Some(Token::Int(n)) = lexer.token() else {
                return Err(proptest::test_runner::TestCaseError::fail("7 is an integer"));
            };
            let after = lexer.pos;
            let mut ahead = Lexer::new(bytes, after);
            let expected = match (u32::try_from(n), ahead.token(), ahead.token()) {
                (Ok(num), Some(Token::Int(_)), Some(Token::Keyword(b"R"))) => (Obj::Ref(num), ahead.pos),
                _ => (Obj::Int(n), after),
            };
            let read = lexer.object_from(Token::Int(n), 0);
            proptest::prop_assert_eq!((read, lexer.pos), (Ok(expected.0), expected.1), "{:?}", text);
        }
    }

    use super::*;

    fn obj(s: &str) -> Obj {
        Lexer::new(s.as_bytes(), 0).object(0).expect("an object")
    }

    #[test]
    fn objects_read() {
        assert_eq!(obj("12 0 R"), Obj::Ref(12));
        assert_eq!(obj("12 0"), Obj::Int(12));
        assert_eq!(obj("-.5"), Obj::Real(-0.5));
        assert_eq!(obj("/A#20B"), Obj::Name(b"A B".to_vec()));
        assert_eq!(obj("(a\\(b\\)\\101(c))"), Obj::Str(b"a(b)A(c)".to_vec()));
        assert_eq!(obj("<4e6 9>"), Obj::Str(vec![0x4e, 0x69]));
        let d = obj("<</Type /Page /Kids [1 0 R 2 0 R] /N 3>>");
        let d = d.as_dict().unwrap();
        assert!(d.is(b"Type", b"Page"));
        assert_eq!(
            d.get(b"Kids"),
            Some(&Obj::Array(vec![Obj::Ref(1), Obj::Ref(2)]))
        );
        assert_eq!(d.get(b"N"), Some(&Obj::Int(3)));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(10_000);
        assert!(Lexer::new(deep.as_bytes(), 0).object(0).is_err());
        let deep = "<</A ".repeat(10_000);
        assert!(Lexer::new(deep.as_bytes(), 0).object(0).is_err());
    }

    #[test]
    fn objects_built_are_bounded() {
        let long = format!("[{}]", "0 ".repeat(DEFAULT_BUDGET + 10));
        assert!(Lexer::new(long.as_bytes(), 0).object(0).is_err());
        let fits = format!("[{}]", "0 ".repeat(DEFAULT_BUDGET - 10));
        assert!(Lexer::new(fits.as_bytes(), 0).object(0).is_ok());
    }

    #[test]
    fn damage_gives_tokens_not_panics() {
        for s in [
            "(unterminated",
            "<abc",
            "/",
            "+",
            "-.",
            "<<",
            "[1 2",
            "1 0",
            "99999999999999999999",
        ] {
            let mut l = Lexer::new(s.as_bytes(), 0);
            let _ = l.object(0);
            while l.token().is_some() {}
        }
    }
}
