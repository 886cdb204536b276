//! The command line: arguments in, text and an exit code out. Nothing here prints; `main.rs`
//! writes the [`Outcome`].

mod args;
mod check;
mod diff;
mod explain;
mod import;
mod init;
mod ls;
mod manual;
mod promote;
mod render;
mod report;
mod schema;
mod validate;
mod validate_output;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Parser as _;

use crate::compile::{Compilation, Options, compile};
use crate::emit::{Access, OutDir, RenderCache, SyncError};
use crate::source::{self, GitRevision, Sources};
use args::{Cli, ColorChoice, Command, Settings};

/// How a run ended: 0 clean, 1 findings, 2 the tool failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Clean,
    Findings,
    Failure,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Findings => 1,
            Status::Failure => 2,
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: Status,
}

impl Outcome {
    fn new(status: Status) -> Self {
        Self {
            stdout: String::new(),
            stderr: String::new(),
            status,
        }
    }

    fn failure(message: impl std::fmt::Display) -> Self {
        let mut o = Self::new(Status::Failure);
        o.stderr = format!("error: {message}\n");
        o
    }
}

/// The environment a run sees, decided by `main`.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The directory relative paths are resolved against.
    pub cwd: PathBuf,
    /// Whether colour is wanted by default (a terminal, and no non-empty `NO_COLOR`).
    pub color: bool,
}

/// Runs fleetc with these arguments (the first is the program name).
/// Hands a large value to the process's exit instead of freeing it: the binary exits once
/// [`run`] returns, and freeing a 10,000-cluster fleet's model piece by piece costs a tenth of
/// a second of a diff's wall time.
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

pub fn run(args: impl IntoIterator<Item = OsString>, env: &Environment) -> Outcome {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let mut o = Outcome::new(if e.use_stderr() {
                Status::Failure
            } else {
                Status::Clean
            });
            let text = e.render().to_string();
            if e.use_stderr() {
                o.stderr = text;
            } else {
                o.stdout = text;
            }
            return o;
        }
    };
    let settings = match cli.settings() {
        Ok(s) => s,
        Err(e) => return Outcome::failure(e),
    };
    let context = Context::new(&cli, &settings, env);
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(settings.jobs.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(e) => return Outcome::failure(format!("cannot start worker threads: {e}")),
    };
    pool.install(|| match &cli.command {
        Command::Render { .. } => render::run(&context),
        Command::Check { format, .. } => check::run(&context, *format),
        Command::Validate {
            format,
            output: false,
            ..
        } => validate::run(&context, *format),
        Command::Validate {
            format,
            output: true,
            crds,
            ..
        } => validate_output::run(&context, *format, crds),
        Command::Diff(args) => diff::run(&context, args),
        Command::Explain {
            app,
            cluster,
            format,
            ..
        } => explain::run(&context, app, cluster, *format),
        Command::Ls(ls) => ls::run(&context, ls),
        Command::Import(args) => import::run(&context, args),
        Command::Init {
            dir,
            provider,
            name,
        } => init::run(&context.cwd, dir, *provider, name),
        Command::Promote {
            app,
            from,
            to,
            check,
            ..
        } => promote::run(&context, app, from, to, *check),
        Command::Completions { shell } => manual::completions(*shell),
        Command::Man => manual::man(),
        Command::Schema { kind, write } => schema::run(&context, kind, write.as_deref()),
    })
}

/// What commands need from the global options.
pub(crate) struct Context {
    pub(crate) fleet_dir: PathBuf,
    pub(crate) fleet_display: String,
    pub(crate) out_dir: PathBuf,
    pub(crate) out_display: String,
    pub(crate) rev: Option<String>,
    pub(crate) color: bool,
    pub(crate) cwd: PathBuf,
    pub(crate) options: Options,
    pub(crate) use_cache: bool,
}

impl Context {
    fn new(cli: &Cli, g: &Settings, env: &Environment) -> Self {
        let color = match cli.global.color {
            ColorChoice::Auto => env.color,
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        };
        // Without --fleet and --out, fleetc works from the nearest folder that holds `fleet/`, so
        // it runs from anywhere in a fleet repo as git does; paths are shown from there.
        let root = if g.fleet.is_none() && g.out.is_none() {
            fleet_root(&env.cwd)
        } else {
            env.cwd.clone()
        };
        let fleet = g.fleet.clone().unwrap_or_else(|| PathBuf::from("fleet"));
        let out = g.out.clone().unwrap_or_else(|| PathBuf::from("out"));
        Self {
            fleet_dir: root.join(&fleet),
            fleet_display: display(&fleet),
            out_dir: root.join(&out),
            out_display: display(&out),
            rev: g.rev.clone(),
            color,
            cwd: env.cwd.clone(),
            options: Options {
                now: g.now.unwrap_or_else(jiff::Timestamp::now),
            },
            use_cache: !g.no_cache,
        }
    }

