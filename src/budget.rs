//! A time budget per file (and per cross-file rule), so one hostile or pathological
//! file cannot stall a scan: parsers stop when it runs out (tree-sitter's progress
//! callback), tree walks and pairwise loops check it, and the engine skips the
//! remaining rules of the file and reports a diagnostic instead of hanging.
//!
//! The deadline is thread-local: the engine checks one file per worker thread at a
//! time. `HARDEN_FILE_BUDGET_MS` overrides the default (tests use a small one).

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Default budget for one file: generous for real files (the largest real shell or
/// YAML file takes milliseconds), short enough that a runaway is noticed.
pub const DEFAULT_FILE_BUDGET: Duration = Duration::from_secs(10);

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static EXCEEDED: Cell<bool> = const { Cell::new(false) };
}

/// The budget in force: `HARDEN_FILE_BUDGET_MS` or [`DEFAULT_FILE_BUDGET`].
pub fn file_budget() -> Duration {
    std::env::var("HARDEN_FILE_BUDGET_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(DEFAULT_FILE_BUDGET, Duration::from_millis)
}

/// While alive, work on this thread runs against a deadline `budget` from now.
pub struct Guard {
    previous: Option<Instant>,
    previous_exceeded: bool,
}

/// Starts a budget for the work that follows on this thread.
pub fn start(budget: Duration) -> Guard {
    let previous = DEADLINE.with(|d| d.replace(Instant::now().checked_add(budget)));
    let previous_exceeded = EXCEEDED.with(|e| e.replace(false));
    Guard {
        previous,
        previous_exceeded,
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.previous));
        EXCEEDED.with(|e| e.set(self.previous_exceeded));
    }
}

/// Whether the current budget has run out (and remembers that it has). Cheap enough
/// for loops that call it every few hundred iterations.
pub fn exceeded() -> bool {
    if EXCEEDED.with(Cell::get) {
        return true;
    }
    let over = DEADLINE.with(|d| d.get().is_some_and(|t| Instant::now() >= t));
    if over {
        EXCEEDED.with(|e| e.set(true));
    }
    over
}

/// Whether the budget ran out at some point since [`start`].
pub fn was_exceeded() -> bool {
    EXCEEDED.with(Cell::get)
}

/// Parses `text` with tree-sitter, giving up (None) when the budget runs out.
pub fn parse_tree(parser: &mut tree_sitter::Parser, text: &str) -> Option<tree_sitter::Tree> {
    let bytes = text.as_bytes();
    let mut progress = |_: &tree_sitter::ParseState| {
        if exceeded() {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
    let tree = parser.parse_with_options(
        &mut |i, _| bytes.get(i..).unwrap_or(&[]),
        None,
        Some(options),
    );
    if tree.is_none() {
        // A cancelled parse leaves state behind; the next parse must start afresh.
        parser.reset();
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_trips_and_restores() {
        assert!(!exceeded());
        {
            let _g = start(Duration::from_millis(0));
            assert!(exceeded());
            assert!(was_exceeded());
        }
        assert!(!was_exceeded());
        let _g = start(Duration::from_secs(60));
        assert!(!exceeded());
    }
}
