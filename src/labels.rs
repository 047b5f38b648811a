//! The template's labels by canonical key, for hosts that name places in words: the
//! drop-in's panel and the playground's tables (through `labels()` of the WebAssembly
//! build). Built from the template data, so that no host spells a label of its own.

use serde::Serialize;

use crate::model::TableId;
use crate::template::{Version, SECTIONS, T3_COLUMNS, T4_COLUMNS, T4_GROUPS};

/// A key and its label.
#[derive(Debug, Serialize)]
pub struct Named {
    pub key: &'static str,
    pub label: &'static str,
}

/// A row of 表三, under its merged label cell (`（三）不予公开`) if any.
#[derive(Debug, Serialize)]
pub struct RowLabel {
    pub key: &'static str,
    pub label: &'static str,
    pub parent: Option<&'static str>,
}

/// A block of 表二 with its rows and columns.
#[derive(Debug, Serialize)]
pub struct BlockLabels {
    pub key: &'static str,
    pub label: &'static str,
    pub rows: Vec<Named>,
    pub columns: Vec<Named>,
}

/// A cell of 表四: its key (`rv_keep`), group label and column label.
#[derive(Debug, Serialize)]
pub struct T4Cell {
    pub key: &'static str,
    pub group: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct T3Labels {
    pub rows: Vec<RowLabel>,
    pub columns: Vec<Named>,
}

#[derive(Debug, Serialize)]
pub struct T4Labels {
    /// Key prefix without its `_` (`rv`) and label of each group.
    pub groups: Vec<Named>,
    pub cells: Vec<T4Cell>,
}

/// Every label of one template version, in template order.
#[derive(Debug, Serialize)]
pub struct Labels {
    pub template: Version,
    /// `t2`, `t3`, `t4` and the table's name.
    pub tables: Vec<Named>,
    /// `s1` … `s6` and the template's heading.
    pub sections: Vec<Named>,
    pub t2: Vec<BlockLabels>,
    pub t3: T3Labels,
    pub t4: T4Labels,
}

/// The labels of `version`.
pub fn labels(version: Version) -> Labels {
    let def = version.def();
    let named = |key, label| Named { key, label };
    Labels {
        template: version,
        tables: TableId::ALL
            .into_iter()
            .map(|t| named(t.key(), t.label()))
            .collect(),
        sections: SECTIONS.iter().map(|s| named(s.key, s.heading)).collect(),
        t2: def
            .t2
            .iter()
            .map(|b| BlockLabels {
                key: b.key,
                label: b.label,
                rows: b.rows.iter().map(|r| named(r.key, r.label)).collect(),
                columns: b.columns.iter().map(|c| named(c.key, c.label)).collect(),
            })
            .collect(),
        t3: T3Labels {
            rows: def
                .t3_rows()
                .map(|r| RowLabel {
                    key: r.key,
                    label: r.label,
                    parent: r.parent,
                })
                .collect(),
            columns: T3_COLUMNS.iter().map(|c| named(c.key, c.label)).collect(),
        },
        t4: T4Labels {
            groups: T4_GROUPS
                .iter()
                .map(|(prefix, label)| named(prefix.trim_end_matches('_'), label))
                .collect(),
            cells: T4_COLUMNS
                .iter()
                .map(|c| T4Cell {
                    key: c.key,
                    group: T4_GROUPS
                        .iter()
                        .find(|(prefix, _)| c.key.starts_with(prefix))
                        .map_or("", |(_, label)| label),
                    label: c.label,
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_version_is_labelled() {
        for v in Version::ALL {
            let l = labels(v);
            assert_eq!(l.t3.rows.len(), v.def().t3_rows().count());
            assert_eq!(l.t3.columns.len(), 7);
            assert_eq!(l.t4.cells.len(), 15);
            assert!(l.t4.cells.iter().all(|c| !c.group.is_empty()));
            assert_eq!(l.sections.len(), 6);
            assert_eq!(l.t2.len(), v.def().t2.len());
        }
        let v21 = labels(Version::V2021);
        let made = &v21.t2[0].columns[0];
        assert_eq!((made.key, made.label), ("made", "本年制发件数"));
        let r3_1 = v21.t3.rows.iter().find(|r| r.key == "r3_1").unwrap();
        assert_eq!(r3_1.parent, Some("（三）不予公开"));
    }
}
