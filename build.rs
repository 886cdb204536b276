//! Gives the build an identity: a digest of everything that decides what the binary does (its
//! sources, schemas, manifest and lock file, the compiler and the profile). The render cache keys
//! on it, so a cache written by one build is never trusted by another, whatever the version
//! number, path, size or modification time of the executable.

use std::path::Path;
use std::{env, fs};

use xxhash_rust::xxh3::Xxh3;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hasher = Xxh3::new();
    for input in ["build.rs", "Cargo.toml", "Cargo.lock", "src", "schema"] {
        println!("cargo:rerun-if-changed={input}");
        add(&mut hasher, root, &root.join(input));
    }
    for key in [
        "TARGET",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "CARGO_CFG_FEATURE",
    ] {
        println!("cargo:rerun-if-env-changed={key}");
        hasher.update(key.as_bytes());
        hasher.update(env::var(key).unwrap_or_default().as_bytes());
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if let Ok(output) = std::process::Command::new(rustc).arg("-vV").output() {
        hasher.update(&output.stdout);
    }
    println!(
        "cargo:rustc-env=FLEETC_BUILD_DIGEST={:032x}",
        hasher.digest128()
    );
    println!("cargo:rustc-env=FLEETC_GIT_COMMIT={}", commit(root));
}

/// The git commit the sources are at (`unknown` outside a git checkout), for `--version`.
/// The build runs again when HEAD moves.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    for file in ["HEAD", "logs/HEAD"] {
        if let Some(path) = git(&["rev-parse", "--git-path", file]) {
            let path = root.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_owned())
}

/// Adds a file (its path and bytes) or, in path order, every file below a folder.
fn add(hasher: &mut Xxh3, root: &Path, path: &Path) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            add(hasher, root, &entry);
        }
    } else if let Ok(bytes) = fs::read(path) {
        let relative = path.strip_prefix(root).unwrap_or(path);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
}
