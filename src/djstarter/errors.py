"""One error base class; the CLI shows its message and exits with its code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class DjstarterError(Exception):
    """An error whose message is written for the user (one paragraph, no traceback)."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(DjstarterError):
    """Bad usage or bad input: exit code 2."""

    exit_code = EXIT_USAGE


class AnswersError(UsageError):
    """One or more invalid answers; all problems are listed together."""

    def __init__(self, problems: list[str], source: str = "answers") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"Invalid {source} ({count}):\n{lines}")


class GenerationError(DjstarterError):
    """Rendering or post-generation work failed; nothing was left behind."""


class Cancelled(DjstarterError):
    """The user declined the summary: nothing was written."""

    def __init__(self) -> None:
        super().__init__("Cancelled: nothing was written.")


class Interrupted(DjstarterError):
    """Ctrl-C: the message says what is on disk now."""

    exit_code = EXIT_INTERRUPTED
