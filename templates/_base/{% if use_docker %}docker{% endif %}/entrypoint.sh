#!/bin/sh
# Container entrypoint: apply database migrations, then run the container's command
# (Gunicorn by default; compose.yaml runs Celery with the same image).
# Set DJANGO_MIGRATE=false for containers that must not migrate (Celery worker and beat).
set -eu

if [ "${DJANGO_MIGRATE:-true}" = "true" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
