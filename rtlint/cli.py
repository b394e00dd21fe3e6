"""Command line: `rtlint check`, `rtlint rules`, `rtlint rule`.

Exit codes are a contract for CI: 0 nothing found, 1 findings (or, with --diff,
changes that --fix would make), 2 rtlint could not do its job (usage, config,
internal error).
"""
from __future__ import annotations

import argparse
import os
import sys
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, List, Optional, Sequence

from . import __version__, kinds

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", default=[], metavar="CODES",
                   help="only these rules: codes, prefixes (CTD) or names, comma-separated")
    p.add_argument("--ignore", action="append", default=[], metavar="CODES",
                   help="skip these rules: codes, prefixes or names, comma-separated")


def _add_context(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cgroup-driver", choices=("systemd", "cgroupfs"),
                   help="the node's intended cgroup driver (edgecore's cgroupDriver)")
    p.add_argument("--kubeedge-version", metavar="X.Y[.Z]")
    p.add_argument("--containerd-version", metavar="X.Y[.Z]")
    p.add_argument("--crio-version", metavar="X.Y[.Z]")
    p.add_argument("--sandbox-image", metavar="IMAGE", help="the pause image every runtime should use")


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without `shutil`: argparse builds a formatter for every
    add_argument call, and its default one imports shutil (~2 ms) just to ask the terminal width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: Optional[int] = None) -> None:
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
            except (AttributeError, ValueError, OSError):
                width = 80
            width -= 2
        super().__init__(prog, indent_increment, max_help_position, width)


