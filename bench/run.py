"""rtlint's performance benchmark: one invocation generates the corpus, times rtlint and its
peers, profiles rtlint and writes docs/benchmarks.md.

    python bench/run.py            # full: 2,000 files per kind, 3 rounds (< 10 minutes)
    python bench/run.py --quick    # 100 files per kind, 2 rounds (< 1 minute once set up)
    python bench/run.py --baseline HEAD   # also time the readers/loader/detect as committed (before/after)

Why it is built this way:
- Every tool runs as a fresh process, the way CI and pre-commit run it, so start-up counts.
- Commands that are compared run in the same round, in rotating order (A B C, B C A, ...),
  and the report gives medians: on a shared machine, load that comes and goes then hits
  every tool alike. CPU time (user + sys of the process and its children) is reported next to
  wall time because it is what "files/s per core" means and it is far less noisy under load.
- Peer tools are installed into bench/out/venv (pip) and bench/out/npm (npm) only; rtlint runs
  with that venv's interpreter too, so no tool pays for site-wide .pth hooks the others skip.
  All Python tools run with bytecode caching on (PYTHONPYCACHEPREFIX=bench/out/pycache), as an
  installed package would; warm-up runs fill the cache before timing.
"""
from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
VENV = os.path.join(OUT, "venv")
NPM = os.path.join(OUT, "npm")
sys.path.insert(0, HERE)

import gen  # noqa: E402

SCHEMA = os.path.join(ROOT, "schemas", "edgecore", "v1.23.json")
YAMLLINT_CONFIG = os.path.join(HERE, "yamllint.yaml")
REAL_CORPUS = os.path.join(gen.SHARED, "corpus")
NODE_EXAMPLE = os.path.join(ROOT, "examples", "containerd")

# Targets from the project brief.
TARGET_FILES_PER_CORE = 1000.0
TARGET_VS_JSONSCHEMA = 5.0
TARGET_VS_YAMLLINT = 20.0
TARGET_ONE_FILE_VS_YAMLLINT = 0.6


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


# -- environment ----------------------------------------------------------------------

def base_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPATH", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(OUT, "pycache")
    env["NO_COLOR"] = "1"
    return env


def rtlint_env() -> Dict[str, str]:
    env = base_env()
    env["PYTHONPATH"] = ROOT
    return env


def rtlint_script(py: str) -> List[str]:
    """rtlint started the way its installed console script starts it (pre-commit runs that script;
    `python -m rtlint` would add runpy's ~3 ms), with rtlint imported from this source tree."""
    path = os.path.join(OUT, "bin", "rtlint")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:  # what pip writes for `[project.scripts] rtlint = ...`
        f.write(f"#!{py}\nimport re\nimport sys\nfrom rtlint.cli import main\nif __name__ == '__main__':\n"
                "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(main())\n")
    os.chmod(path, 0o755)
    return [path]


def venv_bin(name: str) -> str:
    return os.path.join(VENV, "bin", name)


