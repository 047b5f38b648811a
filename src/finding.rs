//! Finding codes, defined once each: severity, Chinese and English message templates and
//! the doc text that `nianbao rules` and the README's rules page are generated from; and
//! the [`Finding`] a rule reports, with its params and location.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{Place, TableId};
use crate::template::{self, Version};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The Chinese or the English of a phrase (hosts' own words: help, summaries, errors).
    pub fn say<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The definition of one finding code.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    pub code: &'static str,
    pub severity: Severity,
    /// The FORMAT.md rule id behind it (`O1`, `I2`, `N8`), if any.
    pub rule: Option<&'static str>,
    /// A one-line summary in English, for tables of codes.
    pub summary: &'static str,
    /// The same summary in Chinese, for summaries and charts shown to offices.
    pub summary_zh: &'static str,
    /// Message templates; `{name}` is replaced by the param of that name, or by the
    /// location's labels: `{table}`, `{row}`, `{column}`, `{section}`, `{row_named}` (`“row”行`, or
    /// nothing without a row) and `{cell_named}` (`“row”行“column”列`, or `“column”列` in 表四).
    pub zh: &'static str,
    pub en: &'static str,
    /// What the rule checks and why it matters, for the rules page.
    pub doc: &'static str,
}

macro_rules! codes {
    ($( $code:ident : $sev:ident, $rule:expr, $summary:literal,
        title_zh $summary_zh:literal,
        zh $zh:literal, en $en:literal, doc $doc:literal; )*) => {
        /// Every finding code. Codes are stable: never renamed or reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($code),* }

        pub const DEFINITIONS: &[Definition] = &[
            $(Definition {
                code: stringify!($code),
                severity: Severity::$sev,
                rule: $rule,
                summary: $summary,
                summary_zh: $summary_zh,
                zh: $zh,
                en: $en,
                doc: $doc,
            }),*
        ];

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$code),*];
        }
    };
}

