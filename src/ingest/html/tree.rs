//! HTML text → a tree of elements and text, as a page's markup nests them.
//!
//! A small HTML reader of our own (a tokenizer and a tree builder with the HTML parsing
//! rules that matter for report pages), not a crate. Measured and weighed against the
//! candidates:
//! - html5ever/scraper are spec-correct but bring string_cache, phf tables, markup5ever
//!   and (scraper) selectors/cssparser into the WebAssembly build — several times the size
//!   of this whole reader.
//! - `tl` (0.7) is small, but its tree builder ignores any end tag that does not match the
//!   innermost open element (`<div><p>x</div>` leaves the div open and nests the rest of
//!   the page in the `<p>`), does not close `<td>`/`<tr>`/`<li>`/`<p>` implicitly, and reads
//!   `<script>` bodies as markup (`if (a<b)` opens a `<b>`). Real report pages (TRS and
//!   other CMS output, hand-edited tables) break on each of these.
//! - quick-xml in HTML mode fails on unquoted attributes, void elements and unclosed tags.
//!
//! What this reader does: case-insensitive tags, quoted/unquoted/bare attributes, comments,
//! `<!DOCTYPE>`, raw-text elements (`script`, `style`, `textarea`, `title`, …), the named
//! entities reports use and all numeric ones, void elements, the implied end tags of `p`,
//! `li`, `dt`/`dd`, `td`/`th`, `tr`, `thead`/`tbody`/`tfoot`, `option`, and end tags that
//! close everything up to their element (or are ignored when their element is not open
//! within the current table cell). It gives up on nothing: any bytes give a tree.
//!
//! Speed: text and tags are found with memchr; a tag's name is matched against the names
//! pages use (no copy); of the attributes only those read (`colspan`, `rowspan`, `class`,
//! `id`) are kept, as slices; the nodes' room is reserved once, from the start tags.

use super::{InputError, MAX_DEPTH, MAX_ELEMENTS};

#[derive(Debug, Default)]
pub(super) struct Node {
    /// Lowercase tag name; empty for text.
    pub(super) name: Name,
    /// Text of a text node (entities decoded), or of a raw-text element.
    pub(super) text: String,
    pub(super) colspan: usize,
    pub(super) rowspan: usize,
    pub(super) class: String,
    pub(super) children: Vec<usize>,
    /// Never read ([`is_skipped`]).
    pub(super) skip: bool,
    /// A block ([`is_block`]): its text is a line of its own.
    pub(super) block: bool,
}

pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
}

/// Elements without content or end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

/// Elements whose content is text up to their end tag, not markup.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "plaintext"
            | "noscript"
    )
}

/// Start tags that close an open `<p>`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "ul"
            | "dd"
            | "dt"
    )
}

/// Elements that bound the search for an element to close (as the HTML scopes do).
const SCOPE: &[&str] = &["td", "th", "table", "caption", "html", "template", "button"];

