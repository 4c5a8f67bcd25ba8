"""Data archives that are built in the background and downloaded once: the part every kind shares.

A kind's export model inherits ``SingleUseArchive`` (its state, its file and the link's lifetime) and adds
whose data it holds and its constraints (one in progress at a time). This module does the rest, the same
way for every kind:

- **Building**: ``build()`` claims a queued archive (queued -> being built, one conditional UPDATE, so a
  task delivered twice builds it once), lets the kind write the ZIP into a temporary file and saves it in
  the private ``STORAGES["exports"]`` storage (never under ``MEDIA_ROOT``, never served by URL). The ZIP's
  parts are written with ``to_json``/``to_csv`` (a CSV cell that a spreadsheet would run as a formula gets
  a leading ``'``) and ``add_stored_file``.
- **The link**: ``make_token``/``read_token`` sign the archive's id with ``SECRET_KEY`` and a salt of the
  kind's own; a link altered in any way is a 404 (``Http404``).
- **Downloading once**: ``claim()`` marks the archive downloaded by one conditional UPDATE (ready, not
  downloaded, not expired), so of two simultaneous downloads exactly one gets the file, and deletes the
  file once that commits. Otherwise it raises ``DownloadRefused`` with the reason (answered 410).
  ``zip_response()`` streams the claimed file.
- **Cleaning up**: ``purge_files()`` deletes archives that can no longer be downloaded, ``fail_stuck()``
  marks builds that never finished as failed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone

logger = logging.getLogger(__name__)

#: A cell starting with one of these is a formula to a spreadsheet: CSV cells get a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: An archive still queued or being built after this long is marked failed (its worker died).
STUCK_AFTER = timedelta(hours=1)
#: What a tampered, foreign or unknown link is told (a 404, alike for each).
INVALID_LINK = "This download link is not valid."


def storage() -> Storage:
    """The private storage archives are kept in (``STORAGES["exports"]``): never served by the web server."""
    return storages["exports"]


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.EXPORTS_LINK_HOURS)


class SingleUseArchive(models.Model):
    """An archive asked for by someone, built in the background, kept in the private ``exports`` storage and
    downloaded once, before ``expires_at``. The concrete model adds whose data it is and its constraints
    (at most one in progress; ``downloaded_only_when_ready()``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    #: The statuses of an archive that is not finished (at most one per owner: a partial unique constraint).
    IN_PROGRESS = ("pending", "building")

    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    file_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The archive's name in the exports storage."
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="The archive's size in bytes.")
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The download link works until then.")
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @classmethod
    def constraints_for(cls, owner: str, *, names: tuple[str, str]) -> list[models.BaseConstraint]:
        """The constraints every concrete model carries (``names``: theirs): at most one archive of an
        ``owner`` (a field name) queued or being built, and only a ready archive marked downloaded."""
        in_progress, downloaded = names
        return [
            models.UniqueConstraint(
                fields=[owner], condition=Q(status__in=cls.IN_PROGRESS), name=in_progress
            ),
            models.CheckConstraint(
                condition=Q(downloaded_at__isnull=True) | Q(status="ready"), name=downloaded
            ),
        ]

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    def state(self, now) -> str:
        """What its owner sees: Queued, Being built, Failed, Ready, Downloaded or Expired."""
        if self.status != self.Status.READY:
            return self.get_status_display()
        if self.downloaded_at is not None:
            return "Downloaded"
        if self.expires_at is not None and self.expires_at <= now:
            return "Expired"
        return "Ready"

    def downloadable(self, now) -> bool:
        return self.state(now) == "Ready"


#: Every state ``SingleUseArchive.state`` names (for API schemas).
STATES = ["Queued", "Being built", "Ready", "Failed", "Downloaded", "Expired"]


def _rows(archive: SingleUseArchive) -> QuerySet:
    """The archive's row through the model's plain manager (a kind's default manager may be scoped)."""
    return type(archive)._base_manager.filter(pk=archive.pk)


# Building --------------------------------------------------------------------------------------------


