"""Write a file so that it is either the old or the new version, never half of one.

The new bytes go to a temporary file in the same folder (same filesystem, so the
rename is atomic), are fsynced, get the old file's mode and owner, and are then
renamed over the target. A symlink is followed and its target is rewritten, so the
link itself survives.
"""
from __future__ import annotations

import os
import stat


def write_atomic(path: str, data: bytes) -> str:
    """Replace the file at `path` (following symlinks) with `data`; returns the path written."""
    target = os.path.realpath(path)
    folder = os.path.dirname(target) or "."
    st = os.stat(target)
    import tempfile  # only when writing: its import (random, shutil) costs every read-only run ~2 ms

    fd, tmp = tempfile.mkstemp(prefix=".rtlint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except PermissionError:
                pass  # not root: the file stays ours, as any editor would leave it
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
    return target
