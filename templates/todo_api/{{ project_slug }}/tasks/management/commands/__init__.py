"""``python manage.py <command>`` entry points of the tasks app."""
