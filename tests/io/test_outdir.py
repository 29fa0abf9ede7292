"""io/outdir.py: the output folder checked before any work, and one writer per case folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from faults import fault_env
from pidtriage.errors import OutputError
from pidtriage.io.outdir import case_lock, check_output_folder


def test_a_usable_folder_is_made_and_left_clean(tmp_path):
    out = tmp_path / "a" / "b"
    check_output_folder(out, option="--outdir", min_free_mb=1)
    assert out.is_dir() and list(out.iterdir()) == []  # the probe file is gone


def test_a_file_in_the_way(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(OutputError, match=r"the output folder exists and is a file; set --outdir to a folder"):
        check_output_folder(tmp_path / "f", option="--outdir")
    with pytest.raises(OutputError, match=r"cannot be made: .*/f is a file, not a folder"):
        check_output_folder(tmp_path / "f" / "g" / "h", option="outdir in the config")


def test_a_dangling_link_in_the_way(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "gone")
    with pytest.raises(OutputError, match="exists and is a file"):
        check_output_folder(tmp_path / "link", option="--outdir")


def test_a_folder_without_write_permission(tmp_path):
    """Checked in a process held to file modes (as root too: tests/fault_hooks)."""
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    code = ("import sys; from pidtriage.io.outdir import check_output_folder\n"
            "check_output_folder(sys.argv[1], option='--outdir')\n")
    for target, words in ((folder / "out", "the output folder cannot be created (permission denied)"),
                          (folder, "cannot write in the output folder (permission denied)")):
        result = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True,
                                env=fault_env(dict(os.environ), file_modes=True))
        assert f"OutputError: {target}: {words}; set --outdir to a folder you can write to" in result.stderr


def test_free_space_below_the_floor(tmpfs):
    with pytest.raises(OutputError, match=r"only 0\.\d MB free on the output folder's disk, below min_free_disk_mb"):
        check_output_folder(tmpfs("256k") / "out", option="--outdir", min_free_mb=1)


def test_a_held_case_lock_refuses_a_second_process(tmp_path):
    lock, case_dir = tmp_path / "work" / "case.lock", tmp_path / "cases" / "A"
    code = ("import sys; from pidtriage.io.outdir import case_lock; from pidtriage.errors import OutputError\n"
            "try:\n    case_lock(sys.argv[1], case_dir=sys.argv[2]).__enter__()\n"
            "except OutputError as e:\n    print(e); sys.exit(2)\n")
    with case_lock(lock, case_dir=case_dir):
        other = subprocess.run([sys.executable, "-c", code, str(lock), str(case_dir)], capture_output=True, text=True)
    assert other.returncode == 2
    assert other.stdout.strip() == (f"{case_dir}: another pidtriage process (pid {os.getpid()}) is writing this case "
                                    f"now (lock {lock}); wait for it to finish, or give this run another output folder")
    again = subprocess.run([sys.executable, "-c", code, str(lock), str(case_dir)], capture_output=True, text=True)
    assert again.returncode == 0  # released with the block


def test_a_run_arriving_before_the_holder_wrote_its_pid_waits_for_it(tmp_path):
    """The holder writes its pid just after taking the lock; a second run that reads the file in between waits for
    the pid (up to 0.5 s) instead of naming no one (a race seen once in the two-runs test)."""
    import threading

    from pidtriage.io.outdir import _holder

    lock = tmp_path / "case.lock"
    holder_fd, reader_fd = (os.open(lock, os.O_RDWR | os.O_CREAT, 0o644) for _ in range(2))
    try:
        threading.Timer(0.1, lambda: os.pwrite(holder_fd, b"4242\n", 0)).start()
        assert _holder(reader_fd) == "4242"
        assert _holder(os.open(tmp_path / "empty.lock", os.O_RDWR | os.O_CREAT, 0o644)) == ""  # never written
    finally:
        os.close(holder_fd)
        os.close(reader_fd)
