//! The grouping of blank cells over reports of both versions, and the JSON adapter against
//! the result's over the real reports.

use super::*;
use crate::check::{check_ingested, Options};
use crate::ingest::{Format, Ingested};
use crate::model::{CellValue, Report};
use crate::rules::fixtures::{self, set};
use crate::template::Version::{V2019, V2021};

const ORGANISATIONS: [&str; 5] = ["biz", "research", "ngo", "legal", "org_other"];

fn result(report: Report, lang: Lang) -> CheckResult {
    let ingested = Ingested {
        format: Format::Json,
        report,
        findings: Vec::new(),
        source: String::new(),
        encoding: "UTF-8",
    };
    check_ingested(ingested, &Options { lang })
}

/// The groups of a report, checked that the result's JSON gives the same.
fn groups(report: &Report, lang: Lang) -> Vec<TableBlanks> {
    let r = result(report.clone(), lang);
    let groups = of_result(&r, lang);
    let json = serde_json::to_string(&r).expect("serializes");
    assert_eq!(of_json(&json, lang).expect("reads"), groups);
    groups
}

fn blank(r: &mut Report, table: TableId, block: Option<&str>, row: &str, column: &str) {
    set(r, table, block, row, column, CellValue::Blank);
}

/// Every 法人或其他组织 column blank, as real reports leave it.
fn organisations_blank(version: Version) -> Report {
    let mut r = fixtures::report(version);
    for row in version.def().t3_rows() {
        for column in ORGANISATIONS {
            blank(&mut r, TableId::T3, None, row.key, column);
        }
    }
    r
}

#[test]
fn whole_blank_columns_are_one_line() {
    for (version, rows) in [(V2021, 25), (V2019, 23)] {
        let r = organisations_blank(version);
        let g = groups(&r, Lang::Zh);
        assert_eq!(g.len(), 1);
        let t3 = &g[0];
        assert_eq!((t3.table, t3.count, t3.all), ("t3", rows * 5, false));
        assert_eq!(t3.columns, ORGANISATIONS);
        assert!(t3.rows.is_empty() && t3.cells.is_empty() && t3.blocks.is_empty());
        assert_eq!(t3.findings.len(), rows * 5);
        assert_eq!(
            t3.message,
            format!(
                "申请情况表 {} 个单元格为空：“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”列全部为空（{rows} 行）",
                rows * 5
            )
        );
        let en = &groups(&r, Lang::En)[0];
        assert_eq!(
            en.message,
            format!(
                "Applications table: {} cells are blank: columns \"商业企业\", \"科研机构\", \"社会公益组织\", \"法律服务机构\", \"其他\" in all {rows} rows",
                rows * 5
            )
        );
    }
}

#[test]
fn a_whole_blank_row_and_the_other_cells() {
    // 2019: （六）其他处理 left blank, and two cells of （一）; 2021: the same row group's
    // first row, beside blank columns.
    let mut r = fixtures::report(V2019);
    for c in T3_COLUMNS {
        blank(&mut r, TableId::T3, None, "r6", c.key);
    }
    blank(&mut r, TableId::T3, None, "r1", "np");
    blank(&mut r, TableId::T3, None, "r1", "biz");
    let g = &groups(&r, Lang::Zh)[0];
    assert_eq!(g.rows, ["r6"]);
    assert_eq!(g.cells, ["r1.np", "r1.biz"]);
    assert_eq!(
        g.message,
        "申请情况表 9 个单元格为空：“（六）其他处理”行全部为空（7 列）；另有“（一）予以公开”行“自然人”“商业企业”列"
    );
    let en = &groups(&r, Lang::En)[0];
    assert_eq!(
        en.message,
        "Applications table: 9 cells are blank: row \"（六）其他处理\" in all 7 columns; also row \"（一）予以公开\": columns \"自然人\", \"商业企业\""
    );

    let mut r = organisations_blank(V2021);
    blank(&mut r, TableId::T3, None, "r6_1", "np");
    blank(&mut r, TableId::T3, None, "r6_1", "total");
    let g = &groups(&r, Lang::Zh)[0];
    assert_eq!((g.count, g.columns.len()), (127, 5));
    assert_eq!(g.rows, ["r6_1"]);
    assert!(g.cells.is_empty(), "{:?}", g.cells);
    assert!(
        g.message.ends_with("列全部为空（25 行）；“1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请”行全部为空（7 列）"),
        "{}",
        g.message
    );
}

#[test]
fn scattered_blanks_are_named_by_cell() {
    let mut r = fixtures::report(V2019);
    // A blank total whose row decides it, and a blank addend elsewhere.
    blank(&mut r, TableId::T3, None, "r1", "total");
    blank(&mut r, TableId::T3, None, "r2", "np");
    blank(&mut r, TableId::T3, None, "r2", "legal");
    blank(&mut r, TableId::T4, None, "rv", "rv_keep");
    blank(&mut r, TableId::T4, None, "lr", "lr_total");
    blank(&mut r, TableId::T2, Some("art20_6"), "punishment", "delta");
    let g = groups(&r, Lang::Zh);
    assert_eq!(g.len(), 2, "表二's one blank cell is left to its finding");
    let (t3, t4) = (&g[0], &g[1]);
    assert_eq!(t3.cells, ["r1.total", "r2.np", "r2.legal"]);
    assert_eq!(
        t3.message,
        "申请情况表 3 个单元格为空：“（一）予以公开”行“总计”列（按合计应为 6）、“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“自然人”“法律服务机构”列"
    );
    assert_eq!(t4.cells, ["rv_keep", "lr_total"]);
    assert!(t4.rows.is_empty());
    assert_eq!(
        t4.message,
        "行政复议、行政诉讼情况表 2 个单元格为空：“行政复议·结果维持”列、“行政诉讼（复议后起诉）·总计”列（按合计应为 1）"
    );
    let en = groups(&r, Lang::En);
    assert_eq!(
        en[1].message,
        "Review and litigation table: 2 cells are blank: column \"行政复议·结果维持\"; column \"行政诉讼（复议后起诉）·总计\" (the sum implies 1)"
    );
}

