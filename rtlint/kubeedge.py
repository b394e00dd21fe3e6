"""Which KubeEdge release(s) an edgecore.yaml is checked against, and what it makes edgecore do.

edgecore's key set changed in nearly every minor (1.12 … 1.23), and the same
key can be right in one release and silently ignored in the next. So every
edgecore rule first asks `resolve()` which minors apply:

1. `ctx.kubeedge_version` (--kubeedge-version or the settings file) wins;
2. else the file's own top-level `edgecoreVersion` (KubeEdge 1.21+ writes it,
   and edgecore rewrites it to its own version at start-up, FACTS.md §2);
3. else the minors whose key set fits the file best
   (`edgecore_schema.fitting_versions`).

In case 3 the version is a guess, so rules report a problem only when it is a
problem under *every* candidate minor, and say which minors they assumed.

`effective_runtime()` answers "what will edgecore really use" for the runtime
settings (endpoint, image endpoint, cgroup driver, sandbox image), with the
per-version defaults and precedence rules of FACTS.md §4.1: node mode uses it
to learn the driver and socket the node is meant to use.
"""
from __future__ import annotations

from collections import OrderedDict
from .record import dataclass
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from . import edgecore_schema as es
from .document import Document, Entry, KeyPath
from .versions import Version

API_VERSION = "edgecore.config.kubeedge.io/v1alpha2"
KIND = "EdgeCore"
CONTAINERD_SOCKET = "unix:///run/containerd/containerd.sock"
DOCKERSHIM_SOCKET = "unix:///var/run/dockershim.sock"
CRI_DOCKERD_SOCKET = "unix:///var/run/cri-dockerd.sock"

EDGED: KeyPath = ("modules", "edged")
TAILORED: KeyPath = EDGED + ("tailoredKubeletConfig",)

SOURCE_OPTION = "option"  # --kubeedge-version / settings file
SOURCE_FILE = "edgecoreVersion"  # the file's own edgecoreVersion
SOURCE_INFERRED = "inferred"  # from the keys present


def minor_key(minor: str) -> Tuple[int, int]:
    a, b = minor.split(".")
    return int(a), int(b)


def known_minors() -> List[str]:
    """The minors rtlint has a schema for, oldest first ('1.12' … '1.23')."""
    return es.available_versions()


def format_minors(minors: Sequence[str]) -> str:
    """('1.16', '1.17', '1.19') -> '1.16–1.17, 1.19' (runs of consecutive known minors collapse)."""
    order = known_minors()
    pos = {m: i for i, m in enumerate(order)}
    runs: List[List[str]] = []
    for m in sorted(minors, key=minor_key):
        if runs and m in pos and runs[-1][-1] in pos and pos[m] == pos[runs[-1][-1]] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


_BOUND_KEYS: Dict[str, Tuple[int, int, int]] = {}
_MINOR_KEYS: Dict[str, Tuple[int, int, int]] = {}


def _bound_key(text: str) -> Tuple[int, int, int]:
    k = _BOUND_KEYS.get(text)
    if k is None:
        k = _BOUND_KEYS[text] = Version.parse(text).key()
    return k


def _minor_version_key(minor: str) -> Tuple[int, int, int]:
    k = _MINOR_KEYS.get(minor)
    if k is None:
        k = _MINOR_KEYS[minor] = Version(*minor_key(minor)).key()
    return k


