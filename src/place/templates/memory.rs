//! A memory bound on value templates. minijinja bounds the steps a template takes (fleetc gives
//! it [`super::values`]' fuel), not what it allocates: `[[[1] * 10000] * 10000] * 10000` is 40
//! characters, and a loop can double a string each step. Rust cannot recover from a failed
//! allocation, so the bound is kept by the allocator itself: while a template is evaluated on a
//! thread, every byte it allocates (less what it frees) is charged to that thread, and when the
//! charge passes [`TEMPLATE_MEMORY`], the allocator stops the process through a function the
//! binary gives it, which reports the template (file, line and column) as a finding and exits
//! with 1. Nothing else is charged, so the bound costs the rest of fleetc one thread-local read
//! per allocation.
//!
//! The library's own tests run without this allocator (no bound); the binary installs
//! [`BoundedAllocator`].

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::Arc;

use crate::diagnostic::format::SourceText;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::App;

/// How much memory one value template may hold while it is evaluated.
pub const TEMPLATE_MEMORY: usize = 256 << 20;

/// No template is being evaluated on this thread: nothing is charged.
const IDLE: isize = isize::MAX;

/// A value template, as it is reported should it pass the bound: its finding, located, with the
/// line it points at (the report is written when nothing else can be read).
#[derive(Debug)]
pub struct Report {
    pub finding: Diagnostic,
    /// The file's text up to the finding's line: empty lines, then that line.
    lines: String,
}

impl SourceText for Report {
    fn source_text(&self, file: &str) -> Option<&str> {
        let at = self.finding.location.as_ref()?;
        (at.file == file).then_some(self.lines.as_str())
    }
}

pub(crate) type Site = Arc<Report>;

/// The site of the value template at `pointer` (in the App document) of `app`.
pub(crate) fn site(app: &App, files: &Files, pointer: &Pointer) -> Site {
    let location = files.locate(app.at, pointer, Target::Value);
    let line = files
        .source_text(&location.file)
        .and_then(|text| text.lines().nth(location.line.saturating_sub(1) as usize))
        .unwrap_or_default();
    let mut lines = "\n".repeat(location.line.saturating_sub(1) as usize);
    lines.push_str(line);
    Arc::new(Report {
        finding: Diagnostic::error(
            Code::ValueTemplate,
            format!(
                "value template of app `{}` needs more than {} MiB of memory",
                app.name,
                TEMPLATE_MEMORY >> 20
            ),
            Some(location),
        )
        .with_help(
            "a value template should be a few lookups and filters: look for a list or string \
             repeated with `*`, or a loop that makes a value grow",
        ),
        lines,
    })
}

/// A site for tests that do not report one.
#[cfg(test)]
pub(crate) fn test_site(_: &Pointer) -> Site {
    Arc::new(Report {
        finding: Diagnostic::error(Code::ValueTemplate, "test", None),
        lines: String::new(),
    })
}

thread_local! {
    /// Bytes the template being evaluated on this thread may still allocate, or [`IDLE`] (also
    /// while the process is being stopped, so the report can allocate).
    static REMAINING: Cell<isize> = const { Cell::new(IDLE) };
    /// The report of the template being evaluated, while it is (null otherwise). A pointer, not
    /// a counted reference: two threads counting references to one site, once per evaluation,
    /// would fight over its cache line.
    static SITE: Cell<*const Report> = const { Cell::new(std::ptr::null()) };
}

/// Charges the template on this thread's evaluation (if any) for `bytes`; whether it stays
/// within its bound.
#[inline]
fn charge(bytes: usize) -> bool {
    REMAINING.with(|remaining| {
        let left = remaining.get();
        if left == IDLE {
            return true;
        }
        let left = left.saturating_sub(isize::try_from(bytes).unwrap_or(isize::MAX));
        remaining.set(left);
        left >= 0
    })
}

