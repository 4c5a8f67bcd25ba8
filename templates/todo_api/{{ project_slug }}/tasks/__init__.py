"""Per-user tasks, task lists and labels, and their REST API."""