@dataclass(frozen=True)
class Resolution:
    """The KubeEdge minors a file is checked against, and how they were found.

    `minors` are schema minors ('1.17'); empty when the version is known but
    older than any schema (v1alpha1 era), which turns schema checks off.
    `exact` is the full version when the user or the file gave one.
    """

    minors: Tuple[str, ...]
    source: str
    exact: Optional[Version] = None
    clamped: bool = False  # exact is newer than the newest schema

    @property
    def guessed(self) -> bool:
        return self.source == SOURCE_INFERRED

    def label(self) -> str:
        """'KubeEdge 1.17' / 'KubeEdge 1.16–1.23' for messages."""
        if self.exact is not None and not self.clamped:
            return f"KubeEdge {self.exact}"
        return f"KubeEdge {format_minors(self.minors)}"

    def edgecore(self) -> str:
        """'edgecore 1.17' when one version is meant, else plain 'edgecore'."""
        if self.exact is not None and not self.clamped:
            return f"edgecore {self.exact.major}.{self.exact.minor}"
        if len(self.minors) == 1 and not self.guessed:
            return f"edgecore {self.minors[0]}"
        return "edgecore"

    @property
    def note(self) -> str:
        """Suffix for messages saying what was assumed (empty when the user told us)."""
        if self.source == SOURCE_INFERRED:
            return (f" (checked against KubeEdge {format_minors(self.minors)}; "
                    f"pass --kubeedge-version to be exact)")
        if self.clamped:
            return f" (checked against KubeEdge {self.minors[-1]}, the newest release rtlint knows)"
        if self.source == SOURCE_FILE and self.exact is not None:
            return f" (KubeEdge {self.exact}, from edgecoreVersion)"
        return ""

    def versions(self) -> List[Version]:
        """The versions to test ranges against: the exact one, else each candidate minor."""
        if self.exact is not None:
            return [self.exact]
        return [Version(*minor_key(m)) for m in self.minors]

    def all_within(self, since: Optional[str] = None, until: Optional[str] = None) -> bool:
        """Every candidate lies in [since, until) (False when there is no candidate)."""
        # Rules ask this several times per file; the bounds and the minors' keys are parsed once per
        # process (same answers as comparing Version.key() of `versions()`).
        if self.exact is not None:
            keys: Sequence[Tuple[int, ...]] = (self.exact.key(),)
        else:
            if not self.minors:
                return False
            keys = [_minor_version_key(m) for m in self.minors]
        lo = _bound_key(since) if since else None
        hi = _bound_key(until) if until else None
        for k in keys:
            if lo is not None and k < lo or hi is not None and k >= hi:
                return False
        return True

    def every(self, test: Callable[[str], bool]) -> bool:
        """test(minor) holds for every candidate minor (False when there is none)."""
        return bool(self.minors) and all(test(m) for m in self.minors)


# -- caching ------------------------------------------------------------------------------
# Every edgecore rule needs the resolution and the schema errors of the same
# document; compute them once. Keyed by id() with the document kept alive, so a
# reused id can never hit a stale entry. The rules of one file ask ~60 times in a
# row about the same document, so that one is checked first, by identity, before
# the LRU (whose move_to_end on every call cost more than most answers).
# Small on purpose: the cache keeps its documents alive, and with 32 of them a check of
# 2,000 edgecore.yaml files ran ~20% slower (more live objects for the cyclic GC to walk,
# colder memory). Node mode reads one edgecore.yaml; a miss only recomputes.

_CACHE_SIZE = 4
_cache: "OrderedDict[int, Tuple[Document, Dict[Any, Any]]]" = OrderedDict()
_hot: List[Any] = [None, None]  # [document, its store]: the document asked about last
_MISSING = object()


def _store(doc: Document) -> Dict[Any, Any]:
    hot = _hot
    if hot[0] is doc:
        return hot[1]  # type: ignore[no-any-return]
    slot = _cache.get(id(doc))
    if slot is None or slot[0] is not doc:
        slot = (doc, {})
        _cache[id(doc)] = slot
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(id(doc))
    hot[0] = doc
    hot[1] = slot[1]
    return slot[1]


def _memo(doc: Document, key: Any, make: Callable[..., Any], *args: Any) -> Any:
    """make(*args), computed once per document and key (arguments, not a closure: no lambda is
    built on the ~60 calls per file that find the answer already there)."""
    store = _store(doc)
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = store[key] = make(*args)
    return value


# -- resolution ---------------------------------------------------------------------------

def _minor_of(v: Version) -> Tuple[Tuple[str, ...], bool]:
    """Schema minors for a known version; (), False when it predates the schemas."""
    order = known_minors()
    m = f"{v.major}.{v.minor}"
    if m in order:
        return (m,), False
    if (v.major, v.minor) > minor_key(order[-1]):
        return (order[-1],), True
    return (), False


def file_version(doc: Document) -> Optional[Version]:
    """The version in the file's top-level `edgecoreVersion` (KubeEdge 1.21+), if it names one."""
    data = doc.data
    if not isinstance(data, dict):
        return None
    value = data.get("edgecoreVersion")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return Version.parse(value.strip())
    except ValueError:
        return None


