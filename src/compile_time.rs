//! What the tables made at compile time (`const fn`s over the template's labels and the
//! rules' words) need of `str`s: `const fn`s cannot call `str::chars` or compare `str`s,
//! so both are written out here, on bytes.

/// The character at byte `i` of `b`, the bytes of a `str` (well-formed UTF-8; `i` starts a
/// character).
pub(crate) const fn char_at(b: &[u8], i: usize) -> char {
    const fn tail(b: &[u8], at: usize) -> u32 {
        (b[at] as u32) & 0x3F
    }
    let b0 = b[i] as u32;
    let code = if b0 < 0x80 {
        b0
    } else if b0 < 0xE0 {
        (b0 & 0x1F) << 6 | tail(b, i + 1)
    } else if b0 < 0xF0 {
        (b0 & 0x0F) << 12 | tail(b, i + 1) << 6 | tail(b, i + 2)
    } else {
        (b0 & 0x07) << 18 | tail(b, i + 1) << 12 | tail(b, i + 2) << 6 | tail(b, i + 3)
    };
    match char::from_u32(code) {
        Some(c) => c,
        None => panic!("not UTF-8"),
    }
}

/// Whether two `str`s are the same.
pub(crate) const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
