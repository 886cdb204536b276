//! Running the real `fleetc` binary against fleet repos in temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate root (where `fleet/`, `out/` and `schema/` of the example live).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal, e.g. a crash).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics unless the run exited with `code`, showing its output.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The `(first, second)` string fields of each entry of the JSON array on stdout, as
    /// `--format json` prints findings: `run.json_pairs("file", "code")`.
    pub fn json_pairs(&self, first: &str, second: &str) -> Vec<(String, String)> {
        let json = self.json();
        let entries = json
            .as_array()
            .unwrap_or_else(|| panic!("stdout is not a JSON array:\n{}", self.stdout));
        let field = |entry: &serde_json::Value, name: &str| {
            entry[name]
                .as_str()
                .unwrap_or_else(|| panic!("an entry without a string `{name}`: {entry}"))
                .to_owned()
        };
        entries
            .iter()
            .map(|entry| (field(entry, first), field(entry, second)))
            .collect()
    }
}

/// The time every test runs fleetc at (`FLEETC_NOW`, unless a test passes `--now`), so that no
/// test depends on the clock.
pub const NOW: &str = "2026-11-29T00:00:00Z";

/// The `fleetc` binary, to run in `dir`: colour off, the time fixed at [`NOW`].
pub fn fleetc_command(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleetc"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("FLEETC_NOW", NOW);
    command
}

/// Runs `fleetc` with `args` in `dir` (see [`fleetc_command`]).
pub fn fleetc(dir: &Path, args: &[&str]) -> Run {
    let mut command = fleetc_command(dir);
    command.args(args);
    run(&mut command)
}

/// Runs `command` to its end and returns what it did.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().expect("the command runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// A temporary fleet repo holding a copy of the fleet of the fixture `tests/fixtures/<name>/`
/// (its `fleet/` folder, and no `out/` yet).
pub fn fixture_repo(name: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("fleetc-{name}-"))
        .tempdir()
        .expect("temporary folder");
    copy_dir(
        &repo_root().join("tests/fixtures").join(name).join("fleet"),
        &dir.path().join("fleet"),
    );
    dir
}

/// A temporary fleet repo holding a copy of the example's `fleet/`, `out/` and `schema/`.
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("fleetc-example")
        .tempdir()
        .expect("temporary folder");
    for folder in ["fleet", "out", "schema"] {
        copy_dir(&repo_root().join(folder), &dir.path().join(folder));
    }
    dir
}

/// A copy of the example (see [`example_copy`]) committed in a new git repository.
pub fn example_repo() -> tempfile::TempDir {
    let dir = example_copy();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "fleet"]);
    dir
}

/// Every file below `dir`, by relative `/`-path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("folder entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().expect("file type").is_dir() {
                walk(&entry.path(), &relative, out);
            } else {
                out.insert(relative, fs::read(entry.path()).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// Replaces the one occurrence of `from` in a file (panics if it is not there exactly once).
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read file");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} once in {}",
        path.display()
    );
    fs::write(path, text.replacen(from, to, 1)).expect("write file");
}

/// Runs `git` in `dir` as a test author who signs nothing; panics unless it succeeds, and
/// returns its stdout.
#[track_caller]
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=fleetc tests"])
        .args(["-c", "user.email=tests@fleetc.invalid"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs `fleetc` like [`fleetc`], but fails the test instead of waiting forever when the run
/// has not ended after `seconds` (for inputs that once made fleetc hang).
#[track_caller]
pub fn fleetc_within(dir: &Path, args: &[&str], seconds: u64) -> Run {
    let mut child = fleetc_command(dir)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("fleetc runs");
    // Read both pipes while waiting, so a chatty run cannot block on a full pipe.
    let reader = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for fleetc") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("fleetc {args:?} did not end within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Every staging file (`*.tmp-fleetc`) below `dir`, symlinks not followed.
pub fn staging_files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("folder entry");
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                walk(&entry.path(), out);
            } else if entry.file_name().to_string_lossy().ends_with(".tmp-fleetc") {
                out.push(entry.path().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}