/// Gives back `bytes` freed while a template is evaluated.
#[inline]
fn refund(bytes: usize) {
    REMAINING.with(|remaining| {
        let left = remaining.get();
        if left != IDLE {
            remaining.set(left.saturating_add(isize::try_from(bytes).unwrap_or(isize::MAX)));
        }
    });
}

/// Evaluates a template under the bound: `site` is what is reported should it pass the bound.
pub(crate) fn bounded<R>(site: &Site, evaluate: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            REMAINING.with(|r| r.set(IDLE));
            SITE.with(|s| s.set(std::ptr::null()));
        }
    }
    SITE.with(|s| s.set(Arc::as_ptr(site)));
    REMAINING.with(|r| r.set(isize::try_from(TEMPLATE_MEMORY).unwrap_or(IDLE - 1)));
    let _reset = Reset;
    evaluate()
}

/// What the allocator does when a template passes the bound: report the finding and end the
/// process.
pub type OnExceeded = fn(report: &Report) -> !;

/// An allocator (`inner`), charging value templates for what they allocate (see the module
/// documentation). The binary installs it as the global allocator.
pub struct BoundedAllocator<A> {
    inner: A,
    on_exceeded: OnExceeded,
}

impl<A> BoundedAllocator<A> {
    /// `inner`, calling `on_exceeded` when a template passes the bound.
    pub const fn new(inner: A, on_exceeded: OnExceeded) -> Self {
        Self { inner, on_exceeded }
    }

    #[cold]
    fn exceeded(&self) -> ! {
        // From here on allocations are not charged, so the report can be written.
        REMAINING.with(|r| r.set(IDLE));
        let site = SITE.with(Cell::get);
        // SAFETY: the pointer is set only while `bounded` runs, from a `Site` its caller holds,
        // and an allocation past the bound happens on this thread inside that call: the report
        // is alive.
        #[allow(
            unsafe_code,
            reason = "reading the report the evaluation's caller holds"
        )]
        let report = (!site.is_null()).then(|| unsafe { &*site });
        match report {
            Some(report) => (self.on_exceeded)(report),
            None => (self.on_exceeded)(&Report {
                finding: Diagnostic::error(
                    Code::ValueTemplate,
                    "a value template needs too much memory",
                    None,
                ),
                lines: String::new(),
            }),
        }
    }
}

// SAFETY: every method hands the request unchanged to the inner allocator; the only thing added
// is bookkeeping in thread-local cells that neither allocate nor have destructors.
#[allow(unsafe_code, reason = "a global allocator is unsafe to implement")]
unsafe impl<A: GlobalAlloc> GlobalAlloc for BoundedAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !charge(layout.size()) {
            self.exceeded();
        }
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !charge(layout.size()) {
            self.exceeded();
        }
        // SAFETY: as above.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        refund(layout.size());
        // SAFETY: as above.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            if !charge(new_size - layout.size()) {
                self.exceeded();
            }
        } else {
            refund(layout.size() - new_size);
        }
        // SAFETY: as above.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_evaluations_are_charged_and_each_starts_afresh() {
        assert!(
            charge(usize::MAX),
            "nothing is charged outside an evaluation"
        );
        let site = Arc::new(Report {
            finding: Diagnostic::error(Code::ValueTemplate, "at 3:5", None),
            lines: String::new(),
        });
        bounded(&site, || {
            assert!(charge(TEMPLATE_MEMORY - 10));
            refund(100);
            assert!(charge(100));
            assert!(!charge(11), "past the bound");
        });
        assert!(charge(usize::MAX), "the bound ends with the evaluation");
        bounded(&site, || assert!(charge(TEMPLATE_MEMORY)));
        bounded(&site, || {
            let current = SITE.with(Cell::get);
            assert!(std::ptr::eq(current, Arc::as_ptr(&site)));
        });
        assert!(
            SITE.with(Cell::get).is_null(),
            "no site outside an evaluation"
        );
    }
}
