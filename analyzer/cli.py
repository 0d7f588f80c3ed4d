"""Command line: ``wp-rest-lint scan | rules | rule CODE | explain``. ``main(argv) -> int`` so tests call it directly.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage or internal error (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from analyzer import __version__
from analyzer import baseline as baseline_module
from analyzer import config as config_module
from analyzer import explain
from analyzer import rules as rule_registry
from analyzer.findings import LEVEL_RANK
from analyzer.formatters import FORMATS, OutputContext, render
from analyzer.rules import docs
from analyzer.scan import DEFAULT_MAX_FILE_SIZE, MIB, ScanOptions, scan
from analyzer.source import printable_path

PROG = "wp-rest-lint"


class UsageError(Exception):
    """A problem with how the command was called: exit 2 with the message."""


def _mib(value: str) -> int:
    try:
        size = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of MiB: {value!r}") from None
    if size <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return int(size * MIB)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return int(value)


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Find WordPress REST API authentication mistakes in plugin code.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("scan", help="scan a plugin or theme directory (default: the current directory)")
    s.add_argument("paths", nargs="*", metavar="PATH", help="plugin directory or files (default: .)")
    s.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    s.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    s.add_argument(
        "--fail-on",
        choices=("error", "warning", "note", "never"),
        default=None,
        help="exit 1 when a finding at or above this level is reported (default: warning, or fail-on in the config)",
    )
    s.add_argument("--config", metavar="FILE", help="configuration file (default: .wp-rest-lint.toml or pyproject.toml, found upward)")
    s.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    s.add_argument("--write-baseline", metavar="FILE", help="record the current findings as a baseline and exit 0")
    s.add_argument("--statistics", action="store_true", help="print how many findings each rule reported")
    s.add_argument(
        "--only-files",
        action="store_true",
        help="report only on the PATHs (files), analysing the whole project they belong to (for pre-commit)",
    )
    s.add_argument("--select", type=_codes, metavar="CODES", help="only these rules (codes or prefixes, comma separated)")
    s.add_argument("--ignore", type=_codes, metavar="CODES", help="skip these rules (codes or prefixes, comma separated)")
    s.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="skip paths matching GLOB (.gitignore syntax; repeatable)"
    )
    s.add_argument(
        "--max-file-size",
        type=_mib,
        default=DEFAULT_MAX_FILE_SIZE,
        metavar="MIB",
        help=f"skip (and report) files larger than MIB mebibytes (default: {DEFAULT_MAX_FILE_SIZE // MIB})",
    )
    s.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N", help="parse with N processes (default: 1)")
    s.add_argument(
        "--scan-bundles",
        action="store_true",
        help="also analyse compiled JS (build/, dist/, source-mapped bundles) whose sources are scanned",
    )

    sub.add_parser("rules", help="list the rules: code, name, level, summary")
    r = sub.add_parser("rule", help="show a rule's documentation")
    r.add_argument("code", metavar="CODE")
    explain.add_parser(sub)
    return parser


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def _prefix(root: Path, base: Path) -> str | None:
    try:
        rel = root.relative_to(base).as_posix()
    except ValueError:
        return None
    return "" if rel == "." else rel + "/"


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _project_root(files: list[Path]) -> Path:
    """The project a set of files belongs to: the nearest folder with a configuration file, else the git
    repository, else their common folder."""
    resolved = [f.resolve() for f in files]
    common = Path(os.path.commonpath([str(f.parent) for f in resolved]))
    found = config_module.find(common)
    if found is not None:
        return found.parent
    return _git_root(common) or common


def _load_config(args: argparse.Namespace, start: Path) -> config_module.Config | None:
    known = list(rule_registry.BY_CODE)
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise UsageError(f"configuration file does not exist: {path}")
        return config_module.load(path, known)
    found = config_module.find(start)
    return config_module.load(found, known) if found is not None else None


class _Progress:
    """A one-line progress indicator on stderr, for scans that take over a second, on a terminal only."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI")
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled and time.monotonic() - self.start > 1.0:
            self.stream.write(f"\r\033[K{PROG}: {message}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _statistics(result) -> str:
    counts: dict[str, int] = {}
    for finding in result.findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    names = {m.RULE.code: m.RULE.name for m in rule_registry.REGISTRY}
    lines = [f"{count:>5}  {code}  {names.get(code, '')}" for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    extra = []
    if result.suppressed:
        extra.append(f"{result.suppressed} suppressed")
    if result.baselined:
        extra.append(f"{result.baselined} in the baseline")
    total = f"{len(result.findings):>5}  total" + (f" ({', '.join(extra)})" if extra else "")
    return "\n".join([*lines, total]) + "\n"


def _scan(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in (args.paths or ["."])]
    for path in paths:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    known = set(rule_registry.BY_CODE)
    for code in (args.select or []) + (args.ignore or []):
        if not any(k.startswith(code) for k in known):
            raise UsageError(f"unknown rule code or prefix: {code} (see '{PROG} rules')")

    report_only = None
    if args.only_files:
        files = [p for p in paths if p.is_file()]
        root = _project_root(files or paths)
        report_only = frozenset(f.resolve().relative_to(root).as_posix() for f in files if f.resolve().is_relative_to(root))
        paths = [root]
    try:
        config = _load_config(args, paths[0].resolve())
    except config_module.ConfigError as error:
        raise UsageError(str(error)) from None
    entries = None
    if args.baseline:
        try:
            entries = baseline_module.load(Path(args.baseline))
        except baseline_module.BaselineError as error:
            raise UsageError(str(error)) from None

    options = ScanOptions(
        select=args.select if args.select is not None else (config.select if config else None),
        ignore=args.ignore if args.ignore is not None else (config.ignore if config else None),
        exclude=args.exclude,
        max_file_size=args.max_file_size,
        jobs=args.jobs,
        config=config,
        baseline=entries,
        report_only=report_only,
        scan_bundles=args.scan_bundles or bool(config and config.scan_bundles),
    )
    progress = _Progress(sys.stderr)
    try:
        result = scan(paths, options, progress=progress)
    finally:
        progress.close()

    for error in result.errors:
        print(f"{PROG}: warning: {printable_path(error.path)}: {error.message}", file=sys.stderr)
    for entry in result.stale:
        print(
            f"{PROG}: warning: {args.baseline}: stale entry {entry.code} in {entry.path} matches no finding any more "
            f"(fixed, or the code around it changed); write the baseline again to drop it",
            file=sys.stderr,
        )

    if args.write_baseline:
        Path(args.write_baseline).parent.mkdir(parents=True, exist_ok=True)
        count = baseline_module.write(Path(args.write_baseline), result.findings, result.sources)
        print(f"{PROG}: wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}", file=sys.stderr)
        return 0

    root = result.root
    cwd_prefix = _prefix(root, Path.cwd().resolve())
    git_root = _git_root(root)
    context = OutputContext(
        display_prefix=cwd_prefix if cwd_prefix is not None else root.as_posix() + "/",
        uri_prefix=(_prefix(root, git_root) or "") if git_root is not None else "",
        color=args.format == "text" and not args.output and _use_color(sys.stdout),
        root_label=str(paths[0]) if len(paths) == 1 else os.path.commonpath([str(p) for p in paths]),
    )
    if args.statistics and args.format == "text":
        report = _statistics(result)
    else:
        report = render(args.format, result, context)
        if args.statistics:
            sys.stderr.write(_statistics(result))
    if args.output:
        output = Path(args.output)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)

    fail_on = args.fail_on or (config.fail_on if config and config.fail_on else "warning")
    if fail_on == "never":
        return 0
    threshold = LEVEL_RANK[fail_on]
    return 1 if any(LEVEL_RANK[f.level] >= threshold for f in result.findings) else 0


def _rules() -> int:
    rows = [(m.RULE.code, m.RULE.name, m.RULE.level, m.RULE.summary) for m in rule_registry.REGISTRY]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for code, name, level, summary in rows:
        print(f"{code:<{widths[0]}}  {name:<{widths[1]}}  {level:<{widths[2]}}  {summary}")
    return 0


def _rule(code: str) -> int:
    module = rule_registry.BY_CODE.get(code.strip().upper())
    if module is None:
        raise UsageError(f"unknown rule: {code} (see '{PROG} rules')")
    sys.stdout.write(docs.as_page(module))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage line
        return int(exit_.code or 0) if exit_.code in (0, None) else 2
    try:
        if args.command == "scan":
            return _scan(args)
        if args.command == "rules":
            return _rules()
        if args.command == "explain":
            return explain.run(args)
        return _rule(args.code)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 2
    except Exception as error:  # a bug of ours: one line, exit 2, never a traceback wall
        print(f"{PROG}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
