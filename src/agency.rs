//! Which reports are one agency's: the key an agency's name is compared by, and the pairing
//! of a set of reports, each of year N with its agency's report of year N − 1 (the cross-year
//! rules' "last year's report"). Pure: the CLI pairs the files of a run with it, the intake
//! store the reports it holds.
//!
//! **The key** ([`agency_key`]) is the name as titles write it (FORMAT.md §7 "Year
//! extraction": `<agency><year>年（度）政府信息公开工作年度报告`) with what varies between
//! two years of one agency taken out:
//! - full-width forms folded, spaces and punctuation dropped (`（`, `·`, quotes, line breaks);
//! - words the title cut leaves around the name: a leading year (`2022年度`), a trailing
//!   `年度`, `年`, `工作`, `关于`, `的`, `政府信息公开`;
//! - `人民政府` written `政府` (某县人民政府 = 某县政府), and the government's general office
//!   written 办公厅 or 办公室 (某县人民政府办公室 = 某县政府办公厅).
//!
//! **Renamed places** (撤县设区: 某县 becomes 某区, its departments with it). Two names whose
//! keys differ only in that place's 县 → 区 are the same agency, but only when
//! - the place is the lowest unit of the name (the 县 or 区 after the last 省/市/州/盟, not one
//!   of 自治县, 开发区, 新区, 城区 … which are other things), and its own name — the stem
//!   before 县/区 — has at least two characters and is not a generic one (城, 郊, 市中,
//!   城关 …): `民和县` → `民和区` may be paired, `城区` ← `城县` never;
//! - the rename goes 县 (last year) → 区 (this year), the direction 撤县设区 goes;
//! - last year has no report under this year's name, this year none under last year's name
//!   (a 县 that still reports is not the 区 that replaced it), and exactly one report is the
//!   candidate.
//!
//! Otherwise nothing is paired and [`Unpaired`] says why. **The risk**: two different places
//! with the same stem, one a 县 and one a 区 (朝阳县 in 辽宁, 朝阳区 in 北京), whose titles
//! omit the province and city, would be paired if a run held the 县's report of one year and
//! only the 区's of the next. The same risk holds for identical names (鼓楼区 of 南京, 福州 …)
//! without any rename; a run normally holds one region's reports, and two reports of one key
//! in one year are never paired (duplicates), which catches a mixed run once both years are
//! there. A pairing by rename is marked ([`Partner::renamed`]) so that hosts show it.
//! 撤县设市 (县 → 市) and 自治县 renamings are not recognized: they change more than one
//! character of the name's meaning, and a wrong pair would fire X001 falsely.

use std::collections::HashMap;
use std::sync::Arc;

use crate::normalize::fold;

/// The key two names of one agency share (see the module doc); empty when the name holds no
/// letter.
pub fn agency_key(name: &str) -> String {
    let mut key: String = fold(name).chars().filter(|c| c.is_alphanumeric()).collect();
    // Each step shortens the key; repeated until none applies (the key of a key is itself).
    loop {
        let before = key.len();
        // A leading year (`2022年度…`), as a title read the other way round leaves it.
        if key.len() > 5
            && key.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && key[4..].starts_with('年')
        {
            key.drain(..4 + '年'.len_utf8());
            strip_prefix(&mut key, "度");
        }
        for word in TRAILING {
            strip_suffix(&mut key, word);
        }
        // A trailing year (`某县政府2022`).
        let tail = key.chars().rev().take_while(char::is_ascii_digit).count();
        if tail == 4 && key.len() > 4 {
            key.truncate(key.len() - 4);
        }
        key = key
            .replace("人民政府", "政府")
            .replace("政府办公厅", "政府办公室");
        if key.len() == before {
            return key;
        }
    }
}

/// Words a title cut leaves after the name, stripped repeatedly.
const TRAILING: &[&str] = &["政府信息公开", "年度", "年", "工作", "关于", "的"];

fn strip_suffix(s: &mut String, word: &str) {
    if s.len() > word.len() && s.ends_with(word) {
        s.truncate(s.len() - word.len());
    }
}

fn strip_prefix(s: &mut String, word: &str) {
    if s.starts_with(word) {
        s.drain(..word.len());
    }
}

