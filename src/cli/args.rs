//! The command line as clap parses it: the options every command takes ([`Global`]), the
//! commands and their own options ([`Command`], [`Ls`]), and the parsers for `--now` and
//! `--max-deletions`.

use std::path::PathBuf;

use crate::emit::DeletionLimit;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// What `--version` says: the version, and the commit and build it came from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("FLEETC_GIT_COMMIT"),
    ")"
);

/// fleetc: a Git-native static fleet compiler. Reads the fleet repo's declarations (fleet/),
/// validates them, decides every placement, and renders every Argo CD, ESO, Cluster API and
/// Terraform object into out/.
#[derive(Debug, Parser)]
#[command(name = "fleetc", version = VERSION, about, long_about = None, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The options of the commands that read a fleet, accepted before the command too
/// (`fleetc --rev HEAD~1 validate`), where they apply as if given after it; a command that
/// does not take one refuses it. `--color` applies to every command.
#[derive(Debug, Args)]
pub(crate) struct Global {
    #[command(flatten)]
    pub(crate) fleet: FleetOpt,
    #[command(flatten)]
    pub(crate) out: OutOpt,
    #[command(flatten)]
    pub(crate) rev: RevOpt,
    #[command(flatten)]
    pub(crate) jobs: JobsOpt,
    #[command(flatten)]
    pub(crate) now: RootNowOpt,
    #[command(flatten)]
    pub(crate) cache: CacheOpt,
    /// When to colour text output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct FleetOpt {
    /// The fleet's declarations [default: fleet, in the current folder or the nearest parent
    /// that holds one, as git finds its repository].
    #[arg(long, value_name = "DIR")]
    pub(crate) fleet: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct OutOpt {
    /// Where rendered output lives [default: out, beside the fleet folder].
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RevOpt {
    /// Read the fleet as it is at this git revision instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub(crate) rev: Option<String>,
}

/// `render` takes no `--rev` (it writes the working tree's out/), but reads one to say so.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct HiddenRevOpt {
    #[arg(long, value_name = "REV", hide = true)]
    pub(crate) rev: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct JobsOpt {
    /// Worker threads (default: one per core). Output is the same for any number.
    #[arg(short = 'j', long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct NowOpt {
    /// Judge cluster expiries as of this time (RFC 3339, or a date meaning its midnight UTC)
    /// instead of now, for reproducible runs (CI, tests).
    #[arg(long, env = "FLEETC_NOW", value_name = "TIME", value_parser = parse_time)]
    pub(crate) now: Option<jiff::Timestamp>,
}

/// `--now` before the command: the same, without reading `FLEETC_NOW` (which the command's
/// own `--now` reads), so that a command that takes no `--now` is not refused for it.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RootNowOpt {
    /// Judge cluster expiries as of this time (RFC 3339, or a date meaning its midnight UTC)
    /// instead of now, for reproducible runs (CI, tests).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub(crate) now: Option<jiff::Timestamp>,
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct CacheOpt {
    /// Render everything instead of trusting the render cache (kept in the git directory).
    #[arg(long)]
    pub(crate) no_cache: bool,
}

/// What a command reads of the fleet options, given before or after it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) fleet: Option<PathBuf>,
    pub(crate) out: Option<PathBuf>,
    pub(crate) rev: Option<String>,
    pub(crate) jobs: Option<usize>,
    pub(crate) now: Option<jiff::Timestamp>,
    pub(crate) no_cache: bool,
}

/// The options of a command that reads the fleet: those of every such command, and those
/// only some take (each `None` where the command does not take it).
#[derive(Debug, Args)]
pub(crate) struct Reads {
    #[command(flatten)]
    pub(crate) fleet: FleetOpt,
    #[command(flatten)]
    pub(crate) rev: RevOpt,
    #[command(flatten)]
    pub(crate) jobs: JobsOpt,
    #[command(flatten)]
    pub(crate) now: NowOpt,
}

/// The options of a command that compares with or writes out/.
#[derive(Debug, Args)]
pub(crate) struct Renders {
    #[command(flatten)]
    pub(crate) fleet: FleetOpt,
    #[command(flatten)]
    pub(crate) out: OutOpt,
    #[command(flatten)]
    pub(crate) jobs: JobsOpt,
    #[command(flatten)]
    pub(crate) now: NowOpt,
    #[command(flatten)]
    pub(crate) cache: CacheOpt,
}

/// Parses `--now`: an RFC 3339 time, or a date (its midnight UTC).
fn parse_time(s: &str) -> Result<jiff::Timestamp, String> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::Date>()
        .map_err(|e| {
            format!("expected a time like 2026-11-21T12:00:00Z or a date like 2026-11-21 ({e})")
        })
        .and_then(|d| {
            d.to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .map_err(|e| e.to_string())
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How findings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: quoted source lines, underlines and help.
    Text,
    /// An array of objects with severity, code, message, file, line, column and help.
    Json,
    /// GitHub Actions workflow annotations, shown inline on pull requests.
    Github,
}

/// The cloud of the cluster `fleetc init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InitProvider {
    Aws,
    Gcp,
    Azure,
    Onprem,
}

/// How listings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Render the fleet into out/: only changed files are written, each atomically; files fleetc
    /// generated and no longer renders are removed.
    Render {
        #[command(flatten)]
        renders: Renders,
        #[command(flatten)]
        rev: HiddenRevOpt,
    },
    /// Exit 1 when the fleet is invalid or out/ is not what `fleetc render` would write.
    Check {
        /// How findings and stale files are written.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        renders: Renders,
        #[command(flatten)]
        rev: RevOpt,
    },
    /// Validate the fleet and report every finding with its file, line and column.
    Validate {
        /// How findings are written.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        reads: Reads,
        #[command(flatten)]
        out: OutOpt,
        /// Check the documents in out/ instead, as kubeconform does: against the CRDs in the
        /// `--crds` folders and the built-in schemas of core kinds.
        #[arg(long)]
        output: bool,
        /// A folder of CRD YAML (upstream CRDs as projects publish them),
        /// read recursively; may be given several times. Only with --output.
        #[arg(long, value_name = "DIR", requires = "output")]
        crds: Vec<PathBuf>,
    },
    /// Compare what two revisions of the fleet render: placements gained and lost, clusters
    /// added and removed, then every changed object.
    Diff(DiffArgs),
    /// Say whether an app lands on a cluster and why, and where each of its values comes from.
    Explain {
        /// The app.
        app: String,
        /// The cluster.
        #[arg(long)]
        cluster: String,
        /// How the explanation is written.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        reads: Reads,
    },
    /// List clusters, apps, placements or the label vocabulary.
    #[command(subcommand)]
    Ls(Ls),
    /// Turn an Argo CD hub's cluster Secrets, ApplicationSets and Applications (as `kubectl get
    /// -o yaml` prints them) into a fleet, and check that it renders the Applications Argo CD
    /// generates.
    Import(ImportArgs),
    /// Start a fleet repo in DIR: a Fleet, a cluster, an app, the schemas, the pre-commit hook
    /// and a GitHub workflow; `fleetc render` and `fleetc check` pass in it at once.
    Init {
        /// Where to write it (created when missing).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// The example cluster's cloud.
        #[arg(long, value_enum, default_value_t = InitProvider::Aws)]
        provider: InitProvider,
        /// The Fleet's name.
        #[arg(long, value_name = "NAME", default_value = "fleet")]
        name: String,
    },
    /// Give a rollout stage of an app the layer (vars, values, Application fields) of another
    /// stage, editing the App's file so that nothing else in it changes, and print the diff.
    Promote {
        /// The app.
        app: String,
        /// The stage whose layer is promoted.
        #[arg(long, value_name = "STAGE")]
        from: String,
        /// The stage that gets it.
        #[arg(long, value_name = "STAGE")]
        to: String,
        /// Write nothing: print the diff and exit 1 when the promotion is pending.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        fleet: FleetOpt,
        #[command(flatten)]
        now: NowOpt,
    },
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print fleetc's man page (roff), for `man -l -` or a man directory.
    Man,
    /// Print the JSON Schema of a kind, or write all schemas into a folder for editors.
    Schema {
        /// fleet, cluster-template, cluster, app, team, or all (the schema that accepts any kind).
        #[arg(value_name = "KIND", default_value = "all")]
        kind: String,
        /// Write every schema file into DIR instead of printing one.
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// YAML files of cluster Secrets, ApplicationSets and Applications (documents, several per
    /// file, or `kind: List`).
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// The hub the clusters belong to (default: the cluster of the in-cluster Secret, or `hub`).
    #[arg(long, value_name = "NAME")]
    pub(crate) hub: Option<String>,
    /// The Fleet's name.
    #[arg(long, value_name = "NAME", default_value = "fleet")]
    pub(crate) name: String,
    /// The secret store that holds the connections of clusters that authenticate with
    /// credentials (they are never written to the fleet).
    #[arg(long, value_name = "NAME", default_value = "cluster-secrets")]
    pub(crate) secret_store: String,
    /// The backend of that store.
    #[arg(long, value_name = "PROVIDER", default_value = "aws", value_parser = ["aws", "vault", "gcp", "azure"])]
    pub(crate) store_provider: String,
    /// Overwrite the fleet's files when they exist.
    #[arg(long)]
    pub(crate) force: bool,
    /// Check only: write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// How the report is written.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub(crate) format: ListFormat,
    #[command(flatten)]
    pub(crate) fleet: FleetOpt,
    #[command(flatten)]
    pub(crate) jobs: JobsOpt,
    #[command(flatten)]
    pub(crate) now: NowOpt,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The revision to compare against.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub(crate) base: String,
    /// The revision to compare (default: the working tree, or --rev).
    #[arg(long, value_name = "REV")]
    pub(crate) head: Option<String>,
    /// How the report is written.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub(crate) format: DiffFormat,
    /// Exit 1 when anything differs.
    #[arg(long)]
    pub(crate) exit_code: bool,
    /// Fail when the change would remove more objects (of every kind) than this: a number, or
    /// a percentage of the objects the base renders (`10%`).
    #[arg(long, value_name = "N|N%", value_parser = parse_limit)]
    pub(crate) max_deletions: Option<DeletionLimit>,
    /// Let the change destroy this cluster (remove its Cluster API `Cluster`, which deletes
    /// the real cluster); repeatable, or `all`. Without it, `diff` refuses a change that
    /// destroys a cluster.
    #[arg(long, value_name = "CLUSTER")]
    pub(crate) allow_destroy: Vec<String>,
    #[command(flatten)]
    pub(crate) reads: Reads,
    #[command(flatten)]
    pub(crate) out: OutOpt,
}

/// `--max-deletions`: a number or a percentage.
fn parse_limit(s: &str) -> Result<DeletionLimit, String> {
    s.parse()
}

/// How `diff` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// For a terminal: the summary, then unified diffs (coloured on a terminal).
    Text,
    /// For a pull-request comment or job summary: at most 65,000 characters.
    Markdown,
    /// For tools: the impact, the placements and every object, each changed one with its diff.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Ls {
    /// The clusters, with their placement labels.
    Clusters {
        /// Only clusters matching this label selector (kubectl syntax, e.g.
        /// 'environment=prod,region in (eu-west-1,eu-central-1),!legacy').
        #[arg(short = 'l', long = "selector", value_name = "SELECTOR")]
        selector: Option<String>,
        /// How the list is written.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        reads: Reads,
    },
    /// The apps, with how many clusters each lands on and the file that declares it.
    Apps {
        /// How the list is written.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        reads: Reads,
    },
    /// Every app on every cluster, sorted by app then cluster.
    Placements {
        /// Only this app's placements.
        #[arg(long)]
        app: Option<String>,
        /// Only placements on this cluster.
        #[arg(long)]
        cluster: Option<String>,
        /// How the list is written.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        reads: Reads,
    },
    /// The label vocabulary: every key clusters carry or the Fleet declares, with its values
    /// and how many clusters carry each.
    Labels {
        /// How the list is written.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        #[command(flatten)]
        reads: Reads,
    },
}

