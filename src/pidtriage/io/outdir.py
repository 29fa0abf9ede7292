"""Output folders: checked before any work, and one writer per case folder.

`check_output_folder` is called when the workflow is parsed (workflow/rules/common.smk) and by `pidtriage run`
before anything is read: a folder that is a file, that cannot be created or written, or whose disk is full is
one `OutputError` line naming the folder and the fix, not a traceback from the first write deep in a step.

`case_lock` holds an exclusive lock (flock) on a file in the case's work folder while a case is written: a
second process writing the same case into the same folder stops at once with the first one's pid, instead of
both racing on the same working files (issue #30).
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pidtriage.errors import OutputError

__all__ = ["case_lock", "check_output_folder"]

_PROBE_BYTES = 64 * 1024  # a probe write of this size fails on a disk (or quota) that is full
# errors of flock on file systems that do not offer it (some Lustre and old NFS mounts): run without the lock
_NO_LOCKS = (errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL)


def check_output_folder(path: str | Path, *, option: str, min_free_mb: int = 0) -> None:
    """The folder exists or can be created, is a folder, can be written, and its disk has at least
    `min_free_mb` MB free (0: not checked). `option` is where the user sets it (`--outdir`, `outdir in the
    config`), named in the fix. Creates the folder, as the run would."""
    p = Path(path)
    fix = f"set {option} to a folder you can write to"
    blocker = _file_in_the_way(p)
    if blocker is not None:
        what = "exists and is a file" if blocker == p else f"cannot be made: {blocker} is a file, not a folder"
        raise OutputError(f"{p}: the output folder {what}; {fix}, or move the file away")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{p}: the output folder cannot be created ({_why(exc)}); {_fix_for(exc, fix)}") from None
    try:
        _probe(p)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write in the output folder ({_why(exc)}); {_fix_for(exc, fix)}") from None
    if min_free_mb:
        st = os.statvfs(p)
        free_mb = st.f_bavail * st.f_frsize / 1e6
        if free_mb < min_free_mb:
            raise OutputError(f"{p}: only {free_mb:.1f} MB free on the output folder's disk, below min_free_disk_mb "
                              f"({min_free_mb} MB); free some space, or {fix} on another disk")


def _file_in_the_way(p: Path) -> Path | None:
    """`p` or the nearest of its ancestors that exists, when that is not a folder (a file, a dangling link)."""
    for candidate in (p, *p.parents):
        if os.path.lexists(candidate):
            return None if candidate.is_dir() else candidate
    return None


def _probe(folder: Path) -> None:
    """Write (and remove) a small file in `folder`: permissions, a read-only mount and a full disk all show."""
    fd, name = tempfile.mkstemp(prefix=".pidtriage-probe-", dir=folder)
    try:
        left = memoryview(b"\0" * _PROBE_BYTES)
        while left:  # a nearly full disk takes part of a write; the next one raises ENOSPC
            left = left[os.write(fd, left):]
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(name)


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "its disk is full, or your quota there is used up"
    if exc.errno == errno.EROFS:
        return "a read-only file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


def _fix_for(exc: OSError, fix: str) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free some space, or {fix} on another disk"
    return fix


@contextmanager
def case_lock(lock_file: str | Path, *, case_dir: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` while the block runs (the case in `case_dir` is being written).
    Another holder: an OutputError at once, naming its pid. The lock goes with the process (a killed run leaves
    no stale lock); the file stays. On a file system without locks the block runs unguarded."""
    lock = Path(lock_file)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        locked = _acquire(fd, lock, case_dir)
        if locked:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _holder(fd: int) -> str:
    """The lock holder's pid as it wrote it; the holder writes it just after taking the lock, so a run that
    arrives in between waits up to 0.5 s for it ("" if it never comes)."""
    for _ in range(25):
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
        if holder.isdigit():
            return holder
        time.sleep(0.02)
    return ""


def _acquire(fd: int, lock: Path, case_dir: str | Path) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        who = f"another pidtriage process (pid {holder})" if holder.isdigit() else "another pidtriage process"
        raise OutputError(f"{case_dir}: {who} is writing this case now (lock {lock}); wait for it to finish, or "
                          "give this run another output folder") from None
    except OSError as exc:
        if exc.errno in _NO_LOCKS:
            return False
        raise
    return True
