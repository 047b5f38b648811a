//! N001 (figures of the prose against the tables) on generated reports: prose that states
//! the tables' figures, in varied wording, raises no N001; one stated figure changed
//! raises exactly one, naming that figure's cells; an approximate word on the changed
//! figure raises none; and the generated reports' tables, however laid out and damaged,
//! never read as prose figures that contradict them.

mod generate;

use generate::{consistent, render, Damage, Layout, Rng};
use nianbao::template::Version;
use nianbao::{check, Options};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A fact of the tables the prose may state: its phrase (`{}` is the figure), the cells
/// that give it (added) and the section it is said in.
struct Fact {
    phrase: &'static str,
    cells: &'static [&'static str],
    section: &'static str,
}

const FACTS: &[Fact] = &[
    Fact {
        phrase: "全年新收政府信息公开申请{}",
        cells: &["t3.new.total"],
        section: "s3",
    },
    Fact {
        phrase: "本年度新收申请数量为{}",
        cells: &["t3.new.total"],
        section: "s3",
    },
    Fact {
        phrase: "办结{}",
        cells: &["t3.r7.total"],
        section: "s3",
    },
    Fact {
        phrase: "共答复政府信息公开申请{}",
        cells: &["t3.r7.total"],
        section: "s3",
    },
    Fact {
        phrase: "其中予以公开{}",
        cells: &["t3.r1.total"],
        section: "s3",
    },
    Fact {
        phrase: "部分公开{}",
        cells: &["t3.r2.total"],
        section: "s3",
    },
    Fact {
        phrase: "上年结转{}",
        cells: &["t3.carry_in.total"],
        section: "s3",
    },
    Fact {
        phrase: "结转下年度继续办理{}",
        cells: &["t3.carry_out.total"],
        section: "s3",
    },
    Fact {
        phrase: "本年度发生政府信息公开行政复议{}",
        cells: &["t4.rv_total"],
        section: "s4",
    },
    Fact {
        phrase: "其中结果维持{}",
        cells: &["t4.rv_keep"],
        section: "s4",
    },
    Fact {
        phrase: "尚未审结{}",
        cells: &["t4.rv_pending"],
        section: "s4",
    },
    Fact {
        phrase: "被提起行政诉讼{}",
        cells: &["t4.ld_total", "t4.lr_total"],
        section: "s4",
    },
    Fact {
        phrase: "其中未经复议直接起诉{}",
        cells: &["t4.ld_total"],
        section: "s4",
    },
    Fact {
        phrase: "复议后起诉{}",
        cells: &["t4.lr_total"],
        section: "s4",
    },
];

/// How params name a cell (`r7.total`, `rv_keep`).
fn param_name(cell: &str) -> &str {
    cell.split_once('.').map_or(cell, |(_, rest)| rest)
}

fn value_of(report: &Value, cell: &str) -> i64 {
    let mut v = report;
    let (table, rest) = cell.split_once('.').unwrap();
    v = &v[table];
    match table {
        "t3" => {
            let (row, col) = rest.split_once('.').unwrap();
            v[row][col].as_i64().unwrap()
        }
        _ => v[rest].as_i64().unwrap(),
    }
}

/// A count in Chinese numerals, as offices write them: 十五, 一百零二, 两千零三十.
fn chinese(n: i64) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    if n == 0 {
        return "〇".into();
    }
    fn below_wan(n: i64, leading: bool) -> String {
        let mut out = String::new();
        let mut zero = false;
        for (unit, name) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
            let d = (n / unit) % 10;
            if d == 0 {
                zero = !out.is_empty();
                continue;
            }
            if zero {
                out.push('零');
                zero = false;
            }
            let ten_alone = unit == 10 && d == 1 && out.is_empty() && leading;
            if !ten_alone {
                out.push_str(D[d as usize]);
            }
            out.push_str(name);
        }
        out
    }
    if n >= 10_000 {
        let rest = n % 10_000;
        let mut s = below_wan(n / 10_000, true) + "万";
        if rest > 0 {
            if rest < 1000 {
                s.push('零');
            }
            s.push_str(&below_wan(rest, false));
        }
        s
    } else {
        below_wan(n, true)
    }
}

/// A figure as a sentence may write it: Arabic or Chinese, with or without 件, or with
/// a thousands separator.
fn written(n: i64, style: u8) -> String {
    match style % 5 {
        0 => format!("{n}件"),
        1 => format!(" {n} 件"),
        2 => format!("{n}"),
        3 if n >= 1000 => format!("{},{:03}件", n / 1000, n % 1000),
        3 => format!("{n}件"),
        _ => format!("{}件", chinese(n)),
    }
}

/// The prose of sections 三 and 四 stating `facts` (index into [`FACTS`], figure, style,
/// approximate word).
fn prose(stated: &[(usize, i64, u8, Option<&str>)]) -> (String, String) {
    let mut s3 = Vec::new();
    let mut s4 = Vec::new();
    for &(i, n, style, approx) in stated {
        let f = &FACTS[i];
        let mut figure = written(n, style);
        if let Some(w) = approx {
            figure = match w {
                "约" | "近" | "超过" => format!("{w}{figure}"),
                "左右" => format!("{n}件左右"),
                _ => format!("{n}{w}件"),
            };
        }
        let clause = f.phrase.replace("{}", &figure);
        if f.section == "s3" {
            s3.push(clause);
        } else {
            s4.push(clause);
        }
    }
    (s3.join("，") + "。", s4.join("，") + "。")
}