pub(super) fn parse(src: &str) -> Result<Tree, InputError> {
    let bytes = src.as_bytes();
    // Room for the nodes at once (grown by doubling, a page's few thousand nodes were
    // copied over and over): an element a start tag, a text between two (bounded as the
    // elements are).
    let starts = memchr::memchr_iter(b'<', bytes)
        .filter(|&i| bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic))
        .count();
    let mut nodes = Vec::with_capacity(2 * starts.min(MAX_ELEMENTS) + 2);
    nodes.push(Node {
        name: "#document".into(),
        ..Node::default()
    });
    let mut stack: Vec<usize> = vec![0];
    let mut elements = 0usize;
    let mut i = 0;
    let lower_eq = |a: &[u8], b: &str| a.eq_ignore_ascii_case(b.as_bytes());
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let end = memchr(b'<', bytes, i);
            push_text(&mut nodes, &stack, decode_entities(&src[i..end]));
            i = end;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        if src[i..].starts_with("<!--") {
            i = find(bytes, b"-->", i + 4).map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if next == Some(b'!') || next == Some(b'?') {
            i = memchr(b'>', bytes, i).saturating_add(1).min(bytes.len());
            continue;
        }
        if next == Some(b'/') && bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
            let (name, after) = tag_name(bytes, i + 2);
            i = memchr(b'>', bytes, after)
                .saturating_add(1)
                .min(bytes.len());
            if name == "br" {
                open(&mut nodes, &stack, Name::Borrowed("br"), &mut elements)?;
                continue;
            }
            close(&nodes, &mut stack, &name);
            continue;
        }
        if !next.is_some_and(|b| b.is_ascii_alphabetic()) {
            push_text(&mut nodes, &stack, "<".into());
            i += 1;
            continue;
        }
        let (name, after) = tag_name(bytes, i + 1);
        let (attrs, end, self_closing) = attributes(src, after);
        i = end;
        implied_ends(&nodes, &mut stack, &name);
        let id = open(&mut nodes, &stack, name.clone(), &mut elements)?;
        for (k, v) in attrs {
            let n = &mut nodes[id];
            match k {
                "colspan" => n.colspan = span(v, 1000),
                "rowspan" => n.rowspan = span(v, 65534),
                "class" | "id" => {
                    n.class.push(' ');
                    n.class.push_str(&v.to_ascii_lowercase());
                }
                _ => {}
            }
        }
        if is_void(&name) || self_closing && name != "td" && name != "th" {
            continue;
        }
        if is_raw_text(&name) {
            // The text up to `</name`, read as text (title) or not at all (script).
            let mut j = i;
            let close_at = loop {
                let Some(k) = find(bytes, b"</", j) else {
                    break bytes.len();
                };
                let tail = &bytes[k + 2..];
                if tail.len() >= name.len() && lower_eq(&tail[..name.len()], &name) {
                    break k;
                }
                j = k + 2;
            };
            let raw = &src[i..close_at];
            nodes[id].text = if name == "title" || name == "textarea" {
                decode_entities(raw)
            } else {
                String::new()
            };
            i = memchr(b'>', bytes, close_at)
                .saturating_add(1)
                .min(bytes.len());
            continue;
        }
        if stack.len() > MAX_DEPTH {
            return Err(InputError::TooComplex {
                what: "depth",
                limit: MAX_DEPTH,
            });
        }
        stack.push(id);
    }
    Ok(Tree { nodes })
}

fn open(
    nodes: &mut Vec<Node>,
    stack: &[usize],
    name: Name,
    elements: &mut usize,
) -> Result<usize, InputError> {
    *elements += 1;
    if *elements > MAX_ELEMENTS {
        return Err(InputError::TooComplex {
            what: "elements",
            limit: MAX_ELEMENTS,
        });
    }
    let id = nodes.len();
    nodes.push(Node {
        skip: is_skipped(&name),
        block: is_block(&name),
        name,
        colspan: 1,
        rowspan: 1,
        ..Node::default()
    });
    let parent = *stack.last().unwrap_or(&0);
    nodes[parent].children.push(id);
    Ok(id)
}

fn push_text(nodes: &mut Vec<Node>, stack: &[usize], text: String) {
    if text.is_empty() {
        return;
    }
    let parent = *stack.last().unwrap_or(&0);
    // Adjacent text joins the previous text node (no node per `<` in text).
    if let Some(&last) = nodes[parent].children.last() {
        if nodes[last].name.is_empty() {
            nodes[last].text.push_str(&text);
            return;
        }
    }
    let id = nodes.len();
    nodes.push(Node {
        text,
        ..Node::default()
    });
    nodes[parent].children.push(id);
}

/// Where the innermost open `name` is on the stack, searching no further than a scope
/// boundary (a table cell, a table) unless `name` is itself one.
fn find_open(nodes: &[Node], stack: &[usize], names: &[&str], bounds: &[&str]) -> Option<usize> {
    for (pos, &id) in stack.iter().enumerate().rev() {
        let n = nodes[id].name.as_ref();
        if names.contains(&n) {
            return Some(pos);
        }
        if bounds.contains(&n) || pos == 0 {
            return None;
        }
    }
    None
}

fn close(nodes: &[Node], stack: &mut Vec<usize>, name: &str) {
    let bounds: &[&str] = match name {
        "table" => &["html", "template"],
        "td" | "th" => &["table", "html", "template"],
        "tr" | "tbody" | "thead" | "tfoot" => &["table", "html", "template"],
        "li" => &["ul", "ol", "td", "th", "table", "html"],
        _ => SCOPE,
    };
    if let Some(pos) = find_open(nodes, stack, &[name], bounds) {
        stack.truncate(pos.max(1));
    }
}

