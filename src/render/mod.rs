//! The render stage: the typed fleet and its placements to every output document, as an
//! in-memory `out/` tree. One module per kind of output; documents are built from typed data
//! and serialized, never assembled as text, into the files [`layout`] names.

mod app_project;
mod application;
mod capi;
mod cluster_secret;
mod external_secret;
mod facts;
mod failures;
pub mod flux;
mod generated_file;
mod hub;
mod kubeconfig_template;
pub mod layout;
mod meta;
mod planned;
mod program;
pub mod secret_policy;
mod sync_order;
mod team_namespaces;
mod team_scope;
mod terraform;
mod tree;
mod yaml;

pub use application::{APP_LABEL, CLUSTER_LABEL, RESOURCES_FINALIZER};
pub use cluster_secret::IN_CLUSTER_SERVER;
pub use tree::{ObjectId, OutputFile, OutputTree};
pub(crate) use yaml::write_document as write_yaml_document;

use rayon::prelude::*;
use serde_json::Value;

use crate::load::Files;
use crate::model::credential::secret_in_output_except;
use crate::model::digest::{Digest, combine};
use crate::model::{Engine, Fleet};
use crate::place::{FleetValues, Placement, value_environment};
pub use failures::{Origin, RenderErrors};
use generated_file::YamlFile;
pub(crate) use generated_file::yaml_file;
pub use generated_file::{GENERATED_MARK_LEN, is_generated};
use program::Programs;

/// The largest object fleetc renders, in bytes of YAML: etcd, where the hub's API server keeps
/// objects, refuses a request over 1.5 MiB by default, and an object's YAML is about its JSON's
/// size.
pub const MAX_OBJECT_BYTES: usize = 1_536 << 10;

/// The files of one cluster: its cluster file, and its provisioning and Terraform files.
pub type ClusterFiles = Vec<(String, OutputFile)>;

/// A fleet's output, rendered on demand, a cluster at a time. Each cluster's files depend only
/// on the Fleet, the cluster and the apps placed on it, so each cluster has a key (a digest of
/// those) that says whether its files can have changed: equal keys render equal files.
pub struct Rendering<'f> {
    fleet: &'f Fleet,
    /// The fleet's files, to locate a value template that fails while it is evaluated.
    files: &'f Files,
    /// Per cluster, its placements by Application name.
    by_cluster: Vec<Vec<&'f Placement>>,
    keys: Vec<Digest>,
    /// Per hub (in the Fleet's order), the rule its cluster Secrets' policy enforces, when the
    /// Fleet renders one and the hub is an Argo CD hub.
    policies: Vec<Option<secret_policy::SecretPolicy>>,
    /// Per app, whether it may be a team's (its Applications are then checked against the
    /// team's scope); empty when the fleet has no teams.
    team_apps: Vec<bool>,
}

impl<'f> Rendering<'f> {
    /// Prepares the rendering of `placements` (sorted by app, then cluster, as the place stage
    /// returns them). `salt` goes into every key: a different fleetc must not trust another's.
    pub fn new(
        fleet: &'f Fleet,
        files: &'f Files,
        placements: &'f [Placement],
        salt: Digest,
    ) -> Self {
        let mut by_cluster: Vec<Vec<&Placement>> = vec![Vec::new(); fleet.clusters.len()];
        for p in placements {
            by_cluster[p.cluster].push(p);
        }
        by_cluster
            .par_iter_mut()
            .for_each(|placed| placed.sort_unstable_by(|a, b| a.application.cmp(&b.application)));
        // A team's scope is checked as its apps are rendered: a team change renders again.
        let teams =
            (!fleet.teams.is_empty()).then(|| combine(fleet.teams.iter().map(|t| t.digest)));
        let keys = fleet
            .clusters
            .par_iter()
            .zip(&by_cluster)
            .map(|(cluster, placed)| {
                let apps = placed.iter().map(|p| fleet.apps[p.app].digest);
                combine(
                    [salt, fleet.digest, cluster.digest]
                        .into_iter()
                        .chain(teams)
                        .chain(apps),
                )
            })
            .collect();
        let policies = fleet
            .hubs
            .iter()
            .map(|hub| {
                (fleet.argocd.cluster_secret_policy.is_some() && hub.engine == Engine::Argocd)
                    .then(|| secret_policy::SecretPolicy::of_hub(fleet, &hub.name))
            })
            .collect();
        let team_apps = if fleet.teams.is_empty() {
            Vec::new()
        } else {
            fleet.apps.iter().map(team_scope::may_be_a_teams).collect()
        };
        Self {
            fleet,
            files,
            by_cluster,
            keys,
            policies,
            team_apps,
        }
    }

