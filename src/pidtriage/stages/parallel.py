"""Run one function in a forked child while the caller does other work: the second core for htslib.

pysam's bcftools holds the GIL and captures stdout process-wide, so two bcftools calls cannot overlap in
threads; a forked child runs its own. The child's result (or the exception it raised) comes back pickled
through a pipe. Where fork is unavailable, or `PIDTRIAGE_NO_FORK` is set, the function runs inline when the
result is asked for, with the same outcome; so it does when the caller has one core to use (`fork=False`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

__all__ = ["Forked", "fork_call"]

T = TypeVar("T")


class Forked(Generic[T]):
    """A call running in a child process; `result()` waits for it and returns its value or raises its error."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, fork: bool) -> None:
        self._call = (fn, args, kwargs)
        self._done = False
        self._value: Any = None
        self._error: BaseException | None = None
        self._pid = 0
        self._fd = -1
        if fork and hasattr(os, "fork") and not os.environ.get("PIDTRIAGE_NO_FORK"):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: run, send, leave without running the parent's exit handlers
                os.close(read)
                code = 0
                try:
                    payload = pickle.dumps((True, fn(*args, **kwargs)))
                except BaseException as exc:
                    code = 1
                    payload = _error_payload(exc)
                try:
                    with os.fdopen(write, "wb") as out:
                        out.write(payload)
                finally:
                    os._exit(code)
            os.close(write)
            self._pid, self._fd = pid, read

    def result(self) -> T:
        """The call's value (its error raised); asked again, the same value, without running anything."""
        if not self._done:
            try:
                self._value = self._collect()
            except BaseException as exc:
                self._error = exc
                raise
            finally:
                self._done = True
        if self._error is not None:
            raise self._error
        return cast(T, self._value)

    def cancel(self) -> None:
        """Stop the child if it still runs and reap it (the caller failed and will not use the result), so that it
        neither outlives the command nor writes its files after the caller reported the failure."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            os.close(self._fd)
            self._pid = 0
        if not self._done:
            self._done, self._error = True, RuntimeError(f"{self._call[0].__name__} was cancelled")

    def _collect(self) -> T:
        if not self._pid:
            fn, args, kwargs = self._call
            return fn(*args, **kwargs)
        with os.fdopen(self._fd, "rb") as inp:
            data = inp.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if not data:
            raise RuntimeError(f"a forked step ({self._call[0].__name__}) ended without a result "
                               f"(wait status {status}); run again with PIDTRIAGE_NO_FORK=1 to see where it fails")
        ok, value = pickle.loads(data)  # our own child's output
        if not ok:
            raise value
        return cast(T, value)


def _error_payload(exc: BaseException) -> bytes:
    try:
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # some exceptions pickle but cannot be rebuilt
        return payload
    except Exception:  # such an exception travels as text
        text = "".join(traceback.format_exception(exc))
        return pickle.dumps((False, RuntimeError(f"in a forked step: {text}")))


def fork_call(fn: Callable[..., T], *args: Any, fork: bool = True, **kwargs: Any) -> Forked[T]:
    """Start `fn(*args, **kwargs)` in a child process now; `.result()` collects it. With `fork` False (one
    core to use) the call runs in this process when `.result()` is asked for."""
    return Forked(fn, args, kwargs, fork=fork)
