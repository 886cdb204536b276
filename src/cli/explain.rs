//! `fleetc explain`: why an app lands on a cluster or does not, as `place::explain` works it
//! out, written for people (selector checks, overrides, where each value comes from) or as JSON.

use std::fmt::Write as _;

use super::args::{Format, ListFormat};
use super::{Context, Outcome, Status, report};
use crate::diagnostic::Location;
use crate::model::LayerOrigin;
use crate::place::{Explanation, RequirementCheck, ValueOrigin, Verdict, explain};
use crate::render::flux::workload::delivers_with_helm;

/// `fleetc explain APP --cluster CLUSTER`.
pub(crate) fn run(context: &Context, app: &str, cluster: &str, format: ListFormat) -> Outcome {
    let compilation = match context.compile() {
        Ok(c) => c,
        Err(failure) => return failure,
    };
    let Some(fleet) = compilation
        .fleet
        .as_ref()
        .filter(|_| compilation.is_valid())
    else {
        let mut outcome = Outcome::new(Status::Findings);
        report::findings(context, &compilation, Format::Text, &mut outcome);
        return outcome;
    };
    let (Some(a), Some(c)) = (fleet.app(app), fleet.cluster(cluster)) else {
        let (what, name) = if fleet.app(app).is_none() {
            ("app", app)
        } else {
            ("cluster", cluster)
        };
        return Outcome::failure(super::ls::unknown_name(fleet, what, name));
    };
    let explanation = explain(fleet, &compilation.files, a, c);
    // A template that fails here makes the fleet invalid: the explanation is a finding.
    let mut outcome = Outcome::new(if explanation.errors.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    });
    outcome.stdout = match format {
        ListFormat::Json => serde_json::to_string_pretty(&explanation).expect("JSON") + "\n",
        ListFormat::Text => {
            let delivered = match fleet.engine(&c.hub) {
                crate::model::Engine::Argocd => "Application",
                crate::model::Engine::Flux if delivers_with_helm(a) => "HelmRelease",
                crate::model::Engine::Flux => "Kustomization",
            };
            text(
                &explanation,
                &context.out_path(&crate::render::cluster_file(c)),
                delivered,
            )
        }
    };
    outcome
}

