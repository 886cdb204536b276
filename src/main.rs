//! The `fleetc` binary: runs the library's command line and writes what it produced.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use fleetc::place::{BoundedAllocator, Report};

/// mimalloc, bounding what a value template may allocate. fleetc allocates many small values
/// (parsed documents, resolved clusters, rendered text) on every core at once; mimalloc serves
/// them with a fifth to a quarter less CPU than glibc's allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: BoundedAllocator<mimalloc::MiMalloc> =
    BoundedAllocator::new(mimalloc::MiMalloc, template_exceeded_memory);

fn main() -> ExitCode {
    let color = color();
    let environment = fleetc::cli::Environment {
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        color,
    };
    let outcome = fleetc::cli::run(std::env::args_os(), &environment);
    // A closed pipe (`fleetc ls … | head`) is not a failure.
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.status.code())
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A value template passed its memory bound: report it as the finding it is and stop, since the
/// template cannot be interrupted otherwise. Exit 1: the fleet is at fault, not fleetc.
fn template_exceeded_memory(report: &Report) -> ! {
    let text =
        fleetc::diagnostic::format::text(std::slice::from_ref(&report.finding), report, color());
    let _ = std::io::stderr().write_all(text.as_bytes());
    std::process::exit(1)
}