codes! {
    S001: Error, None, "a required section (一 … 六) is missing",
        title_zh "缺少必备章节（一至六）",
        zh "缺少必备章节：{heading}",
        en "Required section missing: {heading}",
        doc "Article 50 of the Regulation and both templates require six sections: 总体情况, 主动公开, 收到和处理申请, 行政复议和行政诉讼, 存在的主要问题及改进情况, 其他需要报告的事项. A section counts as present when a heading names it, even reworded or renumbered (S002, S003).";
    S002: Warning, None, "a section heading differs from the template wording",
        title_zh "章节标题与模板措辞不一致",
        zh "章节标题与模板不一致：写作“{found}”，模板为“{expected}”",
        en "Section heading differs from the template: \"{found}\", the template says \"{expected}\"",
        doc "Headings are compared with the template after normalizing spaces and punctuation. Known rewordings (for example 五、存在的主要问题和改进情况) are still reported, as warnings, so that the office can align its wording.";
    S003: Warning, None, "sections are out of order or renumbered (extra sections)",
        title_zh "章节顺序或编号与模板不一致（含模板之外的章节）",
        zh "章节编号或顺序与模板不一致：“{found}”{reason}",
        en "Section numbering or order differs from the template: \"{found}\" {reason_en}",
        doc "The template fixes six sections numbered 一 to 六 in order. An inserted non-standard section shifts the numbering of every section after it; each heading that is out of place, and each extra section, is reported.";
    S004: Error, Some("§7"), "the template version does not match the report year",
        title_zh "模板版本与报告年度不符",
        zh "模板版本与报告年度不符：{year}年度报告应使用{expected}版格式，实际为{found}版",
        en "Template version does not match the report year: a {year} report must use the {expected} template, this one uses {found}",
        doc "Reports for 2019 and 2020 use the 2019 template (国办公开办函〔2019〕60号); reports for 2021 on use the 2021 template (国办公开办函〔2021〕30号). The version is told by the labels of the tables (FORMAT.md §7).";
    S005: Warning, Some("§7"), "markers of both template versions are present",
        title_zh "同时出现两个版本模板的标签",
        zh "同时出现两个版本模板的标签（2019版：{markers_2019}；2021版：{markers_2021}）",
        en "Labels of both template versions are present (2019: {markers_2019}; 2021: {markers_2021})",
        doc "A report mixing labels of the 2019 and 2021 templates was usually edited from an old report. The version with more markers is used to read the tables.";
    S006: Warning, None, "report year or agency name not found in the title",
        title_zh "标题中未找到年度或机关名称",
        zh "标题中未找到{missing}",
        en "The title does not give {missing_en}",
        doc "The title should read “<agency><year>年（度）政府信息公开工作年度报告”. Without it the year cannot be checked against the template version.";
    C001: Error, None, "a table (二, 三 or 四) is missing",
        title_zh "缺少表格（表二、表三或表四）",
        zh "缺少{table}",
        en "Table missing: {table}",
        doc "Sections 二, 三 and 四 each hold a statistics table fixed by the template. A table counts as present when its rows can be found by their labels.";
    C002: Error, None, "a required row of a table is missing",
        title_zh "表格缺少必备行",
        zh "{table}缺少“{row}”行",
        en "{table}: row \"{row}\" is missing",
        doc "Every row of the template's tables must be present, even when all its values are 0.";
    C003: Warning, Some("N9"), "a cell is blank",
        title_zh "单元格为空",
        zh "{table}{cell_named}为空{expected_note}",
        en "{table}: {cell_named} is blank{expected_note_en}",
        doc "The template leaves no cell blank; 0 must be written as 0. A blank cell is never read as 0 silently: a sum counts a blank addend as 0 and its finding lists it in `blank_as_zero`; a blank total is not compared, and this finding gives the value it would have to hold (`params.expected`). The JSON result has one C003 per blank cell; the human output, the drop-in's panel and the HTML summary say a table's blank cells in one line: the columns and rows left wholly blank, then the other cells by row (`申请情况表 125 个单元格为空：“商业企业”“科研机构”“社会公益组织”“法律服务机构”“其他”列全部为空（25 行）`).";
    C004: Error, Some("N19"), "a cell holds something that is not a number",
        title_zh "单元格不是数字",
        zh "{table}{cell_named}不是数字：“{raw}”",
        en "{table}: {cell_named} is not a number: \"{raw}\"",
        doc "Placeholders such as `-`, `/`, `—` or `无` are not numbers; the value is unknown, not 0, and the sums that need it are not computed.";
    C005: Error, Some("I4"), "a count is negative or not a whole number",
        title_zh "件数为负数或非整数",
        zh "{table}{cell_named}应为非负整数，实为 {value}",
        en "{table}: {cell_named} must be a whole number ≥ 0, found {value}",
        doc "Counts of applications, cases and documents are whole numbers ≥ 0. Only 本年增/减 (2019 表二) may be negative, and only the amounts of 表二 may have decimals.";
    C006: Error, Some("N8"), "a row cannot be read: the number of values does not fit the columns",
        title_zh "行无法读取：数值个数与列不符",
        zh "{table}{row_named}无法读取：{found} 个数值对应 {expected} 列{reason}",
        en "{table}{row_named} cannot be read: {found} values for {expected} columns{reason_en}",
        doc "When the values of a row do not fit its columns (too many, run together, or placed where no column is) the row is not guessed: its cells are unknown, and the sums that need them run only when the values that can be seen decide them (`params.bounds`).";
    C007: Warning, Some("N2"), "an amount has no unit",
        title_zh "金额未写单位",
        zh "{table}{cell_named}金额 {value} 未写单位，无法换算为万元",
        en "{table}: {cell_named}: the amount {value} has no unit and cannot be stated in 万元",
        doc "The 2019 template's 采购总金额 has no unit in its header, so the unit must be written in the cell (`元` or `万元`). Without it the amount is not guessed.";
    C008: Warning, Some("N20"), "a table has a row that is not in the template",
        title_zh "表格有模板之外的行",
        zh "{table}有模板之外的行“{found}”（{count} 个数值：{values}），未计入检查",
        en "{table} has a row that is not in the template: \"{found}\" ({count} values: {values}), not checked",
        doc "Provincial templates add rows (for example 其他主动公开文件) and converters insert subtotal or header rows. Such a row is not one of the template's, so its values are not checked; this finding keeps them from being dropped unseen.";
    C009: Warning, Some("§7"), "a 2021 report keeps 2019's single （六）其他处理 row",
        title_zh "2021 版报告沿用 2019 版单行“（六）其他处理”",
        zh "{table}“（六）其他处理”按 2019 版写作一行；2021 版模板将其分为“1.申请人无正当理由逾期不补正…”“2.申请人逾期未按收费通知要求缴纳费用…”“3.其他”三行。已按一行读取，合计按此行计算",
        en "{table}: \"（六）其他处理\" is one row, as the 2019 template has it; the 2021 template splits it into three rows (逾期不补正, 逾期未缴费, 其他). It was read as one row, and the sums use it",
        doc "Real 2021 reports keep the 2019 table's single （六）其他处理 row. Its values are read into `r6` (never into one of the three 2021 rows), the sums of 表三 use it in place of the three, and the three rows are not reported missing: this warning says the table is the old one.";
    C010: Warning, Some("§7"), "a row is labelled as the other template version words it",
        title_zh "行标签为另一版本模板的写法",
        zh "{table}“{row}”行写作“{found}”（{other} 版模板的写法），已按此行读取",
        en "{table}: row \"{row}\" is written \"{found}\" (the {other} template's wording) and was read as that row",
        doc "Reports mix the versions' wordings: a 2021 report with 2019's `规范性文件` for `行政规范性文件`. The row is read where it belongs, with this warning, rather than reported missing (C002) with an extra row (C008).";
    A001: Error, Some("O1"), "申请表: 本年新收 + 上年结转 ≠ （七）总计 + 结转下年度, in a column",
        title_zh "申请表：本年新收＋上年结转≠（七）总计＋结转下年度（按列）",
        zh "申请表“{column}”列不平衡：本年新收与上年结转之和为 {reported}，办理结果总计与结转下年度之和为 {computed}",
        en "Applications table, column \"{column}\": new plus carried in is {reported}, results total plus carried out is {computed}",
        doc "The template's own note: 第一项加第二项之和，等于第三项加第四项之和. Every application received this year or carried in from last year is either decided this year (（七）总计) or carried over.";
    A002: Error, Some("I1"), "申请表: 总计 ≠ sum of the six applicant columns, in a row",
        title_zh "申请表：总计≠各类申请人之和（按行）",
        zh "申请表“{row}”行总计填报 {reported}，各类申请人合计 {computed}",
        en "Applications table, row \"{row}\": total {reported}, the six applicant columns add up to {computed}",
        doc "In every row, 总计 is the sum of 自然人 and the five kinds of 法人或其他组织.";
    A003: Error, Some("I2"), "申请表: （七）总计 ≠ sum of the result rows, in a column",
        title_zh "申请表：（七）总计≠各办理结果之和（按列）",
        zh "申请表（七）总计与各办理结果之和不符：{column}列填报 {reported}，各项合计 {computed}",
        en "Applications table: （七）总计 in column \"{column}\" is {reported}, the result rows add up to {computed}",
        doc "（七）总计 is the sum of the result rows （一） to （六） of the version (19 rows in 2019, 21 in 2021).";
    A004: Error, Some("I3"), "复议/诉讼表: 总计 ≠ 维持 + 纠正 + 其他 + 尚未审结, in a group",
        title_zh "复议诉讼表：总计≠维持＋纠正＋其他＋尚未审结",
        zh "{column}填报 {reported}，结果维持、结果纠正、其他结果、尚未审结合计 {computed}",
        en "{column} is {reported}, kept + corrected + other + pending add up to {computed}",
        doc "In each of 行政复议, 未经复议直接起诉 and 复议后起诉, 总计 is the sum of the four outcomes.";
    A005: Warning, Some("I6"), "2019 表二: 对外公开总数量 < 本年新公开数量",
        title_zh "2019版表二：对外公开总数量小于本年新公开数量",
        zh "主动公开情况表“{row}”：对外公开总数量 {reported} 小于本年新公开数量 {computed}",
        en "Proactive disclosure table, \"{row}\": total public {reported} is less than published this year {computed}",
        doc "What is public in total includes what was published this year.";
    A006: Warning, Some("I7"), "2021 表二: 现行有效件数 < 本年制发件数 − 本年废止件数",
        title_zh "2021版表二：现行有效件数小于本年制发件数减本年废止件数",
        zh "主动公开情况表“{row}”：现行有效件数 {reported} 小于本年制发件数减本年废止件数 {computed}",
        en "Proactive disclosure table, \"{row}\": valid {reported} is less than made minus repealed {computed}",
        doc "Documents made this year and not repealed are still in force, so the count in force is at least made − repealed.";
    X001: Error, Some("X0"), "上年结转 ≠ last year's 结转下年度继续办理, in a column",
        title_zh "上年结转与上年报告结转下年度不符（按列）",
        zh "申请表“{column}”列上年结转 {reported} 与上年报告结转下年度 {computed} 不符",
        en "Applications table, column \"{column}\": carried in {reported}, last year's report carried out {computed}",
        doc "Checked when last year's report of the agency is given (`--previous`, the `previous` part of the HTTP API): what last year's report carried over is what this year's report carries in, column by column. The columns of 表三 are the same in both template versions, so it runs across the 2020→2021 change. A blank cell on either side is not compared (its C003 says so).";
    X002: Warning, Some("X1"), "2021 表二: 现行有效件数 ≠ last year's + 制发 − 废止",
        title_zh "2021版表二：现行有效件数与上年数推算不符",
        zh "主动公开情况表“{row}”：现行有效件数 {reported}，按上年数推算应为 {computed}",
        en "Proactive disclosure table, \"{row}\": valid {reported}, last year's count implies {computed}",
        doc "Checked when last year's report is given and both are on the 2021 template (a 2019-template report has no 现行有效件数: X004 says so). Documents in force this year are last year's plus those made minus those repealed, for 规章 and 行政规范性文件; a blank 制发 or 废止 counts as 0 and is listed (`params.blank_as_zero`), a blank 现行有效件数 is not compared. A warning: agencies count 修改 unevenly.";
    X003: Warning, Some("X2"), "2019 表二: 上一年项目数量 ≠ last year's 上一年项目数量 + 本年增/减",
        title_zh "2019版表二：上一年项目数量与上年报告推算不符",
        zh "主动公开情况表“{row}”：上一年项目数量 {reported}，按上年报告推算应为 {computed}",
        en "Proactive disclosure table, \"{row}\": previous items {reported}, last year's report implies {computed}",
        doc "Checked when last year's report is given and both are on the 2019 template (reports for 2019 and 2020; otherwise X004 says why not). Last year's count of items plus its change is this year's count of the previous year, for each row of 第二十条第（五）（六）（八）项; a blank 本年增/减 counts as 0 and is listed, a blank 上一年项目数量 is not compared.";
    X004: Info, None, "a cross-year rule could not run",
        title_zh "跨年度规则无法执行",
        zh "{rule}未执行：{reason}",
        en "{rule} was not checked: {reason_en}",
        doc "Last year's report was given, but a cross-year rule cannot compare it: the tables it needs are on the other template version (2019 has no 现行有效件数; 2021 has no 上一年项目数量), one of the reports lacks the table, or the report given is not of the year before. Nothing is guessed; this says which rule did not run and why.";
    N001: Warning, Some("I8"), "a figure stated in the text contradicts the table",
        title_zh "正文所述数字与表格不符",
        zh "正文“{quote}”所述 {stated} 与{what} {reported} 不符",
        en "The text says \"{quote}\" ({stated}); {what_en} holds {reported}",
        doc "Figures the prose states are compared with the tables through a closed list of phrases, each naming its cells: applications 新收 (本年新收), 收到/受理 (本年新收, or 本年新收 + 上年结转: reported only when both are the same), 办结/答复 (（七）总计), 上年结转, 结转下年度 (also `N 件顺延到下年度`), the results 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理 (the rows of each group added) and their shares (`占办结总数的 X%`: the result over （七）总计; `占 X%` with no base also over the applications received, two readings); 行政复议, 行政诉讼 (both groups added), 未经复议直接起诉, 复议后起诉 and the outcomes 维持, 纠正, 其他结果, 尚未审结 of the group just named (and their shares of its 总计); 表二's 规章 and (行政)规范性文件 制发/废止/现行有效 (2021) or 新制作/新公开 (2019); 2021's 行政事业性收费 in 元, 万元 or 亿元. Numbers are read in Arabic (`1,234`) or Chinese numerals (`一百零二`); a figure marked approximate (约, 近, 超过, 余, 多, 以上, 左右) is never compared, nor one about another year or a change (2019年, 较上年, 同比, 增长), a channel or a sub-unit (其中通过网络申请, 市政府办公室), or 主动公开; a percentage is compared only as a share, allowing the rounding its decimals show. A cell that holds no count is not compared. `params`: `quote` (the sentence), `words` (its clause), `stated`, `reported` (the table's value), `cells`; the location names the sentence's section, its line and column when the text keeps them, and the cell when the figure is one cell.";
    N002: Warning, None, "section 五 is empty or says nothing",
        title_zh "“存在的主要问题及改进情况”为空或过于简略",
        zh "“存在的主要问题及改进情况”内容为空或过于简略（{chars} 字）",
        en "Section 五 (problems and improvements) is empty or says nothing ({chars} characters)",
        doc "Article 50 requires the problems found and the improvements made; a section that is empty or only says 无 does not report them.";
    N003: Warning, None, "fees were charged but section 六 says nothing about 信息处理费",
        title_zh "收取了信息处理费但第六部分未说明",
        zh "报告显示收取了信息处理费（{evidence}），但“其他需要报告的事项”未说明收费情况",
        en "The report shows information-processing fees ({evidence_en}) but section 六 says nothing about them",
        doc "The 2021 template asks that 信息处理费 collected be reported in section 六 (收取信息处理费情况在此处报告).";
    P001: Warning, Some("P1"), "规章 reported by an agency that cannot make 规章",
        title_zh "不具有规章制定权的机关填报了规章",
        zh "“{agency}”为县级及以下机关，不具有规章制定权，但表二规章填报 {reported}",
        en "\"{agency}\" is a county-level or lower agency without power to make 规章, yet 表二 reports {reported}",
        doc "规章 are made by State Council departments and by the governments of provinces, 设区的市 and 自治州; a county or a department of one reports 0.";
    P002: Warning, Some("P4"), "the text repeats last year's report almost word for word",
        title_zh "正文与上年报告几乎相同",
        zh "第{numerals}部分与上年报告几乎逐字相同（相似度 {similarity}），未反映本年度工作",
        en "Section {numerals} repeats last year's report almost word for word (similarity {similarity})",
        doc "Checked when last year's report is given (`--previous`, or paired in a run of several files; the `previous` part of the HTTP API). Each section 一 … 六 is compared with last year's after neutralizing what must change — digits and Chinese numerals (so the year and every figure), spaces, line breaks and punctuation — by the Dice coefficient of their character bigrams. A section is a copy from 0.85: measured on the fixtures, different agencies' sections score 0.05–0.30, one report through different extractors 0.97–1.00, a copy with its year and figures changed 1.00 (table in src/rules/copied.rs). Sections under 60 characters (六 “无”, a three-line 五) are not evidence and are not compared. One finding per report: `params.sections` names the sections that repeat, `params.similarity` their ratios (floored to two decimals), `params.previous` last year's year, agency and sections. A report copied from last year's does not report this year's work.";
    F001: Info, Some("N1"), "a split decimal was joined",
        title_zh "合并被拆开的小数",
        zh "{table}{cell_named}“{raw}”读作 {value}（合并被拆开的小数）",
        en "{table}: {cell_named}: \"{raw}\" read as {value} (split decimal joined)",
        doc "Extraction inserts spaces into numbers: `8208. 93` is read as 8208.93.";
    F002: Info, Some("N3"), "a sign word was read as a sign",
        title_zh "增减文字读作正负号",
        zh "{table}{cell_named}“{raw}”读作 {value}",
        en "{table}: {cell_named}: \"{raw}\" read as {value}",
        doc "本年增/减 is written with words: `减 40` is −40 and `增15` is +15.";
    F003: Info, Some("N2"), "a unit in a cell was converted",
        title_zh "单元格中的单位已换算",
        zh "{table}{cell_named}“{raw}”读作 {value}（单位换算）",
        en "{table}: {cell_named}: \"{raw}\" read as {value} (unit converted)",
        doc "Amounts are stated in 万元: `8208. 93 万元` is 8208.93, `251000元` is 25.1. Count units (件, 项) are dropped.";
    F004: Info, Some("N7"), "a damaged label was recognized",
        title_zh "识别出受损的标签",
        zh "第 {line} 行标签“{found}”识别为“{label}”",
        en "Line {line}: label \"{found}\" recognized as \"{label}\"",
        doc "Labels damaged by OCR (`日然人` for 自然人, `知果维持` for 结果维持) are matched to the template's; this says which, so a person can check.";
    F005: Info, None, "cells run together were split",
        title_zh "拆分连在一起的单元格",
        zh "{table}“{row}”行“{raw}”拆分为 {values}（唯一满足{by}的读法；{spent}）",
        en "{table}: row \"{row}\": \"{raw}\" split as {values_en} (the only reading {by_en} allow; {spent_en})",
        doc "Some sites join a row's cells with no separator (`230 000023`, a whole page as one line). A run is split only when exactly one reading survives: in 表三 the row's total (and, to break a tie, the table's column sums), in 表四 the groups' totals, in 表二 (which has no sums) the digits alone. The finding names what decided it and the checks that were spent on it: they hold by the reading, so they cannot accuse the row.";
    F006: Info, None, "a number was written with separators or full-width digits",
        title_zh "去除千分位分隔符或全角数字",
        zh "{table}{cell_named}“{raw}”读作 {value}",
        en "{table}: {cell_named}: \"{raw}\" read as {value}",
        doc "Thousands separators (`3,119`) and full-width digits (`３１１９`) are read as plain numbers.";
    F007: Info, None, "values over several rows with no label between them were read in the one order the row totals allow",
        title_zh "跨行连续的数值按唯一使各行合计成立的顺序读取",
        zh "{table}第 {first_line} 行起的 {count} 个数值{order}读入 {rows} 行（唯一使各行总计等于各列之和的读法{except}）",
        en "{table}: the {count} values from line {first_line} were read {order_en} into {rows} rows (the only order in which every row's total is the sum of its columns{except_en})",
        doc "Some extractions give a table's values a line each with no label between rows, or all the labels first and then the values a column at a time (pdfminer). Such a run is read row by row or column by column only when exactly that order makes every row's total equal the sum of its columns, or every row's but one while the other order fails three rows or more (`params.except` names that row: it is read as printed, and A002 reports it); otherwise its rows are not read (C006). The row sums the choice used (A002) hold by it, so they cannot accuse those rows.";
    F008: Info, None, "a row with no recognizable label was placed by its position between labelled rows",
        title_zh "行名缺失或无法辨认的数值行按其位置归入表格行",
        zh "{table}第 {line} 行的数值没有可辨认的行名，按其在前后有行名的行之间的位置读入{row_named}",
        en "{table}: the values on line {line} have no recognizable label and were read into{row_named} by their place between labelled rows",
        doc "A converter can lose a row's label, or damage it past recognition, and leave its values. Such a row is read into a template row only where the rows its neighbours' labels name leave exactly as many places as there are unlabelled rows between them, in order; otherwise its values are reported as a row not in the template (C008).";
}