def resolve(doc: Document, ctx: Any = None) -> Resolution:
    """Which KubeEdge minors `doc` is checked against (see the module docstring for the order)."""
    given = getattr(ctx, "kubeedge_version", None) if ctx is not None else None
    key = _RESOLVE_GUESSED if given is None else ("resolve", given)
    return _memo(doc, key, _resolve, doc, given)  # type: ignore[no-any-return]


_RESOLVE_GUESSED = ("resolve", None)


def _resolve(doc: Document, given: Optional[Version]) -> Resolution:
    if given is not None:
        minors, clamped = _minor_of(given)
        return Resolution(minors, SOURCE_OPTION, given, clamped)
    mine = file_version(doc)
    if mine is not None:
        minors, clamped = _minor_of(mine)
        if minors:
            return Resolution(minors, SOURCE_FILE, mine, clamped)
    data = doc.data if isinstance(doc.data, dict) else {}
    return Resolution(tuple(es.fitting_versions(data)), SOURCE_INFERRED)


def schema_errors(doc: Document, minor: str) -> List[es.SchemaError]:
    """The validator's findings for `doc` under one minor (cached per document)."""
    return _memo(doc, ("schema", minor), es.validate, doc.data, minor)  # type: ignore[no-any-return]


def schema_error_kinds(doc: Document, minor: str) -> FrozenSet[str]:
    """The kinds of the schema findings below the top level under one minor: edgecore rules that
    look for a kind no finding has are done without going through the findings."""
    return _memo(doc, ("schema-kinds", minor), _error_kinds, doc, minor)  # type: ignore[no-any-return]


def _error_kinds(doc: Document, minor: str) -> FrozenSet[str]:
    return frozenset(e.kind for e in schema_errors(doc, minor) if e.path)


def validates_as(doc: Document, path: KeyPath, new_path: KeyPath, minor: str) -> bool:
    """Whether the value at `path`, moved/renamed to `new_path`, passes the schema of `minor` there."""
    import copy

    data = copy.deepcopy(doc.data)
    try:
        value = _pop(data, path)
        _put(data, new_path, value)
    except (KeyError, TypeError, IndexError):
        return False
    n = len(new_path)
    return not any(e.path[:n] == tuple(new_path) for e in es.validate(data, minor))


def _pop(data: Any, path: KeyPath) -> Any:
    for p in path[:-1]:
        data = data[p]
    return data.pop(path[-1])


def _put(data: Any, path: KeyPath, value: Any) -> None:
    for p in path[:-1]:
        if not isinstance(data.get(p), dict):
            data[p] = {}
        data = data[p]
    data[path[-1]] = value


# -- reading the document the way edgecore does ---------------------------------------------

def lookup(doc: Document, path: Iterable[str]) -> Optional[Entry]:
    """The entry edgecore reads for a field path, matching keys case-insensitively like Go's JSON decoder.

    When several spellings of one key exist, sigs.k8s.io/yaml hands them to
    encoding/json in sorted key order, so the last one in that order wins.
    """
    key = tuple(path)
    return _memo(doc, ("lookup", key), _lookup, doc, key)  # type: ignore[no-any-return]


def _lookup(doc: Document, path: Tuple[str, ...]) -> Optional[Entry]:
    here: KeyPath = ()
    entry: Optional[Entry] = doc.entry(()) if doc.has(()) else None
    for name in path:
        matches = _folded_children(doc, here).get(name.lower())
        if not matches:
            return None
        entry = max(matches, key=lambda c: c.path[-1])  # type: ignore[arg-type,return-value]
        here = entry.path
    return entry


def _folded_children(doc: Document, here: KeyPath) -> Dict[str, List[Entry]]:
    """The children of `here` with string keys, by lower-cased key (built once per table)."""
    return _memo(doc, ("children", here), _fold_children, doc, here)  # type: ignore[no-any-return]


def _fold_children(doc: Document, here: KeyPath) -> Dict[str, List[Entry]]:
    out: Dict[str, List[Entry]] = {}
    for c in doc.children(here):
        last = c.path[-1]
        if isinstance(last, str):
            low = last.lower()
            same = out.get(low)
            if same is None:
                out[low] = [c]
            else:
                same.append(c)
    return out


def written_path(doc: Document, path: Sequence[str]) -> KeyPath:
    """`path` with each existing key spelled as in the file (for edits), the rest as given."""
    out: List[Any] = []
    for i in range(len(path)):
        e = lookup(doc, path[:i + 1])
        if e is None:
            return tuple(out) + tuple(path[i:])
        out = list(e.path)
    return tuple(out)


