//! Changes to a copy of the example fleet, one of each kind a fleet repo sees, shared by the
//! tests that must hold whatever changed (the kept `check` verdict, `diff` of changed clusters).

use std::fs;
use std::path::Path;

use super::fleet::edit;

/// An app's values: cert-manager's replica count on its `tier: critical` override.
pub fn app_values(d: &Path) {
    edit(
        &d.join("fleet/apps/cert-manager.yaml"),
        "replicaCount: 2\n        podDisruptionBudget",
        "replicaCount: 3\n        podDisruptionBudget",
    );
}

/// A cluster template: eks-dev-v1's instance type.
pub fn cluster_template(d: &Path) {
    edit(
        &d.join("fleet/templates/eks-dev-v1.yaml"),
        "instanceType: m6i.large ",
        "instanceType: m6i.xlarge",
    );
}

/// A Fleet default every cluster starts from.
pub fn fleet_default(d: &Path) {
    edit(
        &d.join("fleet/fleet.yaml"),
        "addons_repo_revision: main\n",
        "addons_repo_revision: next\n",
    );
}

/// A new app file: guestbook again, as guestbook-two.
pub fn app_added(d: &Path) {
    let app = fs::read_to_string(d.join("fleet/apps/guestbook.yaml")).expect("guestbook");
    fs::write(
        d.join("fleet/apps/guestbook-two.yaml"),
        app.replace("name: guestbook\n", "name: guestbook-two\n"),
    )
    .expect("write the app");
}

/// An app file removed.
pub fn app_removed(d: &Path) {
    fs::remove_file(d.join("fleet/apps/guestbook.yaml")).expect("remove the app");
}
