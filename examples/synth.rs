//! A generator of synthetic fleet repos, for benchmarks and as a worked example of a large,
//! realistic fleet.
//!
//! ```sh
//! cargo run --release --example synth -- --clusters 1000 --apps 100 DIR
//! ```
//!
//! writes `DIR/fleet/` (one Fleet, a few cluster templates, one file per cluster under
//! `clusters/<hub>/`, one file per app under `apps/`) and an empty `DIR/out/`, then prints a
//! summary to stderr. The same `--clusters`, `--apps`, `--hubs` and `--seed` always write the
//! same bytes: randomness comes from a seeded splitmix64 below, and every collection that reaches
//! the output is ordered.
//!
//! What the fleet looks like, and why:
//!
//! - **Clusters** spread like a real estate of clusters does: 40% AWS, 20% GCP, 20% Azure, 10%
//!   on-prem, 10% vclusters; half of them dev, a quarter staging, a quarter prod; each in one of
//!   its cloud's EU or US regions (or an on-prem site), managed by a hub of that geography. Eight
//!   teams of unequal size own them. Optional labels exist on a fraction of clusters (`dns`,
//!   `ingress`, `legacy`, `compliance`), which is what makes `Exists` and `DoesNotExist` useful.
//!   About 20% are provisioned by Terraform and 10% by Cluster API, within the rules of
//!   docs/fleet-format.md; the rest are registered only. Connections are mostly secret stores,
//!   some cloud identity (`eks`, `gke`, `aks`) and `capi`.
//! - **Apps** each land on about 30% of the clusters. An app's selector is one of eleven
//!   "shapes" a platform team writes (a set of regions, some teams' clusters, where DNS is
//!   enabled, AWS only, staging and prod, ...): a fixed part, plus one `In` or `NotIn`
//!   requirement whose values the generator picks, against the clusters it generated, so that
//!   the app matches 28–32% of them. Together the shapes use `matchLabels` and all four
//!   operators; some apps add `clusters` and `exclude` lists. Values template the cluster's
//!   name, region, environment and labels, read an annotation where the selector guarantees it
//!   (or with `| default(...)`), keep one typed single-expression value, and 1–3 overrides on
//!   environment or tier adjust them.

#![allow(
    clippy::print_stderr,
    reason = "a command-line example: its summary and errors go to stderr"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use base64::Engine as _;
use clap::Parser;

/// Writes a synthetic fleet repo: DIR/fleet/ and an empty DIR/out/.
#[derive(Debug, Parser)]
#[command(name = "synth")]
pub(crate) struct Args {
    /// Number of clusters, hubs included.
    #[arg(long)]
    pub(crate) clusters: usize,
    /// Number of apps.
    #[arg(long)]
    pub(crate) apps: usize,
    /// Number of hubs, split between the EU and the US (default: 4 from 1000 clusters on, else 2).
    #[arg(long)]
    pub(crate) hubs: Option<usize>,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// The fleet repo to write: DIR/fleet and DIR/out must be absent or empty.
    pub(crate) dir: PathBuf,
}

pub(crate) const DEFAULT_SEED: u64 = 0x00f1_ee7c;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(summary) => {
            eprint!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("synth: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes the fleet repo `args` describe; returns the summary to print.
pub(crate) fn run(args: &Args) -> Result<String, String> {
    let hubs = args
        .hubs
        .unwrap_or(if args.clusters >= 1000 { 4 } else { 2 });
    if hubs < 2 {
        return Err("--hubs must be at least 2 (one per geography)".into());
    }
    if args.clusters < 2 * hubs {
        return Err(format!(
            "--clusters must be at least twice the number of hubs ({hubs})"
        ));
    }
    if args.apps == 0 {
        return Err("--apps must be at least 1".into());
    }
    let fleet_dir = args.dir.join("fleet");
    let out_dir = args.dir.join("out");
    for dir in [&fleet_dir, &out_dir] {
        if !is_absent_or_empty(dir)? {
            return Err(format!(
                "{} exists and is not empty; choose a new DIR or empty it",
                dir.display()
            ));
        }
    }

    let layout = Layout::new(hubs);
    let clusters = generate_clusters(args.clusters, &layout, args.seed);
    let apps = generate_apps(args.apps, &clusters, &layout, args.seed);

    // Every file, by its path under fleet/.
    let mut files: Vec<(String, &str)> = Vec::new();
    let fleet = fleet_yaml(&layout, args);
    files.push(("fleet.yaml".into(), &fleet));
    for (name, text) in TEMPLATES {
        files.push((format!("templates/{name}.yaml"), text));
    }
    for c in &clusters {
        files.push((format!("clusters/{}/{}.yaml", c.hub, c.name), &c.yaml));
    }
    for a in &apps {
        files.push((format!("apps/{}.yaml", a.name), &a.yaml));
    }
    for (path, text) in &files {
        let path = fleet_dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    fs::create_dir_all(&out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    Ok(summary(args, &layout, &clusters, &apps))
}

fn is_absent_or_empty(dir: &Path) -> Result<bool, String> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(format!("{}: {e}", dir.display())),
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64, seeded per cluster and per app, so that cluster 17 is the same cluster
// whatever the number of apps.

struct Rng(u64);

impl Rng {
    /// An independent stream for item `index` of `stream` (clusters, apps, ...).
    fn derive(seed: u64, stream: u64, index: usize) -> Rng {
        let mut mix = Rng(seed ^ stream.rotate_left(32));
        let base = mix.next_u64();
        Rng(base ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (the modulo bias is far below anything a fleet could show).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n as u64).expect("below n")
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An item drawn by weight.
    fn weighted<'a, T>(&mut self, items: &'a [(T, usize)]) -> &'a T {
        let total: usize = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        unreachable!("weights sum to total")
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// `len` lower case hex digits, for resource ids.
    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                char::from_digit(u32::try_from(self.below(16)).expect("hex"), 16).expect("hex")
            })
            .collect()
    }
}

const CLUSTER_STREAM: u64 = 1;
const APP_STREAM: u64 = 2;

// ---------------------------------------------------------------------------------------------
// The estate: clouds, regions, geographies, hubs, teams.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Geo {
    Eu,
    Us,
}

impl Geo {
    fn as_str(self) -> &'static str {
        match self {
            Geo::Eu => "eu",
            Geo::Us => "us",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Provider {
    Aws,
    Gcp,
    Azure,
    Onprem,
    Vcluster,
}

impl Provider {
    fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Azure => "azure",
            Provider::Onprem => "onprem",
            Provider::Vcluster => "vcluster",
        }
    }

    /// Regions (or on-prem sites) and their geography. vclusters run on EKS hosts, so they
    /// take the AWS regions.
    fn regions(self) -> &'static [(&'static str, Geo)] {
        match self {
            Provider::Aws | Provider::Vcluster => &[
                ("eu-central-1", Geo::Eu),
                ("eu-west-1", Geo::Eu),
                ("eu-west-2", Geo::Eu),
                ("eu-north-1", Geo::Eu),
                ("us-east-1", Geo::Us),
                ("us-east-2", Geo::Us),
                ("us-west-2", Geo::Us),
            ],
            Provider::Gcp => &[
                ("europe-west1", Geo::Eu),
                ("europe-west3", Geo::Eu),
                ("europe-west4", Geo::Eu),
                ("us-central1", Geo::Us),
                ("us-east1", Geo::Us),
                ("us-west1", Geo::Us),
            ],
            Provider::Azure => &[
                ("westeurope", Geo::Eu),
                ("northeurope", Geo::Eu),
                ("germanywestcentral", Geo::Eu),
                ("eastus", Geo::Us),
                ("eastus2", Geo::Us),
                ("westus2", Geo::Us),
            ],
            Provider::Onprem => &[
                ("dc-frankfurt", Geo::Eu),
                ("dc-amsterdam", Geo::Eu),
                ("dc-ashburn", Geo::Us),
                ("dc-dallas", Geo::Us),
            ],
        }
    }
}