/// Unit words that end a higher place than a county: the stem of the county starts after
/// the last of them.
const HIGHER: &[char] = &['省', '市', '州', '盟'];

/// Words holding 县 or 区 that are not a county or district renamed into the other.
const NOT_A_PLACE: &[&str] = &[
    "自治县",
    "自治区",
    "开发区",
    "示范区",
    "高新区",
    "保税区",
    "实验区",
    "试验区",
    "合作区",
    "园区",
    "景区",
    "社区",
    "地区",
    "新区",
    "城区",
    "郊区",
    "矿区",
    "林区",
    "特区",
    "县区",
    "区县",
    "县级",
    "区级",
];

/// Stems too generic to tell one place from another.
const GENERIC_STEMS: &[&str] = &[
    "市中", "城关", "城中", "新城", "老城", "高新", "开发", "市辖",
];

/// The county or district a key names, for the 撤县设区 rule: the key with its 县/区
/// replaced by a mark, and whether it is a 县. `None` when the name has no such place or its
/// stem is not distinctive.
fn place(key: &str) -> Option<(String, bool)> {
    let chars: Vec<char> = key.chars().collect();
    let mut stem_start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if HIGHER.contains(&c) && i > stem_start {
            stem_start = i + 1;
            continue;
        }
        if c != '县' && c != '区' {
            continue;
        }
        // A compound word covering this character.
        let compound = NOT_A_PLACE.iter().any(|w| {
            let w: Vec<char> = w.chars().collect();
            (0..w.len())
                .any(|k| w[k] == c && i >= k && chars.get(i - k..i - k + w.len()) == Some(&w[..]))
        });
        if compound {
            return None;
        }
        let stem: String = chars[stem_start..i].iter().collect();
        if stem.chars().count() < 2 || GENERIC_STEMS.contains(&stem.as_str()) {
            return None;
        }
        let mut marked = chars.clone();
        marked[i] = '□';
        return Some((marked.into_iter().collect(), c == '县'));
    }
    None
}

/// One report as the pairing sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub agency: Option<&'a str>,
    pub year: Option<i32>,
}

/// The report paired with one as its last year's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// Its index among the candidates.
    pub index: usize,
    /// Paired across a 县 → 区 rename (the names differ).
    pub renamed: bool,
}

/// Why a report has no last year's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpaired {
    /// The report gives no agency or no year.
    Unknown,
    /// Other reports of the same agency and year are in the set: the indices of all of
    /// them, this one among them, in order (one list shared by the group, so that a batch of
    /// many copies of one report costs memory in proportion to the copies, not their square);
    /// none is paired, as this year's or as last year's.
    Duplicate(Arc<[usize]>),
    /// No report of the agency for the year before.
    NotFound,
    /// Last year's report of the agency is there more than once (their indices).
    PreviousDuplicate(Vec<usize>),
    /// A report of last year differs only by 县 → 区, but the 县 still reports this year,
    /// or several could be it (their indices): not paired.
    RenameUnclear(Vec<usize>),
}

