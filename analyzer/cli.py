"""Command line: ``wp-rest-lint scan | rules | rule CODE | explain``. ``main(argv) -> int`` so tests call it directly.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 a usage, configuration or internal error, or a
scan that found nothing to check (one line on stderr); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from analyzer import DOCS_URL, __version__, roots, selection, workers
from analyzer import cache as cache_module
from analyzer import baseline as baseline_module
from analyzer import config as config_module
from analyzer import explain, inventory, routes_command
from analyzer import outputs as outputs_module
from analyzer import rules as rule_registry
from analyzer.findings import LEVEL_RANK
from analyzer.formatters import DESCRIPTIONS, OutputContext, render
from analyzer.languages import JS_EXTENSIONS, PHP_EXTENSIONS
from analyzer.rules import docs
from analyzer.scan import DEFAULT_MAX_FILE_SIZE, MIB, ScanOptions, ScanResult, scan
from analyzer.source import printable_path

PROG = "wp-rest-lint"


class UsageError(Exception):
    """A problem with how the command was called: exit 2 with a one-line message."""

    def __init__(self, message: str, prog: str = PROG, hint: str = "") -> None:
        super().__init__(message)
        self.prog = prog
        self.hint = hint


# --- the parser ------------------------------------------------------------------------------------


_INVALID_CHOICE = re.compile(r"argument (?P<arg>[^:]+): invalid choice: '?(?P<value>[^' ]*)'? \(choose from (?P<choices>.*)\)")


class _Parser(argparse.ArgumentParser):
    """argparse, with errors as one line that names the (sub)command and suggests the nearest spelling."""

    def error(self, message: str):  # type: ignore[override]
        message = re.sub(r"^argument (-[\w-]+)(?:/-[\w-]+)*: (?!invalid choice)", r"\1: ", message)
        match = _INVALID_CHOICE.match(message)
        if match:
            choices = [c.strip(" '") for c in match.group("choices").split(",")]
            value = match.group("value")
            what = "command" if match.group("arg") == "COMMAND" else f"value for {match.group('arg')}"
            message = f"unknown {what} '{value}'{selection.did_you_mean(value, choices)}; choose from {', '.join(choices)}"
        raise UsageError(message, self.prog, f"see '{self.prog} --help'")


def _mib(value: str) -> int:
    try:
        size = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of MiB: {value!r}") from None
    if size <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return int(size * MIB)


def _jobs(value: str) -> int | str:
    if value == "auto":
        return value
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not 'auto' or a positive whole number: {value!r}")
    return int(value)


def _rule_list(value: str) -> list[str]:
    """Rule codes, prefixes, names or ALL, comma separated (argparse type)."""
    tokens = selection.split(value)
    if not tokens:
        raise argparse.ArgumentTypeError(f"names no rule; give codes, prefixes or names (see '{PROG} rules')")
    try:
        return [selection.resolve(token) for token in tokens]
    except selection.UnknownRule as error:
        raise argparse.ArgumentTypeError(f"{error} (see '{PROG} rules')") from None


def _output(value: str) -> outputs_module.Output:
    try:
        return outputs_module.parse_spec(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Find WordPress REST API authentication mistakes in plugin code.", allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("scan", help="scan plugin or theme directories (default: the current directory)", allow_abbrev=False)
    s.add_argument("paths", nargs="*", metavar="PATH", help="plugin, theme or folder of them, or files; '-' reads a file from stdin")
    formats = ", ".join(f"{name} ({what})" for name, what in DESCRIPTIONS.items())
    s.add_argument(
        "--format",
        "--output-format",
        dest="formats",
        action="append",
        type=_output,
        metavar="FORMAT[:FILE]",
        help=f"report format, to FILE or stdout; repeat to write several from one scan. Formats: {formats}",
    )
    s.add_argument("-o", "--output", metavar="FILE", help="write the report (the format given without a file) to FILE")
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
        help="report only on the PATHs (files or folders), analysing the whole plugin they belong to (pre-commit)",
    )
    s.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with PATH '-': the file name of what stdin holds; its plugin is analysed with it (editors)",
    )
    rules_help = "codes, prefixes, names or ALL, comma separated"
    s.add_argument("--select", type=_rule_list, action="extend", metavar="RULES", help=f"run only these rules ({rules_help})")
    s.add_argument("--extend-select", type=_rule_list, action="extend", metavar="RULES", help="run these rules too")
    s.add_argument("--ignore", type=_rule_list, action="extend", metavar="RULES", help="skip these rules (added to the config's)")
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
    s.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default="auto",
        metavar="N",
        help=f"parse with up to N processes (default: auto, one per core up to {workers.MAX_AUTO_JOBS}; small scans use one)",
    )
    cached = s.add_mutually_exclusive_group()
    cached.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    cached.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the facts cache in DIR (default: $WP_REST_LINT_CACHE_DIR, else $XDG_CACHE_HOME/wp-rest-lint, else ~/.cache/wp-rest-lint)",
    )
    s.add_argument(
        "--scan-bundles",
        action="store_true",
        help="also analyse compiled JS (build/, dist/, source-mapped bundles) whose sources are scanned",
    )
    s.add_argument(
        "--sarif-category",
        metavar="NAME",
        help="SARIF automationDetails category (default: wp-rest-lint, plus the scan root's path in the repository)",
    )

    r = sub.add_parser("rules", help="list the rules: code, name, level, summary", allow_abbrev=False)
    r.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    one = sub.add_parser("rule", help="show a rule's documentation", allow_abbrev=False)
    one.add_argument("code", metavar="CODE", help="a rule code or name")
    explain.add_parser(sub)
    routes_command.add_parser(sub)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse, reporting an unknown option on the subcommand's usage with the nearest known one."""
    args, extras = parser.parse_known_args(argv)
    if args.command == "scan" and extras and not any(e.startswith("-") and e != "-" for e in extras):
        args.paths = [*args.paths, *extras]  # PATHs after options: scan a --fail-on never b
        extras = []
    if extras:
        command = parser._subparsers._group_actions[0].choices.get(args.command) if args.command else None  # type: ignore[union-attr]
        owner = command or parser
        first = extras[0]
        if first.startswith("-") and first != "-":
            known = [o for action in owner._actions for o in action.option_strings]
            name = first.split("=", 1)[0]
            raise UsageError(f"unknown option '{name}'{selection.did_you_mean(name, known)}", owner.prog, f"see '{owner.prog} --help'")
        raise UsageError(f"unexpected argument '{first}'", owner.prog, f"see '{owner.prog} --help'")
    return args