const PROVIDERS: [(Provider, usize); 5] = [
    (Provider::Aws, 40),
    (Provider::Gcp, 20),
    (Provider::Azure, 20),
    (Provider::Onprem, 10),
    (Provider::Vcluster, 10),
];

const ENVIRONMENTS: [(&str, usize); 3] = [("dev", 50), ("staging", 25), ("prod", 25)];

/// Teams are of unequal size, as they are in real organisations.
const TEAMS: [(&str, usize); 8] = [
    ("payments", 18),
    ("search", 16),
    ("checkout", 14),
    ("identity", 12),
    ("data", 12),
    ("ml", 10),
    ("platform", 10),
    ("growth", 8),
];

/// One AWS account per environment (hubs live in the prod account), like the example fleet.
fn aws_account(environment: &str) -> &'static str {
    match environment {
        "dev" => "444455556666",
        "staging" => "777788889999",
        _ => "111122223333",
    }
}

/// One Azure subscription per environment.
fn azure_subscription(environment: &str) -> &'static str {
    match environment {
        "dev" => "2f0c9a1e-7b3d-4c55-9e21-5a8d6b4f3c10",
        "staging" => "8c9a6d08-b54c-42ef-91d0-a1c773b29898",
        _ => "6703b2b7-1f7f-4417-adca-a2cb57d78a8e",
    }
}

/// The Entra tenant, and the app registration hub Argo CDs sign in as (identifiers, not secrets).
const AZURE_TENANT: &str = "0032a390-bbde-485c-9221-80385506b6c9";
const AZURE_ARGOCD_CLIENT: &str = "acc2cbd7-72a2-410d-b46a-46beb264ec85";

/// One fixed, real, self-signed CA certificate (public only; made once with `openssl req -x509
/// -newkey ec`), used as every cloud-identity cluster's `caData`: fleetc checks that caData is
/// the base64 of a PEM certificate, and the benchmark needs nothing more.
const CA_CERT_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBlTCCATugAwIBAgIUAu5zDgl7NKpGztbJinJtVsd6DqEwCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUc3ludGhldGljLWNsdXN0ZXItY2EwIBcNMjYxMTIxMDgyNzIz
WhgPMjEyNjEwMjgwODI3MjNaMB8xHTAbBgNVBAMMFHN5bnRoZXRpYy1jbHVzdGVy
LWNhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEGHfQc/YalMC2q95zX+rY+jkV
B2w6tzNekILFtoUxs8wSTxGPp76FXZfao+/SFjEikVk21mYPEvJHlM9f7krgq6NT
MFEwHQYDVR0OBBYEFKwDrbhc0aKvaGAv3T7NK7px0JneMB8GA1UdIwQYMBaAFKwD
rbhc0aKvaGAv3T7NK7px0JneMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SAAwRQIgPRVeqiZK6nLAdYIfZUNiKwuBFrcX6aXuIqrpFzfzUWwCIQDjybIoQqat
8SeQBZIvlklcsRW1CPWKIeGJXYku4j6FEQ==
-----END CERTIFICATE-----
";

/// The hubs and which regions each manages. Hubs are split between the geographies (the EU
/// gets the odd one); within a geography, its regions (of every cloud) are dealt to its hubs
/// in turn, so a hub manages a handful of nearby regions across clouds.
struct Layout {
    /// Hub names, EU first.
    hubs: Vec<String>,
    /// Region (or site) → hub.
    hub_of: BTreeMap<&'static str, String>,
    /// Hub → the AWS region its own cluster runs in.
    hub_region: BTreeMap<String, &'static str>,
}

impl Layout {
    fn new(count: usize) -> Layout {
        let mut hubs = Vec::new();
        let mut hub_of = BTreeMap::new();
        let mut hub_region = BTreeMap::new();
        for (geo, n) in [(Geo::Eu, count.div_ceil(2)), (Geo::Us, count / 2)] {
            let names: Vec<String> = if n == 1 {
                vec![format!("hub-{}", geo.as_str())]
            } else {
                (1..=n)
                    .map(|i| format!("hub-{}-{i}", geo.as_str()))
                    .collect()
            };
            let mut regions: Vec<&'static str> = Vec::new();
            for (provider, _) in PROVIDERS {
                for (region, g) in provider.regions() {
                    if *g == geo && !regions.contains(region) {
                        regions.push(region);
                    }
                }
            }
            for (i, region) in regions.iter().enumerate() {
                hub_of.insert(*region, names[i % n].clone());
            }
            // A hub is an EKS cluster in one of the AWS regions it manages (or, with more hubs
            // than AWS regions, in one of its geography's).
            let aws: Vec<&'static str> = Provider::Aws
                .regions()
                .iter()
                .filter(|(_, g)| *g == geo)
                .map(|(r, _)| *r)
                .collect();
            for (i, hub) in names.iter().enumerate() {
                let own = aws.iter().find(|r| hub_of[**r] == *hub);
                hub_region.insert(hub.clone(), *own.unwrap_or(&aws[i % aws.len()]));
            }
            hubs.extend(names);
        }
        Layout {
            hubs,
            hub_of,
            hub_region,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// YAML writing. Files are written by hand, in the style of the example fleet (flow style for
// short maps and lists), so that they read like files people write.

/// A scalar as YAML: plain when no YAML 1.1 reader could take it for anything but a string,
/// double-quoted otherwise (numbers, booleans, `:`, `{{ }}`, spaces, ...).
fn q(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
        );
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).expect("a string serializes")
    }
}