def fail_stuck(queryset: QuerySet) -> int:
    """Mark the archives of ``queryset`` queued or being built for more than ``STUCK_AFTER`` failed."""
    return queryset.filter(
        status__in=SingleUseArchive.IN_PROGRESS, created_at__lt=timezone.now() - STUCK_AFTER
    ).update(status="failed", error="It did not finish within an hour.", finished_at=timezone.now())


def fail(archive: SingleUseArchive, error: str) -> None:
    """Mark a queued archive failed with the reason (its build could not even be queued)."""
    _rows(archive).filter(status="pending").update(
        status="failed", error=error[:300], finished_at=timezone.now()
    )


def build(
    model: type[SingleUseArchive],
    archive_id: int,
    *,
    write: Callable[[Any, IO[bytes]], None],
    name: Callable[[Any], str],
) -> bool:
    """Build a queued archive: ``write(archive, target)`` writes the ZIP, stored as ``name(archive)``.

    Claimed first (queued -> being built, a conditional UPDATE), so a task delivered twice builds it once.
    A failure is recorded on the archive with its reason. Returns whether this call built it.
    """
    rows = model._base_manager.filter(pk=archive_id)
    if not rows.filter(status="pending").update(status="building"):
        return False
    archive = rows.get()
    stored = name(archive)
    try:
        with tempfile.TemporaryFile() as target:
            write(archive, target)
            size = target.tell()
            target.seek(0)
            stored = storage().save(stored, File(target, name=stored))
    except Exception as error:
        logger.exception("Archive %s %s failed", model._meta.label, archive_id)
        rows.update(
            status="failed", error=str(error)[:300] or type(error).__name__, finished_at=timezone.now()
        )
        return False
    now = timezone.now()
    rows.update(
        status="ready", file_name=stored, size=size, finished_at=now, expires_at=now + link_lifetime()
    )
    return True


def write_zip(
    target: IO[bytes], document: dict[str, Any], csv_columns: dict[str, list[str]]
) -> zipfile.ZipFile:
    """Open a ZIP archive on ``target`` holding ``export.json`` (``document``, with ``exported_at``) and
    ``csv/<table>.csv`` for each table of ``csv_columns`` (its rows from ``document[table]``). Returned
    open, so the caller may add files (``add_stored_file``); close it (``with``) to finish the archive."""
    archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
    archive.writestr("export.json", to_json({"exported_at": timezone.now(), "format": 1, **document}))
    for table, columns in csv_columns.items():
        archive.writestr(f"csv/{table}.csv", to_csv(columns, document[table]))
    return archive


def to_json(document: Any) -> str:
    """``document`` as indented JSON; dates in ISO 8601."""
    return json.dumps(document, indent=2, default=text, ensure_ascii=False)


def text(value: Any) -> str:
    """A value as the text of a CSV cell or a JSON string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def cell(value: Any) -> str:
    """A CSV cell: its text, with a leading ``'`` where a spreadsheet would read a formula."""
    written = text(value)
    return f"'{written}" if written.startswith(FORMULA_START) else written


