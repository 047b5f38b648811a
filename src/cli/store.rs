//! `nianbao check --store URL`: each report checked in the run is kept in the store as
//! `nianbao serve --store` keeps it (a new version of its agency's report of its year), and
//! checked against the stored report of the year before when `--previous` is not given.
//! The store is async (sqlx); the check's worker threads wait on a small runtime of its own.
//! A store that cannot be written does not stop the run: the file's result is printed, the
//! failure said on stderr, and the run exits 2.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use nianbao::{check_ingested_with, CheckResult, Ingested, Lang, Options, Report};

use super::check::guarded;
use super::inputs::ReadError;
use crate::store::{self, Previous, Store, Submission};

pub struct Batch {
    runtime: tokio::runtime::Runtime,
    store: Store,
    lang: Lang,
    failed: AtomicBool,
}

impl Batch {
    /// Opens the store of `--store`; the message says why it cannot be.
    pub fn open(url: &str, lang: Lang) -> Result<Batch, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("--store: {e}"))?;
        let store = runtime
            .block_on(Store::open(url))
            .map_err(|e| e.to_string())?;
        Ok(Batch {
            runtime,
            store,
            lang,
            failed: AtomicBool::new(false),
        })
    }

    /// Whether a report of the run could not be paired or kept.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    fn fail(&self, name: &str, e: &store::StoreError) {
        self.failed.store(true, Ordering::Relaxed);
        let _ = writeln!(
            io::stderr(),
            "nianbao: {name}: {}{e}",
            self.lang.say("存储失败：", "")
        );
    }

    /// Checks one report — against `previous`, or else the stored report of the year
    /// before — and keeps it with the SHA-256 of its bytes.
    pub fn check(
        &self,
        name: &str,
        sha256: String,
        ingested: Ingested,
        previous: Option<&Report>,
        options: &Options,
    ) -> Result<CheckResult, ReadError> {
        let (stored, paired) = match previous {
            Some(_) => (None, Previous::Sent),
            None => match self
                .runtime
                .block_on(self.store.previous_of(&ingested.report))
            {
                Ok(Some((report, at))) => (Some(report), Previous::Stored(at)),
                Ok(None) => (None, Previous::None),
                Err(e) => {
                    self.fail(name, &e);
                    (None, Previous::None)
                }
            },
        };
        let previous = previous.or(stored.as_ref());
        let result = guarded(|| check_ingested_with(ingested, previous, options))?;
        let kept = serde_json::to_string(&result)
            .and_then(|json| Submission::of(sha256, &result, json, paired))
            .map_err(|e| store::StoreError(e.to_string()))
            .and_then(|s| self.runtime.block_on(self.store.keep(&s)));
        if let Err(e) = kept {
            self.fail(name, &e);
        }
        Ok(result)
    }
}