/// `[a, b, c]`
fn flow_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| q(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A block map at `indent`, one `key: value` a line.
fn block_map(out: &mut String, indent: usize, map: &BTreeMap<String, String>) {
    for (key, value) in map {
        let _ = writeln!(out, "{:indent$}{}: {}", "", q(key), q(value));
    }
}

// ---------------------------------------------------------------------------------------------
// Clusters.

/// Placement labels: metadata labels plus provider, region, environment and hub.
type Labels = BTreeMap<String, String>;

struct Cluster {
    name: String,
    hub: String,
    labels: Labels,
    provisioner: &'static str,
    connection: &'static str,
    template: Option<&'static str>,
    yaml: String,
}

/// A node pool as the cluster file declares it.
struct Pool {
    name: &'static str,
    instance_type: &'static str,
    min: u32,
    max: u32,
    labels: Option<(&'static str, String)>,
}

fn generate_clusters(count: usize, layout: &Layout, seed: u64) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = layout.hubs.iter().map(|h| hub_cluster(h, layout)).collect();
    // Names are <environment>-<geo>-<provider>-<n>, numbered per prefix, like the example's.
    let mut numbers: BTreeMap<String, usize> = BTreeMap::new();
    // The latest EKS cluster per region: vclusters record their host.
    let mut eks_host: BTreeMap<String, String> = BTreeMap::new();
    for i in layout.hubs.len()..count {
        let mut rng = Rng::derive(seed, CLUSTER_STREAM, i);
        let cluster = workload_cluster(&mut rng, layout, &mut numbers, &eks_host);
        if cluster.labels["provider"] == "aws" {
            eks_host.insert(cluster.labels["region"].clone(), cluster.name.clone());
        }
        clusters.push(cluster);
    }
    clusters
}

/// A hub: an EKS cluster that runs Argo CD, ESO and the Cluster API controllers, manages
/// itself (`inCluster`) and receives apps like any other cluster.
fn hub_cluster(hub: &str, layout: &Layout) -> Cluster {
    let region = layout.hub_region[hub];
    let geo = &hub[4..6];
    let labels: Labels = [
        ("role", "hub"),
        ("team", "platform"),
        ("tier", "critical"),
        ("ingress", "nginx"),
        ("dns", "enabled"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let annotations: BTreeMap<String, String> = [
        ("aws_account_id", "111122223333".to_owned()),
        ("aws_vpc_id", format!("vpc-0{}", &hex_of(hub, 16))),
        (
            "aws_load_balancer_controller_iam_role_arn",
            format!("arn:aws:iam::111122223333:role/aws-lbc-{hub}"),
        ),
        (
            "external_dns_iam_role_arn",
            format!("arn:aws:iam::111122223333:role/external-dns-{hub}"),
        ),
        ("ingress_domain_name", format!("{hub}.{geo}.acme.example")),
        (
            "argocd_iam_role_arn",
            format!("arn:aws:iam::111122223333:role/argocd-{hub}"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# The {hub} hub: Argo CD, External Secrets Operator and Cluster API for"
    );
    let _ = writeln!(
        y,
        "# the clusters of its regions. It manages itself (inCluster)."
    );
    y.push_str("apiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata:\n");
    let _ = writeln!(y, "  name: {hub}\n  labels:");
    block_map(&mut y, 4, &labels);
    y.push_str("  annotations:\n");
    block_map(&mut y, 4, &annotations);
    let _ = writeln!(
        y,
        "spec:\n  provider: aws\n  region: {region}\n  environment: prod\n  hub: {hub}\n  connection:\n    inCluster: true"
    );
    let mut placement = labels;
    placement.insert("managed-by".into(), "platform".into());
    placement.insert("provider".into(), "aws".into());
    placement.insert("region".into(), region.into());
    placement.insert("environment".into(), "prod".into());
    placement.insert("hub".into(), hub.into());
    Cluster {
        name: hub.to_owned(),
        hub: hub.to_owned(),
        labels: placement,
        provisioner: "none",
        connection: "inCluster",
        template: None,
        yaml: y,
    }
}

/// Stable hex digits derived from a name (for ids that must not depend on the PRNG).
fn hex_of(name: &str, len: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Rng(h).hex(len)
}

/// Decides one workload cluster and writes its file.
#[allow(
    clippy::too_many_lines,
    reason = "one decision after the other, in the order a cluster file reads"
)]
fn workload_cluster(
    rng: &mut Rng,
    layout: &Layout,
    numbers: &mut BTreeMap<String, usize>,
    eks_host: &BTreeMap<String, String>,
) -> Cluster {
    // Where it runs and what it is for.
    let provider = *rng.weighted(&PROVIDERS);
    let (region, geo) = rng.pick(provider.regions());
    let hub = layout.hub_of[region].clone();
    let environment = *rng.weighted(&ENVIRONMENTS);
    let prefix = format!("{environment}-{}-{}", geo.as_str(), provider.as_str());
    let n = numbers.entry(prefix.clone()).or_insert(0);
    *n += 1;
    let name = format!("{prefix}-{n}");
    let prod = environment == "prod";

    // Labels: every cluster has a team and a tier; the rest are optional.
    let team = *rng.weighted(&TEAMS);
    let critical_percent = match environment {
        "prod" => 70,
        "staging" => 20,
        _ => 5,
    };
    let tier = if rng.chance(critical_percent) {
        "critical"
    } else {
        "standard"
    };
    let mut labels: Labels = Labels::new();
    labels.insert("team".into(), team.into());
    labels.insert("tier".into(), tier.into());
    if let Some(ingress) =
        rng.weighted(&[(Some("nginx"), 55), (Some("gateway-api"), 30), (None, 15)])
    {
        labels.insert("ingress".into(), (*ingress).into());
    }
    let dns_percent = match environment {
        "prod" => 60,
        "staging" => 50,
        _ => 25,
    };
    if rng.chance(dns_percent) {
        labels.insert("dns".into(), "enabled".into());
    }
    // A few clusters predate the fleet repo and are being drained: apps opt out with
    // `legacy DoesNotExist`. They were never provisioned from here.
    let legacy = provider != Provider::Vcluster && rng.chance(6);
    if legacy {
        labels.insert("legacy".into(), "true".into());
    }
    if matches!(team, "payments" | "checkout") && !matches!(environment, "dev") && rng.chance(50) {
        labels.insert("compliance".into(), "pci".into());
    }

    // What creates it: Terraform for ~20%, Cluster API for ~10% (never on-prem: fleetc renders
    // no CAPI provider for it; never a vcluster through Terraform), the rest registered only.
    let provisioner = if legacy {
        "none"
    } else {
        let (terraform, capi) = match provider {
            Provider::Aws => (25, 8),
            Provider::Gcp | Provider::Azure => (20, 10),
            Provider::Onprem => (30, 0),
            Provider::Vcluster => (0, 30),
        };
        *rng.weighted(&[
            ("terraform", terraform),
            ("capi", capi),
            ("none", 100 - terraform - capi),
        ])
    };

    // Templates stamp a share of clusters: dev EKS from Terraform, most GKE, half of AKS, dev
    // vclusters. A cluster sets only what differs from its template.
    let template: Option<&'static str> = match provider {
        Provider::Aws if environment == "dev" && provisioner == "terraform" => {
            Some(if rng.chance(60) {
                "eks-dev-v1"
            } else {
                "eks-dev-v2"
            })
        }
        Provider::Gcp if rng.chance(60) => Some("gke-standard-v1"),
        Provider::Azure if rng.chance(50) => Some("aks-standard-v1"),
        Provider::Vcluster if environment == "dev" && provisioner == "none" => {
            Some("vcluster-dev-v1")
        }
        Provider::Vcluster if environment == "dev" && provisioner == "capi" => {
            Some("vcluster-preview-v1")
        }
        _ => None,
    };
    let from_template = |field: &str| template_sets(template, field);

    let kubernetes_version = if legacy {
        Some("1.30")
    } else if template == Some("eks-dev-v2") {
        None // the template's 1.34
    } else {
        *rng.weighted(&[(None, 60), (Some("1.32"), 25), (Some("1.34"), 15)])
    };

    // Cloud facts: what the Fleet's Terraform modules and ClusterClass map, and more.
    let account = aws_account(environment);
    let vpc = format!("vpc-0{}", rng.hex(16));
    let mut cloud = String::new();
    match provider {
        Provider::Aws if provisioner != "none" || rng.chance(50) => {
            let subnets: Vec<String> = (0..2 + rng.below(2))
                .map(|_| format!("subnet-0{}", rng.hex(16)))
                .collect();
            cloud.push_str("  aws:\n");
            if !from_template("aws.accountId") {
                let _ = writeln!(cloud, "    accountId: {}", q(account));
            }
            let _ = writeln!(
                cloud,
                "    vpcId: {vpc}\n    subnetIds: {}",
                flow_list(&subnets)
            );
        }
        Provider::Gcp if provisioner != "none" || rng.chance(50) => {
            let _ = writeln!(
                cloud,
                "  gcp:\n    project: acme-{team}-{environment}\n    network: {team}-{environment}\n    subnetwork: {team}-{environment}-{region}\n    podsRange: gke-pods\n    servicesRange: gke-services"
            );
        }
        Provider::Azure if provisioner != "none" || rng.chance(50) => {
            let _ = writeln!(
                cloud,
                "  azure:\n    subscriptionId: {}\n    resourceGroup: rg-{name}",
                q(azure_subscription(environment))
            );
            if provisioner == "capi" && prod {
                let _ = writeln!(
                    cloud,
                    "    asoCredentialSecret: aso-credential-{team}-{environment}"
                );
            }
        }
        Provider::Vcluster if provisioner == "capi" && template.is_none() => {
            cloud.push_str("  vcluster:\n    chartVersion: 0.26.0\n");
        }
        _ => {}
    }

    // Node pools: what the provisioners create (a template's pools apply unless the cluster
    // sets its own, which replace them as a whole). Prod pools are larger.
    let scale = if prod { 2 } else { 1 };
    let pools: Vec<Pool> = if provisioner == "none" || from_template("nodePools") {
        Vec::new()
    } else {
        match provider {
            Provider::Aws => {
                let mut pools = vec![Pool {
                    name: "general",
                    instance_type: rng.pick(&["m6i.large", "m7i.large", "m7g.large"]),
                    min: 2 * scale,
                    max: 6 * scale,
                    labels: None,
                }];
                if rng.chance(50) {
                    pools.push(Pool {
                        name: "workloads",
                        instance_type: rng.pick(&["r6i.xlarge", "c7i.2xlarge", "m7i.2xlarge"]),
                        min: scale,
                        max: 10 * scale,
                        labels: Some(("acme.io/workload", team.to_owned())),
                    });
                }
                pools
            }
            Provider::Gcp => vec![Pool {
                name: "general",
                instance_type: rng.pick(&["e2-standard-4", "n2-standard-8"]),
                min: scale,
                max: 5 * scale,
                labels: None,
            }],
            Provider::Azure => vec![
                Pool {
                    name: "system",
                    instance_type: "Standard_D4s_v5",
                    min: 2,
                    max: 3,
                    labels: None,
                },
                Pool {
                    name: "apps",
                    instance_type: rng.pick(&["Standard_D8s_v5", "Standard_E8s_v5"]),
                    min: scale,
                    max: 8 * scale,
                    labels: None,
                },
            ],
            Provider::Onprem => vec![Pool {
                name: "workers",
                instance_type: "vsphere-8cpu-32gb",
                min: 3,
                max: 12 * scale,
                labels: None,
            }],
            Provider::Vcluster => Vec::new(),
        }
    };

    // How the hub reaches it. Terraform clusters publish their connection to a secret store;
    // CAPI clusters read the kubeconfig CAPI writes; the others use a store or cloud identity.
    let argocd_role = format!("arn:aws:iam::111122223333:role/argocd-{hub}");
    let aws_store = format!("aws-{}", geo.as_str());
    let cloud_identity = provisioner != "terraform" && rng.chance(30);
    let mut conn = String::from("  connection:\n");
    let connection: &'static str = match (provider, provisioner) {
        (Provider::Vcluster, "capi") => {
            if !from_template("connection") {
                conn.push_str("    capi:\n      secretStore: capi-kubeconfigs\n");
            }
            "capi"
        }
        (Provider::Aws, "capi") => {
            let _ = writeln!(
                conn,
                "    capi:\n      secretStore: capi-kubeconfigs\n      roleARN: {argocd_role}"
            );
            "capi"
        }
        (Provider::Azure, "capi") => {
            let _ = writeln!(
                conn,
                "    capi:\n      secretStore: capi-kubeconfigs\n      loginMethod: workloadidentity\n      clientId: {AZURE_ARGOCD_CLIENT}\n      tenantId: {AZURE_TENANT}"
            );
            "capi"
        }
        (Provider::Gcp, "capi") if !cloud_identity => {
            conn.push_str("    capi:\n      secretStore: capi-kubeconfigs\n");
            "capi"
        }
        (Provider::Aws, _) if cloud_identity => {
            let _ = writeln!(
                conn,
                "    eks:\n      server: https://{}.{}.{region}.eks.amazonaws.com\n      caData: {}\n      roleARN: {argocd_role}",
                rng.hex(32).to_ascii_uppercase(),
                rng.pick(&["gr7", "sk1", "yl4"]),
                ca_data()
            );
            "eks"
        }
        (Provider::Gcp, _) if cloud_identity => {
            let _ = writeln!(
                conn,
                "    gke:\n      server: https://34.{}.{}.{}\n      caData: {}",
                rng.below(256),
                rng.below(256),
                1 + rng.below(254),
                ca_data()
            );
            "gke"
        }
        (Provider::Azure, _) if cloud_identity => {
            let _ = writeln!(
                conn,
                "    aks:\n      server: https://{name}-{}.hcp.{region}.azmk8s.io:443\n      caData: {}\n      loginMethod: workloadidentity\n      clientId: {AZURE_ARGOCD_CLIENT}\n      tenantId: {AZURE_TENANT}",
                rng.hex(8),
                ca_data()
            );
            "aks"
        }
        (Provider::Aws, _) => {
            let _ = writeln!(conn, "    secretStore: {{name: {aws_store}}}");
            "secretStore"
        }
        (Provider::Gcp, _) => {
            conn.push_str("    secretStore: {name: gcp-sm}\n");
            "secretStore"
        }
        (Provider::Azure, _) => {
            conn.push_str("    secretStore: {name: azure-kv}\n");
            "secretStore"
        }
        (Provider::Onprem, _) => {
            conn.push_str("    secretStore: {name: vault-onprem}\n");
            "secretStore"
        }
        (Provider::Vcluster, _) => {
            // Registered by a PushSecret on its host, under a key of its own.
            let _ = writeln!(
                conn,
                "    secretStore:\n      name: {aws_store}\n      key: argocd/vclusters/{name}"
            );
            "secretStore"
        }
    };

    // GitOps Bridge annotations: the outputs of the addons modules that apps read.
    let mut annotations: BTreeMap<String, String> = BTreeMap::new();
    let mut note = |k: &str, v: String| {
        annotations.insert(k.to_owned(), v);
    };
    match provider {
        Provider::Aws => {
            if !from_template("annotations.aws_account_id") {
                note("aws_account_id", account.to_owned());
            }
            note("aws_vpc_id", vpc.clone());
            note(
                "aws_load_balancer_controller_iam_role_arn",
                format!("arn:aws:iam::{account}:role/aws-lbc-{name}"),
            );
            if environment == "dev" {
                note(
                    "karpenter_iam_role_arn",
                    format!("arn:aws:iam::{account}:role/karpenter-controller-{name}"),
                );
                note("karpenter_sqs_queue_name", format!("karpenter-{name}"));
                note(
                    "karpenter_node_iam_role_name",
                    format!("karpenter-node-{name}"),
                );
            }
            if labels.contains_key("dns") {
                note(
                    "external_dns_iam_role_arn",
                    format!("arn:aws:iam::{account}:role/external-dns-{name}"),
                );
            }
        }
        Provider::Gcp => note("gcp_project_id", format!("acme-{team}-{environment}")),
        Provider::Azure => {
            note(
                "azure_subscription_id",
                azure_subscription(environment).to_owned(),
            );
            note("azure_resource_group", format!("rg-{name}"));
        }
        Provider::Onprem => note(
            "metallb_address_pool",
            format!("10.{}.{}.0/24", 16 + rng.below(64), rng.below(256)),
        ),
        Provider::Vcluster => {
            if let Some(host) = eks_host.get(region) {
                note("vcluster_host_cluster", host.clone());
            }
            if provisioner == "capi" {
                note(
                    "preview_pull_request",
                    format!(
                        "https://github.com/acme/{team}/pull/{}",
                        1000 + rng.below(9000)
                    ),
                );
            }
        }
    }
    if labels.contains_key("dns") {
        note(
            "ingress_domain_name",
            format!("{name}.{}.acme.example", geo.as_str()),
        );
    }

    // Preview vclusters are ephemeral: they carry an expiry (far off, so that the synthetic
    // fleet stays valid whenever it is benchmarked).
    let expires = (template == Some("vcluster-preview-v1")).then(|| {
        format!(
            "2099-{:02}-{:02}T18:00:00Z",
            1 + rng.below(12),
            1 + rng.below(28)
        )
    });
    let shard = (prod && tier == "critical" && rng.chance(50)).then_some(1);

    // The file: what the cluster sets itself, in the order of docs/fleet-format.md.
    let mut y = String::from("apiVersion: fleetc.dev/v1alpha1\nkind: Cluster\nmetadata:\n");
    let _ = writeln!(y, "  name: {name}");
    let own_labels: Labels = labels
        .iter()
        .filter(|(k, v)| !template_label(template, k, v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !own_labels.is_empty() {
        y.push_str("  labels:\n");
        block_map(&mut y, 4, &own_labels);
    }
    if !annotations.is_empty() {
        y.push_str("  annotations:\n");
        block_map(&mut y, 4, &annotations);
    }
    y.push_str("spec:\n");
    if let Some(t) = template {
        let _ = writeln!(y, "  template: {t}");
    }
    if !from_template("provider") {
        let _ = writeln!(y, "  provider: {}", provider.as_str());
    }
    let _ = writeln!(y, "  region: {region}");
    if !from_template("environment") {
        let _ = writeln!(y, "  environment: {environment}");
    }
    let _ = writeln!(y, "  hub: {hub}");
    if let Some(v) = kubernetes_version {
        let _ = writeln!(y, "  kubernetesVersion: {}", q(v));
    }
    if provisioner != "none" && !from_template("provisioner") {
        let _ = writeln!(y, "  provisioner: {provisioner}");
    }
    if let Some(shard) = shard {
        let _ = writeln!(y, "  argocd:\n    shard: {shard}");
    }
    y.push_str(&cloud);
    if !pools.is_empty() {
        y.push_str("  nodePools:\n");
        for p in &pools {
            let _ = writeln!(
                y,
                "    - name: {}\n      instanceType: {}\n      minSize: {}\n      maxSize: {}",
                p.name, p.instance_type, p.min, p.max
            );
            if let Some((k, v)) = &p.labels {
                let _ = writeln!(y, "      labels: {{{}: {}}}", q(k), q(v));
            }
        }
    }
    if let Some(expires) = expires {
        let _ = writeln!(y, "  expires: {expires}");
    }
    if conn.lines().count() > 1 {
        y.push_str(&conn);
    }

    let mut placement = labels;
    placement.insert("managed-by".into(), "platform".into());
    placement.insert("provider".into(), provider.as_str().into());
    placement.insert("region".into(), region.into());
    placement.insert("environment".into(), environment.into());
    placement.insert("hub".into(), hub.clone());
    Cluster {
        name,
        hub,
        labels: placement,
        provisioner,
        connection,
        template,
        yaml: y,
    }
}

fn ca_data() -> String {
    base64::engine::general_purpose::STANDARD.encode(CA_CERT_PEM)
}

/// The cluster templates, as files. Every template sets `tier: standard`, which a critical
/// cluster overrides; no template sets a label a cluster might lack.
const TEMPLATES: [(&str, &str); 6] = [
    (
        "eks-dev-v1",
        "# Dev EKS clusters, provisioned by Terraform in the shared dev account.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-dev-v1
template:
  metadata:
    labels:
      tier: standard
    annotations:
      aws_account_id: \"444455556666\"
  spec:
    provider: aws
    environment: dev
    provisioner: terraform
    aws:
      accountId: \"444455556666\"
    nodePools:
      - name: general
        instanceType: m6i.large
        minSize: 2
        maxSize: 6
",
    ),
    (
        "eks-dev-v2",
        "# The next shape of dev EKS clusters: Kubernetes 1.34, Graviton nodes and a spot pool.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: eks-dev-v2
template:
  metadata:
    labels:
      tier: standard
    annotations:
      aws_account_id: \"444455556666\"
  spec:
    provider: aws
    environment: dev
    kubernetesVersion: \"1.34\"
    provisioner: terraform
    aws:
      accountId: \"444455556666\"
    nodePools:
      - name: general
        instanceType: m7g.large
        minSize: 2
        maxSize: 6
      - name: batch-spot
        instanceType: c7g.xlarge
        minSize: 0
        maxSize: 10
        labels:
          acme.io/capacity: spot
",
    ),
    (
        "gke-standard-v1",
        "# Standard regional GKE clusters, release channel regular, for every environment.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: gke-standard-v1
template:
  metadata:
    labels:
      tier: standard
    annotations:
      gke_release_channel: regular
  spec:
    provider: gcp
    nodePools:
      - name: general
        instanceType: e2-standard-4
        minSize: 1
        maxSize: 5
",
    ),
    (
        "aks-standard-v1",
        "# Standard AKS clusters: a System pool and an autoscaled user pool.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: aks-standard-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: azure
    nodePools:
      - name: system
        instanceType: Standard_D4s_v5
        minSize: 2
        maxSize: 3
      - name: apps
        instanceType: Standard_D8s_v5
        minSize: 1
        maxSize: 8
",
    ),
    (
        "vcluster-dev-v1",
        "# Dev vclusters hosted on dev EKS clusters, registered through a PushSecret.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: vcluster-dev-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: vcluster
    environment: dev
",
    ),
    (
        "vcluster-preview-v1",
        "# Ephemeral preview vclusters that Cluster API creates on the hub; each carries `expires`.
apiVersion: fleetc.dev/v1alpha1
kind: ClusterTemplate
metadata:
  name: vcluster-preview-v1
template:
  metadata:
    labels:
      tier: standard
  spec:
    provider: vcluster
    environment: dev
    provisioner: capi
    vcluster:
      chartVersion: 0.26.0
      values:
        sync:
          toHost:
            ingresses: {enabled: true}
    connection:
      capi:
        secretStore: capi-kubeconfigs
",
    ),
];

/// Whether `template` sets `field` (so the cluster need not repeat it).
fn template_sets(template: Option<&str>, field: &str) -> bool {
    let Some(t) = template else { return false };
    let text = TEMPLATES
        .iter()
        .find(|(name, _)| *name == t)
        .map(|(_, text)| *text)
        .expect("a known template");
    match field {
        "provider" | "nodePools" | "environment" | "provisioner" | "connection" => {
            text.contains(&format!("\n    {field}:"))
        }
        "aws.accountId" => text.contains("\n      accountId:"),
        "annotations.aws_account_id" => text.contains("\n      aws_account_id:"),
        _ => false,
    }
}

/// Whether `template` already gives the label `key: value`.
fn template_label(template: Option<&str>, key: &str, value: &str) -> bool {
    template.is_some() && key == "tier" && value == "standard"
}

// ---------------------------------------------------------------------------------------------
// Label selectors, with Kubernetes semantics, to size placements while generating them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::In => "In",
            Op::NotIn => "NotIn",
            Op::Exists => "Exists",
            Op::DoesNotExist => "DoesNotExist",
        }
    }
}

