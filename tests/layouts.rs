//! Extraction damage on a real report: variants of `tests/fixtures/huaian-2024.txt`
//! (pdftotext -layout) with one line changed the way real extractions change it — cells
//! run together, a label glued to its values, a blank cell — and what each must yield.

use nianbao::{check, Options};
use serde_json::Value;

fn huaian() -> String {
    let path = format!(
        "{}/tests/fixtures/huaian-2024.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).expect("fixture")
}

/// The huaian report with line `no` (1-based) replaced.
fn with_line(no: usize, text: &str) -> Value {
    let src = huaian();
    let mut lines: Vec<&str> = src.split('\n').collect();
    lines[no - 1] = text;
    let result = check(lines.join("\n").as_bytes(), &Options::default()).unwrap();
    serde_json::to_value(result).unwrap()
}

fn codes(j: &Value) -> Vec<String> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn of<'a>(j: &'a Value, code: &str) -> Vec<&'a Value> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn t3(j: &Value, row: &str) -> Vec<Value> {
    nianbao::template::T3_COLUMNS
        .iter()
        .map(|c| c.key)
        .map(|c| j["report"]["t3"][row][c].clone())
        .collect()
}

#[test]
fn the_unchanged_report_has_no_damage_findings() {
    let j = with_line(1, "            淮安市人民政府");
    let c = codes(&j);
    assert!(
        !c.iter()
            .any(|c| c.starts_with('A') || c.starts_with('C') || c == "F005"),
        "{c:?}"
    );
}

/// `340 000034`: one reading of seven numbers satisfies the row's total.
#[test]
fn cells_run_together_are_split_when_one_reading_holds() {
    let j = with_line(
        125,
        "二、上年结转政府信息公开申请数量                340 000034",
    );
    assert_eq!(
        t3(&j, "carry_in"),
        serde_json::json!([34, 0, 0, 0, 0, 0, 34])
            .as_array()
            .unwrap()
            .clone()
    );
    let f005 = of(&j, "F005");
    assert_eq!(f005.len(), 1, "{:?}", codes(&j));
    assert_eq!(f005[0]["params"]["values"], "34 0 0 0 0 0 34");
    assert_eq!(f005[0]["location"]["row"], "carry_in");
    assert!(!codes(&j).iter().any(|c| c.starts_with('A') || c == "C006"));
}

/// `500000   5` in a space-aligned layout: position alone would put 500000 under 自然人;
/// the row's arithmetic allows only 5 0 0 0 0 0 | 5.
#[test]
fn a_run_placed_by_position_is_split_when_its_row_does_not_add_up() {
    let j = with_line(
        140,
        "             3.危及“三安全一稳定”        500000                      5",
    );
    assert_eq!(
        t3(&j, "r3_3"),
        serde_json::json!([5, 0, 0, 0, 0, 0, 5])
            .as_array()
            .unwrap()
            .clone()
    );
    assert_eq!(of(&j, "F005").len(), 1);
}

/// `行政规范性文件82666`: the three columns of 表二 have no sum to decide between readings,
/// so the row is unreadable — never guessed.
#[test]
fn an_ambiguous_run_is_unreadable() {
    let j = with_line(74, "行政规范性文件82666");
    let c006 = of(&j, "C006");
    assert_eq!(c006.len(), 1, "{:?}", codes(&j));
    assert_eq!(c006[0]["location"]["row"], "normative");
    assert_eq!(c006[0]["location"]["block"], "art20_1");
    let row = &j["report"]["t2"]["art20_1"]["normative"];
    assert!(row["made"].is_null() && row["repealed"].is_null() && row["valid"].is_null());
}