# --- paths and projects ------------------------------------------------------------------------------


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


def _display_prefix(root: Path, cwd: Path) -> str:
    """How paths under ``root`` are written for people: relative to the current directory when the root is
    under it or above it (``../``), absolute otherwise."""
    below = _prefix(root, cwd)
    if below is not None:
        return below
    if _prefix(cwd, root) is not None:
        return Path(os.path.relpath(root, cwd)).as_posix() + "/"
    return root.as_posix() + "/"


def _project_root(path: Path, alone_if_unknown: bool = False) -> Path:
    """The plugin or theme a file (or folder) belongs to, found the way WordPress finds it (analyzer.roots);
    else the nearest folder with a configuration file, else the git repository, else the path's folder (or,
    with ``alone_if_unknown``, the file itself)."""
    resolved = path.resolve()
    git = _git_root(resolved if resolved.is_dir() else resolved.parent)
    found = roots.enclosing(resolved, git)
    if found is not None:
        return found
    config = config_module.find(resolved if resolved.is_dir() else resolved.parent)
    if config is not None:
        return config.parent
    if git is not None:
        return git
    if alone_if_unknown:
        return resolved
    return resolved if resolved.is_dir() else resolved.parent


def _load_config(args: argparse.Namespace, start: Path) -> config_module.Config | None:
    if args.config:
        path = Path(args.config)
        if path.is_dir():
            raise UsageError(f"--config {path} is a directory; name the file (.wp-rest-lint.toml or pyproject.toml)")
        if not path.is_file():
            raise UsageError(f"configuration file does not exist: {path}")
        return config_module.load(path)
    found = config_module.find(start)
    return config_module.load(found) if found is not None else None


def _enabled(args: argparse.Namespace, config: config_module.Config | None) -> list[str]:
    layers = []
    if config is not None:
        layers.append(selection.Layer(tuple(config.select) if config.select is not None else None, tuple(config.extend_select), tuple(config.ignore)))
    layers.append(selection.Layer(tuple(args.select) if args.select else None, tuple(args.extend_select or ()), tuple(args.ignore or ())))
    codes = selection.enabled(layers)
    if not codes:
        raise UsageError("no rule is left to run: --ignore (or ignore in the configuration) removes every selected rule")
    return codes


def _cache_dir(args: argparse.Namespace) -> Path | None:
    """The facts cache folder, or None with --no-cache or when it cannot be used (one warning, no error)."""
    if args.no_cache:
        return None
    directory = Path(args.cache_dir).expanduser() if args.cache_dir else cache_module.default_dir()
    try:
        cache_module.prepare(directory)
    except cache_module.CacheUnusable as error:
        print(f"{PROG}: warning: cannot use the cache folder {directory} ({error}): scanning without the cache", file=sys.stderr)
        return None
    return directory


