//! The broken-fleet cases: `tests/broken-fleets/<base>/<case>/` holds only what differs from the
//! valid fleet `tests/fixtures/<base>/`, a `case.yaml` that says what the case pins, and the
//! expected output of `fleetc validate` as a reviewed snapshot, `validate.snap`.
//!
//! A case folder holds:
//!
//! - `fleet/...`: files written over the base fleet's (created or replaced, byte for byte: a
//!   case may hold a file that is not UTF-8 or that has tabs, exactly as a user's editor wrote
//!   it);
//! - `case.yaml`: `pins` (one line: the rule or the bug the case pins), `note` (optional, why the
//!   files look as they do), `removes` (optional, base files the case deletes) and `now`
//!   (optional, the time fleetc judges expiry at, instead of [`NOW`](super::fleet::NOW)).

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::fleet::{Run, copy_dir, fixture_repo, fleetc_command, repo_root, run};

/// Where the cases live, relative to the crate root.
pub const CASES: &str = "tests/broken-fleets";

/// What `case.yaml` says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    /// One line: the rule or the bug the case pins.
    pub pins: String,
    /// Why the case's files look as they do.
    #[serde(default)]
    pub note: Option<String>,
    /// Files of the base fleet the case deletes, as `fleet/...` paths.
    #[serde(default)]
    pub removes: Vec<String>,
    /// The time fleetc runs at (RFC 3339), when it is not the tests' usual one.
    #[serde(default)]
    pub now: Option<String>,
}

/// One case.
#[derive(Debug)]
pub struct Case {
    /// The fixture under `tests/fixtures/` the case changes.
    pub base: String,
    /// The case's folder name.
    pub name: String,
    /// The case's folder.
    pub dir: PathBuf,
    pub about: About,
}

impl Case {
    /// Every case, in name order.
    pub fn all() -> Vec<Self> {
        let root = repo_root().join(CASES);
        let mut cases = Vec::new();
        for base in sorted_folders(&root) {
            for dir in sorted_folders(&base) {
                cases.push(Self::load(&dir));
            }
        }
        cases
    }

    /// The case `<base>/<name>`.
    pub fn named(path: &str) -> Self {
        Self::load(&repo_root().join(CASES).join(path))
    }

    fn load(dir: &Path) -> Self {
        let name = |p: &Path| {
            p.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        };
        let yaml = dir.join("case.yaml");
        let text = fs::read_to_string(&yaml).unwrap_or_else(|e| panic!("{}: {e}", yaml.display()));
        let about: About =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", yaml.display()));
        assert!(
            !about.pins.trim().is_empty() && !about.pins.contains('\n'),
            "{}: `pins` says in one line what the case pins",
            yaml.display()
        );
        Self {
            base: name(dir.parent().expect("a base folder")),
            name: name(dir),
            dir: dir.to_owned(),
            about,
        }
    }

    /// `<base>/<name>`: the test's name.
    pub fn id(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }

    /// Writes the case's files over a fleet repo holding the base fleet, and removes what it
    /// removes.
    pub fn apply(&self, repo: &Path) {
        let files = self.dir.join("fleet");
        if files.is_dir() {
            copy_dir(&files, &repo.join("fleet"));
        }
        for removed in &self.about.removes {
            fs::remove_file(repo.join(removed))
                .unwrap_or_else(|e| panic!("{}: removes {removed}: {e}", self.id()));
        }
    }

    /// A temporary fleet repo holding the base fleet with the case applied (no `out/`).
    pub fn repo(&self) -> tempfile::TempDir {
        let repo = fixture_repo(&self.base);
        self.apply(repo.path());
        repo
    }

    /// Runs `fleetc` with `args` in `dir` at the case's time.
    pub fn fleetc(&self, dir: &Path, args: &[&str]) -> Run {
        let mut command = fleetc_command(dir);
        if let Some(now) = &self.about.now {
            command.env("FLEETC_NOW", now);
        }
        run(command.args(args))
    }
}

/// The folders in `dir`, sorted by name.
fn sorted_folders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("folder entry").path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}