/// A message template in both languages; `en_one` is the English when it speaks of one
/// thing (`column "其他"`, where `en` says `columns "商业企业", "其他"`).
#[derive(Debug, Clone, Copy)]
pub struct Phrase {
    pub zh: &'static str,
    pub en: &'static str,
    pub en_one: &'static str,
}

impl Phrase {
    const fn new(zh: &'static str, en: &'static str, en_one: &'static str) -> Phrase {
        Phrase { zh, en, en_one }
    }

    /// The template in `lang`, for `n` things.
    pub fn get(&self, lang: Lang, n: usize) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En if n == 1 => self.en_one,
            Lang::En => self.en,
        }
    }
}

/// How a table's blank cells (C003) read taken together: the one line per table that the
/// human output, the drop-in's panel and the HTML summary show in place of a finding per
/// cell ([`crate::blanks`] groups them; the JSON keeps one C003 per cell). A line is
/// [`Self::all`], or [`Self::some`] with its parts: whole blocks, columns, rows (表四's
/// groups) of each part of the table, then the other cells by row.
#[derive(Debug, Clone, Copy)]
pub struct BlankPhrases {
    pub all: Phrase,
    pub some: Phrase,
    pub block: Phrase,
    pub columns: Phrase,
    pub rows: Phrase,
    pub groups: Phrase,
    /// Other cells of one row (`{row}` empty in 表四: its cells' labels name their group).
    pub row_cells: Phrase,
    pub cells: Phrase,
    /// The other cells after whole columns or rows.
    pub also: Phrase,
    /// Past [`crate::blanks::CELLS_NAMED`] entries.
    pub more: Phrase,
}

