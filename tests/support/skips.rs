//! Skipped tests say so where the user looks: each skip is recorded under the target folder's
//! `tmp/skipped/`, and `scripts/test` (the README's test command) lists them at the end of the
//! run. A plain `cargo test` shows a skipped test as passed; the list is what tells them apart.

use std::fs;
use std::path::PathBuf;

/// Where skips are recorded: `<target>/tmp/skipped/`.
pub fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("skipped")
}

/// Records that `test` skipped, and why.
pub fn record(test: &str, why: &str) {
    let name: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let _ = fs::create_dir_all(folder());
    let _ = fs::write(folder().join(name), format!("{test}: {why}\n"));
}
