"""Real containerd is the oracle for the containerd rules.

Each rule's claim is checked against the containerd binary on this machine
(Debian's 1.6.20 here and in CI): `containerd --config F config dump` shows
what containerd reads from a file, and a short-lived daemon with a private
root, state, socket and opt directory shows whether the CRI plugin loads. The
daemon runs only on configs written here (never on corpus files, which name
real paths), and is stopped as soon as it has booted.

Claims that need containerd 2.x are not checked here; the rules say "from
source" for them. Skips cleanly when containerd is missing (and the daemon
checks when not running as root).
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from rtlint.rule import Example, Rule
from rtlint.rules import BY_CODE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONTAINERD = shutil.which("containerd")
needs_containerd = pytest.mark.skipif(CONTAINERD is None, reason="containerd is not installed")
needs_daemon = pytest.mark.skipif(CONTAINERD is None or not hasattr(os, "geteuid") or os.geteuid() != 0,
                                  reason="starting containerd needs the binary and root")

CRI_FAILED = re.compile(r'msg="failed to load plugin io\.containerd\.grpc\.v1\.cri" error="((?:[^"\\]|\\.)*)"')
CRI = "io.containerd.grpc.v1.cri"


@dataclass
class Dump:
    rc: int
    out: str
    err: str

    @property
    def data(self) -> Dict[str, Any]:
        assert self.rc == 0, self.err
        return tomllib.loads(self.out)

    def get(self, *path: str) -> Any:
        cur: Any = self.data
        for p in path:
            if not isinstance(cur, dict) or p not in cur:
                return None
            cur = cur[p]
        return cur

    def cri(self, *path: str) -> Any:
        return self.get("plugins", CRI, *path)


@functools.lru_cache(maxsize=512)
def dump(text: str) -> Dump:
    """What containerd reads from `text` (`config dump`; the file is parsed, nothing is started).

    Cached by text: the corpus fix tests ask for the same files many times.
    """
    with tempfile.TemporaryDirectory(prefix="rtlint-ctd-") as d:
        path = Path(d) / "config.toml"
        path.write_text(text)
        p = subprocess.run([CONTAINERD, "--config", str(path), "config", "dump"], capture_output=True,
                           text=True, timeout=60, cwd=d)
        return Dump(p.returncode, p.stdout, p.stderr)


@dataclass
class Daemon:
    log: str

    @property
    def cri_error(self) -> Optional[str]:
        m = CRI_FAILED.search(self.log)
        return m.group(1).replace('\\"', '"').replace("\\\\", "\\") if m else None

    @property
    def cri_loaded(self) -> bool:
        return "Start cri plugin with config" in self.log and self.cri_error is None

    @property
    def booted(self) -> bool:
        return "containerd successfully booted" in self.log


_NOT_HERE = ("root", "state", "temp", "grpc", "ttrpc", "debug", "metrics", "imports", "plugin_dir",
             "proxy_plugins", "stream_processors")


def daemon(text: str) -> Daemon:
    """Start containerd on `text` in a private root/state/socket, read its log until it has booted, stop it.

    Refuses configs that choose their own paths or sockets, so the daemon never
    touches the machine's real containerd directories.
    """
    data = tomllib.loads(text)
    assert not set(data) & set(_NOT_HERE), "daemon() only runs configs without paths or sockets"
    plugins = data.get("plugins") or {}
    assert "opt" not in plugins and "io.containerd.internal.v1.opt" not in plugins
    version = data.get("version")
    opt = "plugins.opt" if not isinstance(version, int) or version < 2 else \
        'plugins."io.containerd.internal.v1.opt"'
    with tempfile.TemporaryDirectory(prefix="rtlint-ctdd-") as d:
        w = Path(d)
        conf = w / "config.toml"
        conf.write_text(f'root = "{w}/root"\nstate = "{w}/state"\n' + text
                        + f'\n[grpc]\n  address = "{w}/c.sock"\n[{opt}]\n  path = "{w}/opt"\n')
        log_path = w / "log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen([CONTAINERD, "--config", str(conf)], stdout=log, stderr=subprocess.STDOUT,
                                    cwd=d)
            try:
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and proc.poll() is None:
                    if "containerd successfully booted" in log_path.read_text():
                        time.sleep(0.1)  # let the CRI plugin finish its start-up line
                        break
                    time.sleep(0.05)
            finally:
                if proc.poll() is None:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait(timeout=10)
        result = Daemon(log_path.read_text())
    if not result.booted:
        pytest.skip("containerd could not start a daemon here: " + result.log.strip()[-300:])
    return result


def ex(code: str, which: str, i: int) -> Example:
    rule: Rule = BY_CODE[code]
    return getattr(rule, which)[i]


def runc(d: Dump, *more: str) -> Any:
    return d.cri("containerd", "runtimes", "runc", *more)


def body(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def comparable(d: Dump) -> Dict[str, Any]:
    """A dump without `imports` (it names the temporary file), plugin lists spelled as URIs.

    containerd prints disabled/required plugins as written; a version 1 file's
    short ids name the same plugins as the URIs a version 2 file uses.
    """
    from rtlint.runtimes.containerd import v1_plugin_uri

    data = dict(d.data)
    data.pop("imports", None)
    for key in ("disabled_plugins", "required_plugins"):
        data[key] = [v1_plugin_uri(p) or p for p in data.get(key, [])]
    return data


# -- the oracle itself behaves as the facts say (guards the harness) ------------------------------

@needs_containerd
def test_dump_reads_version_2_cri_settings() -> None:
    d = dump(body("""
        version = 2
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "example.invalid/pause:1"
        """))
    assert d.cri("sandbox_image") == "example.invalid/pause:1"


@needs_daemon
def test_daemon_reports_cri_load() -> None:
    ok = daemon("version = 2\n")
    assert ok.booted and ok.cri_loaded
    bad = daemon(body("""
        version = 2
        [plugins."io.containerd.grpc.v1.cri".containerd]
          default_runtime_name = ""
        """))
    assert bad.booted and not bad.cri_loaded
    assert bad.cri_error == "invalid plugin config: `default_runtime_name` is empty"


# -- CTD001 -------------------------------------------------------------------------------------

@needs_daemon
@pytest.mark.parametrize("i", [0, 1])
def test_ctd001_cri_disabled_and_fix_enables_it(i: int) -> None:
    e = ex("CTD001", "bad", i)
    assert "Start cri plugin" not in daemon(e.text).log
    assert daemon(e.fixed).cri_loaded


# -- CTD002 -------------------------------------------------------------------------------------

@needs_containerd
@pytest.mark.parametrize("i", [0, 1])
def test_ctd002_migration_keeps_the_configuration(i: int) -> None:
    e = ex("CTD002", "bad", i)
    before, after = dump(e.text), dump(e.fixed)
    assert before.rc == 0 and after.rc == 0
    assert "version `1` has been deprecated" in before.err
    assert "deprecated" not in after.err
    assert comparable(before) == comparable(after)


@needs_containerd
def test_ctd002_unsafe_fix_activates_full_uri_tables() -> None:
    e = ex("CTD002", "bad", 2)
    assert e.unsafe
    assert dump(e.text).cri("sandbox_image") == "registry.k8s.io/pause:3.6"  # ignored in version 1
    assert dump(e.fixed).cri("sandbox_image") == "registry.k8s.io/pause:3.9"


# -- CTD003 -------------------------------------------------------------------------------------

@needs_containerd
def test_ctd003_full_uri_tables_ignored_without_version() -> None:
    e = ex("CTD003", "bad", 0)
    assert runc(dump(e.text), "options", "SystemdCgroup") is False  # containerd's default runc entry
    fixed = dump(e.fixed)
    assert runc(fixed, "options", "SystemdCgroup") is True
    assert runc(fixed, "runtime_type") == "io.containerd.runc.v2"


@needs_containerd
def test_ctd003_short_id_in_version_2_is_fatal() -> None:
    e = ex("CTD003", "bad", 1)
    d = dump(e.text)
    assert d.rc != 0 and 'invalid plugin key URI "cri" expect io.containerd.x.vx' in d.err
    fixed = dump(e.fixed)
    assert fixed.cri("containerd", "default_runtime_name") == "kata"


@needs_containerd
def test_ctd003_version_3_tables_ignored_in_version_2() -> None:
    e = ex("CTD003", "bad", 2)
    d = dump(e.text)
    assert d.cri("registry", "config_path") == ""
    assert "io.containerd.cri.v1.images" not in d.out


@needs_containerd
def test_ctd003_version_3_file_is_read_as_version_2_by_1_6_20() -> None:
    """The 2.x claim (v2 keys ignored in a v3 file) cannot run here; 1.6.20 even applies them (see CTD004)."""
    d = dump(ex("CTD003", "bad", 3).text)
    assert d.get("version") == 2 and d.cri("enable_selinux") is True


# -- CTD004 -------------------------------------------------------------------------------------

@needs_containerd
def test_ctd004_version_3_silently_read_as_2_by_old_1_6() -> None:
    d = dump(ex("CTD004", "bad", 0).text)
    assert d.rc == 0 and d.get("version") == 2
    assert d.cri("sandbox_image") == "registry.k8s.io/pause:3.6"  # the v3 pinned image is ignored


@needs_containerd
def test_ctd004_quoted_version_is_fatal_and_fix_loads() -> None:
    e = ex("CTD004", "bad", 2)
    d = dump(e.text)
    assert d.rc != 0 and "Can't convert 2(string) to int" in d.err
    assert dump(e.fixed).rc == 0
    float_version = dump("version = 2.0\n")
    assert float_version.rc != 0 and "to int" in float_version.err


@needs_containerd
def test_ctd004_version_0_means_1() -> None:
    d = dump("version = 0\n")
    assert d.rc == 0 and "version `1` has been deprecated" in d.err


# -- CTD005 -------------------------------------------------------------------------------------

@needs_containerd
@pytest.mark.parametrize("i,want", [(0, True), (1, True), (2, True)])
def test_ctd005_fix_gives_runc_the_driver(i: int, want: bool) -> None:
    e = ex("CTD005", "bad", i)
    assert runc(dump(e.text), "options", "SystemdCgroup") in (None, not want)
    fixed = dump(e.fixed)
    assert runc(fixed, "options", "SystemdCgroup") is want
    assert runc(fixed, "runtime_type") == "io.containerd.runc.v2"


@needs_daemon
def test_ctd005_fixed_file_loads_cri_with_systemd_cgroup() -> None:
    log = daemon(ex("CTD005", "bad", 2).fixed)
    assert log.cri_loaded
    assert re.search(r"runc:\{Type:io\.containerd\.runc\.v2 .*?Options:map\[SystemdCgroup:true\]", log.log)


# -- CTD006 -------------------------------------------------------------------------------------

@needs_containerd
def test_ctd006_key_in_runtime_table_is_dropped() -> None:
    e = ex("CTD006", "bad", 0)
    before = dump(e.text)
    assert runc(before, "runtime_type") == "io.containerd.runc.v2"
    assert "SystemdCgroup" not in before.out  # E9
    assert runc(dump(e.fixed), "options", "SystemdCgroup") is True


@needs_containerd
def test_ctd006_dump_keeps_any_spelling_so_it_proves_nothing() -> None:
    """1.x keeps options as a raw map; go-toml v1 decides later (from source). The fix writes the exact name."""
    e = ex("CTD006", "bad", 1)
    assert runc(dump(e.text), "options") == {"SystemdCGroup": True}
    assert runc(dump(e.fixed), "options") == {"SystemdCgroup": True}


# -- CTD007 -------------------------------------------------------------------------------------

@needs_containerd
def test_ctd007_options_alone_empty_the_runtime_type() -> None:
    e = ex("CTD007", "bad", 0)
    assert runc(dump(e.text), "runtime_type") == ""  # E8
    assert runc(dump(e.fixed), "runtime_type") == "io.containerd.runc.v2"
    header_only = dump(body("""
        version = 2
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          privileged_without_host_devices = false
        """))
    assert runc(header_only, "runtime_type") == ""


# -- CTD008 -------------------------------------------------------------------------------------

@needs_daemon
@pytest.mark.parametrize("i", [0, 1])
def test_ctd008_switch_breaks_cri_and_fix_restores_it(i: int) -> None:
    e = ex("CTD008", "bad", i)
    before = daemon(e.text)
    assert before.booted and before.cri_error == (
        "invalid plugin config: `systemd_cgroup` only works for runtime io.containerd.runtime.v1.linux")
    after = daemon(e.fixed)
    assert after.cri_loaded
    assert runc(dump(e.fixed), "options", "SystemdCgroup") is True


@needs_daemon
def test_ctd008_switch_with_v1_shim_default_only_warns() -> None:
    log = daemon(ex("CTD008", "bad", 2).text)
    assert log.cri_loaded and "`systemd_cgroup` is deprecated" in log.log


# -- CTD009 / CTD010 ----------------------------------------------------------------------------

@needs_containerd
def test_ctd009_sandbox_image_in_image_decryption_is_ignored() -> None:
    e = ex("CTD009", "bad", 0)
    before = dump(e.text)
    assert before.cri("sandbox_image") == "registry.k8s.io/pause:3.6"
    assert "sandbox_image" not in (before.cri("image_decryption") or {})
    assert dump(e.fixed).cri("sandbox_image") == "registry.aliyuncs.com/k8sxio/pause:3.5"
    both = dump(ex("CTD009", "bad", 3).text)
    assert both.cri("sandbox_image") == "registry.k8s.io/pause:3.6"


@needs_containerd
def test_ctd010_fixes_set_the_image() -> None:
    assert dump(ex("CTD010", "bad", 0).fixed).cri("sandbox_image") == "kubeedge/pause:3.6"
    e = ex("CTD010", "bad", 2)
    assert dump(e.text).cri("sandbox_image").startswith("https://")  # accepted at load time
    assert dump(e.fixed).cri("sandbox_image") == "registry.example.com/pause:3.9"


@needs_containerd
def test_ctd010_default_sandbox_image_matches_the_model() -> None:
    from rtlint.runtimes.containerd import default_sandbox_image
    from rtlint.versions import Version

    out = subprocess.run([CONTAINERD, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"\b(\d+)\.(\d+)\.(\d+)", out)
    assert m, out
    v = Version(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    assert dump("version = 2\n").cri("sandbox_image") == default_sandbox_image(v.major, v.minor)


# -- CTD011 / CTD012 / CTD013 -------------------------------------------------------------------

@needs_daemon
def test_ctd011_runc_v1_still_loads_on_1_x_and_fix_loads() -> None:
    e = ex("CTD011", "bad", 0)
    assert daemon(e.text).cri_loaded  # removal is a 2.0 fact (from source)
    assert daemon(e.fixed).cri_loaded
    assert runc(dump(e.fixed), "runtime_type") == "io.containerd.runc.v2"


@needs_daemon
def test_ctd012_legacy_tables_are_deprecated_and_can_conflict() -> None:
    untrusted = daemon(ex("CTD012", "bad", 0).text)
    assert untrusted.cri_loaded and "`untrusted_workload_runtime` is deprecated" in untrusted.log
    default = daemon(ex("CTD012", "bad", 1).text)
    assert default.cri_loaded and "`default_runtime` is deprecated" in default.log
    assert "DefaultRuntimeName:default " in default.log
    both = daemon(ex("CTD012", "bad", 2).text)
    assert both.cri_error is not None and "conflicting definitions" in both.cri_error


@needs_containerd
def test_ctd013_containerd_does_not_check_kata_types() -> None:
    """containerd loads a kata table with a runc type without a word: it would start runc."""
    e = ex("CTD013", "bad", 0)
    d = dump(e.text)
    assert d.rc == 0 and d.cri("containerd", "runtimes", "kata", "runtime_type") == "io.containerd.runc.v2"


# -- CTD014 -------------------------------------------------------------------------------------

@needs_daemon
def test_ctd014_missing_default_runtime_breaks_cri() -> None:
    missing = daemon(ex("CTD014", "bad", 0).text)
    assert missing.cri_error is not None and "no corresponding runtime configured" in missing.cri_error
    e = ex("CTD014", "bad", 1)
    assert "runc" not in (dump(e.text).cri("containerd", "runtimes") or {})  # 1.x replaced the map
    assert daemon(e.text).cri_error is not None
    assert daemon(e.fixed).cri_loaded


# -- CTD015 -------------------------------------------------------------------------------------

@needs_containerd
@pytest.mark.parametrize("i,word", [(0, "disabled"), (1, "required")])
def test_ctd015_short_entries_are_fatal_and_fix_loads(i: int, word: str) -> None:
    e = ex("CTD015", "bad", i)
    d = dump(e.text)
    assert d.rc != 0 and f"invalid {word} plugin URI" in d.err
    assert dump(e.fixed).rc == 0


@needs_daemon
def test_ctd015_full_uri_in_version_1_disables_nothing() -> None:
    log = daemon('disabled_plugins = ["io.containerd.grpc.v1.cri"]\n')
    assert log.cri_loaded


# -- CTD016 -------------------------------------------------------------------------------------

@needs_daemon
def test_ctd016_mirrors_or_tls_with_config_path_break_cri() -> None:
    mirrors = daemon(ex("CTD016", "bad", 0).text)
    assert mirrors.cri_error == "invalid plugin config: `mirrors` cannot be set when `config_path` is provided"
    tls = daemon(ex("CTD016", "bad", 1).text)
    assert tls.cri_error == "invalid plugin config: `configs.tls` cannot be set when `config_path` is provided"
    assert daemon(ex("CTD016", "good", 0).text).cri_loaded