#[derive(Debug, Clone)]
struct Requirement {
    key: &'static str,
    op: Op,
    values: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct Selector {
    match_labels: Vec<(&'static str, &'static str)>,
    expressions: Vec<Requirement>,
}

impl Selector {
    fn labels(match_labels: &[(&'static str, &'static str)]) -> Selector {
        Selector {
            match_labels: match_labels.to_vec(),
            expressions: Vec::new(),
        }
    }

    fn with(mut self, key: &'static str, op: Op, values: &[&str]) -> Selector {
        self.expressions.push(Requirement {
            key,
            op,
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        });
        self
    }

    /// `NotIn` and `DoesNotExist` match a cluster without the key, as in Kubernetes.
    fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(*k).is_some_and(|l| l == v))
            && self.expressions.iter().all(|r| {
                let value = labels.get(r.key);
                match r.op {
                    Op::In => value.is_some_and(|v| r.values.contains(v)),
                    Op::NotIn => value.is_none_or(|v| !r.values.contains(v)),
                    Op::Exists => value.is_some(),
                    Op::DoesNotExist => value.is_none(),
                }
            })
    }

    /// Writes `selector:` at `indent`, in flow style per requirement.
    fn write(&self, out: &mut String, indent: usize) {
        let pad = " ".repeat(indent);
        if self.expressions.is_empty() {
            let _ = writeln!(
                out,
                "{pad}selector: {{matchLabels: {}}}",
                self.flow_labels()
            );
            return;
        }
        let _ = writeln!(out, "{pad}selector:");
        if !self.match_labels.is_empty() {
            let _ = writeln!(out, "{pad}  matchLabels: {}", self.flow_labels());
        }
        let _ = writeln!(out, "{pad}  matchExpressions:");
        for r in &self.expressions {
            match r.op {
                Op::In | Op::NotIn => {
                    let _ = writeln!(
                        out,
                        "{pad}    - {{key: {}, operator: {}, values: {}}}",
                        r.key,
                        r.op.as_str(),
                        flow_list(&r.values)
                    );
                }
                Op::Exists | Op::DoesNotExist => {
                    let _ = writeln!(
                        out,
                        "{pad}    - {{key: {}, operator: {}}}",
                        r.key,
                        r.op.as_str()
                    );
                }
            }
        }
    }

    fn flow_labels(&self) -> String {
        let pairs: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{}: {}", q(k), q(v)))
            .collect();
        format!("{{{}}}", pairs.join(", "))
    }
}

