"""The OpenAPI schema is generated without warnings and validates against the OpenAPI 3 specification."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_validates():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/",
        "/api/v1/tasks/complete/",
        "/api/v1/lists/",
        "/api/v1/labels/",
        "/api/v1/auth/token/",
    ):
        assert path in paths
    parameters = {param["name"] for param in paths["/api/v1/tasks/"]["get"]["parameters"]}
    assert {
        "done",
        "due_before",
        "due_after",
        "priority",
        "list",
        "label",
        "search",
        "ordering",
        "page",
    } <= parameters
    body = paths["/api/v1/tasks/complete/"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/BulkCompleteRequest")


def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tasks/" in response.content
    assert client.get("/api/docs/").status_code == 200