    /// The fleet being rendered.
    pub fn fleet(&self) -> &'f Fleet {
        self.fleet
    }

    /// The key of cluster `index`.
    pub fn key(&self, index: usize) -> Digest {
        self.keys[index]
    }

    /// How many clusters there are.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the fleet has no cluster.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Renders the files of these clusters (in parallel; each cluster's placements' values are
    /// evaluated as its Applications are written). Value templates that fail are returned, and
    /// then the files are not to be used.
    pub fn render_clusters(
        &self,
        clusters: &[usize],
    ) -> (Vec<(usize, ClusterFiles)>, RenderErrors) {
        let (rendered, mut errors) = self.with_renderer(|renderer| {
            clusters
                .par_iter()
                .map(|&index| {
                    let (files, failed) = renderer.render(index);
                    (index, files, failed)
                })
                .collect::<Vec<_>>()
        });
        let mut out = Vec::with_capacity(rendered.len());
        for (index, files, failed) in rendered {
            errors.merge(failed);
            out.push((index, files));
        }
        (out, errors)
    }

    /// Runs `work` with a renderer of single clusters (every app's values compiled once), for
    /// callers that render clusters one at a time as they go; returns the value templates that
    /// failed to compile with `work`'s result.
    pub fn with_renderer<R>(
        &self,
        work: impl FnOnce(&ClusterRenderer<'_, '_, '_>) -> R,
    ) -> (R, RenderErrors) {
        let env = value_environment();
        let mut errors = RenderErrors::default();
        let (values, failed) = FleetValues::new(&env, self.fleet, self.files);
        for (app, failed) in failed {
            errors.add(app, failed, None);
        }
        let result = work(&ClusterRenderer {
            rendering: self,
            values: &values,
            programs: Programs::new(self.fleet.apps.len()),
        });
        (result, errors)
    }

    fn render_cluster(
        &self,
        index: usize,
        values: &FleetValues<'_, '_>,
        programs: &Programs,
    ) -> (ClusterFiles, RenderErrors) {
        let fleet = self.fleet;
        let cluster = &fleet.clusters[index];
        let mut failed = RenderErrors::default();
        let cluster_path = cluster_file(cluster);
        let mut file = YamlFile::with_capacity(4096 + 1536 * self.by_cluster[index].len());
        let flux = fleet.engine(&cluster.hub) == Engine::Flux;
        let kube_config = if flux {
            let (object, kube_config) = flux::kubeconfig::access(fleet, cluster);
            if let Some(object) = object {
                file.push_value(&object);
                screen(
                    fleet,
                    &mut failed,
                    file.last_document(),
                    Origin::Cluster(index),
                    || format!("the kubeconfig reference in {cluster_path}"),
                );
            }
            kube_config
        } else {
            if let Some(secret) = cluster_secret::cluster_secret(cluster, fleet) {
                file.push(
                    cluster_secret::secret_id(cluster, fleet, "Secret", "v1"),
                    &secret,
                );
                screen(
                    fleet,
                    &mut failed,
                    file.last_document(),
                    Origin::Cluster(index),
                    || format!("the cluster Secret in {cluster_path}"),
                );
            }
            if let Some(es) = external_secret::external_secret(cluster, fleet) {
                let id = cluster_secret::secret_id(
                    cluster,
                    fleet,
                    "ExternalSecret",
                    "external-secrets.io/v1",
                );
                file.push(id, &es);
                screen(
                    fleet,
                    &mut failed,
                    file.last_document(),
                    Origin::Cluster(index),
                    || format!("the ExternalSecret in {cluster_path}"),
                );
            }
            None
        };
        let teams = self.namespace_owners(cluster);
        if !teams.is_empty()
            && let Some(application) = team_namespaces::application(fleet, cluster)
        {
            file.push_value(&application);
        }
        let hub = fleet.hubs.iter().position(|h| h.name == cluster.hub);
        if let Some(policy) = hub.and_then(|h| self.policies.get(h)?.as_ref()) {
            let violations = policy.violations(&secret_policy::facts(cluster));
            failed.add_policy_violations(index, &violations);
        }
        let mut oversized = Vec::new();
        for p in &self.by_cluster[index] {
            if flux {
                flux::deliver(
                    fleet,
                    p,
                    values,
                    kube_config.as_ref(),
                    &mut file,
                    &mut failed,
                );
                continue;
            }
            match values.evaluate(p) {
                Ok(evaluated) => {
                    let program = programs.of(fleet, p, &evaluated);
                    let bytes = file.push_with(application::id(fleet, p), |out| {
                        program.write(&p.application, &cluster.name, &evaluated, out);
                    });
                    if bytes > MAX_OBJECT_BYTES {
                        oversized.push((p.app, bytes));
                    }
                    screen(
                        fleet,
                        &mut failed,
                        file.last_document(),
                        Origin::App(p.app),
                        || format!("the Application `{}` in {cluster_path}", p.application),
                    );
                    if self.team_apps.get(p.app).copied().unwrap_or(false) {
                        let fields = evaluated.fields.merged().unwrap_or(Value::Null);
                        for breach in
                            team_scope::breaches(fleet, &fields, &cluster.placement_labels)
                        {
                            let at = team_scope::declared_at(&breach, &fleet.apps[p.app], cluster);
                            failed.add_breach(p.app, breach, at, &cluster.name);
                        }
                    }
                }
                Err(e) => failed.add(p.app, e, Some(&cluster.name)),
            }
        }
        for (app, bytes) in oversized {
            failed.add_oversized(app, &cluster.name, bytes, MAX_OBJECT_BYTES);
        }
        let mut files = vec![(cluster_path.clone(), file.finish())];
        if let Some(objects) = capi::provisioning(cluster, fleet) {
            files.push((provisioning_file(cluster), yaml_file(&objects)));
        }
        files.extend(
            terraform::files(cluster, fleet)
                .into_iter()
                .map(|(p, b)| (p, b.into())),
        );
        if !teams.is_empty() {
            files.push((
                layout::namespaces_file(&cluster.name),
                yaml_file(&team_namespaces::namespaces(&teams)),
            ));
        }
        for (path, file) in &files[1..] {
            let text = String::from_utf8_lossy(&file.bytes);
            screen(fleet, &mut failed, &text, Origin::Cluster(index), || {
                path.clone()
            });
        }
        (files, failed)
    }

    /// How many objects the whole rendering holds (each Terraform file counts as one), without
    /// rendering the Applications: what a share of deletions is a share of.
    pub fn objects(&self) -> usize {
        let fleet = self.fleet;
        let clusters: usize = fleet
            .clusters
            .par_iter()
            .zip(&self.by_cluster)
            .map(|(cluster, placed)| {
                let flux = fleet.engine(&cluster.hub) == Engine::Flux;
                let connection = if flux {
                    flux::kubeconfig::access(fleet, cluster).0.is_some()
                } else {
                    cluster_secret::cluster_secret(cluster, fleet).is_some()
                        || external_secret::external_secret(cluster, fleet).is_some()
                };
                let teams = self.namespace_owners(cluster);
                // The teams' namespaces, and the Application that syncs them.
                let namespaces = teams.iter().map(|t| t.namespaces.len()).sum::<usize>()
                    + usize::from(!teams.is_empty() && fleet.repo.is_some());
                let capi = capi::provisioning(cluster, fleet).map_or(0, |objects| objects.len());
                placed.len()
                    + usize::from(connection)
                    + namespaces
                    + capi
                    + terraform::paths(cluster, fleet).len()
            })
            .sum();
        let hubs: usize = fleet
            .hubs
            .iter()
            .enumerate()
            .map(|(i, hub)| {
                // The kustomization, and the root Application or the Flux bootstrap's two.
                let own = 1 + match hub.engine {
                    Engine::Argocd => usize::from(hub::root_application(fleet, hub).is_some()),
                    Engine::Flux => flux::bootstrap::objects(fleet, hub).map_or(0, |o| o.len()),
                };
                let extra = match hub.engine {
                    Engine::Argocd => {
                        fleet.teams.len()
                            + usize::from(matches!(self.policies.get(i), Some(Some(_))))
                    }
                    Engine::Flux => self.flux_sources(&hub.name).len(),
                };
                own + extra
            })
            .sum();
        clusters + hubs
    }

    /// The paths of cluster `index`'s files, without rendering them.
    pub fn paths(&self, index: usize) -> Vec<String> {
        let cluster = &self.fleet.clusters[index];
        let mut paths = vec![cluster_file(cluster)];
        if capi::provisions(cluster) {
            paths.push(provisioning_file(cluster));
        }
        paths.extend(terraform::paths(cluster, self.fleet));
        if !self.namespace_owners(cluster).is_empty() {
            paths.push(layout::namespaces_file(&cluster.name));
        }
        paths
    }

    /// The files of each hub (its kustomization and root Application), given the paths of every
    /// cluster's files.
    pub fn hub_files<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Vec<(String, OutputFile)> {
        let paths: Vec<&str> = paths.into_iter().collect();
        let mut files = Vec::new();
        for (i, hub) in self.fleet.hubs.iter().enumerate() {
            let prefix = format!("{}/", layout::hub_dir(&hub.name));
            let mut resources: Vec<String> = paths
                .iter()
                .filter_map(|p| p.strip_prefix(&prefix))
                .map(str::to_owned)
                .collect();
            let flux = hub.engine == Engine::Flux;
            if flux {
                let path = layout::sources_file(&hub.name);
                resources.extend(path.strip_prefix(&prefix).map(str::to_owned));
                files.push((path, yaml_file(&self.flux_sources(&hub.name))));
            }
            for team in self.fleet.teams.iter().filter(|_| !flux) {
                let project = app_project::app_project(self.fleet, team, &hub.name);
                let path = layout::project_file(&hub.name, &team.project);
                resources.extend(path.strip_prefix(&prefix).map(str::to_owned));
                files.push((path, yaml_file(&[project])));
            }
            if let Some(policy) = self.policies.get(i).and_then(Option::as_ref) {
                let path = layout::secret_policy_file(&hub.name);
                resources.extend(path.strip_prefix(&prefix).map(str::to_owned));
                files.push((path, yaml_file(&[policy.kyverno()])));
            }
            resources.sort_unstable();
            files.push((
                layout::kustomization_file(&hub.name),
                yaml_file(&[hub::kustomization(&resources)]),
            ));
            if flux {
                if let Some(objects) = flux::bootstrap::objects(self.fleet, hub) {
                    files.push((layout::bootstrap_file(&hub.name), yaml_file(&objects)));
                }
            } else if let Some(root) = hub::root_application(self.fleet, hub) {
                files.push((layout::root_application_file(&hub.name), yaml_file(&[root])));
            }
        }
        files
    }

    /// The teams whose namespaces fleetc renders for `cluster`: those that select it, on an
    /// Argo CD hub (a team on a Flux hub's cluster is refused when the fleet is validated).
    fn namespace_owners(&self, cluster: &crate::model::Cluster) -> Vec<&'f crate::model::Team> {
        match self.fleet.engine(&cluster.hub) {
            Engine::Argocd => self.fleet.teams_on(&cluster.placement_labels),
            Engine::Flux => Vec::new(),
        }
    }

    /// The sources the placements on Flux hub `hub` read, each once, sorted.
    fn flux_sources(&self, hub: &str) -> Vec<Value> {
        let fleet = self.fleet;
        let sources: std::collections::BTreeSet<flux::source::Source> = fleet
            .clusters
            .iter()
            .zip(&self.by_cluster)
            .filter(|(c, _)| c.hub == hub)
            .flat_map(|(c, placed)| {
                placed
                    .iter()
                    .filter_map(move |p| flux::source::of(&fleet.apps[p.app], c).ok())
            })
            .collect();
        sources.iter().map(|s| s.object(fleet)).collect()
    }

    /// Every file.
    pub fn render_all(&self) -> (OutputTree, RenderErrors) {
        let all: Vec<usize> = (0..self.len()).collect();
        let (clusters, errors) = self.render_clusters(&all);
        let mut tree: OutputTree = clusters.into_iter().flat_map(|(_, files)| files).collect();
        let hub_files = self.hub_files(tree.paths());
        for (path, file) in hub_files {
            tree.insert(path, file);
        }
        (tree, errors)
    }
}

