"""Tests of the tasks app and its API."""
