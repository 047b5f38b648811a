//! The two State Council templates as data: section headings, the labels and keys of
//! 表二, 表三 and 表四, and the markers that tell the versions apart (FORMAT.md §4–§7, §11).
//! Nothing outside this module spells a template label.

mod common;
mod v2019;
mod v2021;

use serde::{Deserialize, Serialize};

pub use common::{
    SECTIONS, T3_APPLICANTS, T3_COLUMNS, T3_NOTE, T3_NOTE_MARK, T3_ORGANISATIONS, T3_RESULTS_GROUP,
    T4_COLUMNS, T4_GROUPS,
};

/// The template version a report follows (`"2019"` or `"2021"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Version {
    /// 国办公开办函〔2019〕60号, reports for 2019–2020.
    #[serde(rename = "2019")]
    V2019,
    /// 国办公开办函〔2021〕30号, reports for 2021 on.
    #[serde(rename = "2021")]
    V2021,
}

impl Version {
    pub const ALL: [Version; 2] = [Version::V2019, Version::V2021];

    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2019 => "2019",
            Version::V2021 => "2021",
        }
    }

    /// The version a report of this year must use (FORMAT.md §7); `None` before 2019.
    pub fn expected_for_year(year: i32) -> Option<Version> {
        match year {
            2019 | 2020 => Some(Version::V2019),
            y if y >= 2021 => Some(Version::V2021),
            _ => None,
        }
    }

    /// The version a report's tables are read with: its template, else the one its year
    /// calls for, else 2021.
    pub fn reading(template: Option<Version>, year: Option<i32>) -> Version {
        template
            .or_else(|| year.and_then(Version::expected_for_year))
            .unwrap_or(Version::V2021)
    }

    pub const fn def(self) -> &'static TemplateDef {
        match self {
            Version::V2019 => &v2019::TEMPLATE,
            Version::V2021 => &v2021::TEMPLATE,
        }
    }
}

impl schemars::JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Template version: \"2019\" (国办公开办函〔2019〕60号) or \"2021\" (国办公开办函〔2021〕30号).",
            "type": "string",
            "enum": ["2019", "2021"]
        })
    }
}

/// One of the six required sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionDef {
    /// `s1` … `s6`.
    pub key: &'static str,
    /// The heading as the template writes it, numeral included.
    pub heading: &'static str,
    /// Words that identify the section when a report rewords or renumbers it.
    pub keywords: &'static [&'static str],
    /// Rewordings seen in real reports (FORMAT.md §2), numeral included.
    pub variants: &'static [&'static str],
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A count (件, 项): an integer ≥ 0.
    Count,
    /// A signed count (本年增/减).
    SignedCount,
    /// An amount in 万元 fixed by the header (2021 本年收费金额).
    MoneyWan,
    /// An amount whose unit must be written in the cell (2019 采购总金额).
    MoneyUnitInCell,
}

impl ColumnKind {
    pub fn is_money(self) -> bool {
        matches!(self, ColumnKind::MoneyWan | ColumnKind::MoneyUnitInCell)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: ColumnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowDef {
    pub key: &'static str,
    pub label: &'static str,
    /// The merged label cell above the row (`（三）不予公开`), if any.
    pub parent: Option<&'static str>,
}

/// A block of 表二 (第二十条第（一）项 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct T2Block {
    pub key: &'static str,
    pub label: &'static str,
    pub columns: &'static [ColumnDef],
    pub rows: &'static [RowDef],
}

/// A row a report of a version may hold in place of some of the version's own rows, as
/// the other version writes them: 2021 reports that keep 2019's single （六）其他处理 row
/// (C009).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandIn {
    pub row: RowDef,
    /// The rows of this version it stands in for.
    pub replaces: &'static [&'static str],
}

/// Everything that differs between the two versions.
#[derive(Debug)]
pub struct TemplateDef {
    pub version: Version,
    /// The notice that issued the template.
    pub doc: &'static str,
    pub t2: &'static [T2Block],
    /// 表三 result rows (三、本年度办理结果) specific to this version, after （五）.
    pub t3_results_extra: &'static [RowDef],
    /// 表三 rows that may stand in for some of this version's (see [`StandIn`]).
    pub t3_stand_ins: &'static [StandIn],
    /// Labels whose presence marks this version (FORMAT.md §7).
    pub markers: &'static [&'static str],
}

