//! `fleetc ls`: a valid fleet's clusters (those a label selector matches, if one is given), its
//! placements, or its label vocabulary, as text columns or JSON. A selector key no cluster
//! carries and the Fleet does not declare is refused rather than matching nothing.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{ListFormat, Ls};
use super::{Context, Outcome, Status, report};
use crate::compile::Compilation;
use crate::model::label_vocabulary::LabelVocabulary;
use crate::model::{BUILTIN_LABELS, Cluster};
use crate::selector::string as selector_string;

/// `fleetc ls clusters|placements`.
pub(crate) fn run(context: &Context, ls: &Ls) -> Outcome {
    let compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    if compilation.fleet.is_none() {
        let mut outcome = Outcome::new(Status::Findings);
        report::findings(
            context,
            &compilation,
            super::args::Format::Text,
            &mut outcome,
        );
        return outcome;
    }
    let mut outcome = match ls {
        Ls::Clusters {
            selector, format, ..
        } => clusters(&compilation, selector.as_deref(), *format),
        Ls::Placements {
            app,
            cluster,
            format,
            ..
        } => placements(
            context,
            &compilation,
            app.as_deref(),
            cluster.as_deref(),
            *format,
        ),
        Ls::Labels { format, .. } => labels(&compilation, *format),
        Ls::Apps { format, .. } => apps(&compilation, *format),
    };
    // A listing is what one needs to understand an invalid fleet (a name collision, say): it is
    // given, of what could be read, with a word that the fleet is invalid.
    let errors = compilation
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    if errors > 0 {
        let _ = writeln!(
            outcome.stderr,
            "warning: the fleet is invalid ({}): this lists what could be read; `fleetc validate` shows the errors",
            report::plural(errors, "error")
        );
    }
    outcome
}

/// What `fleetc` says of a name that names nothing: what was meant, if anything close exists,
/// and the command that lists them.
pub(crate) fn unknown_name(fleet: &crate::model::Fleet, what: &str, name: &str) -> String {
    let names: Vec<&str> = match what {
        "app" => fleet.apps.iter().map(|a| a.name.as_str()).collect(),
        _ => fleet.clusters.iter().map(|c| c.name.as_str()).collect(),
    };
    let hint = crate::validate::suggest::help(name, &names)
        .filter(|h| h.starts_with("did you mean"))
        .map_or_else(String::new, |h| format!(": {h}"));
    format!("there is no {what} named `{name}`{hint} (`fleetc ls {what}s` lists them)")
}

#[derive(Serialize)]
struct AppRow<'a> {
    name: &'a str,
    clusters: usize,
    file: String,
}

fn apps(compilation: &Compilation, format: ListFormat) -> Outcome {
    let fleet = compilation.fleet.as_ref().expect("a valid fleet");
    let mut counts = vec![0; fleet.apps.len()];
    for p in &compilation.placements {
        counts[p.app] += 1;
    }
    let rows: Vec<AppRow<'_>> = fleet
        .apps
        .iter()
        .zip(counts)
        .map(|(a, clusters)| AppRow {
            name: &a.name,
            clusters,
            file: compilation.files.path(a.at.file).to_owned(),
        })
        .collect();
    listing(&rows, format, &["APP", "CLUSTERS", "FILE"], |r| {
        vec![r.name.to_owned(), r.clusters.to_string(), r.file.clone()]
    })
}

/// The fleet's label vocabulary (see [`LabelVocabulary`]).
fn vocabulary(compilation: &Compilation) -> LabelVocabulary {
    let fleet = compilation.fleet.as_ref().expect("a valid fleet");
    LabelVocabulary::new(fleet.labels.as_ref(), &fleet.clusters)
}

#[derive(Serialize)]
struct LabelRow<'a> {
    key: &'a str,
    #[serde(flatten)]
    info: &'a crate::model::label_vocabulary::LabelKey,
}

