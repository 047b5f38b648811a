//! The phrases N001 understands, as data: the words that stand before (or after) a figure,
//! and the cell or cells of the tables the figure then states. The list is closed: a
//! figure that no entry names is not compared. Why each entry names its cell is said
//! beside it; FORMAT.md §6 (I8) gives the pairs real reports write.

/// What a phrase's figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// 表三 本年新收 总计.
    New,
    /// Applications received: 本年新收, or 本年新收 + 上年结转 — FORMAT.md I8 sees both
    /// (沭阳 2025: 受理 749 = 713 + 36). Two readings: reported only when they agree.
    Received,
    /// 表三 （七）总计 总计: every application decided this year.
    Decided,
    /// 表三 上年结转 总计.
    CarryIn,
    /// 表三 结转下年度继续办理 总计.
    CarryOut,
    /// A result of 表三, by the key of its row or of its group of rows (`r3`: 1.–8.).
    Result(&'static str),
    /// A group of 表四 (`rv`, `ld`, `lr`), or both lawsuit groups (`l`): its 总计. Sets
    /// the topic of the clauses after it in the sentence.
    Cases(&'static str),
    /// An outcome of the topic's group(s) of 表四 (`keep`, `fix`, `other`, `pending`).
    Outcome(&'static str),
    /// A cell of 表二 第二十条第（一）项: the row, and the column in the 2021 and the 2019
    /// template (`None`: the version has no such column).
    Documents {
        row: &'static str,
        v2021: Option<&'static str>,
        v2019: Option<&'static str>,
    },
    /// 2021 表二 行政事业性收费 本年收费金额 (万元).
    Fees,
}

impl Target {
    /// Whether the figure is one part of what the sentence speaks of, so that `其中` may
    /// stand before it.
    pub(crate) fn is_part(self) -> bool {
        matches!(
            self,
            Target::Result(_)
                | Target::Outcome(_)
                | Target::CarryIn
                | Target::CarryOut
                | Target::New
                | Target::Cases("ld" | "lr")
        )
    }
}

/// Where the words stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// Before the figure: `slots` are read leftwards from the figure, each slot one of its
    /// words (`""` makes a slot optional).
    Before(&'static [&'static [&'static str]]),
    /// After the figure and its unit (`另有 103 件顺延到下年度答复`).
    After(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Pattern {
    pub side: Side,
    pub target: Target,
}

// ---- words ------------------------------------------------------------------------------

/// What may qualify 申请 (`政府信息公开申请`).
const Q_APPLY: &[&str] = &[
    "",
    "政府信息公开",
    "信息公开",
    "各类政府信息公开",
    "依申请公开",
    "各类",
];
const APPLY: &[&str] = &["申请", "申请件"];
const APPLY_OPT: &[&str] = &["", "申请", "申请件"];
/// The table's own word for new applications.
const V_NEW: &[&str] = &["新收", "本年新收", "新收到", "新接收"];
/// Words for receiving that do not say whether carried-over applications are counted.
const V_RECEIVED: &[&str] = &["收到", "受理", "接收", "接到", "收悉"];
/// Words for deciding (（七）总计 is what was decided this year, whatever the result).
const V_DECIDED: &[&str] = &[
    "办结",
    "已办结",
    "答复",
    "已答复",
    "作出答复",
    "予以答复",
    "完成答复",
    "办理完毕",
    "办复",
];
const V_CARRY_IN: &[&str] = &[
    "上年结转",
    "上年度结转",
    "上一年度结转",
    "上年度结转的",
    "上年结转的",
];
const V_CARRY_OUT: &[&str] = &[
    "结转下年度继续办理",
    "结转下年度",
    "结转下一年度",
    "结转下一年",
    "结转下年",
    "结转至下年度",
    "结转到下年度",
    "转入下年度",
    "顺延至下年度",
    "顺延到下年度",
];
/// What may qualify 行政复议 and 行政诉讼 (`政府信息公开行政复议`).
const Q_CASES: &[&str] = &[
    "",
    "政府信息公开",
    "因政府信息公开",
    "涉及政府信息公开",
    "信息公开",
    "政府信息公开类",
    "因政府信息公开引起的",
    "因政府信息公开引发的",
    "涉及政府信息公开的",
    "政府信息公开引起的",
];
const V_CASES: &[&str] = &["", "发生", "办理", "涉及"];
const REVIEW: &[&str] = &["行政复议", "被申请行政复议", "申请行政复议", "提起行政复议"];
const LAWSUIT: &[&str] = &["行政诉讼", "被提起行政诉讼", "提起行政诉讼", "行政应诉"];
const Q_DOCS: &[&str] = &["", "的", "市政府", "县政府", "区政府", "本级政府", "政府"];
const REGULATIONS: &[&str] = &["规章", "政府规章"];
const NORMATIVE: &[&str] = &["行政规范性文件", "规范性文件"];
/// 本年制发件数 (2021) and 本年新制作数量 (2019): what the agency made this year.
const V_MADE: &[&str] = &[
    "制发",
    "新制发",
    "制定",
    "新制定",
    "出台",
    "印发",
    "制作",
    "新制作",
];
/// 2021 has no column of what was published this year but 制发: 新增公开 is what was made.
/// 2019 has 本年新公开数量 apart from 本年新制作数量.
const V_PUBLISHED: &[&str] = &["新增公开", "新公开"];
const V_REPEALED: &[&str] = &["废止", "宣布废止", "废除"];
const V_VALID: &[&str] = &["现行有效"];

// ---- the table ----------------------------------------------------------------------------

const fn before(slots: &'static [&'static [&'static str]], target: Target) -> Pattern {
    Pattern {
        side: Side::Before(slots),
        target,
    }
}

/// A cell of 表二 第二十条第（一）项: the row, and the column in each version.
const fn docs(
    row: &'static str,
    v2021: Option<&'static str>,
    v2019: Option<&'static str>,
) -> Target {
    Target::Documents { row, v2021, v2019 }
}

/// Every phrase, in the order they are tried; the longest match wins (`上年结转` over
/// nothing, `复议后起诉` over `行政复议`).
pub(crate) const PATTERNS: &[Pattern] = &[
    // 表三. `新收` is the table's own word (一、本年新收政府信息公开申请数量).
    before(&[V_NEW, Q_APPLY, APPLY_OPT], Target::New),
    // `收到`/`受理`: with or without 上年结转 (Target::Received).
    before(&[V_RECEIVED, Q_APPLY, APPLY], Target::Received),
    // `答复 3050 件`, `办结申请 … 件`: （七）总计.
    before(&[V_DECIDED, Q_APPLY, APPLY_OPT], Target::Decided),
    // `含上年度结转申请 34 件`: 二、上年结转.
    before(&[V_CARRY_IN, Q_APPLY, APPLY_OPT], Target::CarryIn),
    // `结转下年度继续办理 103 件`: 四、结转下年度继续办理.
    before(&[V_CARRY_OUT, Q_APPLY, APPLY_OPT], Target::CarryOut),
    Pattern {
        side: Side::After(V_CARRY_OUT),
        target: Target::CarryOut,
    },
    // The results (三、本年度办理结果), by the words of their rows.
    before(
        &[&["予以公开", "全部公开", "同意公开"]],
        Target::Result("r1"),
    ),
    before(&[&["部分公开"]], Target::Result("r2")),
    before(&[&["不予公开"]], Target::Result("r3")),
    before(&[&["无法提供"]], Target::Result("r4")),
    before(&[&["不予处理"]], Target::Result("r5")),
    before(&[&["其他处理"]], Target::Result("r6")),
    // 表四. `行政诉讼` alone is both groups of lawsuits.
    before(&[V_CASES, Q_CASES, REVIEW], Target::Cases("rv")),
    before(&[V_CASES, Q_CASES, LAWSUIT], Target::Cases("l")),
    before(
        &[&["未经复议直接起诉", "直接起诉", "直接提起行政诉讼"]],
        Target::Cases("ld"),
    ),
    before(
        &[&["复议后起诉", "经复议后起诉", "复议后提起行政诉讼"]],
        Target::Cases("lr"),
    ),
    // The outcomes, of the group the sentence speaks of (`其中结果维持 72 件`).
    before(&[&["结果维持", "维持"]], Target::Outcome("keep")),
    before(
        &[&["结果纠正", "纠正", "被纠错", "纠错"]],
        Target::Outcome("fix"),
    ),
    before(&[&["其他结果"]], Target::Outcome("other")),
    before(
        &[&["尚未审结", "未审结", "正在审理中"]],
        Target::Outcome("pending"),
    ),
    // 表二 第二十条第（一）项.
    before(
        &[V_MADE, Q_DOCS, REGULATIONS],
        docs("regulations", Some("made"), Some("made")),
    ),
    before(
        &[V_MADE, Q_DOCS, NORMATIVE],
        docs("normative", Some("made"), Some("made")),
    ),
    before(
        &[V_PUBLISHED, Q_DOCS, REGULATIONS],
        docs("regulations", Some("made"), Some("published")),
    ),
    before(
        &[V_PUBLISHED, Q_DOCS, NORMATIVE],
        docs("normative", Some("made"), Some("published")),
    ),
    before(
        &[V_REPEALED, Q_DOCS, REGULATIONS],
        docs("regulations", Some("repealed"), None),
    ),
    before(
        &[V_REPEALED, Q_DOCS, NORMATIVE],
        docs("normative", Some("repealed"), None),
    ),
    before(
        &[V_VALID, Q_DOCS, REGULATIONS],
        docs("regulations", Some("valid"), None),
    ),
    before(
        &[V_VALID, Q_DOCS, NORMATIVE],
        docs("normative", Some("valid"), None),
    ),
    // 2021 表二 第二十条第（八）项, in money.
    before(&[&["", "收取", "征收"], &["行政事业性收费"]], Target::Fees),
];

/// Words that may stand before a phrase in its clause: time, the agency as a whole,
/// adverbs. Anything else (a channel, a sub-unit, another year) keeps the figure from
/// being compared. `其中` is allowed only before a part ([`Target::is_part`]).
pub(crate) const LEAD: &[&str] = &[
    "全年",
    "本年",
    "本年度",
    "年度内",
    "今年",
    "当年",
    "年内",
    "期间",
    "全市",
    "全县",
    "全区",
    "全省",
    "全州",
    "全镇",
    "全旗",
    "本机关",
    "本单位",
    "我市",
    "我县",
    "我区",
    "我局",
    "我委",
    "我办",
    "我镇",
    "我省",
    "各级行政机关",
    "各级机关",
    "市政府",
    "县政府",
    "区政府",
    "共",
    "累计",
    "合计",
    "总计",
    "共计",
    "依法",
    "另有",
    "另",
    "尚有",
    "还有",
    "仍有",
    "含",
    "包括",
    "均",
    "已",
    "全部",
    "都",
    "此外",
    "同时",
];
pub(crate) const PART_LEAD: &str = "其中";

/// Words between a phrase and its figure that change nothing (`申请数量为`), longest
/// first.
pub(crate) const FILLERS: &[&str] = &[
    "共计", "总计", "合计", "累计", "总数", "数量", "件数", "案件", "共", "计", "为", "达到", "达",
    "是", "有", "了", "的", ":",
];

/// Words of a clause that speak of another time or of a change: the figures of the
/// clause, and of the rest of the sentence, are not this year's counts.
pub(crate) const OTHER_TIME: &[&str] = &[
    "上年",
    "去年",
    "上一年",
    "前年",
    "同比",
    "环比",
    "增长",
    "下降",
    "增幅",
    "降幅",
    "增加了",
    "减少了",
    "提高了",
    "持平",
];
/// Words of a sentence about something else than applications for disclosure: the
/// words of 表三 (受理, 办结) there count other things.
/// 主动公开 is what the agency published of its own motion: no count of 表三.
pub(crate) const OTHER_SUBJECTS: &[&str] = &[
    "热线",
    "12345",
    "信访",
    "留言",
    "来电",
    "咨询",
    "投诉",
    "提案",
    "主动公开",
];
/// 上年结转 is this year's table (二、上年结转): not another time.
pub(crate) const CARRIED_IN_WORDS: &[&str] = &["上年度结转", "上一年度结转", "上年结转"];

/// Percentages: `占` or `占比`, then optionally the base. A base that names the decided
/// applications (`占办结总数的`) is （七）总计; no base or another one reads as
/// （七）总计 or as the applications received — two readings.
pub(crate) const SHARE: &[&str] = &["占比", "占"];
pub(crate) const BASE_DECIDED: &[&str] = &[
    "办结总数",
    "答复总数",
    "办结总量",
    "办理总数",
    "全部办结",
    "已办结",
    "办结",
    "答复",
    "全部答复",
    "办结申请总数",
    "办结申请",
    "答复申请总数",
];
