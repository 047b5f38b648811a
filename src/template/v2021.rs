//! 《中华人民共和国政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号
//! (FORMAT.md §5, §11 `v2021`): what differs from the 2019 version.

use super::{
    ColumnDef,
    ColumnKind::{Count, MoneyWan},
    RowDef, StandIn, T2Block, TemplateDef, Version,
};

const DECISIONS: [ColumnDef; 1] = [ColumnDef {
    key: "decisions",
    label: "本年处理决定数量",
    kind: Count,
}];

const OTHER_HANDLING: Option<&str> = Some("（六）其他处理");

const fn row(key: &'static str, label: &'static str) -> RowDef {
    RowDef {
        key,
        label,
        parent: None,
    }
}

pub(super) static TEMPLATE: TemplateDef = TemplateDef {
    version: Version::V2021,
    doc: "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》",
    t2: &[
        T2Block {
            key: "art20_1",
            label: "第二十条第（一）项",
            columns: &[
                ColumnDef {
                    key: "made",
                    label: "本年制发件数",
                    kind: Count,
                },
                ColumnDef {
                    key: "repealed",
                    label: "本年废止件数",
                    kind: Count,
                },
                ColumnDef {
                    key: "valid",
                    label: "现行有效件数",
                    kind: Count,
                },
            ],
            rows: &[
                row("regulations", "规章"),
                row("normative", "行政规范性文件"),
            ],
        },
        T2Block {
            key: "art20_5",
            label: "第二十条第（五）项",
            columns: &DECISIONS,
            rows: &[row("licensing", "行政许可")],
        },
        T2Block {
            key: "art20_6",
            label: "第二十条第（六）项",
            columns: &DECISIONS,
            rows: &[row("punishment", "行政处罚"), row("coercion", "行政强制")],
        },
        T2Block {
            key: "art20_8",
            label: "第二十条第（八）项",
            columns: &[ColumnDef {
                key: "amount_wan",
                label: "本年收费金额（单位：万元）",
                kind: MoneyWan,
            }],
            rows: &[row("fees", "行政事业性收费")],
        },
    ],
    t3_results_extra: &[
        RowDef {
            key: "r6_1",
            label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            parent: OTHER_HANDLING,
        },
        RowDef {
            key: "r6_2",
            label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            parent: OTHER_HANDLING,
        },
        RowDef {
            key: "r6_3",
            label: "3.其他",
            parent: OTHER_HANDLING,
        },
    ],
    // Real 2021 reports keep 2019's single row (C009).
    t3_stand_ins: &[StandIn {
        row: RowDef {
            key: "r6",
            label: "（六）其他处理",
            parent: None,
        },
        replaces: &["r6_1", "r6_2", "r6_3"],
    }],
    markers: &[
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年处理决定数量",
        "本年收费金额",
        "行政规范性文件",
        "逾期未按收费通知要求缴纳费用",
        "逾期不补正",
    ],
};