/// A kind of selector platform teams write: a fixed part, and one requirement on `key` whose
/// values are chosen to size the placement.
struct Shape {
    /// Why an app would be placed like this (a comment in the app's file).
    why: &'static str,
    fixed: fn() -> Selector,
    key: &'static str,
    op: Op,
    /// An annotation every cluster the fixed part matches has, which values may read plainly.
    guaranteed: Option<&'static str>,
}

/// The shapes, used in turn: the first seven already use `matchLabels` and every operator.
/// The first is the one the benchmark edits (it drops a region from an `In` list).
const SHAPES: [Shape; 11] = [
    Shape {
        why: "in a set of regions: a regional rollout",
        fixed: Selector::default,
        key: "region",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "the clusters of a few teams, except legacy clusters being drained",
        fixed: || Selector::default().with("legacy", Op::DoesNotExist, &[]),
        key: "team",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "where external DNS is enabled, except in some regions",
        fixed: || Selector::default().with("dns", Op::Exists, &[]),
        key: "region",
        op: Op::NotIn,
        guaranteed: Some("ingress_domain_name"),
    },
    Shape {
        why: "behind ingress-nginx, in some regions",
        fixed: || Selector::labels(&[("ingress", "nginx")]),
        key: "region",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "staging and prod, except some teams' clusters",
        fixed: || Selector::default().with("environment", Op::NotIn, &["dev"]),
        key: "team",
        op: Op::NotIn,
        guaranteed: None,
    },
    Shape {
        why: "on EKS, in some regions",
        fixed: || Selector::labels(&[("provider", "aws")]),
        key: "region",
        op: Op::In,
        guaranteed: Some("aws_account_id"),
    },
    Shape {
        why: "with an ingress controller, not on legacy clusters, in some regions",
        fixed: || {
            Selector::default().with("ingress", Op::Exists, &[]).with(
                "legacy",
                Op::DoesNotExist,
                &[],
            )
        },
        key: "region",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "on GKE and AKS, except in some regions",
        fixed: || Selector::default().with("provider", Op::In, &["gcp", "azure"]),
        key: "region",
        op: Op::NotIn,
        guaranteed: None,
    },
    Shape {
        why: "standard-tier clusters of a few teams",
        fixed: || Selector::labels(&[("tier", "standard")]),
        key: "team",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "where DNS is not managed, in some regions",
        fixed: || Selector::default().with("dns", Op::DoesNotExist, &[]),
        key: "region",
        op: Op::In,
        guaranteed: None,
    },
    Shape {
        why: "staging and prod, outside some clouds",
        fixed: || Selector::default().with("environment", Op::In, &["staging", "prod"]),
        key: "provider",
        op: Op::NotIn,
        guaranteed: None,
    },
];

