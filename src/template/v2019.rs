//! 《中华人民共和国政府信息公开工作年度报告格式（试行）》, 国办公开办函〔2019〕60号
//! (FORMAT.md §4, §11 `v2019`): what differs from the 2021 version.

use super::{
    ColumnDef,
    ColumnKind::{Count, MoneyUnitInCell, SignedCount},
    RowDef, T2Block, TemplateDef, Version,
};

const ITEMS: [ColumnDef; 3] = [
    ColumnDef {
        key: "prev_items",
        label: "上一年项目数量",
        kind: Count,
    },
    ColumnDef {
        key: "delta",
        label: "本年增/减",
        kind: SignedCount,
    },
    ColumnDef {
        key: "decisions",
        label: "处理决定数量",
        kind: Count,
    },
];

const fn row(key: &'static str, label: &'static str) -> RowDef {
    RowDef {
        key,
        label,
        parent: None,
    }
}

pub(super) static TEMPLATE: TemplateDef = TemplateDef {
    version: Version::V2019,
    doc: "国办公开办函〔2019〕60号《中华人民共和国政府信息公开工作年度报告格式（试行）》",
    t2: &[
        T2Block {
            key: "art20_1",
            label: "第二十条第（一）项",
            columns: &[
                ColumnDef {
                    key: "made",
                    label: "本年新制作数量",
                    kind: Count,
                },
                ColumnDef {
                    key: "published",
                    label: "本年新公开数量",
                    kind: Count,
                },
                ColumnDef {
                    key: "total_public",
                    label: "对外公开总数量",
                    kind: Count,
                },
            ],
            rows: &[row("regulations", "规章"), row("normative", "规范性文件")],
        },
        T2Block {
            key: "art20_5",
            label: "第二十条第（五）项",
            columns: &ITEMS,
            rows: &[
                row("licensing", "行政许可"),
                row("other_services", "其他对外管理服务事项"),
            ],
        },
        T2Block {
            key: "art20_6",
            label: "第二十条第（六）项",
            columns: &ITEMS,
            rows: &[row("punishment", "行政处罚"), row("coercion", "行政强制")],
        },
        T2Block {
            key: "art20_8",
            label: "第二十条第（八）项",
            columns: &[ITEMS[0], ITEMS[1]],
            rows: &[row("fees", "行政事业性收费")],
        },
        T2Block {
            key: "art20_9",
            label: "第二十条第（九）项",
            columns: &[
                ColumnDef {
                    key: "projects",
                    label: "采购项目数量",
                    kind: Count,
                },
                ColumnDef {
                    key: "amount",
                    label: "采购总金额",
                    kind: MoneyUnitInCell,
                },
            ],
            rows: &[row("central_procurement", "政府集中采购")],
        },
    ],
    t3_results_extra: &[row("r6", "（六）其他处理")],
    t3_stand_ins: &[],
    markers: &[
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "其他对外管理服务事项",
        "第二十条第（九）项",
        "政府集中采购",
        "采购项目数量",
        "采购总金额",
    ],
};
