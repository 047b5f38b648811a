//! How a figure of the prose is read: Arabic digits (full-width too, `1,234` with
//! thousands separators, a decimal point), or Chinese numerals (`三十五`, `一百零二`,
//! `两千`, `一万二千`, `〇`), with what follows it — a count unit (`件`, `个`, `起` …, or
//! none), `%`, or a money unit (`元`, `万元`, `亿元`). A figure with a word of
//! approximation before or after it (`约`, `近`, `超过`, `余`, `多`, `以上`, `左右` …) is
//! read as approximate, and never compared.
//!
//! Written here rather than taken from a crate: the crates that read Chinese numerals
//! (e.g. `chinese-number`) accept colloquial forms this reader must refuse — `一百二`
//! (120 or 102?), `一万二` (12000?), `1万2千` — and none says which figure in a sentence
//! is approximate. What is refused is not read as a number at all, so nothing is compared.

use std::sync::OnceLock;

use rust_decimal::Decimal;

/// What a figure is, with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Amount {
    /// A whole count (`3119 件`, `三十五件`, `12`).
    Count(i64),
    /// A percentage as written, with the decimals written (`44.66%`: 4466, 2).
    Percent { value: Decimal, decimals: u32 },
    /// An amount of money in the unit written, with the decimals written.
    Money {
        value: Decimal,
        decimals: u32,
        unit: MoneyUnit,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MoneyUnit {
    Yuan,
    Wan,
    Yi,
}

impl MoneyUnit {
    /// How many of this unit make one 万元.
    pub(crate) fn per_wan(self) -> Decimal {
        match self {
            MoneyUnit::Yuan => Decimal::from(10_000),
            MoneyUnit::Wan => Decimal::ONE,
            MoneyUnit::Yi => Decimal::new(1, 4),
        }
    }

    pub(crate) fn word(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::Wan => "万元",
            MoneyUnit::Yi => "亿元",
        }
    }
}

/// A figure found in a clause: its value, the characters it spans (number and unit), and
/// whether it is approximate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Figure {
    pub amount: Amount,
    /// Index of the first character of the number in the clause.
    pub start: usize,
    /// Index past the number and its unit.
    pub end: usize,
    pub approx: bool,
    /// The count unit written, if any.
    pub unit: Option<&'static str>,
}

/// A character of a Chinese numeral: a digit (`〇`…`九`, `两`) or a unit (`十`…`亿`).
pub(crate) fn is_numeral_char(c: char) -> bool {
    digit(c).is_some() || unit(c).is_some()
}

/// The characters of a number in prose besides ASCII digits: the Chinese numerals and the
/// full-width digits, all three bytes long in UTF-8.
const NUMERAL_CHARS: &str = "〇零一二两三四五六七八九十百千万亿０１２３４５６７８９";

/// Whether `s` holds a digit or a numeral (ASCII, full-width, Chinese: a character
/// [`is_numeral_char`] or that folds to an ASCII digit), told by its bytes: each character
/// that starts with E0…EF is first told by its last two bytes (a bit of 4,096, set for
/// the numerals' pairs: most characters of prose are ideographs, three bytes each, and
/// none is a numeral), then, if its bit is set, looked up among the numerals' codes.
pub(crate) fn has_numeral(s: &str) -> bool {
    static NUMERALS: OnceLock<(Vec<u32>, [u64; 64])> = OnceLock::new();
    let pair = |b1: u8, b2: u8| (usize::from(b1 & 0x3F), b2 & 0x3F);
    let (codes, pairs) = NUMERALS.get_or_init(|| {
        let mut codes = Vec::new();
        let mut pairs = [0u64; 64];
        for c in NUMERAL_CHARS.chars() {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            codes.push(u32::from_be_bytes([0, b[0], b[1], b[2]]));
            let (word, bit) = pair(b[1], b[2]);
            pairs[word] |= 1 << bit;
        }
        codes.sort_unstable();
        (codes, pairs)
    });
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            return true;
        }
        // E0…EF starts a character of three bytes (the string is UTF-8); any other byte
        // is one of a character that is no numeral.
        if let (0xE0..=0xEF, Some(&[b1, b2])) = (b, bytes.get(i + 1..i + 3)) {
            let (word, bit) = pair(b1, b2);
            if pairs[word] >> bit & 1 == 1
                && codes
                    .binary_search(&u32::from_be_bytes([0, b, b1, b2]))
                    .is_ok()
            {
                return true;
            }
            i += 3;
            continue;
        }
        i += 1;
    }
    false
}