#[test]
fn many_scattered_cells_are_counted_past_the_first() {
    let mut r = fixtures::report(V2021);
    let rows: Vec<_> = V2021.def().t3_rows().map(|r| r.key).collect();
    for row in &rows[..14] {
        blank(&mut r, TableId::T3, None, row, "np");
    }
    let g = &groups(&r, Lang::Zh)[0];
    assert_eq!(g.cells.len(), 14);
    assert!(g.message.ends_with("及另外 4 个单元格"), "{}", g.message);
    assert_eq!(g.message.matches("“自然人”列").count(), CELLS_NAMED);
    let en = &groups(&r, Lang::En)[0];
    assert!(en.message.ends_with(", and 4 more cells"), "{}", en.message);
}

#[test]
fn blocks_columns_and_groups_wholly_blank() {
    let mut r = fixtures::report(V2019);
    // 表二: block （一） wholly blank, the 本年增/减 column of （六） blank in both rows,
    // and one cell of （九）.
    for row in ["regulations", "normative"] {
        for column in ["made", "published", "total_public"] {
            blank(&mut r, TableId::T2, Some("art20_1"), row, column);
        }
    }
    for row in ["punishment", "coercion"] {
        blank(&mut r, TableId::T2, Some("art20_6"), row, "delta");
    }
    blank(
        &mut r,
        TableId::T2,
        Some("art20_9"),
        "central_procurement",
        "projects",
    );
    // 表四: a whole group.
    for c in T4_COLUMNS.iter().filter(|c| c.key.starts_with("ld_")) {
        blank(&mut r, TableId::T4, None, "ld", c.key);
    }
    let g = groups(&r, Lang::Zh);
    let (t2, t4) = (&g[0], &g[1]);
    assert_eq!(t2.blocks, ["art20_1"]);
    assert_eq!(t2.columns, ["art20_6.delta"]);
    assert_eq!(t2.cells, ["art20_9.central_procurement.projects"]);
    assert_eq!(
        t2.message,
        "主动公开情况表 9 个单元格为空：第二十条第（一）项全部为空（6 个单元格）；“第二十条第（六）项·本年增/减”列全部为空（2 行）；另有“政府集中采购”行“采购项目数量”列"
    );
    assert_eq!(t4.rows, ["ld"]);
    assert_eq!(
        t4.message,
        "行政复议、行政诉讼情况表 5 个单元格为空：“行政诉讼（未经复议直接起诉）”全部为空（5 列）"
    );
}

#[test]
fn a_table_wholly_blank() {
    for version in [V2019, V2021] {
        let mut r = fixtures::report(version);
        let t3 = r.t3.as_mut().expect("表三");
        for cell in t3.rows.iter_mut().flat_map(|row| &mut row.cells) {
            cell.value = CellValue::Blank;
        }
        let g = &groups(&r, Lang::Zh)[0];
        let n = version.def().t3_rows().count() * 7;
        assert!(g.all && g.columns.is_empty() && g.rows.is_empty());
        assert_eq!(g.message, format!("申请情况表全部 {n} 个单元格为空"));
        assert_eq!(
            groups(&r, Lang::En)[0].message,
            format!("Applications table: all {n} cells are blank")
        );
    }
}

#[test]
fn no_blanks_or_one_give_no_line() {
    for version in [V2019, V2021] {
        let mut r = fixtures::report(version);
        assert_eq!(groups(&r, Lang::Zh), []);
        blank(&mut r, TableId::T3, None, "r1", "np");
        assert_eq!(
            groups(&r, Lang::Zh),
            [],
            "a lone blank cell keeps its finding"
        );
    }
}

#[test]
fn the_line_stands_where_the_first_blank_stood() {
    let r = result(organisations_blank(V2021), Lang::Zh);
    let g = of_result(&r, Lang::Zh);
    let shown = shown(&r.findings, &g);
    let at = r.findings.iter().position(|f| f.code == Code::C003);
    let others = r.findings.iter().filter(|f| f.code != Code::C003).count();
    assert_eq!(shown.len(), others + 1);
    assert_eq!(shown[at.expect("a C003")], Shown::Blanks(&g[0]));
    assert!(shown
        .iter()
        .all(|s| !matches!(s, Shown::Finding(f) if f.code == Code::C003)));
}

/// The real reports: the result's JSON, as the browser holds it, gives what the result
/// gives.
#[test]
fn the_json_of_every_fixture_groups_as_its_result() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files = [
        "examples/minhe-2020.txt",
        "examples/blank-columns-2021.txt",
        "tests/fixtures/template-2021.docx",
        "tests/fixtures/huaian-2024.txt",
        "tests/fixtures/pingtan-2023.html",
    ];
    for file in files {
        let bytes = std::fs::read(format!("{root}/{file}")).expect("fixture");
        for lang in [Lang::Zh, Lang::En] {
            let r = crate::check(&bytes, &Options { lang }).expect("readable");
            let json = serde_json::to_string(&r).expect("serializes");
            assert_eq!(
                of_json(&json, lang).expect("reads"),
                of_result(&r, lang),
                "{file}"
            );
        }
    }
}