def build_parser(with_migrate: bool = True, only: Optional[str] = None) -> argparse.ArgumentParser:
    """The command line. With `only`, just that command's parser is built (every add_argument
    costs argparse a formatter and translation lookups; a pre-commit run needs one command)."""
    def want(name: str) -> bool:
        return only is None or only == name

    parser = argparse.ArgumentParser(prog="rtlint", formatter_class=_Formatter, description=(
        "Lint and fix the container-runtime configuration of KubeEdge edge nodes."))
    parser.add_argument("--version", action="version", version=f"rtlint {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    common = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parser = sub.add_parser
    sub.add_parser = lambda *a, **kw: add_parser(*a, formatter_class=_Formatter, **kw)  # type: ignore[method-assign]

    if want("check"):
        _check_parser(sub, common)
    if want("node"):
        _node_parser(sub, common)
    if want("explain"):
        _explain_parser(sub, common)
    if want("migrate"):
        if with_migrate:
            from .migrate import cli as migrate_cli

            migrate_cli.add_parser(sub, [common])
        else:  # its options are only read when the command is migrate: keep other runs' start-up light
            sub.add_parser("migrate", help="carry edgecore.yaml or containerd's config.toml to a newer release")
    if want("rules"):
        r = sub.add_parser("rules", help="list the rules")
        r.add_argument("--format", choices=("text", "json"), default="text")
    if want("rule"):
        r1 = sub.add_parser("rule", help="explain one rule")
        r1.add_argument("rule", metavar="CODE|NAME")
    return parser


def _check_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    c = sub.add_parser("check", parents=[common], help="check files and folders", description=(
        "Check config files (folders are searched; folders laid out like a node, etc/..., are checked "
        "as nodes). Nothing is written unless --fix is given."))
    c.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    c.add_argument("--kind", choices=kinds.ALL, help="treat every named file as this kind")
    c.add_argument("--jobs", "-j", type=int, default=0, metavar="N",
                   help="worker processes for large trees (default: all cores from 200 files on; "
                        "fixes run in one process)")
    c.add_argument("--skip-unknown", action="store_true",
                   help="skip named files that are not a kind rtlint reads (for pre-commit) instead of reporting them")
    _add_run_options(c)


def _node_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    n = sub.add_parser("node", parents=[common], help="check one edge node: every runtime file, across files",
                       description="Read every file that decides how EdgeCore talks to its runtime, work out the "
                                   "effective values, and report where they disagree. Nothing is written unless "
                                   "--fix is given; rtlint never restarts anything.")
    n.add_argument("--root", default="/", metavar="DIR", help="read DIR as if it were / (default: /)")
    n.add_argument("--no-probe", action="store_true",
                   help="do not ask installed programs for their versions (only done when --root is /)")
    _add_run_options(n)


def _explain_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    e = sub.add_parser("explain", parents=[common], help="from an error message to its config causes",
                       description="Name the configuration problems that produce an error message pasted "
                                   "from journalctl or kubectl describe, then look for them on the node.")
    e.add_argument("message", metavar="MESSAGE")
    e.add_argument("--root", default="/", metavar="DIR", help="the node to look at (default: /)")
    e.add_argument("--no-root", action="store_true", help="only name the causes; do not look at any node")
    e.add_argument("--no-probe", action="store_true", help="do not ask installed programs for their versions")
    e.add_argument("--format", choices=("text", "json"), default="text")
    e.add_argument("--kubeedge-version", metavar="X.Y[.Z]")
    e.add_argument("--containerd-version", metavar="X.Y[.Z]")
    e.add_argument("--crio-version", metavar="X.Y[.Z]")


def _add_run_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    c.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that may change behaviour")
    c.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    c.add_argument("--format", choices=("text", "json", "sarif", "github"),
                   help="output format (default: text; github under GitHub Actions)")
    c.add_argument("--output-file", "-o", metavar="FILE", help="write the report here instead of stdout")
    c.add_argument("--statistics", action="store_true", help="count findings per rule")
    c.add_argument("--show-settings", action="store_true", help="print the settings in force and where they came from")
    c.add_argument("--isolated", action="store_true", help="ignore configuration files")
    c.add_argument("--max-file-size", type=int, default=5 * 1024 * 1024, metavar="BYTES")
    c.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    _add_selection(c)
    _add_context(c)


def _split(values: Sequence[str]) -> List[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _context(args: argparse.Namespace):
    from .rule import Context
    from .versions import Version

    def ver(v: Optional[str], flag: str):
        if not v:
            return None
        try:
            return Version.parse(v)
        except ValueError as e:
            raise UsageError(f"{flag}: {e}") from None

    return Context(
        cgroup_driver=args.cgroup_driver,
        kubeedge_version=ver(args.kubeedge_version, "--kubeedge-version"),
        containerd_version=ver(args.containerd_version, "--containerd-version"),
        crio_version=ver(args.crio_version, "--crio-version"),
        sandbox_image=args.sandbox_image,
    )


def _resolve(args: argparse.Namespace, settings) -> None:
    """Fill unset command-line options from the settings file; remember where each came from."""
    for key in ("kubeedge-version", "containerd-version", "crio-version", "cgroup-driver", "sandbox-image"):
        attr = key.replace("-", "_")
        if getattr(args, attr, None):
            settings.set(key, getattr(args, attr), "command line")
        elif settings.get(key) is not None:
            setattr(args, attr, settings.get(key))
    for key in ("select", "ignore"):
        cli = _split(getattr(args, key))
        if cli:
            settings.set(key, cli, "command line")
    if args.unsafe_fixes:
        settings.set("unsafe-fixes", True, "command line")
    else:
        args.unsafe_fixes = bool(settings.get("unsafe-fixes", False))


def _show_settings(settings, rules) -> int:
    import json

    shown = {k: {"value": v, "from": settings.origin.get(k, "default")} for k, v in sorted(settings.values.items())}
    shown["rules"] = {"value": [r.code for r in rules], "from": "select/ignore"}
    sys.stdout.write(json.dumps({"config_file": settings.file, "settings": shown}, indent=2) + "\n")
    return EXIT_OK


class _Selection:
    """The rules --select/--ignore (or the settings file) choose, loaded only for the kinds met."""

    def __init__(self, selectors: Sequence[str], ignores: Sequence[str]) -> None:
        self.selectors, self.ignores = list(selectors), list(ignores)
        self._by_kind: dict = {}

    def enabled(self, rule) -> bool:
        from .selection import matches

        return ((not self.selectors or any(matches(rule, s) for s in self.selectors))
                and not any(matches(rule, s) for s in self.ignores))

    def all(self) -> list:
        from . import rules as registry

        return [r for r in registry.ALL_RULES if self.enabled(r)]

    def for_kind(self, kind: str) -> list:
        if kind not in self._by_kind:
            from . import rules as registry

            self._by_kind[kind] = [r for r in registry.rules_for_kind(kind) if self.enabled(r)]
        return self._by_kind[kind]


def _setup(args: argparse.Namespace):
    """Settings, the rule selection and the context shared by `check` and `node`."""
    from .settings import SettingsError, load

    try:
        settings = load(".", isolated=args.isolated)
    except SettingsError as e:
        raise UsageError(str(e)) from None
    _resolve(args, settings)
    selectors, ignores = settings.get("select", []), settings.get("ignore", [])
    per_file = [c for codes in settings.get("per-file-ignores", {}).values() for c in codes]
    named = list(selectors) + list(ignores) + per_file
    if named:  # checking names needs every rule loaded; a plain run does not
        from . import rules as registry
        from .selection import unknown_selectors

        bad = unknown_selectors(registry.ALL_RULES, named)
        if bad:
            raise UsageError(f"unknown rule selector(s): {', '.join(bad)} (see `rtlint rules`)")
    return settings, _Selection(selectors, ignores), _context(args)


def cmd_check(args: argparse.Namespace) -> int:
    from .engine import FileResult
    from .files import dedupe, expand
    from .node.roots import is_node_root, node_root_of
    from .runner import run_file
    from .selection import matches

    settings, selection, ctx = _setup(args)
    if args.show_settings:
        return _show_settings(settings, selection.all())
    fixing = args.fix or args.diff

    # Folders (or files inside folders) laid out like a node (etc/…) are checked as nodes, so a
    # config repository of node trees gets the cross-file rules too.
    roots: List[str] = []
    plain: List[str] = []
    for p in args.paths:
        root = os.path.normpath(p) if os.path.isdir(p) and is_node_root(p) else node_root_of(p)
        if root and not args.kind:
            if root not in roots:
                roots.append(root)
        else:
            plain.append(p)
    results: List[FileResult] = []
    restarts: List[str] = []
    covered = set()
    for root in roots:
        from .node.run import run_node

        run = run_node(root, selection.all(), ctx, fixing=fixing, unsafe=args.unsafe_fixes, probe=False,
                       max_bytes=args.max_file_size)
        results += run.results
        restarts += run.restarts()
        covered |= {os.path.abspath(r.path) for r in run.results}
        covered |= {os.path.abspath(p) for p in run.node.files.all_config_files()}
    walk = plain + [r for r in roots if os.path.isdir(r)]
    targets = [t for t in dedupe(expand(walk)) if not settings.excluded(t.path)
               and os.path.abspath(t.path) not in covered]
    keep_docs = (args.format or "") == "sarif"

    def one(target) -> "Optional[FileResult]":
        file_ignores = settings.ignored_for(target.path)
        if file_ignores:
            def file_rules(kind: str, ignores: List[str] = file_ignores) -> list:
                return [r for r in selection.for_kind(kind) if not any(matches(r, s) for s in ignores)]
        else:
            file_rules = selection.for_kind
        result = run_file(target.path, file_rules, ctx, fixing=fixing, unsafe=args.unsafe_fixes, kind=args.kind,
                          explicit=target.explicit and not args.skip_unknown, max_bytes=args.max_file_size)
        if result is not None and not (keep_docs or result.changed):
            # Only SARIF (fix regions) and writing need the document afterwards; holding every
            # parsed tree makes the cyclic GC re-scan them all (1.5x slower on large trees).
            result.doc = None
        return result

    progress = _Progress(len(targets))
    jobs = _jobs(args, len(targets), fixing or keep_docs)
    if jobs > 1:
        results += _in_workers(one, targets, jobs, progress)
    else:
        for target in targets:
            progress.tick()
            result = one(target)
            if result is not None:
                results.append(result)
    progress.done()
    return _report(args, settings, selection, results, restarts)


PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves (docs/benchmarks.md)


def _jobs(args: argparse.Namespace, n_files: int, needs_documents: bool) -> int:
    """Worker processes for a check: --jobs, else all cores for large trees; 1 when fixing."""
    if needs_documents or not hasattr(os, "fork"):
        return 1  # fixes and SARIF keep documents, which stay in the process that parsed them
    if args.jobs:
        return max(1, args.jobs)
    return min(os.cpu_count() or 1, 8) if n_files >= PARALLEL_MIN_FILES else 1


_WORK = None  # the per-file function, inherited by forked workers


def _work(target):
    return _WORK(target)  # type: ignore[misc]


def _in_workers(one, targets, jobs: int, progress: "_Progress") -> list:
    """Check files in forked worker processes; results come back pickled, in the targets' order.

    Rules and documents are not shared: findings come back with fresh rule instances, so the
    report compares rules by code, never by identity.
    """
    import multiprocessing

    global _WORK
    _WORK = one
    ctx = multiprocessing.get_context("fork")
    out = []
    chunk = max(1, min(64, len(targets) // (jobs * 8) or 1))
    with ctx.Pool(jobs) as pool:
        for result in pool.imap(_work, targets, chunksize=chunk):
            progress.tick()
            if result is not None:
                out.append(result)
    return out


def cmd_node(args: argparse.Namespace) -> int:
    from .node.run import run_node

    settings, selection, ctx = _setup(args)
    if args.show_settings:
        return _show_settings(settings, selection.all())
    if not os.path.isdir(args.root):
        raise UsageError(f"--root {args.root}: not a folder")
    run = run_node(args.root, selection.all(), ctx, fixing=args.fix or args.diff, unsafe=args.unsafe_fixes,
                   probe=not args.no_probe, max_bytes=args.max_file_size)
    return _report(args, settings, selection, run.results, run.restarts())


def _report(args: argparse.Namespace, settings, selection: _Selection, results, restarts: List[str]) -> int:
    """Print or write what the run found; the exit code follows the CLI contract."""
    from . import __version__
    from . import rules as registry
    from .output import write_github, write_json, write_sarif, write_text
    from .selection import matches

    always = (registry.PARSE_ERROR, registry.READ_ERROR, registry.UNKNOWN_KIND, registry.FIX_FAILED)

    always_codes = {r.code for r in always}

    def wanted(f) -> bool:
        if f.rule.code in always_codes:
            return True
        if not selection.enabled(f.rule):
            return False
        ignores = settings.ignored_for(f.path)
        return not (ignores and any(matches(f.rule, s) for s in ignores))

    findings = sorted((f for r in results for f in r.findings if wanted(f)), key=lambda f: f.sort_key())
    changed = [r for r in results if r.changed]
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")

    if args.diff:
        out = sys.stdout
        for r in changed:
            import difflib

            out.writelines(difflib.unified_diff(
                (r.original_text or "").splitlines(keepends=True), (r.fixed_text or "").splitlines(keepends=True),
                fromfile=f"a/{r.path}", tofile=f"b/{r.path}"))
        n = sum(len(r.fixes_applied) for r in changed)
        sys.stderr.write(f"Would fix {n} problem{'s' if n != 1 else ''} in "
                         f"{len(changed)} file{'s' if len(changed) != 1 else ''}.\n")
        return EXIT_OK if not changed or args.exit_zero else EXIT_FINDINGS

    if args.fix:
        for r in changed:
            assert r.doc is not None and r.fixed_text is not None
            from .atomic import write_atomic

            written = write_atomic(r.path, r.doc.encode(r.fixed_text))
            via = f" (through the symlink {r.path})" if os.path.islink(r.path) else ""
            n = len(r.fixes_applied)
            sys.stderr.write(f"Fixed {n} problem{'s' if n != 1 else ''} in {written}{via}\n")
        if changed and restarts:
            sys.stderr.write("rtlint restarts nothing; to apply the changes run:\n")
            for h in restarts:
                sys.stderr.write(f"  {h}\n")

    out_file = open(args.output_file, "w", encoding="utf-8") if args.output_file else None
    out = out_file or sys.stdout
    try:
        if fmt == "json":
            write_json(findings, out)
        elif fmt == "sarif":
            docs = {r.path: r.doc for r in results if r.doc is not None}
            write_sarif(findings, docs, [], __version__, out)
        elif fmt == "github":
            write_github(findings, out)
        else:
            write_text(findings, out, statistics=args.statistics)
    finally:
        if out_file:
            out_file.close()
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


class _Progress:
    """A file counter on stderr, only on a terminal and only for long runs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.n = 0
        self.on = total >= 200 and sys.stderr.isatty()

    def tick(self) -> None:
        self.n += 1
        if self.on and self.n % 50 == 0:
            sys.stderr.write(f"\rrtlint: {self.n}/{self.total} files")
            sys.stderr.flush()

    def done(self) -> None:
        if self.on:
            sys.stderr.write("\r" + " " * 40 + "\r")


def cmd_explain(args: argparse.Namespace) -> int:
    """Exit 0 when a documented cause is found on the node, 1 when none is, 2 when nothing matches."""
    import json

    from . import rules as registry
    from .explain import match

    matches = match(args.message, registry.ALL_RULES)
    if not matches:
        sys.stderr.write("rtlint: no rule documents an error like this one; `rtlint rules` lists what rtlint checks\n")
        return EXIT_ERROR
    present = {}
    looked = not args.no_root
    if looked:
        from .node.run import run_node

        if not os.path.isdir(args.root):
            raise UsageError(f"--root {args.root}: not a folder")
        args.cgroup_driver = args.sandbox_image = None
        ctx = _context(args)
        run = run_node(args.root, [m.rule for m in matches], ctx, probe=not args.no_probe)
        for f in run.findings:
            present.setdefault(f.rule.code, []).append(f)
    if args.format == "json":
        from .output import as_dict

        json.dump([{"rule": m.rule.code, "name": m.rule.name, "score": m.score, "summary": m.rule.summary,
                    "matched": m.error, "found": [as_dict(f) for f in present.get(m.rule.code, [])] if looked else None}
                   for m in matches], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        out = sys.stdout
        out.write("Config problems that produce this message:\n")
        for m in matches:
            out.write(f"\n{m.rule.code} [{m.rule.name}] {m.rule.summary}\n")
            if looked:
                found = present.get(m.rule.code, [])
                if found:
                    for f in found:
                        fix = " (rtlint can fix it: --fix)" if f.fix and f.fix.safe else ""
                        out.write(f"  FOUND {f.path}:{f.span.line}:{f.span.column}: {f.message}{fix}\n")
                else:
                    out.write(f"  not found under {args.root}\n")
            out.write(f"  more: rtlint rule {m.rule.code}\n")
    if not looked:
        return EXIT_OK
    return EXIT_OK if present else EXIT_FINDINGS


def cmd_rules(args: argparse.Namespace) -> int:
    from .catalog import rule_dicts

    items = rule_dicts()
    if args.format == "json":
        import json

        json.dump(items, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for r in items:
            fix = {"safe": "fix", "unsafe": "unsafe fix", "none": ""}[r["fix"]]
            sys.stdout.write(f"{r['code']:8} {r['name']:38} {r['severity']:8} {fix:11} {r['summary']}\n")
    return EXIT_OK


def cmd_rule(args: argparse.Namespace) -> int:
    from .catalog import render_rule
    from .rules import lookup

    try:
        rule = lookup(args.rule)
    except KeyError:
        raise UsageError(f"no rule {args.rule!r} (see `rtlint rules`)") from None
    sys.stdout.write(render_rule(rule))
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import cli as migrate_cli

    return migrate_cli.run(args)


COMMANDS = {"check": cmd_check, "node": cmd_node, "explain": cmd_explain, "migrate": cmd_migrate, "rules": cmd_rules, "rule": cmd_rule}


def main(argv: Optional[Sequence[str]] = None) -> int:
    import gc

    # Parsing allocates many small objects that live as long as their document; the default
    # thresholds run full collections over them again and again. Fewer, larger collections.
    gc.set_threshold(50_000, 20, 100)
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((w for w in words if not w.startswith("-")), None)
    # a known command gets only its own parser; anything else (no command, a typo, --help) all of them
    parser = build_parser(with_migrate=command == "migrate", only=command if command in COMMANDS else None)
    args = parser.parse_args(words)
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    try:
        return COMMANDS[args.command](args)
    except UsageError as e:
        sys.stderr.write(f"rtlint: error: {e}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as e:  # noqa: BLE001 - last line of defence: one line, exit 2
        if args.debug:
            raise
        sys.stderr.write(f"rtlint: internal error: {type(e).__name__}: {e} (run with --debug for the traceback)\n")
        return EXIT_ERROR