/// Units of counts, longest first.
const COUNT_UNITS: &[&str] = &[
    "人次", "件", "个", "起", "宗", "条", "项", "次", "例", "份", "家", "部", "篇",
];

/// What may follow a number that is not a figure of a count: a date, an age, a
/// multiple, a rank.
const NOT_A_COUNT: &[char] = &[
    '年', '月', '日', '号', '时', '岁', '天', '周', '倍', '名', '期', '届',
];

/// Words before a figure that make it approximate (a bound or a round number).
const APPROX_BEFORE: &[&str] = &[
    "大约", "约为", "约", "将近", "接近", "近", "逾", "超过", "超", "多达", "不足", "不到", "少于",
    "多于", "高于", "低于", "上千", "上百", "上万",
];
/// The same, for Chinese numerals only (`数十件`, `几百件`, `上百件`): before an Arabic
/// figure these characters end ordinary words (`件数`).
const APPROX_BEFORE_CHINESE: &[&str] = &["数", "几", "上", "成"];
/// Words right after a figure (before or after its unit) that make it approximate.
const APPROX_AFTER: &[&str] = &[
    "余", "多", "以上", "左右", "上下", "来", "开外", "有余", "以下", "以内", "之多", "许",
];

/// Whether `chars` starts with `word` (compared from its first character, so most words
/// are told apart at one).
pub(crate) fn starts_with(chars: &[char], word: &str) -> bool {
    let mut have = chars.iter();
    word.chars().all(|w| have.next() == Some(&w))
}

/// Whether `chars` ends with `word` (compared from its last character).
pub(crate) fn ends_with(chars: &[char], word: &str) -> bool {
    let mut have = chars.iter().rev();
    word.chars().rev().all(|w| have.next() == Some(&w))
}

/// The figures of a clause (its characters, whitespace already removed).
pub(crate) fn figures(chars: &[char]) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let arabic = c.is_ascii_digit();
        let is_chinese = is_numeral_char(c);
        if !arabic && !is_chinese {
            i += 1;
            continue;
        }
        let start = i;
        let (amount, mut end) = if arabic {
            let end = arabic_end(chars, i);
            (read_arabic(&chars[start..end]), end)
        } else {
            let end = start
                + chars[start..]
                    .iter()
                    .take_while(|c| is_numeral_char(**c))
                    .count();
            (chinese_chars(&chars[start..end]).map(Amount::Count), end)
        };
        i = end;
        let Some(amount) = amount else {
            continue;
        };
        // A number glued to letters or digits before it is part of a code (`A12`), or the
        // last of a row of values (`21 1362`).
        if start > 0
            && (chars[start - 1].is_ascii_alphanumeric() || matches!(chars[start - 1], '.' | ' '))
        {
            continue;
        }
        // An ordinal (`第三`) or a sub-heading number is no figure.
        if start > 0 && chars[start - 1] == '第' {
            continue;
        }
        let rest = &chars[end..];
        let mut approx_after = APPROX_AFTER.iter().any(|w| starts_with(rest, w));
        let skip = if approx_after {
            APPROX_AFTER
                .iter()
                .filter(|w| starts_with(rest, w))
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0)
        } else {
            0
        };
        let rest = &chars[end + skip..];
        // `2、`: a list number. `1288 21 0 0 50`: a row of a table's values, not prose.
        if rest.first() == Some(&'、')
            || (rest.first() == Some(&' ') && rest.get(1).is_some_and(char::is_ascii_digit))
        {
            continue;
        }
        let mut unit = None;
        let amount = match amount {
            Amount::Count(_) | Amount::Percent { .. }
                if rest.first().is_some_and(|c| *c == '%') =>
            {
                end += skip + 1;
                match percent(&chars[start..end - 1 - skip]) {
                    Some(p) => p,
                    None => continue,
                }
            }
            _ => {
                if let Some(unit) = money_unit(rest) {
                    end += skip + unit.word().chars().count();
                    match money(
                        &chars[start..end - skip - unit.word().chars().count()],
                        unit,
                    ) {
                        Some(m) => m,
                        None => continue,
                    }
                } else if rest
                    .first()
                    .is_some_and(|c| NOT_A_COUNT.contains(c) || *c == '.')
                {
                    continue;
                } else if arabic && rest.first().is_some_and(|c| self::unit(*c).is_some()) {
                    // `1万2千`, `1.2万件`: refused, not guessed.
                    continue;
                } else if let Some(u) = COUNT_UNITS.iter().find(|u| starts_with(rest, u)) {
                    end += skip + u.chars().count();
                    unit = Some(*u);
                    match amount {
                        Amount::Count(_) => amount,
                        _ => continue,
                    }
                } else if is_chinese {
                    // A Chinese numeral without a unit is a word (`一是`, `统一`).
                    continue;
                } else {
                    match amount {
                        Amount::Count(_) => amount,
                        _ => continue,
                    }
                }
            }
        };
        approx_after |= APPROX_AFTER.iter().any(|w| starts_with(&chars[end..], w));
        let before = &chars[..start];
        let approx_before = APPROX_BEFORE.iter().any(|w| ends_with(before, w))
            || (is_chinese && APPROX_BEFORE_CHINESE.iter().any(|w| ends_with(before, w)));
        out.push(Figure {
            amount,
            start,
            end,
            approx: approx_before || approx_after,
            unit,
        });
        i = end;
    }
    out
}