fn with_prose(mut report: Value, s3: &str, s4: &str) -> Value {
    report["sections"] = json!({
        "s1": {"text": "本机关认真落实政府信息公开条例。"},
        "s3": {"text": s3},
        "s4": {"text": s4},
    });
    report
}

fn n001(input: &[u8]) -> Vec<Value> {
    let result = check(input, &Options::default()).unwrap();
    let j = serde_json::to_value(result).unwrap();
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "N001")
        .cloned()
        .collect()
}

/// Facts in an order a report could use: the 表三 ones, then 表四's groups each with
/// their own outcomes after them.
fn facts(pick: &[bool]) -> Vec<usize> {
    let mut out: Vec<usize> = (0..FACTS.len()).filter(|&i| pick[i % pick.len()]).collect();
    // An outcome needs its group said before it; the lawsuit groups theirs.
    if out.iter().any(|&i| matches!(i, 9 | 10)) && !out.contains(&8) {
        out.push(8);
    }
    out.sort();
    // One of the two ways to say 新收 and 办结.
    out.dedup_by(|b, a| (*a == 0 && *b == 1) || (*a == 2 && *b == 3));
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(2026),
        ..Default::default()
    })]

    /// The figures the tables hold, stated in any wording: no N001. One changed: exactly
    /// one, naming its cells. With an approximate word: none.
    #[test]
    fn stated_figures_against_the_tables(
        seed in any::<u64>(),
        v2021 in any::<bool>(),
        pick in prop::collection::vec(any::<bool>(), 14),
        styles in prop::collection::vec(any::<u8>(), 14),
        wrong in any::<prop::sample::Index>(),
        delta in 1i64..5,
        approx in 0usize..6,
        as_text in any::<bool>(),
    ) {
        let mut rng = Rng::new(seed);
        let version = if v2021 { Version::V2021 } else { Version::V2019 };
        let report = consistent(&mut rng, version);
        let chosen = facts(&pick);
        prop_assume!(!chosen.is_empty());
        let value = |i: usize| FACTS[i].cells.iter().map(|c| value_of(&report, c)).sum::<i64>();
        let right: Vec<_> = chosen.iter().map(|&i| (i, value(i), styles[i], None)).collect();
        let input = |stated: &[(usize, i64, u8, Option<&str>)]| -> Vec<u8> {
            let (s3, s4) = prose(stated);
            if as_text {
                // The same prose in a text, in section 一 (a line of section 四 that
                // names 行政诉讼 is read as the start of its table), saying its subject.
                let mut r = Rng::new(seed);
                let text = render(&report, Layout::RowSpaces, &Damage::default(), &mut r).text;
                let s1 = format!("政府信息公开申请方面，{s3}\n政府信息公开行政复议和行政诉讼方面，{s4}");
                text.replace("本机关总体情况的情况说明如下，详见下表。", &s1).into_bytes()
            } else {
                serde_json::to_vec(&with_prose(report.clone(), &s3, &s4)).unwrap()
            }
        };
        let found = n001(&input(&right));
        prop_assert!(found.is_empty(), "{found:?}\n{}", String::from_utf8_lossy(&input(&right)));

        let k = wrong.index(right.len());
        let mut changed = right.clone();
        changed[k].1 += delta;
        let found = n001(&input(&changed));
        prop_assert_eq!(found.len(), 1, "{:?}\n{}", found, String::from_utf8_lossy(&input(&changed)));
        let cells: Vec<&str> = FACTS[changed[k].0].cells.iter().map(|c| param_name(c)).collect();
        prop_assert_eq!(&found[0]["params"]["cells"], &json!(cells));
        prop_assert_eq!(&found[0]["params"]["stated"], &json!(changed[k].1));

        let words = ["约", "近", "超过", "余", "多", "左右"];
        changed[k].3 = Some(words[approx]);
        let found = n001(&input(&changed));
        prop_assert!(found.is_empty(), "{found:?}");
    }

    /// Generated reports (no figures in their prose) in every layout, with the damage real
    /// tools add: the tables' values never read as a contradicting figure of the prose.
    #[test]
    fn tables_are_not_prose(
        seed in any::<u64>(),
        layout in 0..Layout::ALL.len(),
        clean in any::<bool>(),
        v2021 in any::<bool>(),
    ) {
        let mut rng = Rng::new(seed);
        let version = if v2021 { Version::V2021 } else { Version::V2019 };
        let report = consistent(&mut rng, version);
        let damage = Damage::random(&mut rng, clean);
        let text = render(&report, Layout::ALL[layout], &damage, &mut rng).text;
        let found = n001(text.as_bytes());
        prop_assert!(found.is_empty(), "{found:?}\n{text}");
    }
}

#[test]
fn chinese_numerals_of_the_generator() {
    let cases = [
        (10, "十"),
        (15, "十五"),
        (102, "一百零二"),
        (110, "一百一十"),
        (2030, "二千零三十"),
        (12000, "一万二千"),
        (10002, "一万零二"),
        (0, "〇"),
    ];
    for (n, s) in cases {
        assert_eq!(chinese(n), s);
    }
}
