//! HTML pages (issue 5): the published page of 平潭综合实验区's 2023 report yields what the
//! fixtures README says, read from its `<table>` markup; pages in GBK, hand-written tables
//! with spans and `&nbsp;`, and pages past the bounds.

use nianbao::{check, ingest, Format, InputError, Options};
use serde_json::{json, Value};

/// 表三's column keys in order, from the engine's template data.
fn t3_columns() -> impl Iterator<Item = &'static str> {
    nianbao::template::T3_COLUMNS.iter().map(|c| c.key)
}

fn pingtan() -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/pingtan-2023.html",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).expect("fixture pingtan-2023.html")
}

fn t3_row(j: &Value, key: &str) -> Vec<i64> {
    t3_columns()
        .map(|c| {
            j["report"]["t3"][key][c]
                .as_i64()
                .unwrap_or_else(|| panic!("t3.{key}.{c} = {}", j["report"]["t3"][key][c]))
        })
        .collect()
}

#[test]
fn pingtan_page_yields_the_readme_tables() {
    let bytes = pingtan();
    let ingested = ingest(&bytes).unwrap();
    assert_eq!(ingested.format, Format::Html);
    let result = check(&bytes, &Options::default()).unwrap();
    let j = serde_json::to_value(&result).unwrap();
    assert_eq!(j["report"]["template"], "2021");
    assert_eq!(j["report"]["year"], 2023);
    assert_eq!(
        j["report"]["title"],
        "平潭综合实验区2023年度政府信息公开工作年度报告"
    );

    assert_eq!(t3_row(&j, "new"), [80, 1, 0, 0, 0, 0, 81]);
    assert_eq!(t3_row(&j, "carry_in"), [0; 7]);
    assert_eq!(t3_row(&j, "r1"), [22, 0, 0, 0, 0, 0, 22]);
    assert_eq!(t3_row(&j, "r2"), [19, 1, 0, 0, 0, 0, 20]);
    let np = |keys: &[&str]| -> Vec<i64> { keys.iter().map(|k| t3_row(&j, k)[0]).collect() };
    assert_eq!(
        np(&["r3_1", "r3_2", "r3_3", "r3_4", "r3_5", "r3_6", "r3_7", "r3_8"]),
        [0, 0, 0, 1, 0, 1, 1, 2]
    );
    assert_eq!(np(&["r4_1", "r4_2", "r4_3"]), [31, 0, 0]);
    assert_eq!(
        np(&["r5_1", "r5_2", "r5_3", "r5_4", "r5_5"]),
        [0, 1, 0, 0, 0]
    );
    assert_eq!(np(&["r6_1", "r6_2", "r6_3"]), [1, 0, 1]);
    for k in [
        "r3_1", "r3_2", "r3_3", "r3_4", "r3_5", "r3_6", "r3_7", "r3_8", "r4_1", "r4_2", "r4_3",
        "r5_1", "r5_2", "r5_3", "r5_4", "r5_5", "r6_1", "r6_2", "r6_3",
    ] {
        let row = t3_row(&j, k);
        assert_eq!(&row[1..6], [0; 5], "{k}: other columns 0");
        assert_eq!(row[6], row[0], "{k}: total");
    }
    assert_eq!(t3_row(&j, "r7"), [80, 1, 0, 0, 0, 0, 81]);
    assert_eq!(t3_row(&j, "carry_out"), [0; 7]);

    let t4: Vec<i64> = nianbao::template::T4_COLUMNS
        .iter()
        .map(|c| j["report"]["t4"][c.key].as_i64().unwrap())
        .collect();
    assert_eq!(t4, [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]);

    let t2 = &j["report"]["t2"];
    assert_eq!(
        t2["art20_1"]["regulations"],
        json!({"made": 0, "repealed": 0, "valid": 0})
    );
    assert_eq!(
        t2["art20_1"]["normative"],
        json!({"made": 77, "repealed": 132, "valid": 470})
    );
    assert_eq!(t2["art20_5"]["licensing"]["decisions"], 2629);
    assert_eq!(t2["art20_6"]["punishment"]["decisions"], 1330);
    assert_eq!(t2["art20_6"]["coercion"]["decisions"], 54);
    assert_eq!(t2["art20_8"]["fees"]["amount_wan"], "5949.088667");

    // The six sections, and nothing of the site's chrome (menus, footer) as a section.
    let sections = &j["report"]["sections"];
    for (k, h) in [
        ("s1", "一、总体情况"),
        ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、收到和处理政府信息公开申请情况"),
        ("s4", "四、政府信息公开行政复议、行政诉讼情况"),
        ("s5", "五、存在的主要问题及改进情况"),
        ("s6", "六、其他需要报告的事项"),
    ] {
        assert_eq!(sections[k]["heading"], h);
    }
    let codes: Vec<&str> = result.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.is_empty(), "{codes:?}");
    for chrome in ["省人大", "省政协", "文件下载", "分享到微信", "相关链接"] {
        assert!(!ingested.source.contains(chrome), "chrome read: {chrome}");
    }
}