fn implied_ends(nodes: &[Node], stack: &mut Vec<usize>, name: &str) {
    if closes_p(name) {
        if let Some(pos) = find_open(nodes, stack, &["p"], SCOPE) {
            stack.truncate(pos.max(1));
        }
    }
    let (names, bounds): (&[&str], &[&str]) = match name {
        "li" => (&["li"], &["ul", "ol", "td", "th", "table", "html"]),
        "dt" | "dd" => (&["dt", "dd"], &["dl", "td", "th", "table", "html"]),
        "td" | "th" => (&["td", "th"], &["tr", "table", "html"]),
        "tr" => (&["tr"], &["table", "html"]),
        "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot"], &["table", "html"]),
        "option" => (&["option"], &["select", "html"]),
        _ => return,
    };
    if let Some(pos) = find_open(nodes, stack, names, bounds) {
        stack.truncate(pos.max(1));
    }
    // A cell or row start closes the open cells of its table too.
    if matches!(name, "tr" | "thead" | "tbody" | "tfoot") {
        if let Some(pos) = find_open(nodes, stack, &["td", "th"], &["table", "html"]) {
            stack.truncate(pos.max(1));
        }
        if let Some(pos) = find_open(nodes, stack, &["tr"], &["table", "html"]) {
            stack.truncate(pos.max(1));
        }
    }
}

/// Where `b` is first at or after `from` (the end if nowhere).
fn memchr(b: u8, bytes: &[u8], from: usize) -> usize {
    let from = from.min(bytes.len());
    memchr::memchr(b, &bytes[from..]).map_or(bytes.len(), |p| from + p)
}

/// Where `needle` is first at or after `from`.
fn find(bytes: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let from = from.min(bytes.len());
    memchr::memmem::find(&bytes[from..], needle).map(|p| from + p)
}

/// A tag's name from `from`, lowercase, and the offset after it.
fn tag_name(bytes: &[u8], from: usize) -> (Name, usize) {
    let mut j = from;
    while j < bytes.len()
        && !(bytes[j].is_ascii_whitespace() || bytes[j] == b'>' || bytes[j] == b'/')
    {
        j += 1;
    }
    let raw = &bytes[from..j];
    let name = match known_name(raw) {
        Some(name) => Name::Borrowed(name),
        None => Name::Owned(String::from_utf8_lossy(raw).to_ascii_lowercase()),
    };
    (name, j)
}

/// An element's name: the tags pages use most are not copied.
pub(super) type Name = std::borrow::Cow<'static, str>;

macro_rules! known_names {
    ($($name:literal)*) => {
        /// `raw` lowercase, when it is one of the names this reader looks for or that pages
        /// use most (any case in the page).
        fn known_name(raw: &[u8]) -> Option<&'static str> {
            let mut lower = [0u8; 10];
            let lower = lower.get_mut(..raw.len())?;
            for (l, r) in lower.iter_mut().zip(raw) {
                *l = r.to_ascii_lowercase();
            }
            match &*lower {
                $( n if n == $name.as_bytes() => Some($name), )*
                _ => None,
            }
        }
    };
}

known_names! {
    "p" "a" "b" "i" "u" "s" "br" "td" "tr" "th" "li" "ul" "ol" "dl" "dt" "dd" "hr" "em"
    "h1" "h2" "h3" "h4" "h5" "h6" "div" "img" "col" "nav" "pre" "sup" "sub" "dir" "wbr"
    "span" "font" "meta" "link" "html" "head" "body" "form" "area" "base" "main" "menu"
    "code" "abbr" "cite" "title" "table" "tbody" "thead" "tfoot" "style" "label"
    "input" "embed" "param" "track" "frame" "small" "strong" "script" "center" "option"
    "select" "button" "header" "footer" "figure" "iframe" "source" "keygen" "dialog"
    "section" "article" "address" "details" "caption" "summary" "picture" "bgsound"
    "basefont" "noscript" "textarea" "template" "colgroup" "fieldset" "xmp" "plaintext"
    "noembed" "noframes" "aside" "figcaption" "blockquote" "strike" "big" "ins" "del"
}

