"""Management commands of the tasks app."""