/// A GBK page declaring its charset reads the same as its UTF-8 original.
#[test]
fn gbk_page_is_decoded_by_its_meta_charset() {
    let utf8 = String::from_utf8(pingtan()).unwrap();
    let gbk_text = utf8
        .replacen("charset=\"utf-8\"", "charset=\"gbk\"", 1)
        .replacen("<meta charset=\"utf-8\"", "<meta charset=\"gbk\"", 1);
    assert!(gbk_text.contains("charset=\"gbk\""));
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&gbk_text);
    assert!(!unmappable);
    let a = check(utf8.as_bytes(), &Options::default()).unwrap();
    let b = check(&gbk, &Options::default()).unwrap();
    assert_eq!(ingest(&gbk).unwrap().encoding, "GBK");
    assert_eq!(
        serde_json::to_value(&a.report).unwrap(),
        serde_json::to_value(&b.report).unwrap()
    );
}

/// A small page: spans expanded, `&nbsp;` around values dropped, values go to their columns
/// (blank `&nbsp;` cells: the unit tests in src/ingest/html/mod.rs).
#[test]
fn hand_written_page_with_spans() {
    let page = "<!DOCTYPE html><html><head><meta charset=utf-8><title>某县2022年度政府信息公开工作年度报告</title></head>\
        <body><div class=menu><a href=/>首页</a><a href=/a>政务公开</a></div>\
        <div class=content><p>四、政府信息公开行政复议、行政诉讼情况</p>\
        <table border=1><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>\
        <tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td>\
        <td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>\
        <tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>\
        <td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>\
        <tr><td>&nbsp;1&nbsp;</td><td>2</td><td>&nbsp;0</td><td>0</td><td>3</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>\
        <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table></div></body></html>";
    let result = check(page.as_bytes(), &Options::default()).unwrap();
    let j = serde_json::to_value(&result).unwrap();
    assert_eq!(j["report"]["year"], 2022);
    let t4 = &j["report"]["t4"];
    assert_eq!(t4["rv_keep"], 1);
    assert_eq!(t4["rv_fix"], 2);
    assert_eq!(t4["rv_other"], 0);
    assert_eq!(t4["rv_total"], 3);
    assert_eq!(t4["ld_total"], 1);
    assert_eq!(t4["lr_total"], 0);
}

#[test]
fn nesting_and_element_count_are_bounded() {
    let deep = format!("<html><body>{}x", "<div>".repeat(100_000));
    let started = std::time::Instant::now();
    let err = ingest(deep.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::TooComplex {
                what: "depth",
                limit: 512
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.code(), "too_large");
    let many = format!("<html><body>{}", "<span>1</span>".repeat(300_000));
    let err = ingest(many.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            InputError::TooComplex {
                what: "elements",
                limit: 200_000
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed().as_secs() < 20);
    // Unclosed `<p>`s do not nest: thousands of them are fine.
    let flat = format!("<html><body>{}", "<p>一段".repeat(10_000));
    assert!(ingest(flat.as_bytes()).is_ok());
}
