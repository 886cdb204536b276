//! External programs the tests drive (kubectl, terraform, pre-commit): run them when they are
//! installed, and otherwise skip saying so, or fail when `FLEETC_REQUIRE_TOOLS=1` (as in CI).

use std::io::ErrorKind;
use std::process::Command;

/// The variable that turns a missing tool into a failure.
pub const REQUIRE_TOOLS_ENV: &str = "FLEETC_REQUIRE_TOOLS";

/// Whether `program` runs (`program args` is how it is probed). When it is not installed, the
/// calling test (named `test`) is skipped after saying so, unless tools are required.
#[allow(clippy::print_stderr, reason = "a skipped test must say so")]
pub fn available(program: &str, args: &[&str], test: &str) -> bool {
    match Command::new(program).args(args).output() {
        Ok(_) => true,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            assert!(
                std::env::var(REQUIRE_TOOLS_ENV).as_deref() != Ok("1"),
                "{test}: {program} is not installed, but {REQUIRE_TOOLS_ENV}=1 requires it"
            );
            eprintln!(
                "skipping {test}: {program} is not installed; set {REQUIRE_TOOLS_ENV}=1 to fail"
            );
            super::skips::record(test, &format!("{program} is not installed"));
            false
        }
        Err(error) => panic!("{program} does not run: {error}"),
    }
}
