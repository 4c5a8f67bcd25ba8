"""The versioned REST API of the tasks app (mounted at /api/v1/ by config/urls.py)."""