/// A blank cell in a space-aligned row stays blank (placed by the columns of full rows),
/// and the one cell that balances both failing sums is named with its value.
#[test]
fn a_blank_cell_is_placed_by_position_and_named_as_the_suspect() {
    let j = with_line(
        130,
        "                                447                  0        0        0    0   454",
    );
    assert_eq!(t3(&j, "r2")[1], Value::Null);
    assert_eq!(t3(&j, "r2")[0], 447);
    assert_eq!(t3(&j, "r2")[6], 454);
    let c003 = of(&j, "C003");
    assert_eq!(c003.len(), 1);
    assert_eq!(c003[0]["location"]["column"], "biz");
    assert_eq!(c003[0]["location"]["line"], 130);
    let a002 = of(&j, "A002");
    assert_eq!(a002.len(), 1);
    assert_eq!(
        a002[0]["params"]["blank_as_zero"],
        serde_json::json!(["r2.biz"])
    );
    let suspect = &a002[0]["params"]["suspect"];
    assert_eq!(suspect["row"], "r2");
    assert_eq!(suspect["column"], "biz");
    assert_eq!(suspect["value"], 7);
    let a003 = of(&j, "A003");
    assert_eq!(a003.len(), 1);
    assert_eq!(a003[0]["params"]["suspect"], *suspect);
}

/// Values that do not fit their columns are never shifted: too many values → C006.
#[test]
fn too_many_values_are_unreadable() {
    let j = with_line(
        140,
        "             3.危及“三安全一稳定”        5    0    0    0    0    0    0    5",
    );
    let c006 = of(&j, "C006");
    assert_eq!(c006.len(), 1);
    assert_eq!(c006[0]["location"]["row"], "r3_3");
    assert_eq!(c006[0]["params"]["found"], 8);
    assert!(t3(&j, "r3_3").iter().all(Value::is_null));
}

/// One cell per line (an HTML table flattened to text, N18): every cell of the layout
/// text on a line of its own gives the same tables and no finding.
#[test]
fn one_cell_per_line_gives_the_same_tables() {
    let flat: Vec<String> = huaian()
        .split('\n')
        .flat_map(|line| {
            let cells: Vec<String> = line
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            if cells.is_empty() {
                vec![String::new()]
            } else {
                cells
            }
        })
        .collect();
    let flat = check(flat.join("\n").as_bytes(), &Options::default()).unwrap();
    let layout = check(huaian().as_bytes(), &Options::default()).unwrap();
    let tables = |r: &nianbao::CheckResult| {
        serde_json::to_string(&(&r.report.t2, &r.report.t3, &r.report.t4)).unwrap()
    };
    assert_eq!(tables(&flat), tables(&layout));
    assert!(flat.findings.is_empty(), "{:?}", flat.findings);
}

/// A row that is none of the template's (a converter's subtotal, a provincial extra row)
/// is reported with its values (C008), and the template's rows are read as before.
#[test]
fn rows_outside_the_template_are_reported_not_dropped() {
    let src = huaian();
    let mut lines: Vec<&str> = src.split('\n').collect();
    // After 表二's 行政规范性文件 (line 74) and after 表三's （二）部分公开 (line 130).
    lines.insert(130, "      其中：依申请公开小计                447         7        0        0        0    0   454");
    lines.insert(74, "其他主动公开文件       5          0       12");
    let result = check(lines.join("\n").as_bytes(), &Options::default()).unwrap();
    let j = serde_json::to_value(&result).unwrap();
    let c008 = of(&j, "C008");
    assert_eq!(c008.len(), 2, "{:?}", codes(&j));
    assert_eq!(c008[0]["location"]["table"], "t2");
    assert_eq!(c008[0]["params"]["values"], "5 0 12");
    assert_eq!(c008[1]["location"]["table"], "t3");
    assert!(c008[1]["params"]["found"]
        .as_str()
        .unwrap()
        .contains("依申请公开小计"));
    assert_eq!(c008[1]["params"]["count"], 7);
    assert_eq!(t3(&j, "r2")[0], 447);
    assert_eq!(t3(&j, "r3_1")[0], 2);
    assert!(
        !codes(&j).iter().any(|c| c.starts_with('A')),
        "{:?}",
        codes(&j)
    );
}
