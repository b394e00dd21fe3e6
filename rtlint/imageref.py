"""Container image references: is a value one, and which registry does it pull from.

Every sandbox (pause) image setting (containerd `sandbox_image` / `pinned_images.sandbox`,
CRI-O `pause_image`, cri-dockerd `--pod-infra-container-image`, edgecore `podSandboxImage`)
is parsed by its program with the distribution reference grammar
(github.com/distribution/reference regexp.go / reference.go, the library containerd, CRI-O's
containers/image and cri-dockerd's Docker client use): `[domain[:port]/]path[:tag][@digest]`,
path components lower case, tag `[\\w][\\w.-]{0,127}`, digest `algorithm:hex` (32+ hex digits,
64 for sha256), the name at most 255 characters. A URL (`https://...`) is not a reference.

The registry of a reference follows Docker's normalisation (reference normalize.go): the first
path component is a registry only if it contains `.` or `:` or is `localhost`; otherwise the
image comes from Docker Hub (`docker.io`).
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for type checkers only: not imported at run time (start-up)
if TYPE_CHECKING:
    from typing import Optional

_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = _ALNUM + r"(?:" + _SEPARATOR + _ALNUM + r")*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = (r"(?:" + _DOMAIN_COMPONENT + r"(?:\." + _DOMAIN_COMPONENT + r")*|\[(?:[a-fA-F0-9:]+)\])"
           r"(?::[0-9]+)?")
_NAME = r"(?:" + _DOMAIN + r"/)?" + _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(r"^(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DIGEST_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}
NAME_MAX = 255

DOCKER_HUB = "docker.io"
# The registries the runtimes' and edgecore's built-in pause images come from (k8s.gcr.io is the
# old name of registry.k8s.io and redirects to it).
DEFAULT_REGISTRIES = frozenset({DOCKER_HUB, "registry.k8s.io", "k8s.gcr.io"})
_HUB_ALIASES = {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}


def strip_scheme(value: str) -> str:
    return _SCHEME.sub("", value, count=1)


def has_scheme(value: str) -> bool:
    return bool(_SCHEME.match(value))


def is_template(value: str) -> bool:
    """A placeholder filled in by a provisioning tool ({{ pause_image }}, ${PAUSE}): not judged."""
    return "{{" in value or "${" in value or "{%" in value


def problem(value: str) -> Optional[str]:
    """Why `value` is not an image reference, in words an operator understands (None: it is one)."""
    if not value.strip():
        return "it is empty"
    if has_scheme(value):
        return "an image reference has no URL scheme (write registry/repository:tag)"
    if any(c.isspace() for c in value):
        return "an image reference has no spaces"
    if any(c in value for c in "\"'"):
        return "it has quote characters inside the value"
    m = _REFERENCE.match(value)
    if m is None:
        lowered = _REFERENCE.match(_lower_path(value))
        if lowered is not None:
            return "repository names must be lower case"
        return _why_not(value)
    name, _, digest = m.group(1), m.group(2), m.group(3)
    if len(name) > NAME_MAX:
        return f"the repository name is longer than {NAME_MAX} characters"
    if digest:
        algorithm, hexpart = digest.split(":", 1)
        want = _DIGEST_LENGTH.get(algorithm.lower())
        if want is not None and len(hexpart) != want:
            return f"a {algorithm} digest has {want} hex digits, this one has {len(hexpart)}"
    return None


def _lower_path(value: str) -> str:
    """The value with its repository path (not the registry, tag or digest) lower-cased."""
    head, sep, tail = value.partition("@")
    slash = head.find("/")
    first = head[:slash] if slash != -1 else ""
    is_domain = bool(first) and ("." in first or ":" in first or first == "localhost")
    start = slash + 1 if is_domain else 0
    rest = head[start:]
    colon = rest.rfind(":")
    path, tag = (rest[:colon], rest[colon:]) if colon != -1 and "/" not in rest[colon:] else (rest, "")
    return head[:start] + path.lower() + tag + sep + tail


def _why_not(value: str) -> str:
    name, _, digest = value.partition("@")
    if digest and not re.match(r"^" + _DIGEST + r"$", digest):
        return "the digest is not algorithm:hex (sha256:<64 hex digits>)"
    last = name.rsplit("/", 1)[-1]
    if name.endswith(":"):
        return "the tag after ':' is empty"
    if last.count(":") > 1 or (":" in last and not re.match(r"^" + _TAG + r"$", last.split(":", 1)[1])):
        return "the tag is not valid (letters, digits, '_', '.', '-'; at most 128 characters)"
    return "it does not follow [registry/]repository[:tag][@digest]"


def registry(value: str) -> str:
    """The registry an image reference pulls from (Docker Hub for short names)."""
    value = strip_scheme(value.strip())
    slash = value.find("/")
    if slash == -1:
        return DOCKER_HUB
    first = value[:slash]
    if "." in first or ":" in first or first == "localhost" or first != first.lower():
        host = first.lower()
        return DOCKER_HUB if host in _HUB_ALIASES else host
    return DOCKER_HUB


def is_default_registry(value: str) -> bool:
    """Whether an image comes from a registry the built-in defaults use (Docker Hub, registry.k8s.io)."""
    return registry(value) in DEFAULT_REGISTRIES


def on_registry(value: str, host: str) -> str:
    """`value` rewritten to pull the same repository path from `host`."""
    value = strip_scheme(value.strip())
    slash = value.find("/")
    rest = value
    if slash != -1:
        first = value[:slash]
        if "." in first or ":" in first or first == "localhost":
            rest = value[slash + 1:]
    return f"{host}/{rest}"
