//! `fleetc schema`: print the embedded JSON Schema of one kind (or the one that accepts any
//! kind), or write every schema file into a folder for editors.

use std::fmt::Write as _;
use std::path::Path;

use super::{Context, Outcome, Status};
use crate::validate::schema::{FILES, text_of};

/// `fleetc schema [KIND] [--write DIR]`.
pub(crate) fn run(context: &Context, kind: &str, write: Option<&Path>) -> Outcome {
    if let Some(dir) = write {
        if kind != "all" {
            return Outcome::failure(format!(
                "--write writes every schema file (editors follow the references between them); \
                 leave out `{kind}`, or print one kind's schema without --write"
            ));
        }
        return write_all(&context.cwd.join(dir));
    }
    let file = match kind {
        "all" => "fleetc.schema.json",
        "fleet" | "Fleet" => "fleet.schema.json",
        "cluster-template" | "ClusterTemplate" => "cluster-template.schema.json",
        "cluster" | "Cluster" => "cluster.schema.json",
        "app" | "App" => "app.schema.json",
        "team" | "Team" => "team.schema.json",
        other => {
            return Outcome::failure(format!(
                "unknown kind `{other}`; choose fleet, cluster-template, cluster, app, team or all"
            ));
        }
    };
    let mut outcome = Outcome::new(Status::Clean);
    text_of(file)
        .expect("embedded schema")
        .clone_into(&mut outcome.stdout);
    if !outcome.stdout.ends_with('\n') {
        outcome.stdout.push('\n');
    }
    outcome
}

fn write_all(dir: &Path) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Outcome::failure(format!("cannot create {}: {e}", dir.display()));
    }
    let mut outcome = Outcome::new(Status::Clean);
    for (name, text) in FILES {
        let path = dir.join(name);
        // Staged and renamed: a symlink at the name is replaced, never written through.
        if let Err(e) = crate::emit::write_atomically(&path, text.as_bytes()) {
            return Outcome::failure(e);
        }
        let _ = writeln!(outcome.stderr, "wrote {}", path.display());
    }
    outcome
}
