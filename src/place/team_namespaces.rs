//! A warning for an app that creates, or manages the metadata of, a namespace a team owns on
//! some of its clusters: fleetc already renders that `Namespace` for the team, so two Argo CD
//! Applications would own one object (Argo CD reports it as a shared resource, and each would
//! undo the other's labels). Only the app's own literal namespace and sync options are judged;
//! where an override may change them, nothing is said.

use serde_json::Value;

use super::Placement;
use crate::diagnostic::{Code, Diagnostic};
use crate::load::{Files, Pointer, Target};
use crate::model::{App, Fleet};

pub(super) fn check(
    fleet: &Fleet,
    app: &App,
    placements: &[Placement],
    files: &Files,
) -> Option<Diagnostic> {
    // An app of a team's project is refused for this when it is rendered (`team_scope`).
    let teams_project = app
        .declared("/spec/project")
        .is_some_and(|p| fleet.teams.iter().any(|t| t.project == p));
    if fleet.teams.is_empty() || teams_project {
        return None;
    }
    let overridden = app.overrides.iter().any(|o| {
        o.fields.as_ref().is_some_and(|f| {
            f.pointer("/spec/destination").is_some() || f.pointer("/spec/syncPolicy").is_some()
        })
    });
    let namespace = app.declared("/spec/destination/namespace")?;
    let creates = app
        .fields
        .pointer("/spec/syncPolicy/syncOptions")
        .and_then(Value::as_array)
        .is_some_and(|options| options.iter().any(|o| o == "CreateNamespace=true"));
    let manages = app
        .fields
        .pointer("/spec/syncPolicy/managedNamespaceMetadata")
        .is_some();
    if overridden || !(creates || manages) {
        return None;
    }
    let mut owner = None;
    let clusters: Vec<&str> = placements
        .iter()
        .map(|p| &fleet.clusters[p.cluster])
        .filter(|c| {
            let team = fleet
                .teams_on(&c.placement_labels)
                .into_iter()
                .find(|t| t.owns_namespace(namespace));
            owner = owner.or(team);
            team.is_some()
        })
        .map(|c| c.name.as_str())
        .collect();
    let team = owner?;
    let what = if creates {
        "creates (`CreateNamespace=true`)"
    } else {
        "manages the metadata of (`managedNamespaceMetadata`)"
    };
    let at = if creates {
        "/spec/syncPolicy/syncOptions"
    } else {
        "/spec/syncPolicy/managedNamespaceMetadata"
    };
    Some(
        Diagnostic::warning(
            Code::Team,
            format!(
                "app `{}` {what} namespace `{namespace}`, which team `{}` owns on {}: fleetc renders that Namespace for the team, so two Applications would own it",
                app.name,
                team.name,
                crate::diagnostic::first_names(&clusters)
            ),
            Some(files.locate(app.at, &Pointer::parse(at), Target::Key)),
        )
        .with_help("leave the namespace to the Team (its `labels` set the namespace's labels), and drop this from the app"),
    )
}
