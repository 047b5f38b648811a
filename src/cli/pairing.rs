//! A batch's reports paired with last year's of the same agency ([`nianbao::agency::pair`]):
//! a first pass reads each file's agency and year (its title only, not its tables:
//! [`nianbao::ingest::ingest_title`]), on the pool's threads; each report of
//! year N then gets the file of year N − 1 as its previous, which its worker reads again (so
//! that memory stays bounded: no report is held between the passes). What was not paired is
//! said once, in the summary — never as a finding. Standard input is read once, so it is
//! never paired.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use nianbao::agency::{self, Candidate, Unpaired};
use nianbao::Lang;

use super::check::read_title;
use super::inputs::Input;

/// The file a report is paired with.
#[derive(Debug)]
pub struct Paired {
    pub input: Input,
    pub name: String,
    /// Paired across a 县 → 区 rename.
    pub renamed: bool,
}

/// What the summary says of the pairing.
#[derive(Debug, Default)]
pub struct Summary {
    pub paired: usize,
    /// Read, but no report of its agency for the year before.
    pub without: Vec<String>,
    /// Read, but the title gives no agency or no year.
    pub unknown: Vec<String>,
    /// Files of one agency and year (each group).
    pub duplicates: Vec<Vec<String>>,
    /// A file, and last year's files it could not choose between, with why.
    pub unclear: Vec<(String, Vec<String>, bool)>,
}

/// Each input's last year's file (by index), and the summary.
pub fn plan(inputs: &[Input], jobs: usize) -> (Vec<Option<Paired>>, Summary) {
    let facts = scan(inputs, jobs);
    let candidates: Vec<Candidate> = facts
        .iter()
        .map(|f| Candidate {
            agency: f.as_ref().and_then(|(a, _)| a.as_deref()),
            year: f.as_ref().and_then(|(_, y)| *y),
        })
        .collect();
    let name = |i: usize| inputs[i].name.clone();
    let mut summary = Summary::default();
    let mut partners = Vec::with_capacity(inputs.len());
    for (i, outcome) in agency::pair(&candidates).into_iter().enumerate() {
        let read = facts[i].is_some();
        partners.push(match outcome {
            Ok(p) => inputs[p.index].reopen().map(|input| {
                summary.paired += 1;
                Paired {
                    input,
                    name: name(p.index),
                    renamed: p.renamed,
                }
            }),
            Err(why) => {
                match why {
                    _ if !read => {}
                    Unpaired::Unknown => summary.unknown.push(name(i)),
                    Unpaired::NotFound => summary.without.push(name(i)),
                    // Each group once: from its first member.
                    Unpaired::Duplicate(group) => {
                        if group.first() == Some(&i) {
                            summary
                                .duplicates
                                .push(group.iter().map(|&j| name(j)).collect());
                        }
                    }
                    Unpaired::PreviousDuplicate(last) => {
                        summary
                            .unclear
                            .push((name(i), last.into_iter().map(name).collect(), false))
                    }
                    Unpaired::RenameUnclear(last) => {
                        summary
                            .unclear
                            .push((name(i), last.into_iter().map(name).collect(), true))
                    }
                }
                None
            }
        });
    }
    (partners, summary)
}

/// Each input's agency and year; `None` for one that cannot be read (its worker says why).
type Facts = Option<(Option<String>, Option<i32>)>;

fn scan(inputs: &[Input], jobs: usize) -> Vec<Facts> {
    let next = AtomicUsize::new(0);
    let facts = Mutex::new(vec![None; inputs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else {
                    break;
                };
                let found = input
                    .reopen()
                    .and_then(|input| read_title(input).ok())
                    .map(|r| (r.agency, r.year));
                facts.lock().unwrap_or_else(|e| e.into_inner())[i] = found;
            });
        }
    });
    facts.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// How many names a line of the summary lists before it says how many more.
const LISTED: usize = 20;

impl Summary {
    /// The summary's lines about the pairing.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let s = |zh, en| lang.say(zh, en);
        let sep = s("、", ", ");
        let list = |names: &[String]| {
            let mut shown = names[..names.len().min(LISTED)].join(sep);
            if names.len() > LISTED {
                let more = names.len() - LISTED;
                shown.push_str(&match lang {
                    Lang::Zh => format!(" 等另 {more} 个"),
                    Lang::En => format!(" and {more} more"),
                });
            }
            shown
        };
        let mut out = vec![match lang {
            Lang::Zh => format!("{} 份报告与同一机关的上年报告配对", self.paired),
            Lang::En => format!(
                "{} report{} paired with the agency's report of the year before",
                self.paired,
                plural(self.paired)
            ),
        }];
        if !self.without.is_empty() {
            let n = self.without.len();
            out.push(match lang {
                Lang::Zh => format!("{n} 份报告没有上年报告：{}", list(&self.without)),
                Lang::En => format!(
                    "{n} report{} without last year's: {}",
                    plural(n),
                    list(&self.without)
                ),
            });
        }
        if !self.unknown.is_empty() {
            let n = self.unknown.len();
            out.push(match lang {
                Lang::Zh => format!(
                    "{n} 份报告标题未给出机关或年度，未配对：{}",
                    list(&self.unknown)
                ),
                Lang::En => format!(
                    "{n} report{} not paired, the title gives no agency or year: {}",
                    plural(n),
                    list(&self.unknown)
                ),
            });
        }
        for group in &self.duplicates {
            out.push(match lang {
                Lang::Zh => format!("同一机关同一年度有多份报告，均未配对：{}", list(group)),
                Lang::En => format!(
                    "one agency's reports of one year, none paired: {}",
                    list(group)
                ),
            });
        }
        for (file, last, renamed) in &self.unclear {
            out.push(match (lang, renamed) {
                (Lang::Zh, false) => format!(
                    "{file} 未配对：同一机关的上年报告有多份（{}）",
                    list(last)
                ),
                (Lang::En, false) => format!(
                    "{file} not paired: the agency has several reports of last year ({})",
                    list(last)
                ),
                (Lang::Zh, true) => format!(
                    "{file} 未配对：上年报告（{}）的机关名称仅县、区一字之差，但无法确定为撤县设区（原县本年仍有报告，或候选不止一个）",
                    list(last)
                ),
                (Lang::En, true) => format!(
                    "{file} not paired: last year's {} differs only by 县/区, but is not clearly the county renamed (the county reports this year too, or there are several)",
                    list(last)
                ),
            });
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