/// The attributes of a start tag from `from` that this reader reads (`colspan`, `rowspan`,
/// `class`, `id`: lowercase name, value as written) among its first 64; returns them, the
/// offset after `>` and whether the tag ended in `/>`.
fn attributes(src: &str, from: usize) -> (Vec<(&'static str, &str)>, usize, bool) {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut seen = 0;
    let mut j = from;
    let mut self_closing = false;
    loop {
        while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
            self_closing = bytes[j] == b'/';
            j += 1;
        }
        if j >= bytes.len() {
            return (out, j, false);
        }
        if bytes[j] == b'>' {
            return (out, j + 1, self_closing);
        }
        self_closing = false;
        let start = j;
        while j < bytes.len()
            && !(bytes[j].is_ascii_whitespace() || matches!(bytes[j], b'>' | b'=' | b'/'))
        {
            j += 1;
        }
        if j == start {
            j += 1;
            continue;
        }
        let key = &src[start..j];
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr(q, bytes, j + 1);
                    value = &src[j + 1..end];
                    j = (end + 1).min(bytes.len());
                }
                _ => {
                    let s = j;
                    while j < bytes.len() && !(bytes[j].is_ascii_whitespace() || bytes[j] == b'>') {
                        j += 1;
                    }
                    value = &src[s..j];
                }
            }
        }
        if seen < 64 {
            seen += 1;
            let read = ["colspan", "rowspan", "class", "id"];
            if let Some(key) = read.into_iter().find(|k| key.eq_ignore_ascii_case(k)) {
                out.push((key, value));
            }
        }
    }
}

fn span(v: &str, max: usize) -> usize {
    let digits: String = v
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, max)
}

/// Decodes character references: all numeric ones and the named ones pages use.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let v = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            v.map(|v| {
                char::from_u32(v)
                    .filter(|c| *c != '\0')
                    .unwrap_or('\u{FFFD}')
            })
        } else {
            match name {
                "nbsp" => Some('\u{00A0}'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "ensp" | "emsp" | "thinsp" => Some(' '),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "middot" => Some('·'),
                "hellip" => Some('…'),
                "times" => Some('×'),
                "yen" => Some('¥'),
                "copy" => Some('©'),
                "shy" | "zwj" | "zwnj" => Some('\u{200B}'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if c != '\u{200B}' => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            Some(_) => {
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Never read: scripts, styles and the site's chrome.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "iframe"
            | "select"
            | "button"
            | "svg"
            | "object"
            | "embed"
            | "head"
            | "textarea"
            | "xmp"
            | "noembed"
            | "noframes"
            | "menu"
            | "input"
    )
}

/// Elements whose text is a block of its own (a line).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "main"
            | "blockquote"
            | "pre"
            | "address"
            | "center"
            | "caption"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "body"
            | "html"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "hr"
            | "details"
            | "summary"
            | "legend"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            decode_entities("a&amp;b&#20013;&#x6587;&nbsp;&bogus;"),
            "a&b中文\u{a0}&bogus;"
        );
    }

    /// A tag's name is read in any case, known to the reader or not.
    #[test]
    fn tag_names_are_lowercase_whatever_the_page_writes() {
        for (tag, name) in [
            ("TD", "td"),
            ("Table", "table"),
            ("o:p", "o:p"),
            ("MyTag", "mytag"),
        ] {
            let html = format!("<{tag} class=x>");
            assert_eq!(
                tag_name(html.as_bytes(), 1),
                (Name::from(name), 1 + tag.len())
            );
        }
        assert_eq!(known_name(b"BlockQuote"), Some("blockquote"));
        assert_eq!(known_name(b"blockquotes"), None);
    }

    /// Only the attributes read are kept, as written, among a tag's first 64.
    #[test]
    fn attributes_read_are_kept() {
        let tag = r#" ROWSPAN="2" style='a:b' Class=Title colspan = 3 id>x"#;
        let (attrs, end, closing) = attributes(tag, 0);
        assert_eq!(
            attrs,
            [
                ("rowspan", "2"),
                ("class", "Title"),
                ("colspan", "3"),
                ("id", "")
            ]
        );
        assert_eq!((&tag[end..], closing), ("x", false));
        let many = format!("{} colspan=9 />", " a=1".repeat(64));
        assert_eq!(attributes(&many, 0), (vec![], many.len(), true));
    }
}