impl Ls {
    fn reads(&self) -> &Reads {
        match self {
            Ls::Clusters { reads, .. }
            | Ls::Apps { reads, .. }
            | Ls::Placements { reads, .. }
            | Ls::Labels { reads, .. } => reads,
        }
    }
}

impl Cli {
    /// The fleet options of the command, given after it or before it (after wins); `Err`
    /// names an option given before a command that does not take it.
    pub(crate) fn settings(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        let (name, takes): (&str, &[&str]) = match &self.command {
            Command::Render { renders, rev } => {
                s.apply_renders(renders);
                s.rev.clone_from(&rev.rev);
                (
                    "render",
                    &["--fleet", "--out", "--rev", "--jobs", "--now", "--no-cache"],
                )
            }
            Command::Check { renders, rev, .. } => {
                s.apply_renders(renders);
                s.rev.clone_from(&rev.rev);
                (
                    "check",
                    &["--fleet", "--out", "--rev", "--jobs", "--now", "--no-cache"],
                )
            }
            Command::Validate { reads, out, .. } => {
                s.apply_reads(reads);
                s.out.clone_from(&out.out);
                (
                    "validate",
                    &["--fleet", "--out", "--rev", "--jobs", "--now"],
                )
            }
            Command::Diff(args) => {
                s.apply_reads(&args.reads);
                s.out.clone_from(&args.out.out);
                ("diff", &["--fleet", "--out", "--rev", "--jobs", "--now"])
            }
            Command::Explain { reads, .. } => {
                s.apply_reads(reads);
                ("explain", &["--fleet", "--rev", "--jobs", "--now"])
            }
            Command::Ls(ls) => {
                s.apply_reads(ls.reads());
                ("ls", &["--fleet", "--rev", "--jobs", "--now"])
            }
            Command::Import(args) => {
                s.fleet.clone_from(&args.fleet.fleet);
                s.jobs = args.jobs.jobs;
                s.now = args.now.now;
                ("import", &["--fleet", "--jobs", "--now"])
            }
            Command::Promote { fleet, now, .. } => {
                s.fleet.clone_from(&fleet.fleet);
                s.now = now.now;
                ("promote", &["--fleet", "--now"])
            }
            Command::Init { .. } => ("init", &[]),
            Command::Completions { .. } => ("completions", &[]),
            Command::Man => ("man", &[]),
            Command::Schema { .. } => ("schema", &[]),
        };
        let g = &self.global;
        for (flag, given) in [
            ("--fleet", g.fleet.fleet.is_some()),
            ("--out", g.out.out.is_some()),
            ("--rev", g.rev.rev.is_some()),
            ("--jobs", g.jobs.jobs.is_some()),
            ("--now", g.now.now.is_some()),
            ("--no-cache", g.cache.no_cache),
        ] {
            if given && !takes.contains(&flag) {
                return Err(format!("`fleetc {name}` takes no `{flag}`"));
            }
        }
        s.fleet = s.fleet.or_else(|| g.fleet.fleet.clone());
        s.out = s.out.or_else(|| g.out.out.clone());
        s.rev = s.rev.or_else(|| g.rev.rev.clone());
        s.jobs = s.jobs.or(g.jobs.jobs);
        s.now = s.now.or(g.now.now);
        s.no_cache |= g.cache.no_cache;
        Ok(s)
    }
}

impl Settings {
    fn apply_reads(&mut self, reads: &Reads) {
        self.fleet.clone_from(&reads.fleet.fleet);
        self.rev.clone_from(&reads.rev.rev);
        self.jobs = reads.jobs.jobs;
        self.now = reads.now.now;
    }

    fn apply_renders(&mut self, renders: &Renders) {
        self.fleet.clone_from(&renders.fleet.fleet);
        self.out.clone_from(&renders.out.out);
        self.jobs = renders.jobs.jobs;
        self.now = renders.now.now;
        self.no_cache = renders.cache.no_cache;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
