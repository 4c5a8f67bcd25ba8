"""Console output: plain text, a status line only on a terminal."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType


def say(message: str) -> None:
    print(message, flush=True)


class Status:
    """Shows ``message …`` with a spinner while a long step runs, only when stdout is a TTY."""

    FRAMES = "|/-\\"

    def __init__(self, message: str, *, quiet: bool = False) -> None:
        self.message = message
        self.enabled = not quiet and sys.stdout.isatty()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _spin(self) -> None:
        frame = 0
        while not self._stop.wait(0.1):
            sys.stdout.write(f"\r{self.FRAMES[frame % len(self.FRAMES)]} {self.message}…")
            sys.stdout.flush()
            frame += 1

    def __enter__(self) -> Status:
        if self.enabled:
            self._started = time.perf_counter()
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            outcome = "done" if exc_type is None else "failed"
            elapsed = time.perf_counter() - self._started
            sys.stdout.write(f"\r{self.message}… {outcome} ({elapsed:.1f} s)\n")
            sys.stdout.flush()
