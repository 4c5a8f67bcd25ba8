"""Migrations of the tasks app."""