/// Where an Arabic number starting at `i` ends: digits, `,` between groups of three,
/// one decimal point followed by digits.
fn arabic_end(chars: &[char], i: usize) -> usize {
    let mut j = i;
    let mut seen_point = false;
    while j < chars.len() {
        let c = chars[j];
        let separator = c == ',' && !seen_point && j > i && thousands_group(&chars[j + 1..]);
        if c.is_ascii_digit() || separator {
            j += 1;
        } else if c == '.' && !seen_point && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
            seen_point = true;
            j += 1;
        } else {
            break;
        }
    }
    j
}

/// Three digits and then no digit: what follows a thousands separator.
pub(crate) fn thousands_group(rest: &[char]) -> bool {
    rest.len() >= 3
        && rest[..3].iter().all(char::is_ascii_digit)
        && !rest.get(3).is_some_and(char::is_ascii_digit)
}

/// An Arabic number: a count when whole, else a decimal kept for `%` and money.
/// The digits of a figure without its thousands separators (`1,234`).
fn without_separators(chars: &[char]) -> String {
    chars.iter().filter(|c| **c != ',').collect()
}

fn read_arabic(chars: &[char]) -> Option<Amount> {
    if chars.contains(&'.') {
        return percent(chars);
    }
    without_separators(chars).parse().ok().map(Amount::Count)
}

fn percent(chars: &[char]) -> Option<Amount> {
    let value: Decimal = without_separators(chars).parse().ok()?;
    Some(Amount::Percent {
        value,
        decimals: value.scale(),
    })
}

fn money_unit(rest: &[char]) -> Option<MoneyUnit> {
    [MoneyUnit::Wan, MoneyUnit::Yi, MoneyUnit::Yuan]
        .into_iter()
        .find(|u| starts_with(rest, u.word()))
}

fn money(chars: &[char], unit: MoneyUnit) -> Option<Amount> {
    let s = without_separators(chars);
    let value: Decimal = match s.parse() {
        Ok(v) => v,
        Err(_) => Decimal::from(chinese(&s)?),
    };
    Some(Amount::Money {
        value,
        decimals: value.scale(),
        unit,
    })
}