/// Completes `shape` with the values of its tuned requirement so that about `target` clusters
/// match: a greedy subset sum over the value counts, from a few random orders, best kept.
/// `None` when the shape cannot reach the target on these clusters.
fn tune(
    shape: &Shape,
    clusters: &[Cluster],
    target: usize,
    rng: &mut Rng,
) -> Option<(Selector, usize)> {
    let fixed = (shape.fixed)();
    let base: Vec<&Labels> = clusters
        .iter()
        .map(|c| &c.labels)
        .filter(|l| fixed.matches(l))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for labels in &base {
        if let Some(v) = labels.get(shape.key) {
            *counts.entry(v.as_str()).or_insert(0) += 1;
        }
    }
    // In: the chosen values' clusters match. NotIn: all but them (and those without the key).
    let goal = match shape.op {
        Op::In => target,
        _ => base.len().checked_sub(target).filter(|g| *g > 0)?,
    };
    let mut best: Option<(Vec<&str>, usize)> = None;
    for _ in 0..16 {
        let mut order: Vec<(&str, usize)> = counts.iter().map(|(v, c)| (*v, *c)).collect();
        rng.shuffle(&mut order);
        let (mut chosen, mut sum) = (Vec::new(), 0);
        for (value, count) in order {
            if (sum + count).abs_diff(goal) < sum.abs_diff(goal) {
                chosen.push(value);
                sum += count;
            }
        }
        if chosen.is_empty() {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(_, s)| sum.abs_diff(goal) < s.abs_diff(goal))
        {
            best = Some((chosen, sum));
        }
    }
    let (mut values, sum) = best?;
    values.sort_unstable();
    let matched = if shape.op == Op::In {
        sum
    } else {
        base.len() - sum
    };
    Some((fixed.with(shape.key, shape.op, &values), matched))
}

// ---------------------------------------------------------------------------------------------
// Apps.

struct App {
    name: String,
    matched: usize,
    yaml: String,
}

/// The teams' services: apps are named `<team>-<component>` (8 teams × 6 components), then
/// `<team>-<component>-2` and so on. No `-`-separated part of an app name starts a cluster name
/// (dev, staging, prod, hub), so `<app>-<cluster>` never names two placements.
const APP_COMPONENTS: [&str; 8] = [
    "payments: api ledger fraud-scoring settlement refunds webhooks",
    "search: api indexer autocomplete ranking crawler synonyms",
    "checkout: web cart pricing tax promotions worker",
    "identity: gateway oidc directory-sync sessions mfa audit",
    "data: pipeline warehouse-sync quality catalog cdc lineage",
    "ml: serving feature-store batch-scoring training-operator embeddings drift-monitor",
    "platform: observability-agent policy-agent backup-agent cost-exporter node-tuning log-shipper",
    "growth: experiments notifications referrals campaigns attribution email-relay",
];

fn generate_apps(count: usize, clusters: &[Cluster], layout: &Layout, seed: u64) -> Vec<App> {
    (0..count)
        .map(|i| generate_app(i, clusters, layout, &mut Rng::derive(seed, APP_STREAM, i)))
        .collect()
}

