"""A served project's API as its OpenAPI schema describes it: real paths and valid bodies, for the gates.

`Api` reads the schema (drf-spectacular's JSON) with the site's token and first reads every collection
without parameters, so the values the API shows are known (a cart's checkout token, the people in a feed).
A path parameter is set to the first row of the collection above it or, when there is none, to a value
the site's own URLs give a parameter of that name (`known`). A write's body comes from a row the API
already returns (its writable fields): an update sends the row as it is; a new row takes, for each field,
a value the API shows elsewhere but the collection does not hold yet (a person one does not follow yet),
a new text for a short text field (a name no row holds yet), or the field of the first row.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx

WRITES = ("post", "put", "patch", "delete")
PARAMETER = re.compile(r"\{([^}]+)\}")


@dataclass
class Operation:
    method: str
    template: str  # the schema's path, with {parameters}
    path: str = ""  # with real values ("" when a parameter could not be resolved)
    parameters: list[str] = field(default_factory=list)  # its query parameters
    body: dict[str, Any] | None = None  # the request body's schema
    json: bool = True  # the body goes as JSON (else as a multipart form, the one encoding it takes)

    @property
    def name(self) -> str:
        return f"{self.method.upper()} {self.template}"


class Api:
    def __init__(
        self,
        client: httpx.Client,
        known: dict[str, list[str]] | None = None,
        schema_url: str = "/api/schema/?format=json",
    ) -> None:
        self.client = client
        self.known = known or {}
        response = client.get(schema_url)
        assert response.status_code == 200, f"{schema_url}: {response.status_code} {response.text[:500]}"
        self.schema = response.json()
        self.pool: dict[str, list[Any]] = {}  # field name -> values seen in the API's answers
        self._lists: dict[str, list[dict[str, Any]]] = {}
        self.refresh()

    def operations(self, methods: tuple[str, ...]) -> list[Operation]:
        found = []
        for template, item in self.schema["paths"].items():
            for method, spec in item.items():
                if method not in methods:
                    continue
                query = [p["name"] for p in [*item.get("parameters", []), *spec.get("parameters", [])]
                         if self.resolve(p).get("in") == "query"]  # fmt: skip
                content = spec.get("requestBody", {}).get("content", {})
                media = "application/json" if "application/json" in content else next(iter(content), "")
                body = self.resolve(content[media]["schema"]) if media else None
                operation = Operation(method, template, self.real_path(template), query, body)
                operation.json = media == "application/json"
                found.append(operation)
        return found

    def resolve(self, node: Any) -> dict[str, Any]:
        """The schema object behind a ``$ref`` (or the object itself)."""
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.schema
            for part in node["$ref"].split("/")[1:]:
                target = target[part]
            node = target
        return node if isinstance(node, dict) else {}

    def items(self, path: str) -> list[dict[str, Any]]:
        """The rows a collection path lists (the first page), remembered; their values join the pool."""
        if path not in self._lists:
            response = self.client.get(path)
            json = "json" in response.headers.get("content-type", "")
            body = response.json() if response.status_code == 200 and json else []
            rows = body.get("results", [body]) if isinstance(body, dict) else body
            self._lists[path] = [row for row in rows if isinstance(row, dict)]
            self._remember(body)
        return self._lists[path]

    def refresh(self) -> None:
        """Forget the rows and values read so far; read the collections without parameters again."""
        self._lists.clear()
        self.pool.clear()
        for path, item in self.schema["paths"].items():
            if "get" in item and not PARAMETER.search(path):
                self.items(path)

    def _remember(self, value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                self._remember(inner, name)
        elif isinstance(value, list):
            for inner in value:
                self._remember(inner, key)
        elif key and value is not None and value not in self.pool.setdefault(key, []):
            self.pool[key].append(value)

    def real_path(self, template: str) -> str:
        """The template with each parameter set to a row's value from the collection above it (or a value
        the site's URLs give that parameter); "" when there is none."""
        path = template
        while match := PARAMETER.search(path):
            name = match.group(1)
            rows = self.items(path[: match.start()])
            keys = [name, name.removesuffix("_pk").removesuffix("_id"), "id", "pk", "slug", "username"]
            value = next((row[key] for row in rows for key in keys if row.get(key) is not None), None)
            if value is None and self.known.get(name):
                value = self.known[name][0]
            if value is None:
                return ""
            path = path[: match.start()] + str(value) + path[match.end() :]
        return path

    def body(self, operation: Operation) -> dict[str, Any] | None:
        """A valid body: the row's writable fields (an update), or a new row like the collection's first."""
        if operation.body is None:
            return None
        properties = {
            name: self.resolve(spec)
            for name, spec in operation.body.get("properties", {}).items()
            if not self.resolve(spec).get("readOnly")
        }
        required = set(operation.body.get("required", []))
        if operation.method in {"put", "patch"}:
            current = self.items(operation.path)
            row = current[0] if current else {}
            body = {name: row[name] for name in properties if row.get(name) is not None}
        else:
            self.refresh()  # what the earlier writes changed (a cart now holds lines, has a checkout token)
            rows = self.items(operation.path)
            first = rows[0] if rows else {}
            body = {}
            for name, spec in properties.items():
                held = [row.get(name) for row in rows]
                # A value of that name, or of its last word (a total for an expected_total).
                named = self.pool.get(name) or self.pool.get(name.rsplit("_", 1)[-1], [])
                seen = [value for value in named if _fits(value, spec)]
                fresh = [value for value in seen if value not in held]
                if fresh and (name in first or name in required):
                    body[name] = fresh[0]  # a person one does not follow yet, a cart's checkout token
                elif first.get(name) is not None and _fits(first[name], spec):
                    body[name] = _new_text(first[name], spec)
                elif name in required and seen:
                    body[name] = seen[0]
        body |= {name: self.example(properties[name]) for name in required - set(body) if name in properties}
        return {name: _writable(value) for name, value in body.items()}

    def example(self, spec: dict[str, Any]) -> Any:
        """A value the schema accepts, for a required field the rows do not show."""
        spec = self.resolve(spec)
        for combined in ("allOf", "oneOf", "anyOf"):
            if combined in spec:
                options = [self.resolve(option) for option in spec[combined]]
                return self.example(next((o for o in options if o.get("type") != "null"), options[0]))
        if "enum" in spec:
            return next(value for value in spec["enum"] if value is not None)
        kind = spec.get("type", "string")
        if kind in {"integer", "number"}:
            return spec.get("minimum", 1)
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.example(spec["items"])] if spec.get("minItems") else []
        if kind == "object":
            properties = spec.get("properties", {})
            return {name: self.example(properties[name]) for name in spec.get("required", [])}
        soon = datetime.now().replace(microsecond=0) + timedelta(days=7)
        formats: dict[str, Any] = {"date": soon.date(), "date-time": soon, "email": "gates@example.com",
                                   "uri": "https://example.com/", "uuid": str(uuid.uuid4())}  # fmt: skip
        if spec.get("format") in formats:
            value = formats[spec["format"]]
            return value.isoformat() if isinstance(value, date) else value
        return _new_text("", {**spec, "maxLength": spec.get("maxLength", 200)})


def _fits(value: Any, spec: dict[str, Any]) -> bool:
    kind = spec.get("type")
    if kind == "boolean":
        fits = isinstance(value, bool)
    elif kind in {"integer", "number"}:
        fits = isinstance(value, int if kind == "integer" else (int, float)) and not isinstance(value, bool)
    else:
        fits = kind != "string" or isinstance(value, str)
    return fits and ("enum" not in spec or value in spec["enum"])


def _new_text(value: Any, spec: dict[str, Any]) -> Any:
    """A short text field (a name, a title: it has a maximum length) made new, as no row holds it yet;
    other values (long text, slugs of other rows, choices) stay as they are."""
    if not isinstance(value, str) or "maxLength" not in spec or "enum" in spec or spec.get("format"):
        return value
    text = f"{value} (twice)" if value else "Sent twice at once"
    return text[: spec["maxLength"]]


def _writable(value: Any) -> Any:
    """A nested row becomes its id, as DRF's related fields take it."""
    if isinstance(value, dict) and "id" in value:
        return value["id"]
    if isinstance(value, list):
        return [_writable(item) for item in value]
    return value