def setup_peers(want: bool) -> Dict[str, Optional[str]]:
    """Install the peer tools (benchmark only); returns the command for each, None when missing."""
    tools: Dict[str, Optional[str]] = {"python": sys.executable, "check-jsonschema": None, "yamllint": None,
                                       "taplo": None}
    if not want:
        return tools
    if not os.path.exists(venv_bin("python")):
        log("creating bench/out/venv")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    need = [p for p, exe in (("check-jsonschema", "check-jsonschema"), ("yamllint", "yamllint"))
            if not os.path.exists(venv_bin(exe))]
    if need:
        log(f"pip install {' '.join(need)} ruamel.yaml.clib PyYAML (benchmark only)")
        r = subprocess.run([venv_bin("python"), "-m", "pip", "install", "-q", *need, "ruamel.yaml.clib", "PyYAML"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            log("pip install failed; peers skipped: " + r.stderr.strip()[-300:])
    if os.path.exists(venv_bin("python")):
        ok = subprocess.run([venv_bin("python"), "-c", "import yaml"], capture_output=True).returncode == 0
        if ok:
            tools["python"] = venv_bin("python")
    for exe in ("check-jsonschema", "yamllint"):
        if os.path.exists(venv_bin(exe)):
            tools[exe] = venv_bin(exe)
    taplo = os.path.join(NPM, "node_modules", ".bin", "taplo")
    if not os.path.exists(taplo) and shutil.which("npm"):
        log("npm install @taplo/cli (benchmark only)")
        try:
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", NPM, "@taplo/cli"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        except (OSError, subprocess.TimeoutExpired):
            pass
    if os.path.exists(taplo):
        r = subprocess.run([taplo, "--version"], capture_output=True, text=True)
        if r.stdout.startswith("taplo"):  # 0.9.0 prints its version and exits 1
            tools["taplo"] = taplo
    return tools


def first_line(argv: Sequence[str], env: Optional[Dict[str, str]] = None) -> str:
    try:
        r = subprocess.run(list(argv), capture_output=True, text=True, env=env or base_env(), timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return ((r.stdout or r.stderr).strip().splitlines() or ["?"])[0]


def machine(tools: Dict[str, Optional[str]]) -> Dict[str, str]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = m.group(1).strip() if m else "?"
    except OSError:
        pass
    py = tools["python"] or sys.executable
    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": first_line([py, "-c", "import sys; print(sys.version.split()[0])"]),
        "os": platform.platform(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "rtlint": first_line([py, "-m", "rtlint", "--version"], rtlint_env()),
        "pyyaml": first_line([py, "-c", "import yaml; "
                              "print(yaml.__version__, 'libyaml' if yaml.__with_libyaml__ else 'pure')"]),
    }
    if tools["check-jsonschema"]:
        info["check-jsonschema"] = first_line([tools["check-jsonschema"], "--version"])
        info["ruamel"] = first_line([venv_bin("python"), "-c",
                                     "import importlib.metadata as m; print('ruamel.yaml', m.version('ruamel.yaml'), "
                                     "'+ clib', m.version('ruamel.yaml.clib'))"])
    if tools["yamllint"]:
        info["yamllint"] = first_line([tools["yamllint"], "--version"])
    if tools["taplo"]:
        info["taplo"] = first_line([tools["taplo"], "--version"]) + " (npm @taplo/cli: Node.js + WebAssembly)"
    return info


# -- timing ---------------------------------------------------------------------------------

class BenchError(Exception):
    pass


@dataclass
class Cmd:
    name: str
    argv: List[str]
    files: int
    env: Dict[str, str]
    ok: Tuple[int, ...] = (0, 1)
    prepare: Optional[Callable[[], None]] = None  # untimed, before every run
    warm: Optional[List[str]] = None  # warm-up command (default: argv); a one-file run fills the bytecode cache
    walls: List[float] = field(default_factory=list)
    cpus: List[float] = field(default_factory=list)

    def run(self) -> Tuple[float, float]:
        if self.prepare:
            self.prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(self.argv, env=self.env, cwd=OUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if p.returncode not in self.ok:
            raise BenchError(f"{self.name}: exit {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}")
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def rounds(cmds: Sequence[Cmd], n: int, warmup: bool = True) -> None:
    """Time each command n times, rotating the order every round."""
    if warmup:
        for c in cmds:
            if c.warm is not None:
                subprocess.run(c.warm, env=c.env, cwd=OUT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                c.run()
    k = len(cmds)
    for r in range(n):
        for c in [cmds[(r + i) % k] for i in range(k)]:
            w, u = c.run()
            c.walls.append(w)
            c.cpus.append(u)


# -- corpus ------------------------------------------------------------------------------------

def corpus(n: int) -> Dict[str, List[str]]:
    """Generate (or reuse, when the generator and size are unchanged) the corpus for n files per kind."""
    if not os.path.isdir(gen.RUNTIMES) or not os.path.isdir(gen.KUBEEDGE):
        raise SystemExit(f"bench: the generator needs the reference configs in {gen.SHARED}/reference "
                         "(set RTLINT_SHARED to the shared folder)")
    base = os.path.join(OUT, f"corpus-{n}")
    stamp = os.path.join(base, ".stamp")
    with open(gen.__file__, "rb") as f:
        key = f"{n} {hash_bytes(f.read())}"
    old = ""
    if os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as f:
            old = f.read()
    if old == key:
        sets = {k: sorted(os.path.join(dp, fn) for dp, _, fns in os.walk(os.path.join(base, k)) for fn in fns)
                for k in ("toml", "yaml", "units")}
    else:
        log(f"generating {n} files per kind in {os.path.relpath(base, ROOT)}")
        sets = gen.generate(base, n)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(key)
    return sets


def hash_bytes(b: bytes) -> str:
    import hashlib

    return hashlib.blake2b(b, digest_size=16).hexdigest()


def one_files(sets: Dict[str, List[str]]) -> Dict[str, str]:
    """One file per kind under the name it has on a node (the pre-commit case; found by path, not content)."""
    d = os.path.join(OUT, "one")
    out = {"toml": os.path.join(d, "containerd", "config.toml"), "yaml": os.path.join(d, "edgecore.yaml"),
           "units": os.path.join(d, "containerd.service")}
    os.makedirs(os.path.join(d, "containerd"), exist_ok=True)
    shutil.copyfile(sets["toml"][0], out["toml"])
    shutil.copyfile(sets["yaml"][0], out["yaml"])
    shutil.copyfile(next(p for p in sets["units"] if p.endswith("containerd.service")), out["units"])
    return out


def write_list(name: str, paths: Sequence[str]) -> str:
    p = os.path.join(OUT, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write("\n".join(paths) + "\n")
    return p


def fix_sets(sets: Dict[str, List[str]], per: int, py: str) -> Tuple[str, str, int]:
    """A set where every file needs exactly one safe fix, and the same files without the mistake."""
    broken = os.path.join(OUT, "fix-broken")
    clean = os.path.join(OUT, "fix-clean")
    for d in (broken, clean):
        if os.path.isdir(d):
            shutil.rmtree(d)
    picks = [("toml", p) for p in sets["toml"][:per]] + [("yaml", p) for p in sets["yaml"][:per]] + \
            [("units", p) for p in sets["units"] if p.endswith("containerd.service")][:per]
    for i, (kind, p) in enumerate(picks):
        with open(p, encoding="utf-8") as f:
            text = f.read()
        name = f"{i:04d}-{os.path.basename(p)}" if kind != "units" else os.path.join(f"{i:04d}", os.path.basename(p))
        for d, body in ((clean, text), (broken, gen.needs_one_fix(kind, text))):
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
                f.write(body)
    # check the premise: one fixable finding per broken file, none in the clean copies
    for d, want in ((broken, 1), (clean, 0)):
        r = subprocess.run([py, "-m", "rtlint", "check", "--format", "json", d], env=rtlint_env(), cwd=OUT,
                           capture_output=True, text=True)
        found = json.loads(r.stdout or "[]")
        per_file: Dict[str, int] = {}
        for f in found:
            if f["fixable"]:
                per_file[f["path"]] = per_file.get(f["path"], 0) + 1
        bad = [p for p, c in per_file.items() if c != want] if want else list(per_file)
        if (want and len(per_file) != len(picks)) or bad:
            raise BenchError(f"fix set premise broken in {d}: {len(per_file)} files with fixes, e.g. {bad[:3]}")
    return broken, clean, len(picks)


# -- profile and import time ----------------------------------------------------------------

PROFILE_CODE = r"""
import cProfile, gc, pstats, sys, io, time
sys.argv = ["rtlint"] + sys.argv[1:]
from rtlint.cli import main
gc_time = {0: 0.0, 1: 0.0, 2: 0.0}
gc_count = {0: 0, 1: 0, 2: 0}
t0 = [0.0]
def on_gc(phase, info):
    if phase == "start":
        t0[0] = time.perf_counter()
    else:
        gc_time[info["generation"]] += time.perf_counter() - t0[0]
        gc_count[info["generation"]] += 1
gc.callbacks.append(on_gc)
prof = cProfile.Profile()
prof.enable()
try:
    main(sys.argv[1:])
finally:
    prof.disable()
out = io.StringIO()
st = pstats.Stats(prof, stream=out)
total = sum(v[3] for k, v in st.stats.items() if k[2] == "main" and k[0].endswith("cli.py"))
rows = []
for (fn, line, name), (cc, nc, tt, ct, callers) in st.stats.items():
    rows.append((ct, tt, nc, f"{fn}:{line}({name})"))
import json
json.dump({"total": total, "rows": sorted(rows, reverse=True)[:400], "gc_time": gc_time, "gc_count": gc_count},
          sys.stderr)
"""


def profile(py: str, paths: Sequence[str]) -> Dict[str, object]:
    r = subprocess.run([py, "-c", PROFILE_CODE, "check", *paths], env=rtlint_env(), cwd=OUT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    data = json.loads(r.stderr[r.stderr.index("{"):])
    return data


def short(loc: str) -> str:
    for prefix in (ROOT + os.sep, os.path.dirname(os.__file__) + os.sep):
        loc = loc.replace(prefix, "")
    return loc


def importtime(py: str, path: str) -> Tuple[float, List[Tuple[str, float, float]], List[str]]:
    """Total import time of a one-file run, the biggest rtlint modules, and which heavy libraries got imported."""
    probe = ("import sys, runpy\nsys.argv=['rtlint','check',%r]\n"
             "try:\n    runpy.run_module('rtlint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "heavy=('yaml','json','tomllib','tomli','jsonschema','subprocess','difflib','ast','datetime')\n"
             "sys.stderr.write('LOADED '+' '.join(m for m in heavy if m in sys.modules)+'\\n')\n") % path
    r = subprocess.run([py, "-X", "importtime", "-c", probe], env=rtlint_env(), cwd=OUT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    total = 0.0
    mods: List[Tuple[str, float, float]] = []
    loaded: List[str] = []
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            self_us, cum_us, depth, name = int(m.group(1)), int(m.group(2)), len(m.group(3)), m.group(4)
            if depth == 1:
                total += cum_us / 1000
            mods.append((("  " * ((depth - 1) // 2)) + name, self_us / 1000, cum_us / 1000))
        elif line.startswith("LOADED"):
            loaded = line.split()[1:]
    return total, mods, loaded


# -- the run ---------------------------------------------------------------------------------------

@dataclass
class Results:
    info: Dict[str, str]
    n: int
    nrounds: int
    sets: Dict[str, int] = field(default_factory=dict)
    groups: Dict[str, List[Cmd]] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    extra: Dict[str, object] = field(default_factory=dict)


def baseline_tree(rev: str, paths: Sequence[str]) -> str:
    """The working tree's rtlint with `paths` as they are at git revision `rev` (read-only use of git)."""
    import tarfile

    dst = os.path.join(OUT, "baseline-src")
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(os.path.join(ROOT, "rtlint"), os.path.join(dst, "rtlint"), ignore=skip)
    shutil.copytree(os.path.join(ROOT, "schemas"), os.path.join(dst, "schemas"), ignore=skip)
    for p in paths:
        full = os.path.join(dst, p)
        if os.path.isdir(full):
            shutil.rmtree(full)
        elif os.path.exists(full):
            os.remove(full)
    tar = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", rev, "--", *paths],
                         capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(dst)
    return dst


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    ap.add_argument("--quick", action="store_true", help="100 files per kind, 2 rounds: a smoke run in < 1 minute")
    ap.add_argument("-n", type=int, help="files per kind (default 2000, quick 100)")
    ap.add_argument("--rounds", type=int, help="timed rounds per command (default 3, quick 2)")
    ap.add_argument("--no-peers", action="store_true", help="time rtlint only (no pip/npm installs)")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time rtlint with --baseline-paths as at git revision REV (before/after table)")
    ap.add_argument("--baseline-paths", nargs="+", metavar="PATH",
                    default=["rtlint/formats", "rtlint/loader.py", "rtlint/detect.py"],
                    help="paths taken from REV (default: the readers, loader and detect)")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile and import-time sections")
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "benchmarks.md"),
                    help="Markdown report (default docs/benchmarks.md; quick runs write bench/out/benchmarks-quick.md)")
    args = ap.parse_args(argv)
    n = args.n or (100 if args.quick else 2000)
    nrounds = args.rounds or (2 if args.quick else 3)
    one_reps = 4 if args.quick else 15
    output = args.output
    if args.quick and output == ap.get_default("output"):
        output = os.path.join(OUT, "benchmarks-quick.md")
    os.makedirs(OUT, exist_ok=True)
    started = time.time()

    tools = setup_peers(not args.no_peers)
    py = tools["python"] or sys.executable
    info = machine(tools)
    res = Results(info, n, nrounds)
    sets = corpus(n)
    real = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(REAL_CORPUS) for f in fs
                  if f not in ("SOURCES.tsv", "SUMMARY.md")) if os.path.isdir(REAL_CORPUS) else []
    base = os.path.dirname(os.path.dirname(sets["toml"][0]))
    dirs = {k: os.path.join(base, k) for k in ("toml", "yaml", "units")}
    res.sets = {"toml": len(sets["toml"]), "yaml": len(sets["yaml"]), "units": len(sets["units"]), "real": len(real)}
    mixed = len(sets["toml"]) + len(sets["yaml"]) + len(sets["units"])
    env_r, env_p = rtlint_env(), base_env()
    launcher = rtlint_script(py)
    rtlint = launcher + ["check"]
    one = one_files(sets)

    def R(name: str, paths: List[str], files: int, *opts: str, env: Optional[Dict[str, str]] = None,
          warm: Optional[str] = None) -> Cmd:
        return Cmd(name, rtlint + list(opts) + paths, files, env or env_r,
                   warm=rtlint + list(opts) + [warm] if warm else None)

    env_b: Optional[Dict[str, str]] = None
    if args.baseline:
        env_b = base_env()
        env_b["PYTHONPATH"] = baseline_tree(args.baseline, args.baseline_paths)
        res.info["baseline"] = (f"`{' '.join(args.baseline_paths)}` as at `{args.baseline}`, "
                                "the rest of the working tree")
    bname = f"rtlint check (baseline {args.baseline})"

    # 1. whole sets --------------------------------------------------------------------------------
    log(f"sets: {res.sets}, {nrounds} rounds")
    groups: Dict[str, List[Cmd]] = {}
    for kind in ("toml", "yaml", "units"):
        groups[kind] = [R("rtlint check", [dirs[kind]], len(sets[kind]), warm=one[kind])]
        if env_b is not None:
            groups[kind].append(R(bname, [dirs[kind]], len(sets[kind]), env=env_b, warm=one[kind]))
    if tools["taplo"]:
        groups["toml"].append(Cmd("taplo lint", [tools["taplo"], "lint", "--no-auto-config", "--colors", "never",
                                                 *sets["toml"]], len(sets["toml"]), env_p,
                                  warm=[tools["taplo"], "lint", "--no-auto-config", one["toml"]]))
    if tools["check-jsonschema"]:
        groups["yaml"].append(fastest_jsonschema(tools["check-jsonschema"], sets["yaml"], env_p, res))
    if tools["yamllint"]:
        groups["yaml"].append(Cmd("yamllint", [tools["yamllint"], "-c", YAMLLINT_CONFIG, "-f", "parsable",
                                               dirs["yaml"]], len(sets["yaml"]), env_p,
                                  warm=[tools["yamllint"], "-c", YAMLLINT_CONFIG, one["yaml"]]))
    write_list("mixed.txt", sets["toml"] + sets["yaml"] + sets["units"])  # for ad-hoc runs (rtlint check $(cat ...))
    groups["mixed"] = [R("rtlint check", list(dirs.values()), mixed, warm=one["yaml"])]
    groups["mixed"].append(R("rtlint check --jobs 1 (one process)", list(dirs.values()), mixed, "--jobs", "1",
                             warm=one["yaml"]))
    whatif = [py, os.path.join(HERE, "whatif.py"), "--gc-off", "--", "check"]
    groups["mixed"].append(Cmd("what-if: no cyclic GC at all (bench/whatif.py --gc-off)", whatif + list(dirs.values()),
                               mixed, env_r, warm=whatif + [one["yaml"]]))
    if real:
        groups["real"] = [R("rtlint check", [REAL_CORPUS], len(real))]
    for name, group in groups.items():
        log(f"timing {name}: {', '.join(c.name for c in group)}")
        rounds(group, nrounds)
        res.groups[name] = group

    # 2. one file (the pre-commit case) ------------------------------------------------------------------
    g_one = [Cmd("python -c pass (interpreter floor)", [py, "-c", "pass"], 1, env_p),
             R("rtlint check edgecore.yaml", [one["yaml"]], 1),
             R("rtlint check config.toml", [one["toml"]], 1),
             R("rtlint check containerd.service", [one["units"]], 1)]
    if env_b is not None:
        g_one.append(R(f"rtlint check edgecore.yaml (baseline {args.baseline})", [one["yaml"]], 1, env=env_b))
    if tools["yamllint"]:
        g_one.append(Cmd("yamllint edgecore.yaml", [tools["yamllint"], "-c", YAMLLINT_CONFIG, one["yaml"]], 1, env_p))
    if tools["check-jsonschema"]:
        g_one.append(Cmd("check-jsonschema edgecore.yaml", [tools["check-jsonschema"], *res.extra["jsonschema_opts"],  # type: ignore[misc]
                                                            "--schemafile", SCHEMA, one["yaml"]], 1, env_p, ok=(0,)))
    if tools["taplo"]:
        g_one.append(Cmd("taplo lint config.toml", [tools["taplo"], "lint", "--no-auto-config", one["toml"]], 1, env_p))
    g_one.append(Cmd("rtlint node --root examples/containerd --no-probe",
                     launcher + ["node", "--root", NODE_EXAMPLE, "--no-probe"], 1, env_r))
    log(f"timing one-file runs ({one_reps} rounds)")
    rounds(g_one, one_reps)
    res.groups["one"] = g_one

    # 3. --fix ---------------------------------------------------------------------------------------------
    broken, clean, nfix = fix_sets(sets, max(1, n // 10), py)
    work = os.path.join(OUT, "fix-work")
    work_clean = os.path.join(OUT, "fix-work-clean")

    def copier(src: str, dst: str) -> Callable[[], None]:
        def go() -> None:
            if os.path.isdir(dst):
                shutil.rmtree(dst)
            shutil.copytree(src, dst)
        return go

    g_fix = [R("check (every file has 1 fixable finding)", [broken], nfix),
             Cmd("check --fix (every file changes)", rtlint + ["--fix", work], nfix, env_r,
                 prepare=copier(broken, work)),
             R("check (clean copies)", [clean], nfix),
             Cmd("check --fix (clean copies: nothing changes)", rtlint + ["--fix", work_clean], nfix, env_r,
                 prepare=copier(clean, work_clean))]
    log(f"timing --fix on {nfix} files")
    rounds(g_fix, nrounds)
    res.groups["fix"] = g_fix
    res.sets["fix"] = nfix

    # 4. where the time goes -----------------------------------------------------------------------------------
    if not args.no_profile:
        log("per-stage costs (bench/stages.py)")
        k = min(300, n)
        # every n-th file, not the first k: a sample spread over the whole generated set
        lists = [write_list(f"stages-{kind}.txt", sets[kind][::max(1, len(sets[kind]) // k)][:k])
                 for kind in ("toml", "yaml", "units")]
        r = subprocess.run([py, os.path.join(HERE, "stages.py"), *lists], env=env_r, cwd=OUT,
                           capture_output=True, text=True, check=True)
        res.extra["stages"] = json.loads(r.stdout)
        log("profiling the mixed set (cProfile)")
        res.extra["profile"] = profile(py, list(dirs.values()))
        log("import time of a one-file run")
        res.extra["importtime"] = {f"{k}": importtime(py, p) for k, p in one.items()}
    res.extra["cache_hit"] = cache_hit_cost(sets["toml"] + sets["yaml"] + sets["units"])
    res.info["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    res.info["duration"] = f"{time.time() - started:.0f} s"
    text = report(res)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)
    log(f"wrote {os.path.relpath(output, ROOT)} in {res.info['duration']}")
    sys.stdout.write(summary(res))
    return 0


def fastest_jsonschema(exe: str, files: List[str], env: Dict[str, str], res: Results) -> Cmd:
    """check-jsonschema at its fastest: try its speed-relevant options, keep the quickest."""
    variants = [[], ["--disable-formats", "*"], ["--disable-formats", "*", "--regex-variant", "python"]]
    best: Optional[Tuple[float, List[str]]] = None
    for opts in variants:  # probed on a sample; the whole set is timed with the winner
        c = Cmd("probe", [exe, *opts, "--schemafile", SCHEMA, *files[:200]], len(files[:200]), env, ok=(0,))
        c.run()  # warm-up (schema cache, bytecode)
        t = min(c.run()[1] for _ in range(2))
        if best is None or t < best[0]:
            best = (t, opts)
    assert best is not None
    res.extra["jsonschema_opts"] = best[1]
    label = "check-jsonschema" + (" " + " ".join(best[1]) if best[1] else "")
    return Cmd(label, [exe, *best[1], "--schemafile", SCHEMA, *files], len(files), env, ok=(0,))


def cache_hit_cost(paths: Sequence[str]) -> float:
    """ms per file to read and hash a file: the floor of a run served by a content-hash cache."""
    import hashlib

    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb") as f:
            hashlib.blake2b(f.read(), digest_size=16).digest()
    return (time.perf_counter() - t0) / max(1, len(paths)) * 1000


# -- report ------------------------------------------------------------------------------------------------

def fmt_rate(files: int, seconds: float) -> str:
    return f"{files / seconds:,.0f}" if seconds > 0 else "-"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def by_name(group: List[Cmd], prefix: str) -> Optional[Cmd]:
    return next((c for c in group if c.name.startswith(prefix)), None)


def ratio(a: Cmd, b: Cmd, cpu: bool = False) -> float:
    """How many times a's files/s is b's."""
    if cpu:
        return (a.files / a.cpu) / (b.files / b.cpu)
    return (a.files / a.wall) / (b.files / b.wall)


MACHINE_ROWS = (("cpu", "CPU"), ("nproc", "nproc"), ("python", "Python"), ("os", "OS"), ("rtlint", "rtlint"),
                ("pyyaml", "PyYAML"), ("check-jsonschema", "check-jsonschema"),
                ("ruamel", "YAML parser of check-jsonschema"), ("yamllint", "yamllint"), ("taplo", "taplo"),
                ("load", "load average at start"), ("load_end", "load average at end"),
                ("duration", "benchmark duration"))


def report(res: Results) -> str:
    o = io.StringIO()
    i = res.info
    w = o.write
    w("# Benchmarks\n\n")
    w("Generated by `python bench/run.py` (do not edit by hand; `--quick` writes to bench/out/ instead). "
      "Each tool runs as a fresh process per invocation (start-up included). Commands compared with each other "
      f"run in the same round in rotating order; {res.nrounds} timed rounds after a warm-up, medians reported "
      "(one-file runs: more rounds). *files/s* is files over median wall time; *files/CPU-s* is files over median "
      "CPU time (user + sys, children included): the per-core rate, and much less disturbed by other load on "
      "this shared machine. Python tools run from one venv (bench/out/venv) with bytecode caching on.\n\n")
    w("## Machine and tools\n\n| | |\n|---|---|\n")
    for k, label in MACHINE_ROWS:
        if k in i:
            w(f"| {label} | {i[k]} |\n")
    w(f"\nCorpus: {res.n} generated files per kind (`bench/gen.py`, seeded): containerd `config.toml` "
      "(variants of `containerd config default` 1.6.20), `edgecore.yaml` (variants of the reconstructed defaults of "
      "KubeEdge 1.18-1.23, 150-250 lines), systemd units (variants of the shipped containerd, CRI-O, Docker and "
      f"cri-dockerd units); plus the real-world corpus ({res.sets.get('real', 0)} files, ../shared/corpus).\n\n")

    w("## Results\n\n")
    w("| set | command | files | median wall s | median CPU s | files/s | files/CPU-s | rtlint ÷ this (wall / CPU) |\n")
    w("|---|---|---:|---:|---:|---:|---:|---:|\n")
    for name in ("toml", "yaml", "units", "real", "mixed"):
        group = res.groups.get(name)
        if not group:
            continue
        me = group[0]
        for c in group:
            rel = "" if c is me else f"{ratio(me, c):.2f}× / {ratio(me, c, cpu=True):.2f}×"
            w(f"| {name} | `{c.name}` | {c.files} | {c.wall:.2f} | {c.cpu:.2f} | {fmt_rate(c.files, c.wall)} | "
              f"{fmt_rate(c.files, c.cpu)} | {rel} |\n")
    w("\n### One file (the pre-commit case)\n\n")
    w("| command | median wall ms | median CPU ms | ÷ `yamllint edgecore.yaml` (wall) |\n|---|---:|---:|---:|\n")
    one = res.groups.get("one", [])
    yl = by_name(one, "yamllint")
    for c in one:
        rel = f"{c.wall / yl.wall:.2f}×" if yl else ""
        w(f"| `{c.name}` | {c.wall * 1000:.0f} | {c.cpu * 1000:.0f} | {rel} |\n")
    fixg = res.groups.get("fix")
    if fixg:
        w(f"\n### --fix ({res.sets['fix']} files: a third each of TOML, YAML and containerd.service files)\n\n")
        w("| command | median wall s | median CPU s | CPU ms per file |\n|---|---:|---:|---:|\n")
        for c in fixg:
            w(f"| `{c.name}` | {c.wall:.2f} | {c.cpu:.2f} | {c.cpu / c.files * 1000:.2f} |\n")
    targets(w, res, one, yl, fixg)
    if "baseline" in i:
        before_after(w, res)
    parallel_and_memory(w, res)
    if "stages" in res.extra:
        stages_section(w, res)
    if "profile" in res.extra:
        where(w, res, res.groups["mixed"][0])
    w(f"\n_Run on {datetime.date.today().isoformat()}._\n")
    return o.getvalue()


def targets(w: Callable[[str], object], res: Results, one: List[Cmd], yl: Optional[Cmd],
            fixg: Optional[List[Cmd]]) -> None:
    w("\n## Targets\n\n| target | measured | verdict |\n|---|---|---|\n")
    mixed = res.groups["mixed"][0]
    single = by_name(res.groups["mixed"], "rtlint check --jobs 1") or mixed
    # per core = one process on one core (`--jobs 1`), files over CPU seconds; the default run's CPU
    # also pays for starting workers and pickling results, so it is shown beside it
    per_core = single.files / single.cpu
    w(f"| lint ≥ {TARGET_FILES_PER_CORE:,.0f} files/s per core, generated mixed set | {per_core:,.0f} files/CPU-s "
      f"with `--jobs 1` ({mixed.files / mixed.cpu:,.0f} files/CPU-s and {mixed.files / mixed.wall:,.0f} files/s "
      f"wall with the default workers) | {verdict(per_core >= TARGET_FILES_PER_CORE)} |\n")
    yg = res.groups["yaml"]
    for prefix, target in (("check-jsonschema", TARGET_VS_JSONSCHEMA), ("yamllint", TARGET_VS_YAMLLINT)):
        c = by_name(yg, prefix)
        if c:
            # files/s is wall time, as the brief measured the peers; rtlint may use every core for it
            rw, rc = ratio(yg[0], c), ratio(yg[0], c, cpu=True)
            w(f"| ≥ {target:g}× {prefix}'s files/s, YAML set | {rw:.2f}× files/s (wall), {rc:.2f}× files/CPU-s | "
              f"{verdict(rw >= target)} |\n")
    ry = by_name(one, "rtlint check edgecore")
    if yl and ry:
        rel = ry.wall / yl.wall
        w(f"| one-file `rtlint check` ≤ {TARGET_ONE_FILE_VS_YAMLLINT}× yamllint's one-file wall time | "
          f"{ry.wall * 1000:.0f} ms vs {yl.wall * 1000:.0f} ms = {rel:.2f}× | "
          f"{verdict(rel <= TARGET_ONE_FILE_VS_YAMLLINT)} |\n")
    if fixg:
        chk, fx, chk_c, fx_c = fixg
        paid = (fx.cpu - chk.cpu) / fx.files * 1000
        idle = (fx_c.cpu - chk_c.cpu) / fx_c.files * 1000
        base_ms = chk_c.cpu / chk_c.files * 1000
        if idle <= max(0.05, 0.05 * base_ms):
            word = "**met**"
        elif idle < paid / 3:
            word = ("**partly met**: unchanged files are neither re-parsed nor written, but `engine.fix` runs the "
                    "rules once more for the final report")
        else:
            word = "**not met**"
        w(f"| `--fix` pays the round-trip only on files that change | +{paid:.2f} CPU ms per changed file; "
          f"{idle:+.2f} CPU ms per unchanged file (check alone: {base_ms:.2f}) | {word} |\n")


def before_after(w: Callable[[str], object], res: Results) -> None:
    w(f"\n## Before / after\n\nBaseline: {res.info['baseline']}; both timed in the same rounds.\n\n")
    w("| set | baseline files/CPU-s | now files/CPU-s | speed-up (CPU) | speed-up (wall) |\n")
    w("|---|---:|---:|---:|---:|\n")
    for name in ("toml", "yaml", "units", "one"):
        group = res.groups.get(name, [])
        now = by_name(group, "rtlint check")
        was = next((c for c in group if "(baseline" in c.name), None)
        if now and was:
            label = name if name != "one" else "one file (edgecore.yaml)"
            w(f"| {label} | {fmt_rate(was.files, was.cpu)} | {fmt_rate(now.files, now.cpu)} | "
              f"{was.cpu / now.cpu:.2f}× | {was.wall / now.wall:.2f}× |\n")


def parallel_and_memory(w: Callable[[str], object], res: Results) -> None:
    i = res.info
    mixed = res.groups["mixed"][0]
    w("\n## Worker processes, kept documents, caching\n\n")
    single = by_name(res.groups["mixed"], "rtlint check --jobs 1")
    if single:
        gain = single.wall / mixed.wall
        verdict_words = "clearly" if gain >= 1.5 else "a little" if gain > 1.1 else "nothing"
        w(f"Worker processes: `rtlint check` picks {i['nproc']} workers for a tree this large; with `--jobs 1` it "
          f"checks the mixed set in one process: {mixed.wall:.2f} s wall with workers vs {single.wall:.2f} s "
          f"without ({gain:.2f}× faster wall; CPU {mixed.cpu:.2f} s vs {single.cpu:.2f} s, the difference being "
          f"the workers' start-up and the pickled results) on {i['nproc']} cores with load average {i['load']} at "
          f"start. Workers pay {verdict_words} here; the machine is shared, so the gain depends on idle cores.\n\n")
    nogc = by_name(res.groups["mixed"], "what-if")
    if nogc:
        w("Python's cyclic GC: `bench/whatif.py --gc-off` runs the same check with the collector disabled, an upper "
          f"bound of what GC tuning could still gain: {nogc.cpu:.2f} CPU s vs {mixed.cpu:.2f} "
          f"({mixed.cpu / nogc.cpu:.2f}×).\n\n")
    w(f"A content-hash cache hit would cost reading and hashing the file: {res.extra['cache_hit']:.3f} ms per file "
      f"(measured in-process over the mixed set) against {mixed.cpu / mixed.files * 1000:.2f} CPU ms per file for "
      "a full check.\n\n")


def stages_section(w: Callable[[str], object], res: Results) -> None:
    st: Dict[str, Dict[str, object]] = res.extra["stages"]  # type: ignore[assignment]
    w("## Where the time goes\n\n### Per stage (`bench/stages.py`, in-process, GC off, ms per file)\n\n")
    w("| set | files | read + decode | detect | parse (reader) | rules (engine.lint) | total |\n")
    w("|---|---:|---:|---:|---:|---:|---:|\n")
    for name, d in st.items():
        parts = [float(d[k]) for k in ("read", "detect", "parse", "lint")]  # type: ignore[arg-type]
        w(f"| {name} | {d['files']} | " + " | ".join(f"{x:.3f}" for x in parts) + f" | {sum(parts):.3f} |\n")
    rows = []
    for name, d in st.items():
        for code, ms in d["rules"].items():  # type: ignore[union-attr]
            rows.append((ms, name, code))
    w("\nCostliest rules (ms per file of that set; each rule on a fresh parse, so a rule that fills a per-document "
      "cache pays for the rules after it):\n\n| rule | set | ms per file |\n|---|---|---:|\n")
    for ms, name, code in sorted(rows, reverse=True)[:12]:
        w(f"| {code} | {name} | {ms:.3f} |\n")


def where(w: Callable[[str], object], res: Results, mixed: Cmd) -> None:
    if "stages" not in res.extra:
        w("## Where the time goes\n")
    prof = res.extra["profile"]
    total = float(prof["total"]) or 1.0  # type: ignore[index]
    gct, gcn = prof["gc_time"], prof["gc_count"]  # type: ignore[index]
    w(f"\n### cProfile of `rtlint check` over the generated mixed set\n\n{mixed.files} files; {total:.1f} s under "
      f"the profiler. Of that, the cyclic garbage collector ran for {sum(gct.values()):.1f} s, {gct['2']:.1f} s of it "
      f"in {gcn['2']} full collections. cProfile charges that time to "
      "whichever function happened to allocate (Span and Entry constructors, the scanners), so allocation-heavy "
      "functions look slower here than in the per-stage table.\n\n")
    w("Top functions by cumulative time (the CLI's own frames omitted):\n\n")
    w("| cumulative s | share | own s | calls | function |\n|---:|---:|---:|---:|---|\n")
    shown = 0
    for ct, tt, nc, loc in prof["rows"]:  # type: ignore[index]
        s = short(loc)
        if s.startswith(("{", "<", "~")) or "cli.py" in s or "runpy" in s:
            continue
        w(f"| {ct:.2f} | {ct / total:.0%} | {tt:.2f} | {nc} | `{s}` |\n")
        shown += 1
        if shown >= 25:
            break
    w("\nTop functions by own time:\n\n| own s | share | calls | function |\n|---:|---:|---:|---|\n")
    for _, tt, nc, loc in sorted(prof["rows"], key=lambda r: -r[1])[:15]:  # type: ignore[index]
        w(f"| {tt:.2f} | {tt / total:.0%} | {nc} | `{short(loc)}` |\n")
    w("\n### Import time of a one-file run (`python -X importtime`)\n\n")
    names = {"yaml": "edgecore.yaml", "toml": "config.toml", "units": "containerd.service"}
    for key, (tot, _, loaded) in res.extra["importtime"].items():  # type: ignore[union-attr]
        w(f"- `rtlint check {names.get(key, key)}`: {tot:.0f} ms of imports; heavy libraries loaded: "
          f"{', '.join(loaded) or 'none'}\n")
    tot, mods, loaded = res.extra["importtime"]["yaml"]  # type: ignore[index]
    w("\nLargest imports of `rtlint check edgecore.yaml`:\n\n| module | cumulative ms | self ms |\n|---|---:|---:|\n")
    for name, self_ms, cum in sorted(mods, key=lambda m: -m[2])[:25]:
        w(f"| `{name.strip()}` | {cum:.1f} | {self_ms:.1f} |\n")


def summary(res: Results) -> str:
    o = io.StringIO()
    for name, group in res.groups.items():
        for c in group:
            o.write(f"{name:6} {c.name:55} {c.files:6} files  wall {c.wall:7.3f}s  cpu {c.cpu:7.3f}s  "
                    f"{c.files / c.wall:8.0f} files/s  {c.files / c.cpu:8.0f} files/CPU-s\n")
    return o.getvalue()


if __name__ == "__main__":
    sys.exit(main())
