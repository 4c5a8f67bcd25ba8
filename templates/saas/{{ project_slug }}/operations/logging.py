"""Structured logs: one JSON object per line, with the request id and organisation of the request."""

import json
import logging
from datetime import UTC, datetime

from ..organizations.context import get_current_organization
from .context import request_id


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``organization`` (slug) to every record logged during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        organization = get_current_organization()
        record.organization = organization.slug if organization is not None else ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "organization": getattr(record, "organization", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