/// Decides one app: its placement (sized to ~30%), source, values and overrides.
fn generate_app(index: usize, clusters: &[Cluster], layout: &Layout, rng: &mut Rng) -> App {
    let (team, components) = APP_COMPONENTS[index % APP_COMPONENTS.len()]
        .split_once(": ")
        .expect("team: components");
    let components: Vec<&str> = components.split_whitespace().collect();
    let component = components[index / APP_COMPONENTS.len() % components.len()];
    let base = format!("{team}-{component}");
    let name = match index / (APP_COMPONENTS.len() * components.len()) {
        0 => base.clone(),
        round => format!("{base}-{}", round + 1),
    };
    let n = clusters.len();
    // Aim inside 28–32% so that `clusters` and `exclude` keep the app within 25–35%.
    let target = n * (28 + rng.below(5)) / 100;

    // The shape in turn; if it cannot reach the target on these clusters (a small fleet), the
    // next one that can.
    let (shape, selector, mut matched) = (0..SHAPES.len())
        .map(|k| &SHAPES[(index + k) % SHAPES.len()])
        .find_map(|shape| {
            tune(shape, clusters, target, rng)
                .filter(|(_, m)| (27 * n..=33 * n).contains(&(100 * m)))
                .map(|(s, m)| (shape, s, m))
        })
        .or_else(|| {
            let shape = &SHAPES[0];
            tune(shape, clusters, target, rng).map(|(s, m)| (shape, s, m))
        })
        .expect("a region selector can always be tuned");
    let is_matched: Vec<bool> = clusters
        .iter()
        .map(|c| selector.matches(&c.labels))
        .collect();

    // Explicit lists, as people use them: some apps also run on a hub the selector misses,
    // some leave out a few clusters (an incident, a migration). Kept only while the app stays
    // within 25–35%.
    let mut include: Vec<&str> = Vec::new();
    let mut exclude: Vec<&str> = Vec::new();
    if rng.chance(25) {
        let hub = &layout.hubs[rng.below(layout.hubs.len())];
        let hub = c_index(clusters, hub);
        if !is_matched[hub] {
            include.push(&clusters[hub].name);
        }
    }
    if rng.chance(20) {
        for _ in 0..=rng.below(3) {
            let i = rng.below(n);
            if is_matched[i] && !exclude.contains(&clusters[i].name.as_str()) {
                exclude.push(&clusters[i].name);
            }
        }
    }
    let adjusted = matched + include.len() - exclude.len();
    if (adjusted * 100).abs_diff(n * 30) <= n * 5 {
        matched = adjusted;
        exclude.sort_unstable();
    } else {
        include.clear();
        exclude.clear();
    }

    let mut y = String::from("apiVersion: fleetc.dev/v1alpha1\nkind: App\nmetadata:\n");
    let _ = writeln!(y, "  name: {name}\n  labels: {{team: {team}}}\nspec:");
    let version = format!("{}.{}.{}", rng.below(4), rng.below(20), rng.below(10));

    // Sources: mostly Helm (a chart repository, or a chart in our git repo); a few kustomize
    // overlays and plain directories, which take no values.
    let kind = match index % 20 {
        7 | 15 => "kustomize",
        11 => "directory",
        _ if rng.chance(50) => "chart",
        _ => "path",
    };
    y.push_str("  source:\n");
    match kind {
        "chart" => {
            let _ = writeln!(
                y,
                "    repoURL: https://charts.acme.example/{team}\n    chart: {base}\n    targetRevision: {version}"
            );
        }
        "path" => {
            let _ = writeln!(
                y,
                "    repoURL: https://github.com/acme/{team}-apps.git\n    path: charts/{base}\n    targetRevision: v{version}"
            );
        }
        "kustomize" => {
            let _ = writeln!(
                y,
                "    repoURL: https://github.com/acme/{team}-apps.git\n    path: kustomize/{base}/overlays/standard\n    targetRevision: v{version}\n    kustomize:\n      commonLabels:\n        app.kubernetes.io/part-of: {base}"
            );
        }
        _ => {
            let _ = writeln!(
                y,
                "    repoURL: https://github.com/acme/{team}-apps.git\n    path: manifests/{base}\n    targetRevision: main\n    directory:\n      recurse: true"
            );
        }
    }
    let _ = writeln!(
        y,
        "  destination: {{namespace: {base}}}\n  syncPolicy:\n    automated: {{prune: true, selfHeal: true}}\n    syncOptions: [CreateNamespace=true]"
    );

    y.push_str("  placement:\n");
    let _ = writeln!(y, "    # {}", shape.why);
    selector.write(&mut y, 4);
    if !include.is_empty() {
        let _ = writeln!(y, "    clusters: {}", flow_list(&include));
    }
    if !exclude.is_empty() {
        let _ = writeln!(y, "    exclude: {}", flow_list(&exclude));
    }
    if matches!(kind, "chart" | "path") {
        write_values(&mut y, &base, shape, index, rng);
    }
    App {
        name,
        matched,
        yaml: y,
    }
}

fn c_index(clusters: &[Cluster], name: &str) -> usize {
    clusters
        .iter()
        .position(|c| c.name == name)
        .expect("a declared cluster")
}

/// Overrides an app picks 1–3 of, in this order; every one that matches is deep-merged.
const OVERRIDES: [&str; 4] = [
    "    - selector: {matchLabels: {environment: dev}}\n      values:\n        logLevel: debug\n        resources:\n          requests: {cpu: 25m, memory: 64Mi}\n",
    "    - selector:\n        matchExpressions:\n          - {key: environment, operator: In, values: [staging, prod]}\n      values:\n        serviceMonitor: {enabled: true, interval: 15s}\n",
    "    - selector: {matchLabels: {environment: prod}}\n      values:\n        resources:\n          requests: {cpu: 500m, memory: 1Gi}\n          limits: {memory: 2Gi}\n        podDisruptionBudget: {enabled: true, minAvailable: 1}\n",
    "    - selector: {matchLabels: {tier: critical}}\n      values:\n        priorityClassName: platform-critical\n        topologySpreadConstraints:\n          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}\n",
];