    /// The fleet's files, from the working tree or the revision given with `--rev`.
    pub(crate) fn sources(&self) -> Result<Sources, source::SourceError> {
        self.sources_at(self.rev.as_deref())
    }

    /// Reads and compiles the fleet; the working tree's is also judged against its git
    /// history, for stages' soak times.
    pub(crate) fn compile(&self) -> Result<Compilation, Outcome> {
        let sources = self.sources().map_err(Outcome::failure)?;
        let mut compilation = compile(sources, &self.options);
        if self.rev.is_none() {
            let soaked = crate::promote::soak::check(
                &compilation,
                &|p| self.fleet_file(p),
                self.options.now,
            );
            if !soaked.is_empty() {
                compilation.diagnostics.extend(soaked);
                crate::diagnostic::sort(&mut compilation.diagnostics);
            }
        }
        Ok(compilation)
    }

    /// The fleet's files at a revision, or in the working tree for `None`.
    pub(crate) fn sources_at(&self, rev: Option<&str>) -> Result<Sources, source::SourceError> {
        match rev {
            None => source::worktree(&self.fleet_dir, &self.fleet_display),
            Some(rev) => source::revision(&GitRevision {
                repo_dir: &self.cwd,
                rev,
                fleet_dir: &self.fleet_dir,
                display: &self.fleet_display,
            }),
        }
    }

    /// Syncs `out/` with a compiled fleet through `operation` (check or render), with the render
    /// cache unless `--no-cache`. An invalid fleet, or value templates that fail, end the run with
    /// the findings in `format`; an I/O failure ends it as a tool failure.
    pub(crate) fn sync<T>(
        &self,
        compilation: &mut Compilation,
        format: args::Format,
        access: Access,
        operation: impl FnOnce(
            &OutDir,
            &crate::render::Rendering<'_>,
            &mut RenderCache,
        ) -> Result<T, SyncError>,
    ) -> Result<T, Outcome> {
        let findings = |compilation: &Compilation| {
            let mut outcome = Outcome::new(Status::Findings);
            report::findings(self, compilation, format, &mut outcome);
            outcome
        };
        let Some(rendering) = compilation
            .fleet
            .is_some()
            .then(RenderCache::build_salt)
            .and_then(|salt| compilation.rendering(salt))
        else {
            return Err(findings(compilation));
        };
        let out = OutDir::open(&self.out_dir, &self.out_display, &self.fleet_dir, access)
            .map_err(Outcome::failure)?;
        let mut cache = RenderCache::for_out(out.path(), self.use_cache);
        let result = operation(&out, &rendering, &mut cache);
        drop(rendering);
        match result {
            Ok(t) => Ok(t),
            Err(SyncError::Io(e)) => Err(Outcome::failure(e)),
            Err(SyncError::Render(errors)) => {
                compilation.record(*errors);
                Err(findings(compilation))
            }
        }
    }

    /// The file of the working tree's fleet that diagnostics show as `display` (a path that
    /// starts with the fleet folder as given).
    pub(crate) fn fleet_file(&self, display: &str) -> PathBuf {
        let prefix = format!("{}/", self.fleet_display.trim_end_matches('/'));
        match display.strip_prefix(&prefix) {
            Some(relative) => self.fleet_dir.join(relative),
            None => self.fleet_dir.join(display),
        }
    }

    /// A path below `out/` as users see it.
    pub(crate) fn out_path(&self, relative: &str) -> String {
        format!("{}/{relative}", self.out_display.trim_end_matches('/'))
    }
}

/// The nearest of `cwd` and its parents that holds a `fleet/` folder, not looking past the
/// root of the git repository `cwd` is in; `cwd` itself when there is none.
fn fleet_root(cwd: &Path) -> PathBuf {
    for dir in cwd.ancestors() {
        if dir.join("fleet").is_dir() {
            return dir.to_path_buf();
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    cwd.to_path_buf()
}

/// A path as the user wrote it, with `/`.
fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