pub const BLANKS: BlankPhrases = BlankPhrases {
    all: Phrase::new(
        "{table}全部 {count} 个单元格为空",
        "{table}: all {count} cells are blank",
        "{table}: all {count} cells are blank",
    ),
    some: Phrase::new(
        "{table} {count} 个单元格为空：{parts}",
        "{table}: {count} cells are blank: {parts}",
        "{table}: {count} cells are blank: {parts}",
    ),
    block: Phrase::new(
        "{block}全部为空（{n} 个单元格）",
        "{block}, all {n} cells",
        "{block}, all {n} cells",
    ),
    columns: Phrase::new(
        "{labels}列全部为空（{n} 行）",
        "columns {labels} in all {n} rows",
        "column {labels} in all {n} rows",
    ),
    rows: Phrase::new(
        "{labels}行全部为空（{n} 列）",
        "rows {labels} in all {n} columns",
        "row {labels} in all {n} columns",
    ),
    groups: Phrase::new(
        "{labels}全部为空（{n} 列）",
        "{labels} in all {n} columns",
        "{labels} in all {n} columns",
    ),
    row_cells: Phrase::new(
        "{row}行{labels}列",
        "row {row}: columns {labels}",
        "row {row}: column {labels}",
    ),
    cells: Phrase::new("{labels}列", "columns {labels}", "column {labels}"),
    also: Phrase::new("另有{cells}", "also {cells}", "also {cells}"),
    more: Phrase::new(
        "及另外 {n} 个单元格",
        "and {n} more cells",
        "and {n} more cell",
    ),
};