def to_csv(columns: list[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """A CSV file of ``rows`` (dicts keyed by ``columns``), in UTF-8 with a byte-order mark, so
    spreadsheets read accented names right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row[column]) for column in columns])
    return out.getvalue().encode("utf-8-sig")


def add_stored_file(archive: zipfile.ZipFile, arcname: str, source: Storage, name: str) -> bool:
    """Copy the file ``name`` of ``source`` into the ZIP as ``arcname``, in chunks (a large image is never
    read into memory at once). False when the file is missing."""
    try:
        handle = source.open(name, "rb")
    except OSError:
        logger.warning("%s is missing: left out of the archive", name)
        return False
    with handle, archive.open(arcname, "w") as target:
        shutil.copyfileobj(handle, target)
    return True


# The link ---------------------------------------------------------------------------------------------


def make_token(salt: str, *parts: int) -> str:
    """The signed part of a download link, naming ``parts`` (the archive's id and its owner's)."""
    return signing.dumps(list(parts), salt=salt, compress=True)


def read_token(token: str, salt: str, count: int) -> list[int]:
    """The ``count`` ids a link names; 404 for anything not signed by ``make_token`` with ``salt``."""
    try:
        parts = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404(INVALID_LINK) from None
    if not isinstance(parts, list) or len(parts) != count or not all(type(part) is int for part in parts):
        raise Http404(INVALID_LINK)
    return parts


# Downloading once ---------------------------------------------------------------------------------------


class DownloadRefused(Exception):
    """The link is genuine but the archive cannot be had (any more): answered 410 with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Download:
    file: File
    filename: str
    size: int | None


def refusal(archive: SingleUseArchive) -> str:
    """Why ``archive`` cannot be downloaded now, read afresh from the database."""
    archive.refresh_from_db()
    if archive.status == archive.Status.FAILED:
        return "This export failed: ask for a new one."
    if archive.in_progress:
        return "This export is not ready yet: reload its page in a moment."
    if archive.downloaded_at is not None:
        return (
            f"This link was used on {archive.downloaded_at:%d %b %Y at %H:%M} UTC: each export downloads "
            "once. Ask for a new export."
        )
    return "This link has expired: ask for a new export."


def claim(
    archive: SingleUseArchive, *, filename: str, on_claimed: Callable[[], None] | None = None
) -> Download:
    """The archive, to be sent once: marked downloaded by one conditional UPDATE (ready, not downloaded, not
    expired), so of two simultaneous downloads exactly one gets the file; ``on_claimed`` runs in the same
    transaction (an audit record), and the file leaves the storage once that commits. Raises
    ``DownloadRefused`` with the reason otherwise."""
    if not archive.downloadable(timezone.now()):
        raise DownloadRefused(refusal(archive))
    try:
        handle = storage().open(archive.file_name, "rb")
    except OSError:  # FileNotFoundError among others
        archive.refresh_from_db()
        if not archive.downloadable(timezone.now()):  # downloaded (and deleted) meanwhile, or expired
            raise DownloadRefused(refusal(archive)) from None
        logger.warning("Archive %s: %s missing", archive.pk, archive.file_name)
        raise DownloadRefused("This archive is no longer stored: ask for a new export.") from None
    now = timezone.now()
    with transaction.atomic():
        won = (
            _rows(archive)
            .filter(status="ready", downloaded_at__isnull=True, expires_at__gt=now)
            .update(downloaded_at=now)
        )
        if not won:
            handle.close()
            raise DownloadRefused(refusal(archive))
        if on_claimed is not None:
            on_claimed()
        model, pk, name = type(archive), archive.pk, archive.file_name
        transaction.on_commit(lambda: delete_file(model, pk, name), robust=True)
    return Download(file=handle, filename=filename, size=archive.size)


def zip_response(download: Download) -> FileResponse:
    """The claimed archive as an attachment (``application/zip``), streamed."""
    response = FileResponse(download.file, as_attachment=True, filename=download.filename)
    response["Content-Type"] = "application/zip"
    return response


# Cleaning up ------------------------------------------------------------------------------------------


def delete_file(model: type[SingleUseArchive], archive_id: int, name: str) -> None:
    """Remove a used or expired archive (an open download keeps reading it) and forget its name."""
    storage().delete(name)
    model._base_manager.filter(pk=archive_id, file_name=name).update(file_name="")


def delete_files_after_commit(queryset: QuerySet) -> None:
    """Once the current transaction commits, delete the files of the archives in ``queryset`` (their owner
    is being deleted: the rows go by cascade, the files would stay)."""
    names = list(queryset.exclude(file_name="").values_list("file_name", flat=True))

    def delete() -> None:
        for name in names:
            storage().delete(name)

    if names:
        transaction.on_commit(delete, robust=True)


def purge_files(queryset: QuerySet) -> int:
    """Delete the files of the archives of ``queryset`` that can no longer be downloaded (downloaded but
    still stored, or expired), after failing the stuck ones. The number deleted."""
    fail_stuck(queryset)
    stored = queryset.exclude(file_name="")
    stale = stored.filter(Q(downloaded_at__isnull=False) | Q(expires_at__lte=timezone.now()))
    count = 0
    for archive_id, name in stale.values_list("pk", "file_name"):
        delete_file(queryset.model, archive_id, name)
        count += 1
    return count
