#!/usr/bin/env python3
"""Benchmark wp-rest-lint against its parse floor and semgrep, paired and alternated on the same directory.

    python bench/bench.py DIR [DIR ...] [--runs N] [--install-semgrep] [--markdown OUT.md]

Stdlib only; run it with the Python that has the analyzer's dependencies (the analyzer imported is the one of
this checkout). Each DIR is copied once to a temporary folder, and every command runs there as a whole
separate process, so start-up counts; its wall time, CPU time and peak RSS (``os.wait4``) are recorded. In
each of N rounds (default 5) every variant runs once, in an order that rotates from round to round; the
tables give medians, min–max and ratios:

- ``cold -j1`` / ``cold auto``: ``python -m analyzer scan DIR --format json`` with ``--jobs 1`` / ``--jobs
  auto``, each with a fresh empty ``--cache-dir`` (or ``--no-cache``), when this checkout has those flags;
- ``warm -j1``: a cache filled by a run beforehand, and one parsed PHP file of the copy given a new comment
  line before each run (put back after it);
- ``parse floor``: the files the analyzer parsed (found by scanning once in this process), each parsed once
  with its own tree-sitter grammar in a child process (bench/parse_floor.py); the parse loop alone is the
  floor the ratios divide by, the whole process is a row of its own;
- ``semgrep``: bench/semgrep-rules.yml (five rules in the spirit of ours) with ``-j 1``, from the venv that
  ``--install-semgrep`` makes in bench/.semgrep-venv; without it, skipped with a message.

Exit codes 0 and 1 (findings) count as success; any other is reported as a failed run. ``--markdown``
writes the tables the README quotes, with the machine (CPU, cores, RAM, Python, OS) and the date.
``--runs 1`` is a quick check (a scan of WordPress core takes tens of seconds per variant).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import children  # noqa: E402
import machine  # noqa: E402
import semgrep_env  # noqa: E402
import workspace  # noqa: E402
from report import DirResult, Variant, markdown, text  # noqa: E402

PY = sys.executable
# The children import this checkout's analyzer, whatever the venv has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def analyzer_support() -> set[str]:
    """Which of --no-cache, --cache-dir and --jobs auto this checkout's ``scan`` accepts."""
    return flags_in_help(children.run([PY, "-m", "analyzer", "scan", "--help"], ENV).out.decode(errors="replace"))


def flags_in_help(help_text: str) -> set[str]:
    found = {flag for flag in ("--no-cache", "--cache-dir") if re.search(rf"{flag}\b", help_text)}
    # The option's own line (not the usage line) and its wrapped help.
    jobs = re.search(r"^ *(?:-j\b[^,\n]*, *)?--jobs\b[^\n]*(?:\n {8,}\S[^\n]*)*", help_text, re.MULTILINE)
    if jobs and "auto" in jobs.group(0).lower():
        found.add("--jobs auto")
    return found


def analyzer_version() -> str:
    done = children.run([PY, "-m", "analyzer", "--version"], ENV)
    name = done.out.decode(errors="replace").strip() or "wp-rest-lint (unknown version)"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "analyzer", "queries"], capture_output=True, text=True, check=False).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return name
    return f"{name} (commit {commit}{', with local changes' if dirty else ''})"


class FreshCache:
    """The cache flags of one cold run: a new empty --cache-dir (removed after it), else --no-cache."""

    def __init__(self, tmp: Path, support: set[str]) -> None:
        self.tmp, self.support, self.made = tmp, support, []

    def flags(self) -> list[str]:
        if "--cache-dir" in self.support:
            self.made.append(tempfile.mkdtemp(prefix="cache-", dir=self.tmp))
            return ["--cache-dir", self.made[-1]]
        return ["--no-cache"] if "--no-cache" in self.support else []

    def drop(self) -> None:
        while self.made:
            shutil.rmtree(self.made.pop(), ignore_errors=True)