impl Definition {
    /// The one-line summary in `lang`.
    pub fn summary_in(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.summary_zh,
            Lang::En => self.summary,
        }
    }
}

impl Code {
    pub fn def(self) -> &'static Definition {
        &DEFINITIONS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.def().code
    }

    pub fn severity(self) -> Severity {
        self.def().severity
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a finding points. Keys as in RULES.md; `block` names the 表二 block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
}

impl Location {
    pub fn section(key: &'static str) -> Self {
        Location {
            section: Some(key),
            ..Default::default()
        }
    }

    pub fn table(id: TableId) -> Self {
        Location {
            section: Some(id.section()),
            table: Some(id.key()),
            ..Default::default()
        }
    }

    /// A cell of a table (表四's group rows are not named: its cells are keyed alone).
    pub fn cell(
        id: TableId,
        block: Option<&'static str>,
        row: &'static str,
        column: &'static str,
    ) -> Self {
        Location {
            block,
            row: (id != TableId::T4).then_some(row),
            column: Some(column),
            ..Location::table(id)
        }
    }

    pub fn row(id: TableId, block: Option<&'static str>, row: &'static str) -> Self {
        Location {
            block,
            row: (id != TableId::T4).then_some(row),
            ..Location::table(id)
        }
    }

    pub fn at(mut self, place: Option<Place>) -> Self {
        if let Some(p) = place {
            self.line = Some(p.line);
            self.col = Some(p.col);
        }
        self
    }
}

