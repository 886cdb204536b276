//! The shape of `src/` (issue 13): data flows one way through the pipeline, so a module may use
//! only the stages before its own and the shared modules below them. A file that reaches up (a
//! stage importing a later one, anything importing the command line) fails this test, which
//! names the file, the line and the module it reached for. Unit tests inside a file (after
//! `#[cfg(test)] mod tests`) may use the crate's test fixture and the pipeline as a whole.

mod support;

use std::fs;
use std::path::Path;

use support::fleet::repo_root;

/// The modules of `src/`, in the order data flows through them: each may use those before it
/// (and itself), never one after it.
const ORDER: [&str; 15] = [
    "diagnostic",
    "selector",
    "source",
    "load",
    "model",
    "validate",
    "place",
    "render",
    "emit",
    "conformance",
    "compile",
    "import",
    "promote",
    "cli",
    "fuzzing",
];

/// The top-level module a file of `src/` belongs to (`src/place/templates/view.rs` is `place`).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// Every `.rs` file below `dir`, relative to `root`.
fn rust_files(dir: &Path, root: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.strip_prefix(root).expect("below src").to_path_buf());
        }
    }
}

/// The `crate::<module>` references of `text` before its unit tests, with their line numbers.
fn references(text: &str) -> Vec<(usize, String)> {
    let code = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |end| &text[..end]);
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push((n + 1, name));
            rest = after;
        }
    }
    found
}

#[test]
fn no_module_reaches_up_the_pipeline() {
    let src = repo_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let rank = |module: &str| ORDER.iter().position(|m| *m == module);
    let mut checked = 0;
    let mut violations = Vec::new();
    for file in &files {
        let Some(own) = module_of(file) else { continue };
        // lib.rs and main.rs assemble the crate; the test fixture sits above every stage.
        let Some(own_rank) = rank(&own) else {
            assert!(
                ["lib", "main", "test_fleet"].contains(&own.as_str()),
                "src/{} is in no stage of ORDER: add it there",
                file.display()
            );
            continue;
        };
        let text = fs::read_to_string(src.join(file)).expect("a source file");
        for (line, used) in references(&text) {
            checked += 1;
            match rank(&used) {
                Some(used_rank) if used_rank > own_rank => violations.push(format!(
                    "src/{}:{line}: {own} uses crate::{used}, a later stage",
                    file.display()
                )),
                None if used == "test_fleet" => violations.push(format!(
                    "src/{}:{line}: the test fixture outside a unit test",
                    file.display()
                )),
                _ => {}
            }
        }
    }
    assert!(checked > 200, "only {checked} references read");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_check_sees_a_module_that_reaches_up() {
    let text = "use crate::model::Fleet;\n// crate::cli in a comment\nfn f() { crate::emit::x(); }\n\
                #[cfg(test)]\nmod tests {\n    use crate::compile::compile;\n}\n";
    assert_eq!(
        references(text),
        [(1, "model".to_owned()), (3, "emit".to_owned())]
    );
}

#[test]
fn every_source_file_says_what_it_holds() {
    let src = repo_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let undocumented: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = fs::read_to_string(src.join(file)).expect("a source file");
            !text.starts_with("//!")
        })
        .map(|file| format!("src/{}", file.display()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "no module doc (`//!`) at the top of:\n{}",
        undocumented.join("\n")
    );
}