def variants(copy: Path, tmp: Path, parsed: workspace.Parsed, support: set[str], semgrep: Path | None, notes: list[str]) -> list[Variant]:
    scan = [PY, "-m", "analyzer", "scan", str(copy), "--format", "json"]
    fresh = FreshCache(tmp, support)
    if not support & {"--cache-dir", "--no-cache"}:
        notes.append("This checkout's scan has no --cache-dir / --no-cache: cold runs use no cache flags.")
    out = [Variant("cold -j1", "analyzer", lambda: [*scan, "--jobs", "1", *fresh.flags()], after=fresh.drop)]
    cores = machine.cores()
    if "--jobs auto" in support:
        out.append(Variant("cold auto", "analyzer", lambda: [*scan, "--jobs", "auto", *fresh.flags()], after=fresh.drop))
    elif cores > 1:
        notes.append(f"This checkout has no --jobs auto: `cold -j{cores}` (this machine's cores) stands in for it.")
        out.append(Variant(f"cold -j{cores}", "analyzer", lambda: [*scan, "--jobs", str(cores), *fresh.flags()], after=fresh.drop))
    else:
        notes.append("cold auto: skipped (no --jobs auto in this checkout, one core)")
    if "--cache-dir" not in support:
        notes.append("warm: skipped (this checkout's scan has no --cache-dir)")
    elif parsed.touch is None:
        notes.append("warm: skipped (the analyzer parsed no file to touch)")
    else:
        warm = [*scan, "--jobs", "1", "--cache-dir", str(tmp / "warm-cache")]
        prime = children.run(warm, ENV, cwd=str(tmp))
        if prime.returncode not in (0, 1):
            notes.append(f"warm: skipped (the run filling the cache exited {prime.returncode}: {_tail(prime.err)})")
        else:
            touch = workspace.Touch(parsed.touch)
            size = len(touch.data) / 1024
            notes.append(f"warm -j1: cache filled by a run beforehand; `{parsed.touch.relative_to(copy)}` ({size:.0f} KiB) gets a new comment line before each run.")
            out.append(Variant("warm -j1", "analyzer", lambda: warm, before=touch.apply, after=touch.restore))
    out.append(Variant("parse floor (whole process)", "floor", lambda: [PY, str(Path(__file__).with_name("parse_floor.py")), str(parsed.manifest)]))
    if semgrep is not None:
        argv, jobs = semgrep_env.scan_argv(semgrep, copy)
        out.append(Variant(f"semgrep {jobs}", "semgrep", lambda: argv))
    return out


def _tail(data: bytes, lines: int = 5) -> str:
    return " / ".join(data.decode(errors="replace").strip().splitlines()[-lines:])


def record(variant: Variant, sample: children.Sample) -> None:
    if sample.returncode not in (0, 1):
        variant.errors.append(f"exit {sample.returncode}: {_tail(sample.err)}")
        return
    try:
        document = json.loads(sample.out)
        if variant.kind == "analyzer":
            variant.counts.append(document["summary"]["findings"])
            variant.files_parsed.add(document["summary"]["files_parsed"])
        elif variant.kind == "floor":
            variant.loops.append(document["loop"])
        else:
            variant.counts.append(len(document["results"]))
            variant.scanned = len(document.get("paths", {}).get("scanned", []))
            variant.reported_errors = len(document.get("errors", []))
    except (ValueError, KeyError, TypeError) as error:
        variant.errors.append(f"unreadable output ({type(error).__name__}: {error}): {_tail(sample.out + sample.err)}")
        return
    variant.samples.append(sample)