/// One finding of a check.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub params: Map<String, Value>,
    pub location: Location,
}

impl Finding {
    /// A finding with its message rendered in Chinese ([`Finding::relabel`] for others).
    pub fn new(code: Code, params: Map<String, Value>, location: Location) -> Self {
        let mut f = Finding::unrendered(code, params, location);
        f.relabel(Lang::Zh, None);
        f
    }

    /// A finding whose message is not written yet: what the readers and rules make.
    /// `check` writes every message once, in the language asked and with the labels of
    /// the version the tables were read with ([`Finding::relabel`]).
    pub(crate) fn unrendered(code: Code, params: Map<String, Value>, location: Location) -> Self {
        Finding {
            code,
            severity: code.severity(),
            message: String::new(),
            params,
            location,
        }
    }

    /// The same finding with its message in another language.
    /// The message again, in `lang`, with the labels of the report's template version.
    pub fn relabel(&mut self, lang: Lang, version: Option<Version>) {
        self.message = render(self.code, &self.params, &self.location, lang, version);
    }
}

/// Writes the messages of unrendered findings in Chinese, as [`Finding::new`] does.
pub(crate) fn write_chinese(findings: &mut [Finding]) {
    for f in findings {
        f.relabel(Lang::Zh, None);
    }
}

/// Findings with their messages in Chinese: for the tests of the rule families, which run
/// without `check`.
#[cfg(test)]
pub(crate) fn in_chinese(mut findings: Vec<Finding>) -> Vec<Finding> {
    write_chinese(&mut findings);
    findings
}