fn digit(c: char) -> Option<i64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn unit(c: char) -> Option<i64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        '万' => 10_000,
        '亿' => 100_000_000,
        _ => return None,
    })
}

/// A Chinese numeral in the written (not colloquial) form: `十` 10, `十五` 15, `一百零二`
/// 102, `两千零三十` 2030, `一万二千` 12000, `二十一万` 210000, `〇` 0. `None` for what
/// is not one or could be read two ways: `一百二` (colloquially 120), `一万二`, two digits
/// in a row (`一二`, `三五`: "one or two", "three to five"), units out of order.
pub(crate) fn chinese(s: &str) -> Option<i64> {
    chinese_chars(&s.chars().collect::<Vec<_>>())
}

fn chinese_chars(chars: &[char]) -> Option<i64> {
    if chars.is_empty() {
        return None;
    }
    if chars.iter().all(|c| digit(*c).is_some()) {
        // A lone digit; a string of digits is a year or a code, not a count.
        return if chars.len() == 1 {
            digit(chars[0])
        } else {
            None
        };
    }
    let mut total: i64 = 0;
    let mut section: i64 = 0;
    let mut current: Option<i64> = None;
    // The last unit of the section (small units must fall: 千 百 十), the last big unit
    // (亿 then 万), the last unit of any kind, and whether 零 came since it.
    let mut last_small: i64 = i64::MAX;
    let mut last_big: i64 = i64::MAX;
    let mut last_unit: Option<i64> = None;
    let mut zero_since = false;
    let mut started = false;
    for &c in chars {
        if let Some(d) = digit(c) {
            if current.is_some() {
                return None;
            }
            if d == 0 {
                zero_since = true;
            } else {
                current = Some(d);
            }
            started = true;
            continue;
        }
        let u = unit(c)?;
        if u < 10_000 {
            if u >= last_small {
                return None;
            }
            let n = match current.take() {
                Some(n) => n,
                // `十五`: ten at the very start needs no digit.
                None if u == 10 && !started => 1,
                None => return None,
            };
            section = section.checked_add(n.checked_mul(u)?)?;
            last_small = u;
        } else {
            if u >= last_big {
                return None;
            }
            section = section.checked_add(current.take().unwrap_or(0))?;
            if section == 0 {
                return None;
            }
            total = total.checked_add(section.checked_mul(u)?)?;
            section = 0;
            last_small = i64::MAX;
            last_big = u;
        }
        last_unit = Some(u);
        zero_since = false;
        started = true;
    }
    if let Some(d) = current {
        // A digit after a unit counts as ones only after 十 or after 零: `一百二` and
        // `一万二` are colloquial and could mean two things.
        let ones = last_unit.is_none() || last_unit == Some(10) || zero_since;
        if !ones {
            return None;
        }
        section = section.checked_add(d)?;
    }
    total.checked_add(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let cases = [
            ("十", Some(10)),
            ("十五", Some(15)),
            ("二十", Some(20)),
            ("三十五", Some(35)),
            ("一百", Some(100)),
            ("一百零二", Some(102)),
            ("一百一十", Some(110)),
            ("两千", Some(2000)),
            ("两千零三十", Some(2030)),
            ("一千零五", Some(1005)),
            ("一万二千", Some(12000)),
            ("一万零二", Some(10002)),
            ("二十一万", Some(210000)),
            ("三亿零五万", Some(300050000)),
            ("〇", Some(0)),
            ("零", Some(0)),
            ("九", Some(9)),
            // Colloquial or not a numeral: refused.
            ("一百二", None),
            ("一万二", None),
            ("一百十", None),
            ("一二", None),
            ("三五", None),
            ("二〇二四", None),
            ("百", None),
            ("十百", None),
            ("千百", None),
            ("百千", None),
            ("万万", None),
            ("万", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(chinese(s), want, "{s}");
        }
    }

    fn read(s: &str) -> Vec<(Amount, bool)> {
        let chars: Vec<char> = s.chars().collect();
        figures(&chars)
            .into_iter()
            .map(|f| (f.amount, f.approx))
            .collect()
    }

    /// What a number in prose may be made of, a character at a time.
    fn numeral(c: char) -> bool {
        super::super::fold(c).is_ascii_digit() || is_numeral_char(c)
    }

    #[test]
    fn numerals_are_told_by_their_bytes() {
        // Every character, to the last plane, alone and between two ideographs.
        let mut numerals = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            numerals += usize::from(numeral(c));
            assert_eq!(has_numeral(&c.to_string()), numeral(c), "{c:?}");
            assert_eq!(has_numeral(&format!("的{c}的")), numeral(c), "{c:?}");
        }
        assert_eq!(
            numerals, 37,
            "ASCII and full-width digits, 17 Chinese numerals"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// On any text, the bytes answer as the characters do.
        #[test]
        fn has_numeral_is_its_definition(chars in proptest::collection::vec(proptest::prop_oneof![
            proptest::sample::select(NUMERAL_CHARS.chars().collect::<Vec<_>>()),
            proptest::char::range('\u{4E00}', '\u{4E20}'),
            proptest::char::range('\u{FF00}', '\u{FF20}'),
            proptest::char::range('\u{3000}', '\u{3010}'),
            proptest::char::range('\0', '\u{7F}'),
            proptest::char::range('\u{80}', '\u{7FF}'),
            proptest::char::range('\u{10000}', '\u{10010}'),
        ], 0..30)) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(has_numeral(&s), s.chars().any(numeral));
        }
    }

    #[test]
    fn figures_in_words() {
        use Amount::Count;
        assert_eq!(read("受理申请3119件"), [(Count(3119), false)]);
        assert_eq!(read("受理申请3,119件"), [(Count(3119), false)]);
        assert_eq!(read("受理申请三十五件"), [(Count(35), false)]);
        assert_eq!(read("受理申请一百零二件"), [(Count(102), false)]);
        assert_eq!(read("受理申请12"), [(Count(12), false)]);
        // Approximate before or after.
        assert_eq!(read("约300件"), [(Count(300), true)]);
        assert_eq!(read("近300件"), [(Count(300), true)]);
        assert_eq!(read("超过300件"), [(Count(300), true)]);
        assert_eq!(read("5500余条"), [(Count(5500), true)]);
        assert_eq!(read("300多件"), [(Count(300), true)]);
        assert_eq!(read("300件以上"), [(Count(300), true)]);
        assert_eq!(read("300件左右"), [(Count(300), true)]);
        assert_eq!(read("数十件"), [(Count(10), true)]);
        // Dates, words, ordinals, refused forms: no figure.
        assert_eq!(read("2024年1月1日"), []);
        assert_eq!(read("一是加强培训，统一受理"), []);
        assert_eq!(read("第三件"), []);
        assert_eq!(read("1万2千件"), []);
        assert_eq!(read("1.2万件"), []);
        assert_eq!(read("一百二十件"), [(Count(120), false)]);
        assert_eq!(read("一百二件"), []);
    }

    #[test]
    fn percentages_and_money() {
        let p = |v: &str| Amount::Percent {
            value: v.parse().unwrap(),
            decimals: v.parse::<Decimal>().unwrap().scale(),
        };
        assert_eq!(read("占44.66%"), [(p("44.66"), false)]);
        assert_eq!(read("占45%"), [(p("45"), false)]);
        let m = |v: &str, unit| Amount::Money {
            value: v.parse().unwrap(),
            decimals: v.parse::<Decimal>().unwrap().scale(),
            unit,
        };
        assert_eq!(read("收费3940元"), [(m("3940", MoneyUnit::Yuan), false)]);
        assert_eq!(read("96171.6万元"), [(m("96171.6", MoneyUnit::Wan), false)]);
        assert_eq!(read("253.6亿元"), [(m("253.6", MoneyUnit::Yi), false)]);
        // A decimal that is neither a percentage nor money is no count.
        assert_eq!(read("26.5个工作日"), []);
        // A list number, a row of values.
        assert_eq!(read("其他处理2、申请人逾期未缴费"), []);
        assert_eq!(read("予以公开1288 21 0 0 50 3 1362"), []);
    }
}
