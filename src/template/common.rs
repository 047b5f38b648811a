//! Labels shared by both template versions: the six section headings, 表三's columns and
//! the rows common to both, and 表四 (FORMAT.md §2, §4.2, §4.3, §11 `common`).

use super::{ColumnDef, ColumnKind::Count, RowDef, SectionDef};

pub const SECTIONS: [SectionDef; 6] = [
    SectionDef {
        key: "s1",
        heading: "一、总体情况",
        keywords: &["总体情况", "总体", "概述"],
        variants: &[],
    },
    SectionDef {
        key: "s2",
        heading: "二、主动公开政府信息情况",
        keywords: &["主动公开"],
        variants: &[],
    },
    SectionDef {
        key: "s3",
        heading: "三、收到和处理政府信息公开申请情况",
        keywords: &["收到和处理", "公开申请", "依申请"],
        variants: &["三、收到和处理政府信息公开的申请情况"],
    },
    SectionDef {
        key: "s4",
        heading: "四、政府信息公开行政复议、行政诉讼情况",
        keywords: &["行政复议", "行政诉讼"],
        variants: &["四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"],
    },
    SectionDef {
        key: "s5",
        heading: "五、存在的主要问题及改进情况",
        keywords: &[
            "存在的主要问题",
            "存在的问题",
            "存在问题",
            "主要问题",
            "改进情况",
        ],
        variants: &[
            "五、政府信息公开工作存在的主要问题及改进情况",
            "五、存在的主要问题和改进情况",
            "五、存在问题及改进情况",
        ],
    },
    SectionDef {
        key: "s6",
        heading: "六、其他需要报告的事项",
        keywords: &["其他需要报告", "需要报告的事项", "其他事项"],
        variants: &[],
    },
];

/// The note printed in 表三's header (the official rule O1).
pub const T3_NOTE: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
/// The words of the note that mark the start of the table however it is broken.
pub const T3_NOTE_MARK: &str = "勾稽关系";
/// 表三's header over the seven columns, and over the five kinds of organisation.
pub const T3_APPLICANTS: &str = "申请人情况";
pub const T3_ORGANISATIONS: &str = "法人或其他组织";
/// The merged label over the result rows (（一）…（七）).
pub const T3_RESULTS_GROUP: &str = "三、本年度办理结果";

pub const T3_COLUMNS: [ColumnDef; 7] = [
    ColumnDef {
        key: "np",
        label: "自然人",
        kind: Count,
    },
    ColumnDef {
        key: "biz",
        label: "商业企业",
        kind: Count,
    },
    ColumnDef {
        key: "research",
        label: "科研机构",
        kind: Count,
    },
    ColumnDef {
        key: "ngo",
        label: "社会公益组织",
        kind: Count,
    },
    ColumnDef {
        key: "legal",
        label: "法律服务机构",
        kind: Count,
    },
    ColumnDef {
        key: "org_other",
        label: "其他",
        kind: Count,
    },
    ColumnDef {
        key: "total",
        label: "总计",
        kind: Count,
    },
];

pub(super) const T3_HEAD: [RowDef; 2] = [
    RowDef {
        key: "new",
        label: "一、本年新收政府信息公开申请数量",
        parent: None,
    },
    RowDef {
        key: "carry_in",
        label: "二、上年结转政府信息公开申请数量",
        parent: None,
    },
];

const NOT_DISCLOSED: Option<&str> = Some("（三）不予公开");
const CANNOT_PROVIDE: Option<&str> = Some("（四）无法提供");
const NOT_PROCESSED: Option<&str> = Some("（五）不予处理");

pub(super) const T3_RESULTS: [RowDef; 18] = [
    RowDef {
        key: "r1",
        label: "（一）予以公开",
        parent: None,
    },
    RowDef {
        key: "r2",
        label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        parent: None,
    },
    RowDef {
        key: "r3_1",
        label: "1.属于国家秘密",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_2",
        label: "2.其他法律行政法规禁止公开",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_3",
        label: "3.危及“三安全一稳定”",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_4",
        label: "4.保护第三方合法权益",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_5",
        label: "5.属于三类内部事务信息",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_6",
        label: "6.属于四类过程性信息",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_7",
        label: "7.属于行政执法案卷",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r3_8",
        label: "8.属于行政查询事项",
        parent: NOT_DISCLOSED,
    },
    RowDef {
        key: "r4_1",
        label: "1.本机关不掌握相关政府信息",
        parent: CANNOT_PROVIDE,
    },
    RowDef {
        key: "r4_2",
        label: "2.没有现成信息需要另行制作",
        parent: CANNOT_PROVIDE,
    },
    RowDef {
        key: "r4_3",
        label: "3.补正后申请内容仍不明确",
        parent: CANNOT_PROVIDE,
    },
    RowDef {
        key: "r5_1",
        label: "1.信访举报投诉类申请",
        parent: NOT_PROCESSED,
    },
    RowDef {
        key: "r5_2",
        label: "2.重复申请",
        parent: NOT_PROCESSED,
    },
    RowDef {
        key: "r5_3",
        label: "3.要求提供公开出版物",
        parent: NOT_PROCESSED,
    },
    RowDef {
        key: "r5_4",
        label: "4.无正当理由大量反复申请",
        parent: NOT_PROCESSED,
    },
    RowDef {
        key: "r5_5",
        label: "5.要求行政机关确认或重新出具已获取信息",
        parent: NOT_PROCESSED,
    },
];

pub(super) const T3_TAIL: [RowDef; 2] = [
    RowDef {
        key: "r7",
        label: "（七）总计",
        parent: None,
    },
    RowDef {
        key: "carry_out",
        label: "四、结转下年度继续办理",
        parent: None,
    },
];

/// 表四's three groups: key prefix and label.
pub const T4_GROUPS: [(&str, &str); 3] = [
    ("rv_", "行政复议"),
    ("ld_", "行政诉讼（未经复议直接起诉）"),
    ("lr_", "行政诉讼（复议后起诉）"),
];

macro_rules! t4_group {
    ($keep:literal, $fix:literal, $other:literal, $pending:literal, $total:literal) => {
        [
            ColumnDef {
                key: $keep,
                label: "结果维持",
                kind: Count,
            },
            ColumnDef {
                key: $fix,
                label: "结果纠正",
                kind: Count,
            },
            ColumnDef {
                key: $other,
                label: "其他结果",
                kind: Count,
            },
            ColumnDef {
                key: $pending,
                label: "尚未审结",
                kind: Count,
            },
            ColumnDef {
                key: $total,
                label: "总计",
                kind: Count,
            },
        ]
    };
}

const RV: [ColumnDef; 5] = t4_group!("rv_keep", "rv_fix", "rv_other", "rv_pending", "rv_total");
const LD: [ColumnDef; 5] = t4_group!("ld_keep", "ld_fix", "ld_other", "ld_pending", "ld_total");
const LR: [ColumnDef; 5] = t4_group!("lr_keep", "lr_fix", "lr_other", "lr_pending", "lr_total");

pub const T4_COLUMNS: [ColumnDef; 15] = [
    RV[0], RV[1], RV[2], RV[3], RV[4], LD[0], LD[1], LD[2], LD[3], LD[4], LR[0], LR[1], LR[2],
    LR[3], LR[4],
];
