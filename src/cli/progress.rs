//! Progress bars on a terminal, silence elsewhere (scripts, CI logs).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use redline::import::{ImportOutcome, Progress};
use redline::store::Store;

pub fn visible() -> bool {
    std::io::stderr().is_terminal()
}

pub fn bar(len: Option<u64>) -> ProgressBar {
    let b = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if !visible() {
        b.set_draw_target(ProgressDrawTarget::hidden());
    }
    b
}

/// Import progress: a spinner per source with the running message count.
pub struct ImportBar {
    bar: Option<ProgressBar>,
}

impl ImportBar {
    pub fn new() -> Self {
        Self { bar: None }
    }
}

impl Progress for ImportBar {
    fn source_started(&mut self, path: &str, format: &str, bytes: u64) {
        let b = bar(None);
        b.set_style(ProgressStyle::with_template("{spinner} {msg} {pos} messages ({per_sec})").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        b.set_message(format!("{path} [{format}, {bytes} bytes]"));
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bar = Some(b);
    }
    fn messages(&mut self, written: u64) {
        if let Some(b) = &self.bar {
            b.set_position(written);
        }
    }
    fn source_done(&mut self, _outcome: &ImportOutcome) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// Build the pending part of the search index with a bar.
pub fn index(store: &mut Store, rebuild: bool) -> anyhow::Result<u64> {
    let pending = store.index_status()?.pending;
    let b = bar(Some(pending));
    b.set_style(
        ProgressStyle::with_template("indexing {bar:40} {pos}/{len} messages ({per_sec}, eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let n = if rebuild {
        store.reindex(|done, total| {
            b.set_length(total);
            b.set_position(done)
        })?
    } else {
        store.index_pending(|done, _| b.set_position(done))?
    };
    b.finish_and_clear();
    Ok(n)
}
