"""One kind's served pages against the bare view, without the rest of the benchmark.

    python benchmarks/served_one.py saas                 # render (all options) into a temporary folder
    python benchmarks/served_one.py saas --runs 3        # three runs in a row (the ratio within a run counts)
    python benchmarks/served_one.py saas --project DIR   # an already rendered project

The same measure as ``benchmarks/run.py``'s served section (``benchmarks.served.measure``): PostgreSQL
when ``DJSTARTER_TEST_POSTGRES_URL`` is set, SQLite otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from benchmarks.served import PAGES, measure  # noqa: E402

ALL_ON = {"use_drf": True, "use_celery": True, "use_allauth": True, "use_docker": True, "ci": "github"}


def render(kind: str, dest: Path) -> Path:
    from djstarter.answers import validate
    from djstarter.generate import generate

    generate(validate({"project_kind": kind, "project_slug": "bench_site", **ALL_ON}), dest, git=False)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=sorted(PAGES))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--project", type=Path, help="a rendered project (default: render one)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix=f"served-{args.kind}-"))
    try:
        project = args.project or render(args.kind, tmp / "project")
        for run in range(1, args.runs + 1):
            results = measure(project, args.kind, tmp / f"work-{run}")
            bare = results["bare view"]["rps"]
            print(f"run {run} ({args.kind})")
            for name, result in results.items():
                ratio = result["rps"] / bare
                odd = f"  not 200: {result['odd']}" if result["odd"] else ""
                print(
                    f"  {name:<15} {result['path']:<28} {result['rps']:7.1f} rps  {ratio:5.2f}x"
                    f"  p95 {result['p95_ms']:6.0f} ms{odd}",
                    flush=True,
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
