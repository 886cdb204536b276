#!/usr/bin/env python3
"""Benchmark fleetc on synthetic fleets (issue #5).

    python3 bench/bench.py [--sizes 1000x100,5000x200,10000x200] [--runs 3] [--keep DIR]
                           [--json FILE] [--no-build]

Builds fleetc and the `synth` example once, then for each size CLUSTERSxAPPS:

1. generates a fleet repo with `synth` under target/bench/ (on the same disk as this
   repository, so that writing out/ and the `cp -r` baseline hit the same file system),
   `git init`s it and commits the fleet, then commits a second revision in which one app's
   selector lists one region less (the `diff` scenario compares the two);
2. measures, each once to warm up and then --runs times (the median is reported):
   - render-full       `fleetc render` into an empty out/ (a new one for every run)
   - render-unchanged  `fleetc render` when nothing changed
   - render-one-app    `fleetc render` after that one app's selector changed (the edit is
                       undone and out/ re-rendered after every run, outside the measurement)
   - check-unchanged   `fleetc check` when nothing changed (answered from its last verdict)
   - check-worked-out  `fleetc check` when nothing changed but its last verdict is gone (what
                       a check costs after a change: load, validate and place the fleet, then
                       compare out/ through the render cache)
   - diff-one-app      `fleetc diff --base HEAD~1 --head HEAD`
   - cp-r              `cp -r out DIR`: what copying the rendered tree costs on this disk
   Each measurement is the wall time (perf_counter), and the CPU time (user + sys) and peak
   resident memory of that child process alone, from os.wait4's rusage, plus the CPU time the
   rest of the machine used meanwhile (a sign of a busy machine).

Page caches cannot be dropped without root, so every scenario runs warm, and the file system's
dirty pages are flushed (sync, not measured) before each run so that runs start alike. Trees
that runs replace are moved aside and deleted only when the size is done, and measurements wait
until this script's last deletion is 65 s old: on ext4 without a journal, creating files soon
after deleting many is several times slower (see settle), which would be measured instead of
fleetc.

Prints the machine, fleetc's git revision, a Markdown table per size with the issue's targets,
the render / cp ratio, and the cost per placement across sizes (cost should grow linearly with
placements). With --json FILE, also writes every sample there.

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLEETC = REPO / "target" / "release" / "fleetc"
SYNTH = REPO / "target" / "release" / "examples" / "synth"
DEFAULT_SIZES = "1000x100,5000x200,10000x200"
MIB = 1024 * 1024

# The targets, per size: scenario -> (wall s, peak MiB or None), and the cp ratio.
TARGETS = {
    (10000, 200): {
        "render-full": (15.0, 2048.0),
        "render-unchanged": (2.0, None),
        "check-unchanged": (0.3, None),
        "diff-one-app": (1.0, None),
        # Full render at most this many times `cp -r` of the rendered tree.
        "cp-ratio": 1.5,
    },
    (1000, 100): {
        "check-unchanged": (0.1, None),
        "diff-one-app": (1.0, None),
    },
}

SCENARIOS = [
    ("render-full", "render into an empty out/"),
    ("render-unchanged", "render, nothing changed"),
    ("render-one-app", "render, one app's selector changed"),
    ("check-unchanged", "check, nothing changed"),
    ("check-worked-out", "check, nothing changed, no verdict kept"),
    ("diff-one-app", "diff HEAD~1 HEAD (one app differs)"),
    ("cp-r", "cp -r out/ (baseline)"),
]


@dataclass
class Sample:
    wall: float  # seconds
    user: float  # CPU seconds in user mode
    sys: float  # CPU seconds in the kernel on its behalf
    rss_mib: float  # peak resident set size
    others: float  # CPU seconds the rest of the machine was busy meanwhile (see busy_seconds)
    code: int  # exit code
    stderr: str = field(repr=False, default="")

    @property
    def cpu(self) -> float:
        return self.user + self.sys


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot, from /proc/stat.

    The busy time during a measurement minus the child's own CPU time is what everything else
    used meanwhile: kernel writeback of what the child wrote, and any other process. When that
    is large and the child's CPU time is close to its wall time, the child shared the CPUs and
    its wall time is inflated.
    """
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def run_measured(argv: list[str], cwd: Path, stdout_path: Path | None = None) -> Sample:
    """Runs argv in cwd; returns its wall time, and the CPU time and peak RSS of that child.

    os.wait4 reaps the child itself, so the rusage is the child's (and of any children it
    waited for), not this script's. One caveat: Linux starts a child's peak RSS at its parent's
    at exec time, so the figure has a floor of this script's own RSS (a few MiB, printed as the
    "spawn floor"); that is why this script never loads big outputs into memory.
    """
    with tempfile.TemporaryFile() as err:
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        try:
            busy = busy_seconds()
            start = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
            busy = busy_seconds() - busy
        finally:
            if stdout_path:
                out.close()
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Sample(
        wall=wall,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        others=max(0.0, busy - usage.ru_utime - usage.ru_stime),
        code=proc.returncode,
        stderr=stderr,
    )