impl TemplateDef {
    /// Every 表三 row in order.
    pub fn t3_rows(&self) -> impl Iterator<Item = &'static RowDef> + Clone {
        self.t3_parts().into_iter().flatten()
    }

    /// [`Self::t3_rows`] in its parts, in order (for `const fn`s, which cannot chain them).
    pub const fn t3_parts(&self) -> [&'static [RowDef]; 4] {
        [
            &common::T3_HEAD,
            &common::T3_RESULTS,
            self.t3_results_extra,
            &common::T3_TAIL,
        ]
    }

    /// The result rows whose sum is （七）总计 (RES_v of FORMAT.md §6).
    pub fn t3_results(&self) -> impl Iterator<Item = &'static RowDef> + Clone {
        common::T3_RESULTS
            .iter()
            .chain(self.t3_results_extra.iter())
    }

    /// A 表三 row of this version, or a row that may stand in for some of them.
    pub fn t3_row(&self, key: &str) -> Option<&'static RowDef> {
        self.t3_rows()
            .chain(self.t3_stand_ins.iter().map(|s| &s.row))
            .find(|r| r.key == key)
    }

    /// The stand-ins a table holds (`has`: whether it holds a row) in place of the rows
    /// they replace: held, with none of the rows they replace.
    fn stand_ins_in<'a>(
        &self,
        has: &'a dyn Fn(&str) -> bool,
    ) -> impl Iterator<Item = &'static StandIn> + 'a {
        self.t3_stand_ins
            .iter()
            .filter(move |s| has(s.row.key) && !s.replaces.iter().any(|r| has(r)))
    }

    /// [`Self::t3_rows`] for a table that holds the rows `has` says: a stand-in it holds
    /// in place of the rows it replaces.
    pub fn t3_rows_given(&self, has: &dyn Fn(&str) -> bool) -> Vec<&'static RowDef> {
        Self::with_stand_ins(self.t3_rows(), self.stand_ins_in(has).collect())
    }

    /// [`Self::t3_results`] for a table that holds the rows `has` says.
    pub fn t3_results_given(&self, has: &dyn Fn(&str) -> bool) -> Vec<&'static RowDef> {
        Self::with_stand_ins(self.t3_results(), self.stand_ins_in(has).collect())
    }

    fn with_stand_ins(
        rows: impl Iterator<Item = &'static RowDef>,
        stand_ins: Vec<&'static StandIn>,
    ) -> Vec<&'static RowDef> {
        let mut out = Vec::new();
        for r in rows {
            match stand_ins.iter().find(|s| s.replaces.contains(&r.key)) {
                Some(s) if s.replaces.first() == Some(&r.key) => out.push(&s.row),
                Some(_) => {}
                None => out.push(r),
            }
        }
        out
    }

    pub fn t2_block(&self, key: &str) -> Option<&'static T2Block> {
        self.t2.iter().find(|b| b.key == key)
    }
}

pub fn t3_column(key: &str) -> Option<&'static ColumnDef> {
    T3_COLUMNS.iter().find(|c| c.key == key)
}

pub fn t4_column(key: &str) -> Option<&'static ColumnDef> {
    T4_COLUMNS.iter().find(|c| c.key == key)
}

pub fn section(key: &str) -> Option<&'static SectionDef> {
    SECTIONS.iter().find(|s| s.key == key)
}

/// The label of a cell's column for messages: `自然人`, `行政复议·总计`, `规章·本年新公开数量`.
/// Labels are looked up in `version` first (表二's keys are shared, its labels are not).
pub fn column_label(
    version: Option<Version>,
    table: &str,
    block: Option<&str>,
    column: &str,
) -> Option<String> {
    match table {
        "t3" => t3_column(column).map(|c| c.label.to_string()),
        "t4" => T4_GROUPS.iter().find_map(|(prefix, group)| {
            column
                .strip_prefix(prefix)
                .and_then(|_| t4_column(column))
                .map(|c| format!("{group}·{}", c.label))
        }),
        "t2" => versions_from(version).find_map(|v| {
            let b = v.def().t2_block(block?)?;
            b.columns
                .iter()
                .find(|c| c.key == column)
                .map(|c| c.label.to_string())
        }),
        _ => None,
    }
}

/// Both versions, `first` (if any) first.
fn versions_from(first: Option<Version>) -> impl Iterator<Item = Version> {
    let mut all = Version::ALL;
    if first == Some(Version::V2021) {
        all.reverse();
    }
    all.into_iter()
}

/// The label of a row for messages, looked up in `version` first.
pub fn row_label(
    version: Option<Version>,
    table: &str,
    block: Option<&str>,
    row: &str,
) -> Option<&'static str> {
    versions_from(version).find_map(|v| match table {
        "t3" => v.def().t3_row(row).map(|r| r.label),
        "t2" => v
            .def()
            .t2_block(block?)?
            .rows
            .iter()
            .find(|r| r.key == row)
            .map(|r| r.label),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_counts_match_the_templates() {
        assert_eq!(Version::V2019.def().t3_rows().count(), 23);
        assert_eq!(Version::V2021.def().t3_rows().count(), 25);
        assert_eq!(Version::V2019.def().t3_results().count(), 19);
        assert_eq!(Version::V2021.def().t3_results().count(), 21);
    }

    #[test]
    fn keys_are_unique_within_a_version() {
        for v in Version::ALL {
            let mut keys: Vec<_> = v.def().t3_rows().map(|r| r.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), v.def().t3_rows().count());
        }
    }

    #[test]
    fn labels_for_messages() {
        assert_eq!(
            column_label(None, "t3", None, "np").as_deref(),
            Some("自然人")
        );
        assert_eq!(
            column_label(None, "t4", None, "ld_total").as_deref(),
            Some("行政诉讼（未经复议直接起诉）·总计")
        );
        assert_eq!(row_label(None, "t3", None, "r7"), Some("（七）总计"));
        let v21 = Some(Version::V2021);
        assert_eq!(
            column_label(v21, "t2", Some("art20_1"), "made").as_deref(),
            Some("本年制发件数")
        );
        assert_eq!(
            column_label(Some(Version::V2019), "t2", Some("art20_1"), "made").as_deref(),
            Some("本年新制作数量")
        );
        assert_eq!(
            row_label(v21, "t2", Some("art20_1"), "normative"),
            Some("行政规范性文件")
        );
        assert_eq!(
            row_label(None, "t3", None, "r6_2").map(|l| l.starts_with("2.")),
            Some(true)
        );
    }
}
