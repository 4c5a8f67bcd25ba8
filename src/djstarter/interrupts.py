"""Ctrl-C (SIGINT) that never leaves half a job behind.

``guard()`` wraps a command: the first SIGINT raises ``KeyboardInterrupt`` as usual, and later ones are
ignored until the command has cleaned up (restored the work tree, removed its temporary folders), so a
second Ctrl-C cannot cut the clean-up short. ``deferred()`` holds a SIGINT back until a short step that
must not stop halfway (moving a finished project into place) is done. Both work in the main thread only
(where Python delivers signals); elsewhere they do nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


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
def guard() -> Iterator[None]:
    """For one command: SIGINT interrupts once, then is ignored until the command returns."""
    if not _main_thread():
        yield
        return
    state.interrupted = False
    previous = signal.signal(signal.SIGINT, _first_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
