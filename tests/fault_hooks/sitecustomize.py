"""Faults a test injects into the processes of a run it starts (never imported by pidtriage itself).

A test puts this folder first on PYTHONPATH; Python then imports this module at the start of every process of
the run (Snakemake, its job steps on a cluster node, each `pidtriage` command), which reads two variables:

- PIDTRIAGE_TEST_KILL=ID: a `pidtriage case` or `pidtriage run` of case ID sends itself SIGKILL at start, as
  the kernel's out-of-memory killer, a time limit or a node failure ends a job: no Python clean-up, no record.
- PIDTRIAGE_TEST_FILE_MODES=1: a process running as root gives up the two capabilities that let root ignore
  file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), for itself and every program it starts, so that a file of
  mode 000 cannot be read, as for any unprivileged user. (A user made with useradd cannot run the tests'
  interpreter where it lives under /root, mode 700, as on the CI machine; for file access, root without these
  two capabilities is held to the owner/group/other modes exactly as a user is.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_CAPBSET_DROP = 24
_CAPS = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
_VERSION_3 = 0x20080522


def _kill_if_asked() -> None:
    target = os.environ.get("PIDTRIAGE_TEST_KILL")
    argv = sys.argv
    if not target or len(argv) < 2 or not argv[0].endswith("pidtriage") or argv[1] not in ("case", "run"):
        return
    if "--sample-id" in argv and argv[argv.index("--sample-id") + 1] == target:
        os.kill(os.getpid(), signal.SIGKILL)


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_file_mode_capabilities() -> None:
    if os.environ.get("PIDTRIAGE_TEST_FILE_MODES") != "1" or os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _CAPS:  # the bounding set: no program started from here gets them back
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
    header, data = _Header(_VERSION_3, 0), (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    mask = ~sum(1 << cap for cap in _CAPS) & 0xFFFFFFFF
    data[0].effective &= mask
    data[0].permitted &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


_drop_file_mode_capabilities()
_kill_if_asked()