/// Builds params in order: `params!{"reported" => 81, "computed" => 80}`.
#[macro_export]
macro_rules! params {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = ::serde_json::Map::new();
        $( m.insert(($k).to_string(), ::serde_json::json!($v)); )*
        m
    }};
}

/// Renders a code's message template with the params and the location's labels.
pub fn render(
    code: Code,
    params: &Map<String, Value>,
    loc: &Location,
    lang: Lang,
    version: Option<Version>,
) -> String {
    let def = code.def();
    let tpl = match lang {
        Lang::Zh => def.zh,
        Lang::En => def.en,
    };
    fill(tpl, &|name| placeholder(name, params, loc, lang, version))
}

/// A message template with each `{name}` replaced by `value(name)`.
pub fn fill(tpl: &str, value: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(tpl.len() + 32);
    let mut rest = tpl;
    // The braces found by memchr (a `str::find` of a `char` costs more than the search).
    let find = |text: &str, brace: u8| memchr::memchr(brace, text.as_bytes());
    while let Some(open) = find(rest, b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match find(after, b'}') {
            Some(close) => {
                out.push_str(&value(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn placeholder(
    name: &str,
    params: &Map<String, Value>,
    loc: &Location,
    lang: Lang,
    version: Option<Version>,
) -> String {
    if let Some(v) = params.get(name) {
        return display(v);
    }
    let table_id = loc.table.and_then(TableId::from_key);
    match name {
        "table" => table_id.map(|t| table_name(t, lang)).unwrap_or_default(),
        "row" => loc
            .row
            .and_then(|r| template::row_label(version, loc.table.unwrap_or(""), loc.block, r))
            .or(loc.row)
            .unwrap_or("")
            .to_string(),
        "row_named" => match placeholder("row", params, loc, lang, version) {
            r if r.is_empty() => String::new(),
            r if lang == Lang::Zh => format!("“{r}”行"),
            r => format!(": row \"{r}\""),
        },
        // A cell by its row and column; 表四's cells have no row, only a column.
        "cell_named" => {
            let row = placeholder("row", params, loc, lang, version);
            let column = placeholder("column", params, loc, lang, version);
            match (lang, row.is_empty()) {
                (Lang::Zh, true) => format!("“{column}”列"),
                (Lang::Zh, false) => format!("“{row}”行“{column}”列"),
                (Lang::En, true) => format!("column \"{column}\""),
                (Lang::En, false) => format!("row \"{row}\", column \"{column}\""),
            }
        }
        "column" => loc
            .column
            .and_then(|c| template::column_label(version, loc.table.unwrap_or(""), loc.block, c))
            .or_else(|| loc.column.map(str::to_string))
            .unwrap_or_default(),
        "section" => loc
            .section
            .and_then(template::section)
            .map(|s| s.heading.to_string())
            .unwrap_or_default(),
        // Optional parts of a message: empty when the param is absent.
        _ => String::new(),
    }
}

/// A table's name in messages: `申请情况表`, `Applications table`.
pub fn table_name(id: TableId, lang: Lang) -> String {
    match lang {
        Lang::Zh => id.label().to_string(),
        Lang::En => match id {
            TableId::T2 => "Proactive disclosure table".into(),
            TableId::T3 => "Applications table".into(),
            TableId::T4 => "Review and litigation table".into(),
        },
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(display).collect::<Vec<_>>().join("、"),
        Value::Null => "空".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_defined_once_and_in_order() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(DEFINITIONS[i].code, format!("{c:?}"));
        }
        let mut seen: Vec<_> = DEFINITIONS.iter().map(|d| d.code).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), DEFINITIONS.len());
    }

    #[test]
    fn renders_the_rules_md_example() {
        let f = Finding::new(
            Code::A003,
            crate::params! {"reported" => 81, "computed" => 80},
            Location::cell(TableId::T3, None, "r7", "total"),
        );
        assert_eq!(
            f.message,
            "申请表（七）总计与各办理结果之和不符：总计列填报 81，各项合计 80"
        );
        assert_eq!(f.severity, Severity::Error);
    }

    #[test]
    fn every_template_names_only_known_placeholders_or_params() {
        for d in DEFINITIONS {
            for tpl in [d.zh, d.en] {
                assert_eq!(
                    tpl.matches('{').count(),
                    tpl.matches('}').count(),
                    "{}",
                    d.code
                );
            }
        }
    }
}
