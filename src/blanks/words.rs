//! The labels and phrases a line of blank cells is written with, in one language: the
//! template's labels quoted, the phrases of [`crate::finding::BLANKS`] filled.

use super::{Blank, CELLS_NAMED};
use crate::finding::{fill, Lang, Phrase, BLANKS};
use crate::model::TableId;
use crate::template::{self, T2Block, Version, T4_GROUPS};

/// Labels and phrases in one language.
pub(super) struct Words {
    pub lang: Lang,
    pub version: Version,
}

impl Words {
    pub(super) fn fill(&self, phrase: Phrase, n: usize, values: &[(&str, &str)]) -> String {
        fill(phrase.get(self.lang, n), &|name| {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map_or_else(String::new, |(_, v)| v.to_string())
        })
    }

    fn quote(&self, label: &str) -> String {
        match self.lang {
            Lang::Zh => format!("“{label}”"),
            Lang::En => format!("\"{label}\""),
        }
    }

    /// Labels quoted and joined: `“商业企业”“其他”`, `"商业企业", "其他"`; and how many.
    fn quoted(&self, labels: impl Iterator<Item = String>) -> (String, usize) {
        let labels: Vec<String> = labels.map(|l| self.quote(&l)).collect();
        (labels.join(self.lang.say("", ", ")), labels.len())
    }

    /// A phrase over quoted labels: `“商业企业”“其他”列…`, `columns "商业企业", "其他" …`.
    pub(super) fn list(
        &self,
        phrase: Phrase,
        labels: impl Iterator<Item = String>,
        n: &str,
    ) -> String {
        let (labels, count) = self.quoted(labels);
        self.fill(phrase, count, &[("labels", &labels), ("n", n)])
    }

    /// A column's label; in 表二 after its block's (`第二十条第（六）项·本年处理决定数量`).
    pub(super) fn column(&self, table: TableId, block: Option<&T2Block>, column: &str) -> String {
        let label = self.cell_label(table, block.map(|b| b.key), column);
        match block {
            Some(b) => format!("{}·{label}", b.label),
            None => label,
        }
    }

    /// The label of a cell's column, as C003's message names it (`行政复议·总计` in 表四).
    fn cell_label(&self, table: TableId, block: Option<&str>, column: &str) -> String {
        template::column_label(Some(self.version), table.key(), block, column)
            .unwrap_or_else(|| column.to_string())
    }

    pub(super) fn row(&self, table: TableId, block: Option<&str>, row: &str) -> String {
        let label = match table {
            TableId::T4 => T4_GROUPS
                .iter()
                .find(|(p, _)| p.trim_end_matches('_') == row)
                .map(|(_, l)| *l),
            _ => template::row_label(Some(self.version), table.key(), block, row),
        };
        label.unwrap_or(row).to_string()
    }

    /// The other blank cells, a row at a time (a cell with a note on its own), the first
    /// [`CELLS_NAMED`] entries named and the rest counted.
    pub(super) fn cells(&self, table: TableId, cells: &[&Blank]) -> String {
        let mut entries: Vec<Vec<&Blank>> = Vec::new();
        for b in cells {
            match entries.last_mut() {
                Some(e)
                    if b.note.is_none()
                        && e[0].note.is_none()
                        && e[0].row == b.row
                        && e[0].block == b.block =>
                {
                    e.push(b)
                }
                _ => entries.push(vec![*b]),
            }
        }
        let named = entries.len().min(CELLS_NAMED);
        let said: Vec<String> = entries[..named]
            .iter()
            .map(|cells| {
                let first = cells[0];
                let block = first.block.as_deref();
                let labels = cells
                    .iter()
                    .map(|c| self.cell_label(table, block, &c.column));
                let entry = match table {
                    TableId::T4 => self.list(BLANKS.cells, labels, ""),
                    _ => {
                        let row = self.quote(&self.row(table, block, &first.row));
                        let (labels, n) = self.quoted(labels);
                        self.fill(BLANKS.row_cells, n, &[("row", &row), ("labels", &labels)])
                    }
                };
                format!("{entry}{}", first.note.as_deref().unwrap_or_default())
            })
            .collect();
        let mut text = said.join(self.lang.say("、", "; "));
        let rest: usize = entries[named..].iter().map(Vec::len).sum();
        if rest > 0 {
            text.push_str(self.lang.say("", ", "));
            text.push_str(&self.fill(BLANKS.more, rest, &[("n", &rest.to_string())]));
        }
        text
    }
}
