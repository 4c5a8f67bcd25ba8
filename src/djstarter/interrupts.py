"""Ctrl-C (SIGINT) that never leaves half a job behind.

``guard()`` wraps a command: the first SIGINT raises ``KeyboardInterrupt`` as usual, and later ones are
ignored until the command has cleaned up (restored the work tree, removed its temporary folders), so a
second Ctrl-C cannot cut the clean-up short. ``deferred()`` holds a SIGINT back until a short step that
must not stop halfway (moving a finished project into place) is done. Both work in the main thread only
(where Python delivers signals); elsewhere they do nothing. ``temporary_folder()`` is a temporary folder
that is gone after the block also when Ctrl-C stopped a git writing into it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

#: How long a clean-up waits for the programs Ctrl-C stopped (git, from Copier) to exit.
PATIENCE = 5.0


class _State:
    interrupted = False


state = _State()


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _first_interrupt(signum: int, frame: FrameType | None) -> None:
    state.interrupted = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the clean-up that follows runs to its end
    raise KeyboardInterrupt


@contextmanager
def guard(*, exiting: bool = False) -> Iterator[None]:
    """For one command: SIGINT interrupts once, then is ignored until the command returns.

    With ``exiting`` (the program ends once the command has returned) SIGINT stays ignored afterwards: a
    Ctrl-C in the last instant, after the command said what it did, cannot make Python die of the signal
    (silently, and looking like an interrupted job)."""
    if not _main_thread():
        yield
        return
    state.interrupted = False
    previous = signal.signal(signal.SIGINT, _first_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN if exiting else previous)


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block to its end; a SIGINT that arrives meanwhile is raised when it finishes."""
    if not _main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        handler = signal.getsignal(signal.SIGINT)
        if handler is signal.SIG_IGN:
            return
        if callable(handler):
            handler(signal.SIGINT, None)  # as if it arrived now (our guard, or Python's default)
        else:
            raise KeyboardInterrupt


@contextmanager
def shielded() -> Iterator[None]:
    """Ignore SIGINT during the block (a clean-up after an interrupt or a failure)."""
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def settle_children(patience: float = PATIENCE) -> None:
    """After a Ctrl-C, wait (at most ``patience`` seconds) for this process's children to exit.

    Ctrl-C reaches the whole process group: the git that Copier started gets it too, and Python's
    ``KeyboardInterrupt`` does not wait for it, so it may still be writing (or deleting its partial
    clone) while our clean-up runs. Does nothing unless a Ctrl-C was received, and where ``waitpid``
    cannot wait for any child (Windows).
    """
    if not state.interrupted or not hasattr(os, "WNOHANG"):
        return
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # no child left
            return
        if pid == 0:  # children still running
            time.sleep(0.02)


def remove_folder(folder: Path, patience: float = PATIENCE) -> None:
    """Remove ``folder`` and what it holds; retried while a stopped git may still write into it.

    When it is still there after ``patience`` seconds, one line on stderr names it (it is left behind)."""
    settle_children(patience)
    deadline = time.monotonic() + patience
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        if time.monotonic() > deadline:
            print(
                f"djstarter: warning: could not remove the temporary folder {folder}; delete it yourself.",
                file=sys.stderr,
            )
            return
        time.sleep(0.05)


@contextmanager
def temporary_folder(prefix: str, parent: str | None = None) -> Iterator[Path]:
    """A new temporary folder (in ``parent``, default the system's), removed on exit (also on Ctrl-C, and a
    second Ctrl-C cannot stop that)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield folder
    finally:
        with shielded():
            remove_folder(folder)
