//! Content streams (ISO 32000-1 §8–9): the text operators run with the graphics and text
//! state that place them, giving each shown character its text, position and size on the
//! page. Form XObjects are followed; images and paths are skipped. Work is bounded by
//! [`MAX_OPERATORS`] per document and form nesting by [`MAX_FORM_DEPTH`].

use std::collections::HashMap;
use std::rc::Rc;

use super::file::PdfFile;
use super::font::Font;
use super::syntax::{Dict, Lexer, Obj, Token, DEFAULT_BUDGET};
use super::{PdfError, PdfLimit};

/// Most operators run over the whole document (a 200-page report runs ~1 million).
pub const MAX_OPERATORS: usize = 20_000_000;
/// Most characters placed over the whole document (a 200-page report shows ~300,000);
/// each takes about 80 bytes until the lines are built.
pub const MAX_CHARACTERS: usize = 500_000;
/// Deepest nesting of form XObjects.
pub const MAX_FORM_DEPTH: usize = 8;

/// A character placed on the page (PDF user space of the page: points, y up).
#[derive(Debug, Clone)]
pub struct Placed {
    pub text: Text,
    pub x: f64,
    pub y: f64,
    /// Advance along the line.
    pub width: f64,
    /// The font size as drawn.
    pub size: f64,
}

/// What one character code shows: almost always one character, kept without allocating;
/// a ligature or a mapped string otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    One(char),
    Many(Box<str>),
}

impl Text {
    pub fn new(s: String) -> Text {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Text::One(c),
            _ => Text::Many(s.into_boxed_str()),
        }
    }
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        let (one, many) = match self {
            Text::One(c) => (Some(*c), ""),
            Text::Many(s) => (None, &**s),
        };
        one.into_iter().chain(many.chars())
    }
    pub fn is_blank(&self) -> bool {
        self.chars().all(char::is_whitespace)
    }
}

/// What running a document's content gave.
#[derive(Default)]
pub struct Run {
    /// Characters with no mapping to text.
    pub unmapped: usize,
    operators: usize,
    placed: usize,
}

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

/// Fonts loaded once per document, by object number, within the document's budget of
/// [`super::MAX_FONT_ENTRIES`].
pub struct Fonts {
    by_ref: HashMap<u32, Rc<Font>>,
    left: usize,
}

impl Default for Fonts {
    fn default() -> Self {
        Fonts {
            by_ref: HashMap::new(),
            left: super::MAX_FONT_ENTRIES,
        }
    }
}

impl Fonts {
    fn get(
        &mut self,
        file: &PdfFile,
        resources: &Dict,
        name: &[u8],
    ) -> Result<Option<Rc<Font>>, PdfError> {
        let Some(entry) = file.dict(resources.get(b"Font")).and_then(|f| f.get(name)) else {
            return Ok(None);
        };
        if let Obj::Ref(n) = entry {
            if let Some(f) = self.by_ref.get(n) {
                return Ok(Some(f.clone()));
            }
        }
        let Some(dict) = file.dict(Some(entry)) else {
            return Ok(None);
        };
        let font = Rc::new(Font::load(file, dict, &mut self.left));
        if self.left == 0 {
            return Err(PdfError::TooLarge(PdfLimit::Fonts));
        }
        if let Obj::Ref(n) = entry {
            self.by_ref.insert(*n, font.clone());
        }
        Ok(Some(font))
    }
}