/// Renders single clusters of a [`Rendering`] (see [`Rendering::with_renderer`]).
pub struct ClusterRenderer<'r, 'env, 'f> {
    rendering: &'r Rendering<'f>,
    values: &'r FleetValues<'env, 'f>,
    programs: Programs,
}

impl ClusterRenderer<'_, '_, '_> {
    /// The files of cluster `index`, and the value templates that failed on it.
    pub fn render(&self, index: usize) -> (ClusterFiles, RenderErrors) {
        self.rendering
            .render_cluster(index, self.values, &self.programs)
    }
}

/// The last line of defence: nothing that looks like a secret is written, whatever produced it
/// (see [`crate::model::credential`]); `object` names what was rendered, for the finding.
fn screen(
    fleet: &Fleet,
    failed: &mut RenderErrors,
    text: &str,
    origin: Origin,
    object: impl FnOnce() -> String,
) {
    if let Some(secret) = secret_in_output_except(text, &|t| fleet.marked_not_credential(t)) {
        failed.add_rendered_secret(origin, object(), secret.describe());
    }
}

/// Where a cluster's Secret or `ExternalSecret` and Applications go.
pub fn cluster_file(cluster: &crate::model::Cluster) -> String {
    layout::cluster_file(&cluster.hub, &cluster.name)
}

