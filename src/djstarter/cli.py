"""The command line: parses arguments, calls the library, maps errors to exit codes.

Heavy modules (copier, questionary) are imported only by the commands that need them, so
``djstarter --help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from djstarter.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, DjstarterError

DESCRIPTION = (
    "Generate a real, tested, updatable Django project for one of the Django roadmap's project ideas: "
    "blog/portfolio, to-do REST API, e-commerce store, social network, multi-tenant SaaS."
)
NEW_EPILOG = """\
examples:
  djstarter new                                   ask every question
  djstarter new --answers answers.yml mysite      answers from a YAML file (.copier-answers.yml format)
  djstarter new --defaults --data project_name="My Blog" --data use_drf=true

'djstarter list' shows every project kind and stack option (the values of project_kind and use_*).
"""


class _VersionAction(argparse.Action):
    """``--version``: this build's exact version, computed only when asked (``--help`` stays fast)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from djstarter import version

        print(f"djstarter {version()}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"djstarter: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="djstarter", description=DESCRIPTION)
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    new = commands.add_parser(
        "new",
        help="generate a new Django project",
        description="Generate a new Django project (asks questions unless answers are given).",
        epilog=NEW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("dest", nargs="?", type=Path, help="destination folder (default: ./<project_slug>)")
    new.add_argument(
        "--answers",
        "--data-file",
        dest="answers_file",
        type=Path,
        metavar="FILE",
        help="YAML file of answers (same keys as .copier-answers.yml); nothing is asked",
    )
    new.add_argument(
        "--data",
        "-d",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one answer (repeatable); wins over --answers",
    )
    new.add_argument("--defaults", action="store_true", help="use defaults for every answer not given")
    new.add_argument("--no-git", action="store_true", help="do not create a git repository and first commit")
    new.add_argument(
        "--overwrite", action="store_true", help="write into DEST even if it is not empty (never the default)"
    )
    new.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    update = commands.add_parser(
        "update",
        help="bring a generated project up to the installed templates (wraps copier update)",
        description=(
            "Refresh djstarter's template store, check the project, then run 'copier update' to this "
            "djstarter's templates, keeping your edits (conflicts are marked inline); Ctrl-C undoes it. "
            "Then follow the steps it prints. Plain 'copier update --defaults' works too, run at the "
            "project's top folder (where .copier-answers.yml is)."
        ),
    )
    update.add_argument(
        "project",
        nargs="?",
        type=Path,
        default=Path("."),
        help="the project, or any folder inside it (default: .)",
    )
    update.add_argument(
        "--data",
        "-d",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change an answer, e.g. use_celery=true",
    )
    update.add_argument(
        "--allow-delete",
        action="store_true",
        help="delete files you edited that the new templates no longer have (refused otherwise)",
    )
    update.add_argument(
        "--django-upgrade",
        action="store_true",
        help="with an update to a newer Django (--data django_version=6.1): then run django-upgrade "
        "--target-version on the project's own Python files (all or nothing)",
    )
    update.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")

    commands.add_parser(
        "list", help="list project kinds and stack options", description="List kinds and options."
    )
    return parser


def _cmd_new(args: argparse.Namespace) -> int:
    from djstarter.commands import new

    return new.run(
        dest=args.dest,
        answers_file=args.answers_file,
        data=args.data,
        defaults=args.defaults,
        git=not args.no_git,
        overwrite=args.overwrite,
        quiet=args.quiet,
    )


def _cmd_update(args: argparse.Namespace) -> int:
    from djstarter.commands import update

    return update.run(
        project=args.project, data=args.data, quiet=args.quiet, allow_delete=args.allow_delete,
        django_upgrade=args.django_upgrade,
    )  # fmt: skip


def _cmd_list(_args: argparse.Namespace) -> int:
    from djstarter.commands import listing

    print(listing.render())
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        handler = {"new": _cmd_new, "update": _cmd_update, "list": _cmd_list}[args.command]
        from djstarter import interrupts

        with interrupts.guard(exiting=argv is None):  # None: the program's own command line
            return handler(args)
    except DjstarterError as exc:
        sys.stderr.write(f"{chr(10) if exc.exit_code == EXIT_INTERRUPTED else ''}djstarter: {exc.message}\n")
        return exc.exit_code
    except (KeyboardInterrupt, EOFError) as exc:
        if isinstance(exc, EOFError):
            sys.stderr.write(
                "\ndjstarter: input ended before all answers were given; nothing was written. "
                "Use --answers FILE, --data KEY=VALUE or --defaults to answer without prompts.\n"
            )
            return EXIT_USAGE
        sys.stderr.write("\ndjstarter: interrupted.\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # argparse --help/--version/errors
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else EXIT_USAGE