impl Run {
    /// Runs a page's content; the characters it shows go to `out`.
    pub fn page(
        &mut self,
        file: &PdfFile,
        fonts: &mut Fonts,
        page: &super::file::Page,
        content: &[u8],
        out: &mut Vec<Placed>,
    ) -> Result<(), PdfError> {
        // A page shown turned (`/Rotate`) is read as shown: its text then runs across.
        let turn = match page.quarter_turns {
            1 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
            2 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
            3 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
            _ => IDENTITY,
        };
        let resources = &page.resources;
        let state = State {
            ctm: turn,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        self.content(file, fonts, resources, content, state, 0, out)
    }

    #[allow(clippy::too_many_arguments)]
    fn content(
        &mut self,
        file: &PdfFile,
        fonts: &mut Fonts,
        resources: &Dict,
        content: &[u8],
        state: State,
        depth: usize,
        out: &mut Vec<Placed>,
    ) -> Result<(), PdfError> {
        let mut gs = state;
        let mut stack: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut operands: Vec<Obj> = Vec::new();
        let mut lex = Lexer::new(content, 0);
        while let Some(token) = lex.token() {
            let op = match token {
                Token::Keyword(k) => k,
                other => {
                    if let Ok(o) = lex.object_from(other, 0) {
                        if operands.len() < 64 {
                            operands.push(o);
                        }
                    }
                    continue;
                }
            };
            self.operators += 1;
            if self.operators > MAX_OPERATORS {
                return Err(PdfError::TooLarge(PdfLimit::Operators));
            }
            let num = |i: usize| operands.get(i).and_then(Obj::as_f64).unwrap_or(0.0);
            match op {
                b"q" if stack.len() < 256 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                b"cm" if operands.len() >= 6 => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                b"BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                b"Tf" if operands.len() >= 2 => {
                    gs.font = match operands[0].as_name() {
                        Some(n) => fonts.get(file, resources, n)?,
                        None => None,
                    };
                    gs.size = num(1);
                }
                b"Tc" => gs.char_space = num(0),
                b"Tw" => gs.word_space = num(0),
                b"Tz" => gs.scale = num(0) / 100.0,
                b"TL" => gs.leading = num(0),
                b"Ts" => gs.rise = num(0),
                b"Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                b"TD" => {
                    gs.leading = -num(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                b"Tm" if operands.len() >= 6 => {
                    tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    tm = tlm;
                }
                b"T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                b"Tj" => {
                    if let Some(Obj::Str(s)) = operands.first() {
                        self.show(&gs, &mut tm, s, out)?;
                    }
                }
                b"'" | b"\"" => {
                    if op == b"\"" && operands.len() >= 3 {
                        gs.word_space = num(0);
                        gs.char_space = num(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Obj::Str(s)) = operands.last() {
                        self.show(&gs, &mut tm, s, out)?;
                    }
                }
                b"TJ" => {
                    if let Some(Obj::Array(items)) = operands.first() {
                        for item in items {
                            match item {
                                Obj::Str(s) => self.show(&gs, &mut tm, s, out)?,
                                other => {
                                    let adjust = other.as_f64().unwrap_or(0.0);
                                    let tx = -adjust / 1000.0 * gs.size * gs.scale;
                                    tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                }
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(name) = operands.first().and_then(Obj::as_name) {
                        self.form(file, fonts, resources, name, &gs, depth, out)?;
                    }
                }
                b"BI" => skip_inline_image(&mut lex),
                _ => {}
            }
            operands.clear();
            // Each operator's operands have their own budget of values.
            lex.budget = DEFAULT_BUDGET;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn form(
        &mut self,
        file: &PdfFile,
        fonts: &mut Fonts,
        resources: &Dict,
        name: &[u8],
        gs: &State,
        depth: usize,
        out: &mut Vec<Placed>,
    ) -> Result<(), PdfError> {
        if depth >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let Some(xobjects) = file.dict(resources.get(b"XObject")) else {
            return Ok(());
        };
        let entry = xobjects.get(name);
        let Some(dict) = file.dict(entry) else {
            return Ok(());
        };
        if !dict.is(b"Subtype", b"Form") {
            return Ok(());
        }
        let (dict, bytes) = match file.stream(entry) {
            Some(Ok(x)) => x,
            Some(Err(e @ PdfError::TooLarge(_))) => return Err(e),
            _ => return Ok(()),
        };
        let mut inner = gs.clone();
        if let Some(m) = file.array(dict.get(b"Matrix")) {
            if m.len() == 6 {
                let v: Vec<f64> = m
                    .iter()
                    .map(|o| file.number(Some(o)).unwrap_or(0.0))
                    .collect();
                inner.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
            }
        }
        let own = file.dict(dict.get(b"Resources")).cloned();
        let res = own.as_ref().unwrap_or(resources);
        self.content(file, fonts, res, &bytes, inner, depth + 1, out)
    }

    fn show(
        &mut self,
        gs: &State,
        tm: &mut Matrix,
        bytes: &[u8],
        out: &mut Vec<Placed>,
    ) -> Result<(), PdfError> {
        let Some(font) = &gs.font else { return Ok(()) };
        for glyph in font.glyphs(bytes) {
            let trm = mul(
                &mul(&[gs.size * gs.scale, 0.0, 0.0, gs.size, 0.0, gs.rise], tm),
                &gs.ctm,
            );
            let mut tx = glyph.advance * gs.size + gs.char_space;
            if glyph.space {
                tx += gs.word_space;
            }
            tx *= gs.scale;
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let next = mul(&mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm), &gs.ctm);
            if trm[4].is_finite() && trm[5].is_finite() && size.is_finite() {
                self.placed += 1;
                if self.placed > MAX_CHARACTERS {
                    return Err(PdfError::TooLarge(PdfLimit::Text));
                }
                // A code with no text is kept as U+FFFD, never dropped: a number with such
                // a digit reads as not a number (C004), not as a shorter one.
                let text = glyph.text.unwrap_or_else(|| {
                    self.unmapped += 1;
                    Text::One(char::REPLACEMENT_CHARACTER)
                });
                out.push(Placed {
                    text,
                    x: trm[4],
                    y: trm[5],
                    width: (next[4] - trm[4]).abs(),
                    size,
                });
            }
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
        Ok(())
    }
}

/// Skips an inline image: its parameters up to `ID`, then its data up to `EI`.
fn skip_inline_image(lex: &mut Lexer) {
    while let Some(t) = lex.token() {
        if t == Token::Keyword(b"ID") {
            break;
        }
    }
    let data = lex.buf;
    let mut i = lex.pos + 1;
    while i + 2 <= data.len() {
        if &data[i..i + 2] == b"EI"
            && super::syntax::is_white(data[i - 1])
            && data.get(i + 2).is_none_or(|&c| super::syntax::is_white(c))
        {
            lex.pos = i + 2;
            return;
        }
        i += 1;
    }
    lex.pos = data.len();
}