/// Where a CAPI cluster's Cluster API objects go.
fn provisioning_file(cluster: &crate::model::Cluster) -> String {
    layout::provisioning_file(&cluster.hub, &cluster.name)
}

#[cfg(test)]
mod tests {
    /// Hostile inputs M5: credentials reached out/ past the checks of the fleet's documents.
    /// Rendering screens every object itself, whatever validated before it: here the model is
    /// changed after validation, as a gap in the earlier checks would leave it.
    #[test]
    fn a_secret_in_any_rendered_object_is_refused_whatever_produced_it() {
        let mut compiled = crate::test_fleet::compiled(
            "",
            "apiVersion: fleetc.dev/v1alpha1
kind: Cluster
metadata: {name: hub-eu}
spec: {provider: aws, hub: hub-eu, connection: {inCluster: true}}
---
apiVersion: fleetc.dev/v1alpha1
kind: App
metadata: {name: web}
spec:
  source: {repoURL: 'https://example.com/web.git', path: web}
  destination: {namespace: web}
",
        );
        assert!(compiled.is_valid(), "{:#?}", compiled.diagnostics);
        let fleet = compiled.fleet.as_mut().expect("a valid fleet");
        fleet.apps[0].fields["spec"]["source"]["repoURL"] =
            "https://bot:hunter2@example.com/web.git".into();
        let (_, errors) = compiled.rendering(0).expect("a rendering").render_all();
        let found = errors.diagnostics(compiled.fleet.as_ref().unwrap(), &compiled.files);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            found[0].message,
            "the Application `web-hub-eu` in hubs/hub-eu/clusters/hub-eu.yaml, rendered from app \
             `web`, looks like it holds a URL with a password in it (`user:password@`); fleetc \
             writes no credential into out/"
        );
    }
}