def _statistics(result: ScanResult) -> str:
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
    counts = inventory.endpoints(result.plugins)
    endpoints = [f"{counts.found:>5}  REST endpoints: {counts.resolved} resolved, {len(counts.unresolved)} not checked"]
    for item in counts.unresolved:
        endpoints.append(f"       {printable_path(item.span.path)}:{item.span.line}: {item.route}: {item.reason}")
    return "\n".join([*lines, total, *endpoints]) + "\n"


def _nothing_to_scan(paths: list[Path]) -> str:
    extensions = " ".join(sorted(PHP_EXTENSIONS) + sorted(JS_EXTENSIONS))
    named = f"{paths[0]} holds" if len(paths) == 1 else "the PATHs hold"
    return f"nothing to scan: {named} no file the analyzer reads ({extensions}) after .gitignore and the excludes"


# --- scan ----------------------------------------------------------------------------------------------


def _scan(args: argparse.Namespace) -> int:
    raw_paths = args.paths or ["."]
    reading_stdin = "-" in raw_paths
    if args.stdin_filename and not reading_stdin:
        raise UsageError("--stdin-filename names what '-' reads from standard input: give '-' as the PATH")
    if reading_stdin and (len(raw_paths) > 1 or args.only_files):
        raise UsageError("'-' (a file on standard input) is scanned alone, without other PATHs or --only-files")
    paths = [Path(p) for p in raw_paths if p != "-"]
    for path in paths:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    try:
        plan = outputs_module.plan(args.formats, args.output)
        if args.write_baseline:
            outputs_module.check_writable(Path(args.write_baseline), "the baseline")
    except outputs_module.OutputError as error:
        raise UsageError(str(error)) from None

    report_only = None
    stdin = None
    if reading_stdin:
        name = Path(args.stdin_filename or "stdin.php")
        root = _project_root(name, alone_if_unknown=True)
        target = name.resolve()
        rel = target.relative_to(root).as_posix() if root != target else target.name
        stdin = (rel, sys.stdin.buffer.read())
        paths = [root if root != target else target]
        report_only = frozenset({rel})
    elif args.only_files:
        # The files pre-commit passes belong to plugins: analyse each plugin whole, report on the files.
        projects = sorted({_project_root(p) for p in paths})
        base = Path(os.path.commonpath([str(p) for p in projects]))
        report_only = frozenset(
            p.resolve().relative_to(base).as_posix() + ("/" if p.is_dir() else "") for p in paths if p.resolve().is_relative_to(base)
        )
        if "./" in report_only:  # the whole project was named
            report_only = None
        paths = projects
    try:
        config = _load_config(args, paths[0].resolve())
    except config_module.ConfigError as error:
        raise UsageError(str(error)) from None
    codes = _enabled(args, config)
    entries = None
    if args.baseline:
        try:
            entries = baseline_module.load(Path(args.baseline))
        except baseline_module.BaselineError as error:
            raise UsageError(str(error)) from None

    options = ScanOptions(
        select=codes,
        exclude=args.exclude,
        max_file_size=args.max_file_size,
        jobs=workers.auto_jobs() if args.jobs == "auto" else args.jobs,
        cache_dir=_cache_dir(args),
        config=config,
        baseline=entries,
        report_only=report_only,
        scan_bundles=args.scan_bundles or bool(config and config.scan_bundles),
        stdin=stdin,
    )
    progress = outputs_module.ProgressBar(sys.stderr, PROG)
    try:
        result = scan(paths, options, progress=progress)
    finally:
        progress.close()

    if result.stats.files_seen == 0 and not (args.only_files or reading_stdin):  # pre-commit's lists may hold none
        raise UsageError(_nothing_to_scan(paths))
    for error in result.errors:
        print(f"{PROG}: warning: {printable_path(error.path)}: {error.message}", file=sys.stderr)
    if not args.write_baseline:
        for entry in result.stale:
            print(
                f"{PROG}: warning: {args.baseline}: stale entry {entry.code} in {entry.path} matches no finding any more "
                f"(fixed, or the code around it changed); write the baseline again to drop it",
                file=sys.stderr,
            )

    if args.write_baseline:
        recorded = result.findings + result.baselined_findings
        count = baseline_module.write(Path(args.write_baseline), recorded, result.sources, result.baseline_unchecked)
        kept = f"; kept {len(result.baseline_unchecked)} this scan did not check" if result.baseline_unchecked else ""
        dropped = f"; dropped {len(result.stale)} stale" if result.stale else ""
        print(f"{PROG}: wrote {count} finding{'s' if count != 1 else ''} to the baseline {args.write_baseline}{kept}{dropped}", file=sys.stderr)
        return 0

    root = result.root
    git_root = _git_root(root)
    uri_prefix = (_prefix(root, git_root) or "") if git_root is not None else ""
    category = args.sarif_category or "wp-rest-lint" + (f"/{uri_prefix.rstrip('/')}" if uri_prefix else "")
    for output in plan:
        context = OutputContext(
            display_prefix=_display_prefix(root, Path.cwd().resolve()),
            uri_prefix=uri_prefix,
            color=output.format == "text" and output.file is None and outputs_module.use_color(sys.stdout),
            root_label=str(paths[0]) if len(paths) == 1 else os.path.commonpath([str(p) for p in paths]),
            srcroot_uri=(git_root or root).as_uri() + "/",
            category=category,
        )
        if args.statistics and output.format == "text" and output.file is None:
            report = _statistics(result)
        else:
            report = render(output.format, result, context)
        if output.file is None:
            sys.stdout.write(report)
        else:
            outputs_module.write(output.file, report)
    if args.statistics and not any(o.format == "text" and o.file is None for o in plan):
        sys.stderr.write(_statistics(result))

    fail_on = args.fail_on or (config.fail_on if config and config.fail_on else "warning")
    if fail_on == "never":
        return 0
    threshold = LEVEL_RANK[fail_on]
    return 1 if any(LEVEL_RANK[f.level] >= threshold for f in result.findings) else 0


