//! Soak times: a stage with `soak: 7d` may take the layer of the stage before it only once that
//! stage has run it for seven days. Judged from the App file's git history (first parents of
//! `HEAD`, commit times) and the working tree (as of now): the stage before got its current
//! layer when the unbroken run of commits that have it began, and this stage got it likewise;
//! a stage that took it sooner than its soak time after is an error at its `soak`. A stage
//! that had that layer since it was first written is not a promotion and is not judged.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value};

use super::{documents_of, layer_of};
use crate::compile::Compilation;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Pointer, Target};
use crate::model::App;

/// How many commits back a soak is looked for: far beyond any rollout's.
const MAX_COMMITS: usize = 2_000;

/// Each stage's layer, by stage name.
type Layers = BTreeMap<String, Map<String, Value>>;

/// Each stage's layer in one version of the App's file (`None`: no such App there).
fn layers(text: &str, app: &str) -> Option<Layers> {
    let documents = documents_of(text).ok()?;
    let document = documents.iter().find(|d| {
        d.get("kind").and_then(Value::as_str) == Some("App")
            && d.pointer("/metadata/name").and_then(Value::as_str) == Some(app)
    })?;
    let stages = document.pointer("/spec/stages").and_then(Value::as_array)?;
    Some(
        stages
            .iter()
            .filter_map(Value::as_object)
            .filter_map(|stage| {
                let name = stage.get("name")?.as_str()?.to_owned();
                Some((name, layer_of(stage)))
            })
            .collect(),
    )
}

/// The findings for stages that took their predecessor's layer before its soak time was up.
/// `file_of` turns a file's display path into its path on disk.
pub fn check(
    compilation: &Compilation,
    file_of: &dyn Fn(&str) -> std::path::PathBuf,
    now: Timestamp,
) -> Vec<Diagnostic> {
    let Some(fleet) = compilation.fleet.as_ref() else {
        return Vec::new();
    };
    fleet
        .apps
        .iter()
        .filter(|app| app.stages.iter().any(|s| s.soak.is_some()))
        .flat_map(|app| {
            let files = &compilation.files;
            let file = file_of(files.path(app.at.file));
            check_app(compilation, app, &file, files.text(app.at.file), now)
        })
        .collect()
}

fn check_app(
    compilation: &Compilation,
    app: &App,
    file: &Path,
    text: &str,
    now: Timestamp,
) -> Vec<Diagnostic> {
    // Newest first: the working tree as of now, then each commit.
    let mut versions: Vec<(i64, Option<Layers>)> = vec![(now.as_second(), layers(text, &app.name))];
    let _ = crate::source::file_history(file, |time, text| {
        let found = layers(text, &app.name);
        let more = found.is_some() && versions.len() < MAX_COMMITS;
        versions.push((time, found));
        more
    });
    let layer_at = |i: usize, stage: &str| {
        versions
            .get(i)
            .and_then(|(_, v)| v.as_ref())
            .and_then(|v| v.get(stage))
    };
    // Where the unbroken run of versions with the current layer of `stage` ends (its oldest
    // index), and whether a different layer came before it.
    let run = |stage: &str| -> (usize, bool) {
        let current = layer_at(0, stage);
        let mut oldest = 0;
        while oldest + 1 < versions.len() && layer_at(oldest + 1, stage) == current {
            oldest += 1;
        }
        (oldest, layer_at(oldest + 1, stage).is_some())
    };
    let mut found = Vec::new();
    for (i, stage) in app.stages.iter().enumerate().skip(1) {
        let Some(soak) = stage.soak else { continue };
        let before = &app.stages[i - 1];
        if layer_at(0, &stage.name).is_none()
            || layer_at(0, &stage.name) != layer_at(0, &before.name)
        {
            continue;
        }
        let (took, promoted) = run(&stage.name);
        if !promoted {
            continue;
        }
        let (got, _) = run(&before.name);
        let (took_at, got_at) = (versions[took].0, versions[got].0);
        let held = SignedDuration::from_secs(took_at - got_at);
        if held >= soak {
            continue;
        }
        let ready = Timestamp::from_second(got_at)
            .ok()
            .and_then(|t| t.checked_add(soak).ok())
            .map_or_else(String::new, |t| format!(" (from {t})"));
        found.push(
            Diagnostic::error(
                Code::Stage,
                format!(
                    "stage `{}` of app `{}` takes the layer of `{}` {}, and its soak time is {}",
                    stage.name,
                    app.name,
                    before.name,
                    if held.is_negative() {
                        format!("before `{}` got it", before.name)
                    } else {
                        format!(
                            "{} after `{}` got it",
                            crate::validate::expiry_human(held),
                            before.name
                        )
                    },
                    crate::validate::expiry_human(soak),
                ),
                Some(compilation.files.locate(
                    app.at,
                    &Pointer::parse("/spec/stages").index(i).key("soak"),
                    Target::Value,
                )),
            )
            .with_help(format!(
                "keep `{}` on its earlier layer until `{}` has run this one for {}{ready}",
                stage.name,
                before.name,
                crate::validate::expiry_human(soak)
            )),
        );
    }
    found
}