# When this script last deleted a tree (see settle).
last_deletion = 0.0
# ext4 without a journal skips inodes freed less than 60 s ago (300 s more while their inode
# table block is dirty; sync cleans it) when it allocates new ones, one lookup each: creating
# files right after deleting many is several times slower. Let deletions age before measuring.
DELETION_AGE_S = 65


def remove_tree(path: Path) -> None:
    global last_deletion
    if path.exists():
        # rm -rf is much faster than shutil.rmtree on hundreds of thousands of files.
        sh(["rm", "-rf", str(path)])
        last_deletion = time.monotonic()


def settle() -> None:
    """Flushes dirty pages and waits until this script's last deletion has aged (see above)."""
    os.sync()
    wait = last_deletion + DELETION_AGE_S - time.monotonic()
    if last_deletion and wait > 0:
        print(f"   waiting {wait:.0f} s for deleted files to age (ext4 inode reuse)",
              file=sys.stderr)
        time.sleep(wait)


def sh(argv: list[str], cwd: Path | None = None) -> str:
    """Runs a setup command (not measured); fails loudly."""
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: `{' '.join(map(str, argv))}` failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def git(repo: Path, *args: str) -> str:
    # A fixed identity and no signing: the repo is a scratch repo of this benchmark.
    return sh(
        ["git", "-c", "user.name=fleetc bench", "-c", "user.email=bench@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=repo,
    )


# --------------------------------------------------------------------------------------------
# The machine and the build


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    return {
        "nproc": nproc,
        "cpu": model,
        "memory_gib": mem_gib,
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def filesystem_of(path: Path) -> str:
    """The file system type and device of the mount holding path, from /proc/mounts."""
    path = path.resolve()
    best = ("", "unknown", "unknown")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            dev, mnt, fstype = line.split()[:3]
            if (path == Path(mnt) or Path(mnt) in path.parents) and len(mnt) > len(best[0]):
                best = (mnt, fstype, dev)
    except OSError:
        pass
    return f"{best[1]} ({best[2]})"


def revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src", "Cargo.toml",
                                "Cargo.lock"], cwd=REPO, capture_output=True, text=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return rev + (" + uncommitted changes in src/" if dirty else "")


def build() -> None:
    print("building: cargo build --release --bin fleetc --example synth", file=sys.stderr)
    done = subprocess.run(["cargo", "build", "--release", "--bin", "fleetc", "--example", "synth"],
                          cwd=REPO)
    if done.returncode != 0:
        sys.exit("bench: cargo build failed")


# --------------------------------------------------------------------------------------------
# One size


IN_LIST = re.compile(r"^\s*- \{key: ([\w./-]+), operator: In, values: \[([^\]]*)\]\}$", re.M)


def one_app_change(fleet: Path) -> tuple[Path, str, str, str]:
    """The app file to edit, its text, its text with one selector value less, and what changed.

    The first app (by file name) whose placement selector has a `region In [...]` list of two
    or more values loses the list's last region: a small, realistic change that moves that
    app's placements on a few percent of the clusters. (synth's first selector shape is such a
    list, so every generated fleet has one; failing that, any `In` list will do.)
    """
    candidates = []
    for path in sorted((fleet / "apps").glob("*.yaml")):
        text = path.read_text()
        # Only the placement's selector: overrides have selectors too.
        start = text.find("\n  placement:\n")
        if start < 0:
            continue
        following = re.compile(r"\n  \S").search(text, start + 1)
        end = following.start() if following else len(text)
        for match in IN_LIST.finditer(text, start, end):
            values = [v.strip() for v in match.group(2).split(",")]
            if len(values) >= 2:
                edited = text[: match.start(2)] + ", ".join(values[:-1]) + text[match.end(2):]
                change = f"{path.stem}: {match.group(1)} In without {values[-1]}"
                if match.group(1) == "region":
                    return path, text, edited, change
                candidates.append((path, text, edited, change))
    if candidates:
        return candidates[0]
    sys.exit(f"bench: no app in {fleet / 'apps'} has an `In` list of two or more values")


def count_placements(repo: Path) -> int:
    """Placements per fleetc itself, streamed (this script stays small: see run_measured)."""
    proc = subprocess.Popen([str(FLEETC), "ls", "placements", "--format", "json"], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    count = sum(1 for line in proc.stdout if b'"application":' in line)
    if proc.wait() != 0:
        sys.exit("bench: fleetc ls placements failed")
    return count


def tree_size(root: Path) -> tuple[int, int]:
    """Files and bytes under root, without building any list of them."""
    files = size = 0
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    files += 1
                    size += entry.stat(follow_symlinks=False).st_size
    return files, size


def summary_line(stderr: str) -> str:
    """fleetc's own one-line summary from stderr ("rendered N files ...", "out is up to date")."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for line in reversed(lines):
        if line.startswith(("rendered", "out is", "fleet is")):
            return line
    return lines[-1][:90] if lines else ""


def bench_size(clusters: int, apps: int, runs: int, root: Path) -> dict:
    load = os.getloadavg()
    repo = root / f"{clusters}x{apps}"
    remove_tree(repo)
    repo.mkdir(parents=True)
    out = repo / "out"

    print(f"\n== {clusters} x {apps}: generating the fleet", file=sys.stderr)
    gen = run_measured([str(SYNTH), "--clusters", str(clusters), "--apps", str(apps), str(repo)],
                       cwd=REPO)
    if gen.code != 0:
        sys.exit(f"bench: synth failed:\n{gen.stderr}")
    print(gen.stderr.rstrip(), file=sys.stderr)
    # out/ is rendered output: this scratch repo commits only the fleet (diff reads revisions).
    (repo / ".gitignore").write_text("/out/\n/trash/\n/diff.out\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"synthetic fleet: {clusters} clusters, {apps} apps")
    app_file, original, edited, change = one_app_change(repo / "fleet")
    app_file.write_text(edited)
    git(repo, "commit", "-q", "-am", change)
    app_file.write_text(original)  # the working tree stays at the first revision

    fleetc = str(FLEETC)
    trash = repo / "trash"
    trash.mkdir()

    def fresh_out(i: int) -> None:
        # Move the last render aside rather than deleting it, which would slow the next
        # render's file creation (see settle). Trees moved aside are deleted once the size is
        # done.
        if any(out.iterdir()):
            out.rename(trash / f"out-{i}")
            out.mkdir()

    def forget_verdict(i: int) -> None:
        for kept in (repo / ".git" / "fleetc").glob("check-*.json"):
            kept.unlink()

    def restore() -> None:
        app_file.write_text(original)
        sh([fleetc, "render"], cwd=repo)

    # name -> (argv for run i, setup before run i, teardown after each run, stdout file)
    plan = {
        "render-full": (lambda i: [fleetc, "render"], fresh_out, None, None),
        "render-unchanged": (lambda i: [fleetc, "render"], None, None, None),
        "render-one-app": (lambda i: [fleetc, "render"],
                           lambda i: app_file.write_text(edited), restore, None),
        "check-unchanged": (lambda i: [fleetc, "check"], None, None, None),
        "check-worked-out": (lambda i: [fleetc, "check"], forget_verdict, None, None),
        "diff-one-app": (lambda i: [fleetc, "diff", "--base", "HEAD~1", "--head", "HEAD"],
                         None, None, repo / "diff.out"),
        # Into a new folder each run, for the same reason as fresh_out.
        "cp-r": (lambda i: ["cp", "-r", "out", str(trash / f"copy-{i}")], None, None, None),
    }
    settle()
    results = {}
    for name, label in SCENARIOS:
        argv, setup, teardown, stdout_path = plan[name]
        samples = []
        for i in range(runs + 1):  # the first run warms up and is not reported
            if setup:
                setup(i)
            os.sync()  # start with no dirty pages, as every other run does
            sample = run_measured(argv(i), repo, stdout_path)
            if sample.code != 0:
                sys.exit(f"bench: {name} exited {sample.code} at {clusters}x{apps}:\n"
                         f"{sample.stderr[-3000:]}")
            if teardown:
                teardown()
            if i > 0:
                samples.append(sample)
        note = summary_line(samples[-1].stderr)
        if name == "render-one-app":
            note = f"{change}; {note}"
        if name == "diff-one-app":
            note = f"report {(repo / 'diff.out').stat().st_size / 1024:.1f} KiB"
        med = {k: statistics.median(getattr(s, k) for s in samples)
               for k in ("wall", "cpu", "user", "sys", "rss_mib", "others")}
        # Flag a run that shared the machine: more than half a CPU (and a second) used by
        # other processes or kernel threads (writeback) meanwhile.
        if med["others"] > max(0.5 * med["wall"], 1.0):
            busy = f"busy elsewhere: {med['others']:.1f} CPU s (other processes, writeback)"
            note = f"{note}; {busy}" if note else busy
        results[name] = {
            "label": label,
            **med,
            "note": note,
            "samples": [{**{k: v for k, v in asdict(s).items() if k != "stderr"},
                         "cpu": s.cpu} for s in samples],
        }
        print(f"   {name:17} {med['wall']:8.3f} s wall {med['cpu']:8.3f} s CPU "
              f"{med['others']:7.2f} s elsewhere", file=sys.stderr)
    remove_tree(trash)
    files, size = tree_size(out)
    return {
        "load_average_before": load,
        "clusters": clusters,
        "apps": apps,
        "placements": count_placements(repo),
        "out_files": files,
        "out_bytes": size,
        "generate_wall": gen.wall,
        "scenarios": results,
    }


# --------------------------------------------------------------------------------------------
# Reporting


def target_cell(size: tuple[int, int], name: str, r: dict) -> str:
    target = TARGETS.get(size, {}).get(name)
    if not target:
        return ""
    wall, rss = target
    parts = [f"≤ {wall:g} s"] + ([f"≤ {rss / 1024:g} GiB"] if rss else [])
    ok = r["wall"] <= wall and (rss is None or r["rss_mib"] <= rss)
    return f"{', '.join(parts)}: {'ok' if ok else 'MISSED'}"


def report(results: list[dict], info: dict) -> str:
    lines = [
        "# fleetc benchmark",
        "",
        f"- machine: {info['machine']['nproc']} CPUs ({info['machine']['cpu']}), "
        f"{info['machine']['memory_gib']} GiB, {info['machine']['kernel']}",
        f"- disk: {info['filesystem']}",
        f"- fleetc: {info['revision']}",
        f"- runs: median of {info['runs']} after 1 warm-up; peak MiB has a spawn floor of "
        f"{info['spawn_floor_mib']:.1f} MiB (see bench.py)",
    ]
    for s in results:
        size = (s["clusters"], s["apps"])
        sc = s["scenarios"]
        lines += [
            "",
            f"## {s['clusters']:,} clusters × {s['apps']} apps: {s['placements']:,} placements; "
            f"out/ {s['out_files']:,} files, {s['out_bytes'] / MIB:,.1f} MiB",
            "",
            "| scenario | wall s | CPU s | peak MiB | note | target |",
            "|---|--:|--:|--:|---|---|",
        ]
        for name, label in SCENARIOS:
            r = sc[name]
            note = r["note"].replace("|", "\\|")
            lines.append(f"| {label} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.0f} | "
                         f"{note} | {target_cell(size, name, r)} |")
        ratio = sc["render-full"]["wall"] / sc["cp-r"]["wall"]
        verdict = ""
        if limit := TARGETS.get(size, {}).get("cp-ratio"):
            verdict = f" (target ≤ {limit:g}×: {'ok' if ratio <= limit else 'MISSED'})"
        lines += ["", f"render into an empty out/ ÷ cp -r of out/: **{ratio:.2f}×**{verdict}"]
    lines += [
        "",
        "## Linearity: full render per placement",
        "",
        "| size | placements | wall s | CPU s | µs/placement (wall) | µs/placement (CPU) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    per = []
    for s in results:
        r = s["scenarios"]["render-full"]
        n = max(s["placements"], 1)
        per.append(r["wall"] / n * 1e6)
        lines.append(f"| {s['clusters']:,}×{s['apps']} | {s['placements']:,} | {r['wall']:.3f} | "
                     f"{r['cpu']:.3f} | {r['wall'] / n * 1e6:.2f} | {r['cpu'] / n * 1e6:.2f} |")
    if len(per) > 1:
        lines += ["", f"µs per placement, largest size ÷ smallest: {per[-1] / per[0]:.2f} "
                      "(1.00 is perfectly linear)"]
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)x(\d+)\s*", part)
        if not match:
            raise argparse.ArgumentTypeError(f"expected CLUSTERSxAPPS, like 1000x100: {part!r}")
        sizes.append((int(match.group(1)), int(match.group(2))))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes(DEFAULT_SIZES),
                        help=f"comma-separated CLUSTERSxAPPS (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per scenario (3)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the fleet repos in DIR and keep them (default: "
                             "target/bench/, removed afterwards); DIR should be on the disk "
                             "the comparison with cp -r is about")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--no-build", action="store_true",
                        help="use the fleetc and synth already in target/release")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if not args.no_build:
        build()
    for binary in (FLEETC, SYNTH):
        if not binary.exists():
            sys.exit(f"bench: {binary} is missing; run without --no-build")

    root = (args.keep or REPO / "target" / "bench").resolve()
    root.mkdir(parents=True, exist_ok=True)
    if os.stat(root).st_dev != os.stat(REPO).st_dev:
        print(f"bench: note: {root} is not on the repository's file system", file=sys.stderr)

    info = {
        "machine": machine(),
        "filesystem": filesystem_of(root),
        "revision": revision(),
        "runs": args.runs,
        # What a child that allocates nothing reports as its peak RSS (see run_measured).
        "spawn_floor_mib": run_measured(["true"], REPO).rss_mib,
    }
    results = []
    for clusters, apps in args.sizes:
        results.append(bench_size(clusters, apps, args.runs, root))
        if not args.keep:
            remove_tree(root / f"{clusters}x{apps}")
    print(report(results, info))
    if args.json:
        args.json.write_text(json.dumps({**info, "sizes": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