# --- rules ---------------------------------------------------------------------------------------------


def _rules(args: argparse.Namespace) -> int:
    if args.format == "json":
        rows = [
            {
                "code": m.RULE.code,
                "name": m.RULE.name,
                "level": m.RULE.level,
                "levels": m.RULE.levels_text,
                "summary": m.RULE.summary,
                "confidence": m.RULE.confidence,
                "cwe": [f"CWE-{c}" for c in m.RULE.cwe],
                "security_severity": m.RULE.security_severity,
                "references": list(m.RULE.references),
                "url": f"{DOCS_URL}{m.RULE.code}.md",
            }
            for m in rule_registry.REGISTRY
        ]
        sys.stdout.write(json.dumps({"version": 1, "rules": rows}, indent=2, ensure_ascii=False) + "\n")
        return 0
    table = [(m.RULE.code, m.RULE.name, m.RULE.level, m.RULE.summary) for m in rule_registry.REGISTRY]
    widths = [max(len(r[i]) for r in table) for i in range(3)]
    for code, name, level, summary in table:
        print(f"{code:<{widths[0]}}  {name:<{widths[1]}}  {level:<{widths[2]}}  {summary}")
    return 0


def _rule(code: str) -> int:
    try:
        resolved = selection.resolve(code)
    except selection.UnknownRule as error:
        raise UsageError(f"{error} (see '{PROG} rules')") from None
    module = rule_registry.BY_CODE.get(resolved)
    if module is None:
        raise UsageError(f"'{code}' is a prefix of several rules; name one (see '{PROG} rules')")
    sys.stdout.write(docs.as_page(module))
    return 0


def _exit_on_interrupt(_signum, _frame) -> None:
    """Ctrl-C on the command line: one line, the parse workers killed, exit 130 at once. Unwinding through
    a pool whose workers the same Ctrl-C has just killed can wait on a lock a dead worker held, or end in
    an error from the pool instead of the interruption."""
    try:
        os.write(2, f"{PROG}: interrupted\n".encode())
        if "multiprocessing" in sys.modules:
            for child in sys.modules["multiprocessing"].active_children():
                child.kill()
    finally:
        os._exit(130)


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the command line itself (tests call main() with arguments and keep Python's handler)
        import signal

        # A shell's background job starts with SIGINT ignored: it stays ignored.
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _exit_on_interrupt)
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    try:
        if not argv:
            parser.print_help(sys.stderr)
            return 2
        try:
            args = _parse(parser, argv)
        except SystemExit as exit_:  # --help and --version
            return int(exit_.code or 0)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        if args.command == "scan":
            return _scan(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return explain.run(args)
        if args.command == "routes":
            return routes_command.run(args)
        return _rule(args.code)
    except UsageError as error:
        hint = f"; {error.hint}" if error.hint else ""
        print(f"{error.prog}: error: {error}{hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug of ours: one line, exit 2, never a traceback wall
        print(f"{PROG}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