def bench_directory(directory: Path, runs: int, support: set[str], semgrep: Path | None, header: list[str]) -> DirResult:
    with tempfile.TemporaryDirectory(prefix="wp-rest-lint-bench-") as name:
        tmp = Path(name)
        print(f"{directory}: copying to {tmp} …", flush=True)
        copy = workspace.copy_tree(directory, tmp)
        print(f"{directory}: listing the files the analyzer parses (one scan in this process) …", flush=True)
        parsed = workspace.parsed_files(copy, tmp)
        notes = list(header)
        langs = ", ".join(f"{lang} {n}" for lang, n in parsed.by_grammar.most_common())
        skipped = ", ".join(f"{lang} {n}" for lang, n in parsed.skipped.most_common()) or "none"
        notes.append(f"Parsed by the analyzer: {parsed.files} files, {parsed.bytes / 1e6:.2f} MB ({langs or 'none'}); skipped for the floor, no tree-sitter grammar: {skipped}.")
        found = variants(copy, tmp, parsed, support, semgrep, notes)
        load = _load()
        for n in range(runs):
            k = n % len(found)
            for variant in found[k:] + found[:k]:
                if variant.before:
                    variant.before()
                try:
                    sample = children.run(variant.argv(), semgrep_env.ENV if variant.kind == "semgrep" else ENV, cwd=str(tmp))
                finally:
                    if variant.after:
                        variant.after()
                record(variant, sample)
                print(f"  round {n + 1}/{runs}  {variant.name:<28} {children.seconds(sample.wall):>9}  exit {sample.returncode}", flush=True)
    notes += _findings_notes(found)
    said = {n for v in found for n in v.files_parsed}
    if said and said != {parsed.files + sum(parsed.skipped.values())}:
        notes.append(f"MISMATCH: the CLI says it parsed {sorted(said)} files, the in-process scan listed {parsed.files + sum(parsed.skipped.values())}: the floor may not be the same files.")
    notes.append(f"Load average (1 min) before / after the rounds: {load} / {_load()} on {machine.cores()} cores (other work on the machine shows here).")
    return DirResult(str(directory), runs, found, notes)


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def _findings_notes(found: list[Variant]) -> list[str]:
    notes = []
    floor = next(v for v in found if v.kind == "floor")
    if floor.loops:
        notes.append(f"Parse floor: {children.seconds(children.spread(floor.loops).median)} parse loop only (the ÷ column's base), {children.seconds(floor.wall().median)} whole process.")
    counts = {v.name: sorted(set(v.counts)) for v in found if v.kind == "analyzer" and v.counts}
    if counts:
        distinct = {n for values in counts.values() for n in values}
        notes.append(f"Findings: {distinct.pop()} in every analyzer run." if len(distinct) == 1 else f"Findings DIFFER between runs: {counts}.")
    for v in found:
        if v.kind == "semgrep" and v.counts:
            notes.append(f"semgrep: {v.counts[-1]} results on the {v.scanned} files it selected itself, {v.reported_errors} errors reported in its JSON.")
        for error in dict.fromkeys(v.errors):
            notes.append(f"FAILED run of {v.name}: {error}")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", type=Path, metavar="DIR")
    parser.add_argument("--runs", type=int, default=5, help="rounds; every variant runs once per round (default 5)")
    parser.add_argument("--install-semgrep", action="store_true", help=f"pip-install semgrep into {semgrep_env.VENV.relative_to(ROOT)} first")
    parser.add_argument("--markdown", type=Path, metavar="OUT.md", help="write the Markdown tables here")
    args = parser.parse_args(argv)
    for directory in args.directories:
        if not directory.is_dir():
            parser.error(f"not a directory: {directory}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    if args.install_semgrep:
        exe = semgrep_env.find() if semgrep_env.install() else None
        if exe is None:
            return 2
        print(f"semgrep: {semgrep_env.version(exe)}: validating bench/semgrep-rules.yml …", flush=True)
        valid, checked = semgrep_env.validate(exe)
        print(f"semgrep: {checked}")
        if not valid:
            return 2
    semgrep = semgrep_env.find()
    version = analyzer_version()
    tools = f"Analyzer: {version}."
    if semgrep is None:
        print("semgrep: skipped (run with --install-semgrep)")
    else:
        valid, checked = semgrep_env.check(semgrep)
        print(f"semgrep: {semgrep_env.version(semgrep)}: {checked}")
        if not valid:
            print("semgrep: skipped (bench/semgrep-rules.yml did not validate)")
            semgrep = None
        else:
            tools += f" semgrep {semgrep_env.version(semgrep)} with bench/semgrep-rules.yml (5 rules of one file each), one job, like `--jobs 1`."
    support = analyzer_support()
    described = machine.describe()
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {described}\ndate: {when}\nanalyzer: {version}; scan flags found: {', '.join(sorted(support)) or 'none of --no-cache, --cache-dir, --jobs auto'}\n", flush=True)

    header = [f"{args.runs} round{'s' if args.runs != 1 else ''}, each running every variant once in a rotating order, every command a separate process (start-up included); median of the rounds.", tools]
    results = [bench_directory(directory, args.runs, support, semgrep, header) for directory in args.directories]
    print()
    for result in results:
        print(text(result))
    if args.markdown:
        body = [f"Machine: {described}. Date: {when}.", "", "Made by `python bench/bench.py`: CPU is user + system time of the process and its workers; peak RSS is the largest single process.", "", ""]
        args.markdown.write_text("\n".join(body) + "\n".join(markdown(r) for r in results), encoding="utf-8")
        print(f"wrote {args.markdown}")
    return 1 if any(v.errors for r in results for v in r.variants) else 0


if __name__ == "__main__":
    sys.exit(main())