fn at(l: &Location) -> String {
    format!("{}:{}:{}", l.file, l.line, l.column)
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

fn requirement_lines(out: &mut String, checks: &[RequirementCheck], indent: &str) {
    let width = checks
        .iter()
        .map(|c| c.requirement.chars().count())
        .max()
        .unwrap_or(0);
    for c in checks {
        let has = match &c.value {
            Some(v) => format!("cluster has {}={v}", c.key),
            None => format!("cluster has no {} label", c.key),
        };
        let _ = writeln!(
            out,
            "{indent}{} {:<width$}   {has}",
            mark(c.matches),
            c.requirement
        );
    }
}

/// The explanation for people; `delivered` is the kind of the placement's object.
fn text(e: &Explanation, file: &str, delivered: &str) -> String {
    let mut out = match &e.application {
        Some(application) => format!(
            "app `{}` lands on cluster `{}`: {delivered} `{application}` on hub `{}`, in {file}\n",
            e.app, e.cluster, e.hub
        ),
        None => format!("app `{}` does not land on cluster `{}`\n", e.app, e.cluster),
    };
    let _ = writeln!(out, "\nplacement ({})", at(&e.placement));
    match &e.selector {
        None => out.push_str("  selector: omitted\n"),
        Some(checks) if checks.is_empty() => {
            out.push_str("  selector: {} (matches every cluster)\n");
        }
        Some(checks) => {
            out.push_str("  selector:\n");
            requirement_lines(&mut out, checks, "    ");
        }
    }
    let list = |names: &[String]| {
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    let _ = writeln!(out, "  clusters: {}", list(&e.clusters));
    let _ = writeln!(out, "  exclude: {}", list(&e.exclude));
    if let Some(s) = &e.spread {
        let prefer = s
            .prefer
            .as_ref()
            .map(|p| format!(", preferring {p}"))
            .unwrap_or_default();
        let standing = match &s.value {
            None => format!("cluster has no {} label", s.key),
            Some(v) => format!(
                "cluster has {}={v}: rank {} of {}{}",
                s.key,
                s.rank,
                s.of,
                if s.preferred { ", preferred" } else { "" }
            ),
        };
        let _ = writeln!(
            out,
            "  spread: {} per value of {}{prefer}\n    {} {standing}",
            s.count,
            s.key,
            mark(s.chosen)
        );
    }
    if let Some(stage) = &e.stage {
        let _ = writeln!(out, "  stage: {stage}");
    }
    let because = match e.verdict {
        Verdict::Excluded => format!(
            "`{}` is in `exclude`, which wins over everything else",
            e.cluster
        ),
        Verdict::Listed => format!("`{}` is listed in `clusters`", e.cluster),
        Verdict::Selected => "the selector matches every requirement".to_owned(),
        Verdict::Everywhere => {
            "no selector and no `clusters` list: the app goes to every cluster".to_owned()
        }
        Verdict::NotSelected => format!(
            "the selector does not match (✗ above) and `{}` is not in `clusters`",
            e.cluster
        ),
        Verdict::NotListed => format!("no selector, and `clusters` does not list `{}`", e.cluster),
        Verdict::Chosen => "the placement matches, and the spread chooses it".to_owned(),
        Verdict::NotChosen => match e
            .spread
            .as_ref()
            .and_then(|s| s.value.as_ref().map(|v| (s, v)))
        {
            Some((s, v)) => format!(
                "the placement matches, but the spread takes {} per value of `{}` and `{}` ranks {} of {} with {}={v}",
                s.count, s.key, e.cluster, s.rank, s.of, s.key
            ),
            None => {
                "the placement matches, but the spread chooses only clusters that carry its key"
                    .to_owned()
            }
        },
    };
    let _ = writeln!(
        out,
        "  => {}: {because}",
        if e.verdict.lands() {
            "lands"
        } else {
            "does not land"
        }
    );
    if e.verdict.lands() && !e.overrides.is_empty() {
        out.push_str("\noverrides (applied in order, later ones win)\n");
        for o in &e.overrides {
            let verdict = match (o.applies, o.named) {
                (true, true) => "applies (its `clusters` names the cluster)",
                (true, false) => "applies",
                (false, _) => "does not apply",
            };
            let _ = writeln!(
                out,
                "  {} #{} at {}: {verdict}",
                mark(o.applies),
                o.index,
                at(&o.location)
            );
            requirement_lines(&mut out, &o.requirements, "      ");
        }
    }
    if e.verdict.lands() {
        out.push_str("\nApplication fields\n");
        origin_rows(&mut out, &e.fields, "app", e.stage.as_deref());
        if !e.vars.is_empty() {
            out.push_str("\nvars\n");
            origin_rows(&mut out, &e.vars, "vars", e.stage.as_deref());
        }
        if e.values.is_empty() {
            out.push_str("\nvalues: none\n");
        } else {
            out.push_str("\nvalues\n");
            origin_rows(&mut out, &e.values, "values", e.stage.as_deref());
        }
    }
    for error in &e.errors {
        let _ = writeln!(
            out,
            "\nerror: template at {} fails here: {}",
            at(&error.location),
            error.message
        );
    }
    out
}

/// One row per final field or value: its path, its value, and the layer (`own` names the app's
/// own) and place that set it.
fn origin_rows(out: &mut String, origins: &[ValueOrigin], own: &str, stage: Option<&str>) {
    let rows: Vec<(String, String, String)> = origins
        .iter()
        .map(|v| {
            let layer = match v.layer {
                Some(LayerOrigin::Override(i)) => format!("override #{i}"),
                Some(LayerOrigin::Stage(_)) => format!("stage `{}`", stage.unwrap_or_default()),
                None => own.to_owned(),
            };
            let from = match &v.template {
                Some(t) => format!("{layer} at {}, from {t}", at(&v.location)),
                None => format!("{layer} at {}", at(&v.location)),
            };
            (v.path.clone(), compact(&v.value), from)
        })
        .collect();
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for (path, value, from) in rows {
        let _ = writeln!(out, "  {path:<w0$}  {value:<w1$}  {from}");
    }
}

/// A value on one line, as JSON.
fn compact(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