/// Helm values and overrides, with templates over the cluster like the example fleet's.
fn write_values(y: &mut String, base: &str, shape: &Shape, index: usize, rng: &mut Rng) {
    let _ = writeln!(
        y,
        "  values:\n    fullnameOverride: {base}\n    image:\n      repository: ghcr.io/acme/{base}\n      tag: v{}.{}.{}",
        1 + rng.below(3),
        rng.below(30),
        rng.below(10)
    );
    // Identity of the cluster, read from its built-in fields and labels.
    y.push_str(concat!(
        "    cluster:\n",
        "      name: \"{{ cluster.name }}\"\n",
        "      region: \"{{ cluster.region }}\"\n",
        "      environment: \"{{ cluster.environment }}\"\n",
        "    podLabels:\n",
        "      acme.io/team: \"{{ cluster.labels.team }}\"\n",
        "      acme.io/tier: \"{{ cluster.labels.tier }}\"\n",
    ));
    // One string that is exactly one expression, so it keeps its type (a number, a boolean, a
    // list).
    y.push_str(match index % 3 {
        0 => "    replicaCount: \"{{ 3 if cluster.labels.tier == 'critical' else 1 }}\"\n",
        1 => "    highAvailability: \"{{ cluster.environment == 'prod' }}\"\n",
        _ => "    topologyZones: \"{{ [cluster.region ~ '-a', cluster.region ~ '-b'] }}\"\n",
    });
    // An annotation: read plainly where the selector guarantees it, with a default elsewhere
    // (a cluster without it would otherwise be a compile error).
    match shape.guaranteed {
        Some("ingress_domain_name") => y.push_str(
            "    ingress:\n      enabled: true\n      host: \"{{ app.name }}.{{ cluster.annotations.ingress_domain_name }}\"\n",
        ),
        Some("aws_account_id") => {
            let _ = writeln!(
                y,
                "    serviceAccount:\n      annotations:\n        eks.amazonaws.com/role-arn: \"arn:aws:iam::{{{{ cluster.annotations.aws_account_id }}}}:role/{base}-{{{{ cluster.name }}}}\""
            );
        }
        _ => y.push_str(
            "    ingress:\n      enabled: \"{{ cluster.labels.ingress is defined }}\"\n      host: \"{{ app.name }}.{{ cluster.annotations.ingress_domain_name | default(cluster.name ~ '.internal.acme.example') }}\"\n",
        ),
    }
    let _ = writeln!(
        y,
        "    resources:\n      requests: {{cpu: {}m, memory: {}Mi}}\n    serviceMonitor: {{enabled: true}}",
        50 * (1 + rng.below(4)),
        64 * (1 + rng.below(8))
    );

    // Overrides: 1–3, in file order.
    let mut chosen: Vec<usize> = (0..OVERRIDES.len()).collect();
    rng.shuffle(&mut chosen);
    chosen.truncate(1 + rng.below(3));
    chosen.sort_unstable();
    y.push_str("  overrides:\n");
    for i in chosen {
        y.push_str(OVERRIDES[i]);
    }
}

// ---------------------------------------------------------------------------------------------
// The Fleet: the example fleet's, with the generated hubs.

fn fleet_yaml(layout: &Layout, args: &Args) -> String {
    let mut hubs = String::new();
    for hub in &layout.hubs {
        let _ = writeln!(hubs, "    - name: {hub}");
    }
    format!(
        "# A synthetic fleet written by fleetc's examples/synth.rs (--clusters {} --apps {} --hubs {} --seed {}).
# Its shape is the example fleet's: hubs per geography, secret stores for each cloud and Vault,
# Cluster API with an EKS ClusterClass, a Terraform module per cloud, and defaults.
apiVersion: fleetc.dev/v1alpha1
kind: Fleet
metadata:
  name: acme
spec:
  repo:
    url: https://github.com/acme/fleet.git
    targetRevision: main
    path: out
  argocd:
    namespace: argocd
  hubs:
{hubs}  secretStores:
    - name: aws-eu
      provider: aws
      storeName: aws-secrets-manager-eu
    - name: aws-us
      provider: aws
      storeName: aws-secrets-manager-us
    - name: vault-onprem
      provider: vault
      keyPrefix: clusters/
      refreshInterval: 15m
    - name: gcp-sm
      provider: gcp
    - name: azure-kv
      provider: azure
    - name: capi-kubeconfigs
      provider: kubernetes
  capi:
    namespace: capi-clusters
    clusterClasses:
      aws:
        name: eks-managed-v1
        variables:
          name: eksClusterName
          region: region
          vpcId: vpcID
          subnetIds: subnetIDs
        machinePoolClass: managed-workers
        instanceTypeVariable: instanceType
  terraform:
    requiredVersion: \">= 1.5.7\"
    modules:
      aws:
        source: app.terraform.io/acme/eks-cluster/aws
        version: \"~> 3.2\"
        inputs:
          name: name
          kubernetesVersion: kubernetes_version
          region: region
          vpcId: vpc_id
          subnetIds: subnet_ids
          nodePools: eks_managed_node_groups
          labels: tags
          connectionKey: connection_secret_name
          metadata: cluster_metadata
      gcp:
        source: app.terraform.io/acme/gke-cluster/google
        version: \"~> 1.7\"
        inputs:
          name: name
          project: project_id
          region: region
          network: network
          subnetwork: subnetwork
          podsRange: ip_range_pods
          servicesRange: ip_range_services
          kubernetesVersion: kubernetes_version
          nodePools: node_pools
          nodePoolLabels: node_pools_labels
          labels: cluster_resource_labels
          connectionKey: connection_secret_id
          metadata: cluster_metadata
      azure:
        source: app.terraform.io/acme/aks-cluster/azurerm
        version: \"~> 2.0\"
        inputs:
          name: name
          region: location
          resourceGroupId: parent_id
          kubernetesVersion: kubernetes_version
          defaultNodePool: default_agent_pool
          additionalNodePools: agent_pools
          labels: tags
          connectionKey: connection_secret_name
          metadata: cluster_metadata
      onprem:
        source: git::https://github.com/acme/terraform-talos-cluster.git?ref=v1.8.0
        inputs:
          name: cluster_name
          region: site
          kubernetesVersion: kubernetes_version
          nodePools: node_groups
          connectionKey: vault_secret_path
          metadata: cluster_metadata
  defaults:
    metadata:
      labels:
        managed-by: platform
      annotations:
        addons_repo_url: https://github.com/acme/platform-addons.git
        addons_repo_revision: main
        addons_repo_basepath: \"\"
        addons_repo_path: bootstrap/control-plane/addons
    spec:
      kubernetesVersion: \"1.33\"
",
        args.clusters,
        args.apps,
        layout.hubs.len(),
        args.seed
    )
}

// ---------------------------------------------------------------------------------------------
// The summary, on stderr.

#[allow(
    clippy::cast_precision_loss,
    reason = "fractions of counts far below 2^52"
)]
fn summary(args: &Args, layout: &Layout, clusters: &[Cluster], apps: &[App]) -> String {
    let n = clusters.len() as f64;
    let count = |f: &dyn Fn(&Cluster) -> &str| {
        let mut m: BTreeMap<&str, usize> = BTreeMap::new();
        for c in clusters {
            *m.entry(f(c)).or_insert(0) += 1;
        }
        m.iter()
            .map(|(k, v)| format!("{k} {:.1}%", 100.0 * *v as f64 / n))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let placements: usize = apps.iter().map(|a| a.matched).sum();
    let fractions: Vec<f64> = apps.iter().map(|a| a.matched as f64 / n).collect();
    let min = fractions.iter().copied().fold(f64::INFINITY, f64::min);
    let max = fractions.iter().copied().fold(0.0, f64::max);
    let mean = fractions.iter().sum::<f64>() / fractions.len() as f64;
    let mut s = String::new();
    let _ = writeln!(s, "wrote {}", args.dir.join("fleet").display());
    let _ = writeln!(
        s,
        "clusters:    {} ({} hubs: {})",
        clusters.len(),
        layout.hubs.len(),
        layout.hubs.join(", ")
    );
    let _ = writeln!(
        s,
        "  provider:    {}",
        count(&|c| c.labels["provider"].as_str())
    );
    let _ = writeln!(
        s,
        "  environment: {}",
        count(&|c| c.labels["environment"].as_str())
    );
    let _ = writeln!(s, "  hub:         {}", count(&|c| c.hub.as_str()));
    let _ = writeln!(s, "  provisioner: {}", count(&|c| c.provisioner));
    let _ = writeln!(s, "  connection:  {}", count(&|c| c.connection));
    let _ = writeln!(
        s,
        "  template:    {}",
        count(&|c| c.template.unwrap_or("(none)"))
    );
    let _ = writeln!(s, "apps:        {}", apps.len());
    let _ = writeln!(
        s,
        "placements:  {placements} (check: fleetc ls placements --format json)"
    );
    let _ = writeln!(
        s,
        "match fraction per app: min {:.1}%, mean {:.1}%, max {:.1}%",
        100.0 * min,
        100.0 * mean,
        100.0 * max
    );
    s
}