fn labels(compilation: &Compilation, format: ListFormat) -> Outcome {
    let vocabulary = vocabulary(compilation);
    let rows: Vec<LabelRow<'_>> = vocabulary
        .keys()
        .map(|(key, info)| LabelRow { key, info })
        .collect();
    listing(
        &rows,
        format,
        &[
            "KEY",
            "SOURCE",
            "CLUSTERS",
            "ALLOWED",
            "DESCRIPTION",
            "VALUES (CLUSTERS)",
        ],
        |r| {
            let carried: Vec<String> = r
                .info
                .values
                .iter()
                .map(|(v, n)| format!("{v} ({n})"))
                .collect();
            let declared = r.info.declared.as_ref();
            let source = match (r.info.builtin, declared.is_some()) {
                (true, _) => "built-in",
                (false, true) => "declared",
                (false, false) => "carried",
            };
            let allowed = declared
                .and_then(|d| d.values.as_ref())
                .map_or_else(|| "any".to_owned(), |v| v.join(","));
            vec![
                r.key.to_owned(),
                source.to_owned(),
                r.info.clusters.to_string(),
                allowed,
                declared
                    .and_then(|d| d.description.clone())
                    .unwrap_or_default(),
                carried.join(", "),
            ]
        },
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterRow<'a> {
    name: &'a str,
    hub: &'a str,
    provider: &'a str,
    region: Option<&'a str>,
    environment: Option<&'a str>,
    connection: &'a str,
    labels: &'a std::collections::BTreeMap<String, String>,
    annotations: &'a std::collections::BTreeMap<String, String>,
}

fn clusters(compilation: &Compilation, selector: Option<&str>, format: ListFormat) -> Outcome {
    let fleet = compilation.fleet.as_ref().expect("a valid fleet");
    let selector_text = selector;
    let selector = match selector.map(selector_string::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            let mut o = Outcome::failure(format!("invalid selector: {e}"));
            o.stderr.push_str("help: the syntax is kubectl's, e.g. 'environment=prod,region in (eu-west-1,eu-central-1),!legacy'\n");
            return o;
        }
    };
    if let (Some(parsed), Some(text)) = (&selector, selector_text) {
        let vocabulary = vocabulary(compilation);
        for requirement in parsed.requirements() {
            let key = requirement.key();
            if vocabulary.knows(key) {
                continue;
            }
            // Where the key is in what was typed: the first time it stands as a whole word.
            let column = key_column(text, key).unwrap_or(1);
            let mut o = Outcome::failure(format!(
                "invalid selector: column {column}: no cluster carries the label `{key}` and \
                 the Fleet does not declare it"
            ));
            let names = vocabulary.names();
            let help = crate::validate::suggest_help(key, &names)
                .unwrap_or_else(|| format!("the keys are {}", names.join(", ")));
            let _ = writeln!(o.stderr, "help: {help} (`fleetc ls labels` lists them)");
            return o;
        }
    }
    let rows: Vec<ClusterRow<'_>> = fleet
        .clusters
        .iter()
        .filter(|c| {
            selector
                .as_ref()
                .is_none_or(|s| s.matches(&c.placement_labels))
        })
        .map(row)
        .collect();
    listing(
        &rows,
        format,
        &[
            "NAME",
            "HUB",
            "PROVIDER",
            "REGION",
            "ENVIRONMENT",
            "CONNECTION",
            "LABELS",
        ],
        |r| {
            let labels: Vec<String> = r
                .labels
                .iter()
                .filter(|(k, _)| !BUILTIN_LABELS.contains(&k.as_str()))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            vec![
                r.name.to_owned(),
                r.hub.to_owned(),
                r.provider.to_owned(),
                r.region.unwrap_or("-").to_owned(),
                r.environment.unwrap_or("-").to_owned(),
                r.connection.to_owned(),
                labels.join(","),
            ]
        },
    )
}

fn row(c: &Cluster) -> ClusterRow<'_> {
    ClusterRow {
        name: &c.name,
        hub: &c.hub,
        provider: c.provider.as_str(),
        region: c.region.as_deref(),
        environment: c.environment.as_deref(),
        connection: c.connection.form(),
        labels: &c.placement_labels,
        annotations: &c.annotations,
    }
}

#[derive(Serialize)]
struct PlacementRow<'a> {
    app: &'a str,
    cluster: &'a str,
    hub: &'a str,
    application: &'a str,
    /// The rollout stage, for an app with stages.
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a str>,
    file: String,
}

fn placements(
    context: &Context,
    compilation: &Compilation,
    app: Option<&str>,
    cluster: Option<&str>,
    format: ListFormat,
) -> Outcome {
    let fleet = compilation.fleet.as_ref().expect("a valid fleet");
    for (what, name, known) in [
        ("app", app, fleet.app(app.unwrap_or_default()).is_some()),
        (
            "cluster",
            cluster,
            fleet.cluster(cluster.unwrap_or_default()).is_some(),
        ),
    ] {
        if let (Some(name), false) = (name, known) {
            return Outcome::failure(unknown_name(fleet, what, name));
        }
    }
    let rows: Vec<PlacementRow<'_>> = compilation
        .placements
        .iter()
        .map(|p| (p, &fleet.apps[p.app], &fleet.clusters[p.cluster]))
        .filter(|(_, a, c)| app.is_none_or(|n| a.name == n) && cluster.is_none_or(|n| c.name == n))
        .map(|(p, a, c)| PlacementRow {
            app: &a.name,
            cluster: &c.name,
            hub: &c.hub,
            application: &p.application,
            stage: a
                .stages_of(&c.placement_labels)
                .next()
                .map(|(_, s)| s.name.as_str()),
            file: context.out_path(&crate::render::cluster_file(c)),
        })
        .collect();
    // The stage column is shown when some app of the listing has stages.
    let staged = rows.iter().any(|r| r.stage.is_some());
    let headers: &[&str] = if staged {
        &["APP", "CLUSTER", "HUB", "STAGE", "APPLICATION"]
    } else {
        &["APP", "CLUSTER", "HUB", "APPLICATION"]
    };
    listing(&rows, format, headers, |r| {
        let mut cells = vec![r.app.to_owned(), r.cluster.to_owned(), r.hub.to_owned()];
        if staged {
            cells.push(r.stage.unwrap_or("-").to_owned());
        }
        cells.push(r.application.to_owned());
        cells
    })
}

/// The 1-based character column where `key` first stands as a whole word in `text`.
fn key_column(text: &str, key: &str) -> Option<usize> {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
    text.match_indices(key)
        .find(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + key.len()..].chars().next();
            !before.is_some_and(word) && !after.is_some_and(word)
        })
        .map(|(i, _)| text[..i].chars().count() + 1)
}

/// Rows as JSON, or as a table of `header` and each row's `cells`.
fn listing<R: Serialize>(
    rows: &[R],
    format: ListFormat,
    header: &[&str],
    cells: impl Fn(&R) -> Vec<String>,
) -> Outcome {
    let mut outcome = Outcome::new(Status::Clean);
    outcome.stdout = match format {
        ListFormat::Json => serde_json::to_string_pretty(rows).expect("rows serialize") + "\n",
        ListFormat::Text => columns(header, &rows.iter().map(cells).collect::<Vec<_>>()),
    };
    outcome
}

/// A plain table: a header row, then rows, columns padded to their widest cell.
fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<w$}  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}
