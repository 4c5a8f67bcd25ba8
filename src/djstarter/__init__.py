"""djstarter: real, tested, updatable Django projects for the Django roadmap's five project ideas."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    """This build's version: written into installed packages at build time; a checkout's from git."""
    from djstarter import versioning

    if versioning.is_checkout():
        try:
            return versioning.from_git()  # an editable install's _build.py would be stale
        except versioning.VersionError:  # e.g. a shallow clone: still a distinct name, never a release's
            return f"{versioning.release()}+unknown"
    try:
        from djstarter._build import VERSION  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return versioning.build_version()
    return str(VERSION)


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'djstarter' has no attribute {name!r}")