def _text(value: Any) -> Optional[str]:
    """The string edgecore reads for a scalar (sigs.k8s.io/yaml turns numbers/bools into text)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Setting:
    """One effective runtime setting: its value, the entry it came from (None when defaulted),
    and the canonical key path edgecore reads it from (where a fix would write it)."""

    value: Optional[str]
    entry: Optional[Entry]
    path: KeyPath
    default: Optional[str]

    @property
    def defaulted(self) -> bool:
        return self.entry is None


def _default(minor: str, path: KeyPath) -> Optional[str]:
    """The schema default of a field under `minor` when it is a string (the schemas never change: kept per process)."""
    key = (minor, path)
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    schema = es.get_validator(minor).field_schema(path) or {}
    default = schema.get("default")
    default = _DEFAULTS[key] = default if isinstance(default, str) else None
    return default


_DEFAULTS: Dict[Tuple[str, KeyPath], Optional[str]] = {}


_MINOR_OF_TEXT: Dict[str, str] = {}


def _minor_arg(doc: Document, version: Union[None, str, Version]) -> str:
    if version is None:
        res = resolve(doc)
        if not res.minors:
            raise es.UnknownVersionError("no KubeEdge version fits this file")
        return res.minors[-1]
    if isinstance(version, Version):
        minors, _ = _minor_of(version)
        if not minors:
            raise es.UnknownVersionError(f"rtlint has no edgecore model for KubeEdge {version}")
        return minors[0]
    known = _MINOR_OF_TEXT.get(version)  # rules pass the same few minor strings for every file
    if known is not None:
        return known
    minors, _ = _minor_of(Version.parse(es.normalize_version(version)))
    if not minors:
        raise es.UnknownVersionError(f"rtlint has no edgecore model for KubeEdge {version}")
    _MINOR_OF_TEXT[version] = minors[0]
    return minors[0]


def effective_runtime(doc: Document, version: Union[None, str, Version] = None) -> Dict[str, Setting]:
    """What edgecore of `version` really uses for its runtime, as {name: Setting}.

    Names: `runtime_endpoint`, `image_endpoint`, `cgroup_driver`, `sandbox_image`;
    `container_runtime` (1.12–1.17 only) and `docker_endpoint` (1.12–1.13 only).
    `version` is a minor/version string or Version; None resolves it from the
    file alone (newest fitting minor). Versions newer than 1.23 use the 1.23
    model. Precedence (FACTS.md §4.1, edge/pkg/edged/config/config.go):
    1.12–1.15 read `modules.edged.remote{Runtime,Image}Endpoint`; 1.16–1.17 read
    `tailoredKubeletConfig.containerRuntimeEndpoint`/`imageServiceEndpoint` unless
    containerRuntimeEndpoint is empty, then the old keys; 1.18+ only the new keys.
    An empty image endpoint means "same as the runtime endpoint" (kubelet).
    `cgroup_driver` is the configured driver; from KubeEdge 1.22 the embedded
    kubelet prefers the one a runtime reports over CRI (KubeletCgroupDriverFromCRI).

    Minors with the same precedence and the same defaults get the same (shared,
    read-only) dict: rules ask for each of the 4-6 candidate minors of a guessed
    version, and most of them agree.
    """
    minor = _minor_arg(doc, version)
    return _memo(doc, ("effective", minor), _effective_of_minor, doc, minor)  # type: ignore[no-any-return]


def _effective_of_minor(doc: Document, minor: str) -> Dict[str, Setting]:
    plan = _plan(minor)
    return _memo(doc, plan, _effective, doc, plan)  # type: ignore[no-any-return]


# What _effective reads for a minor: (marker, 1.16/1.17 fallback, (name, path, default) per field). Two
# minors with equal plans give equal answers for every document.
if TYPE_CHECKING:
    _Plan = Tuple[str, bool, Tuple[Tuple[str, KeyPath, Optional[str]], ...]]
_PLANS: Dict[str, _Plan] = {}


def _plan(minor: str) -> _Plan:
    plan = _PLANS.get(minor)
    if plan is not None:
        return plan
    k = minor_key(minor)
    names: List[Tuple[str, KeyPath]] = []
    if k <= (1, 17):
        names.append(("container_runtime", EDGED + ("containerRuntime",)))
    if k <= (1, 13):
        names.append(("docker_endpoint", EDGED + ("dockerEndpoint",)))
    if k <= (1, 17):
        names.append(("old_rt", EDGED + ("remoteRuntimeEndpoint",)))
        names.append(("old_img", EDGED + ("remoteImageEndpoint",)))
    if k >= (1, 16):
        names.append(("new_rt", TAILORED + ("containerRuntimeEndpoint",)))
        names.append(("new_img", TAILORED + ("imageServiceEndpoint",)))
    names.append(("cgroup_driver", TAILORED + ("cgroupDriver",)))
    names.append(("sandbox_image", EDGED + ("podSandboxImage",)))
    plan = _PLANS[minor] = ("effective-plan", k <= (1, 17),
                            tuple((name, path, _default(minor, path)) for name, path in names))
    return plan


def _setting(doc: Document, path: KeyPath, default: Optional[str]) -> Setting:
    entry = lookup(doc, path)  # type: ignore[arg-type]
    if entry is None or entry.value is None:
        return Setting(default, None, path, default)
    return Setting(_text(entry.value), entry, path, default)


def _effective(doc: Document, plan: _Plan) -> Dict[str, Setting]:
    _, old_too, fields = plan
    got = {name: _setting(doc, path, default) for name, path, default in fields}
    out: Dict[str, Setting] = {}
    if "container_runtime" in got:
        out["container_runtime"] = got["container_runtime"]
    if "docker_endpoint" in got:
        out["docker_endpoint"] = got["docker_endpoint"]
    new_rt = got.get("new_rt")
    if new_rt is None or (old_too and not new_rt.value):
        rt, img = got.get("old_rt"), got.get("old_img")
    else:
        rt, img = new_rt, got.get("new_img")
    assert rt is not None and img is not None
    if not img.value:  # empty image endpoint: kubelet uses the runtime endpoint
        img = Setting(rt.value, img.entry, img.path, img.default)
    out["runtime_endpoint"] = rt
    out["image_endpoint"] = img
    out["cgroup_driver"] = got["cgroup_driver"]
    out["sandbox_image"] = got["sandbox_image"]
    return out


# -- endpoints --------------------------------------------------------------------------------

def socket_path(endpoint: Optional[str]) -> Optional[str]:
    """The socket file an endpoint dials, the way kubelet parses it (pkg/kubelet/util/util_unix.go).

    `unix://` takes the URL path, so `unix://var/run/x.sock` dials `/run/x.sock`;
    no scheme falls back to unix; other schemes give None. `/var/run` is folded
    into `/run` (a symlink on every systemd distribution).
    """
    if endpoint is None:
        return None
    e = endpoint.strip()
    if "://" in e:
        scheme, rest = e.split("://", 1)
        if scheme != "unix":
            return None
        if not rest.startswith("/"):
            slash = rest.find("/")
            rest = rest[slash:] if slash != -1 else ""
    elif e.startswith("unix:"):
        rest = e[5:]
    else:
        rest = e
    if not rest:
        return None
    if rest.startswith("/var/run/"):
        rest = rest[4:]
    return rest.rstrip("/") or None


def same_socket(a: Optional[str], b: Optional[str]) -> bool:
    pa, pb = socket_path(a), socket_path(b)
    if pa is None or pb is None:
        return (a or "").strip() == (b or "").strip()
    return pa == pb


def is_dockershim(endpoint: Optional[str]) -> bool:
    p = socket_path(endpoint)
    return p is not None and p.rsplit("/", 1)[-1] == "dockershim.sock"


def is_containerd(endpoint: Optional[str]) -> bool:
    p = socket_path(endpoint)
    return p is not None and p.rsplit("/", 1)[-1] == "containerd.sock"


__all__ = [
    "API_VERSION", "KIND", "CONTAINERD_SOCKET", "DOCKERSHIM_SOCKET", "CRI_DOCKERD_SOCKET",
    "EDGED", "TAILORED", "Resolution", "Setting", "resolve", "file_version", "schema_errors", "schema_error_kinds",
    "effective_runtime", "lookup", "written_path", "validates_as", "format_minors", "known_minors",
    "minor_key", "socket_path", "same_socket", "is_dockershim", "is_containerd",
]