/// Each candidate's last year's report, or why there is none.
pub fn pair(candidates: &[Candidate]) -> Vec<Result<Partner, Unpaired>> {
    let keys: Vec<Option<(String, i32)>> = candidates
        .iter()
        .map(|c| {
            let key = agency_key(c.agency?);
            (!key.is_empty()).then_some((key, c.year?))
        })
        .collect();
    let mut by_key: HashMap<(&str, i32), Vec<usize>> = HashMap::new();
    // Each group of reports of one agency and year, as the list its members share.
    let mut groups: HashMap<(&str, i32), Arc<[usize]>> = HashMap::new();
    let mut by_place: HashMap<(String, i32), Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some((key, year)) = k {
            by_key.entry((key, *year)).or_default().push(i);
            if let Some((marked, true)) = place(key) {
                by_place.entry((marked, *year)).or_default().push(i);
            }
        }
    }
    keys.iter()
        .map(|k| {
            let Some((key, year)) = k else {
                return Err(Unpaired::Unknown);
            };
            let same = &by_key[&(key.as_str(), *year)];
            if same.len() > 1 {
                let group = groups
                    .entry((key.as_str(), *year))
                    .or_insert_with(|| same.as_slice().into());
                return Err(Unpaired::Duplicate(group.clone()));
            }
            match by_key.get(&(key.as_str(), year - 1)) {
                Some(last) if last.len() == 1 => {
                    return Ok(Partner {
                        index: last[0],
                        renamed: false,
                    })
                }
                Some(last) => return Err(Unpaired::PreviousDuplicate(last.clone())),
                None => {}
            }
            let Some((marked, false)) = place(key) else {
                return Err(Unpaired::NotFound);
            };
            let Some(counties) = by_place.get(&(marked, year - 1)) else {
                return Err(Unpaired::NotFound);
            };
            let still_there = counties.iter().any(|&j| {
                keys[j]
                    .as_ref()
                    .is_some_and(|(k, _)| by_key.contains_key(&(k.as_str(), *year)))
            });
            if counties.len() == 1 && !still_there {
                Ok(Partner {
                    index: counties[0],
                    renamed: true,
                })
            } else {
                Err(Unpaired::RenameUnclear(counties.clone()))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn variants_of_one_name_share_a_key() {
        let same = [
            ("某县人民政府", "某县政府"),
            ("某县人民政府办公室", "某县政府办公室"),
            ("某县人民政府办公厅", "某县政府办公室"),
            ("某县人民政府", " 某县人民政府 "),
            ("某县人民政府", "某县人民政府\n"),
            ("某县人民政府", "“某县人民政府”"),
            ("某县人民政府", "某县人民政府2022年度"),
            ("某县人民政府", "某县人民政府2022"),
            ("某县人民政府", "某县人民政府年度"),
            ("某县人民政府", "某县人民政府工作"),
            ("某县人民政府", "某县人民政府关于"),
            ("某县人民政府", "2022年度某县人民政府"),
            ("某县人民政府", "某县人民政府政府信息公开"),
            ("ABC市人民政府", "ＡＢＣ市人民政府"),
            ("海东市民和县人民政府", "海东市 民和县 人民政府"),
        ];
        for (a, b) in same {
            assert_eq!(agency_key(a), agency_key(b), "{a} / {b}");
        }
        let different = [
            ("某县人民政府", "某县教育局"),
            ("某县人民政府", "某区人民政府"),
            ("某县人民政府办公室", "某县人民政府"),
            ("某市人民政府", "某县人民政府"),
        ];
        for (a, b) in different {
            assert_ne!(agency_key(a), agency_key(b), "{a} / {b}");
        }
        assert_eq!(agency_key("某县人民政府"), "某县政府");
        assert_eq!(agency_key("（）"), "");
    }

    #[test]
    fn the_county_or_district_of_a_name() {
        let cases = [
            ("民和县政府", Some(("民和□政府", true))),
            ("海东市民和区政府", Some(("海东市民和□政府", false))),
            (
                "淮安市淮安区政府办公室",
                Some(("淮安市淮安□政府办公室", false)),
            ),
            ("民和县教育局", Some(("民和□教育局", true))),
            // Not distinctive, or not a county.
            ("某县政府", None),
            ("城区政府", None),
            ("济南市市中区政府", None),
            ("民和回族土族自治县政府", None),
            ("淮安经济技术开发区管委会", None),
            ("平潭综合实验区管委会", None),
            ("浦东新区政府", None),
            ("淮安市政府", None),
        ];
        for (key, want) in cases {
            let got = place(key);
            let want = want.map(|(k, c): (&str, bool)| (k.to_string(), c));
            assert_eq!(got, want, "{key}");
        }
    }

    fn c(agency: &str, year: i32) -> Candidate<'_> {
        Candidate {
            agency: Some(agency),
            year: Some(year),
        }
    }

    fn ok(index: usize, renamed: bool) -> Result<Partner, Unpaired> {
        Ok(Partner { index, renamed })
    }

    #[test]
    fn consecutive_years_pair() {
        let got = pair(&[
            c("示例县人民政府", 2020),
            c("示例县政府", 2021),
            c("示例县人民政府", 2022),
            c("别县人民政府", 2022),
            Candidate {
                agency: None,
                year: Some(2022),
            },
        ]);
        assert_eq!(
            got,
            vec![
                Err(Unpaired::NotFound),
                ok(0, false),
                ok(1, false),
                Err(Unpaired::NotFound),
                Err(Unpaired::Unknown),
            ]
        );
    }

    #[test]
    fn copies_of_one_report_share_one_group() {
        // Each copy's Duplicate is the one list of the group, not a list of its own (which
        // made a batch of n copies cost n² in memory).
        let got = pair(&vec![c("示例县人民政府", 2021); 2_000]);
        let Err(Unpaired::Duplicate(first)) = &got[0] else {
            panic!("not a duplicate: {:?}", got[0]);
        };
        assert_eq!(first.len(), 2_000);
        assert!(first.iter().copied().eq(0..2_000));
        for g in &got {
            assert!(matches!(g, Err(Unpaired::Duplicate(group)) if Arc::ptr_eq(group, first)));
        }
    }

    #[test]
    fn duplicates_pair_neither() {
        let got = pair(&[
            c("示例县人民政府", 2020),
            c("示例县人民政府", 2021),
            c("示例县政府", 2021),
            c("示例县人民政府", 2022),
        ]);
        assert_eq!(
            got,
            vec![
                Err(Unpaired::NotFound),
                Err(Unpaired::Duplicate(vec![1, 2].into())),
                Err(Unpaired::Duplicate(vec![1, 2].into())),
                Err(Unpaired::PreviousDuplicate(vec![1, 2])),
            ]
        );
    }

    #[test]
    fn a_county_renamed_a_district_pairs_only_when_clear() {
        // 撤县设区: the county's last report, the district's first.
        let got = pair(&[c("民和县人民政府", 2020), c("海东市民和区人民政府", 2021)]);
        assert_eq!(got[1], Err(Unpaired::NotFound), "the city prefix differs");
        let got = pair(&[c("民和县人民政府", 2020), c("民和区人民政府", 2021)]);
        assert_eq!(got[1], ok(0, true));
        // Never the other way round.
        let got = pair(&[c("民和区人民政府", 2020), c("民和县人民政府", 2021)]);
        assert_eq!(got[1], Err(Unpaired::NotFound));
        // The county still reports this year: the district is another agency.
        let got = pair(&[
            c("民和县人民政府", 2020),
            c("民和县人民政府", 2021),
            c("民和区人民政府", 2021),
        ]);
        assert_eq!(got[1], ok(0, false));
        assert_eq!(got[2], Err(Unpaired::RenameUnclear(vec![0])));
        // Two counties of the name last year: none.
        let got = pair(&[
            c("民和县人民政府", 2020),
            c("民和县政府", 2020),
            c("民和区人民政府", 2021),
        ]);
        assert_eq!(got[2], Err(Unpaired::RenameUnclear(vec![0, 1])));
        // A stem of one character is not distinctive.
        let got = pair(&[c("某县人民政府", 2020), c("某区人民政府", 2021)]);
        assert_eq!(got[1], Err(Unpaired::NotFound));
    }

    proptest! {
        #[test]
        fn the_key_never_panics_and_is_idempotent(name in "\\PC{0,40}") {
            let key = agency_key(&name);
            prop_assert_eq!(agency_key(&key), key.clone());
            let _ = place(&key);
        }

        #[test]
        fn spaces_and_full_width_forms_do_not_change_the_key(
            name in "[某民和淮安市县区人政府办公室局教育]{1,12}",
        ) {
            let spaced: String = name.chars().flat_map(|c| [c, ' ']).collect();
            prop_assert_eq!(agency_key(&spaced), agency_key(&name));
            prop_assert_eq!(agency_key(&format!("（{name}）")), agency_key(&name));
        }

        #[test]
        fn pairing_never_pairs_a_report_with_itself_or_another_year(
            names in proptest::collection::vec(("[甲乙县区政府]{1,5}", 2019i32..2023), 0..12),
        ) {
            let cands: Vec<_> = names.iter().map(|(n, y)| c(n, *y)).collect();
            for (i, p) in pair(&cands).into_iter().enumerate() {
                if let Ok(p) = p {
                    prop_assert_ne!(p.index, i);
                    prop_assert_eq!(cands[p.index].year, cands[i].year.map(|y| y - 1));
                }
            }
        }
    }
}
