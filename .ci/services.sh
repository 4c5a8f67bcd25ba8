#!/usr/bin/env bash
# Installs (when missing) and starts the services the heavier test tiers use, on 127.0.0.1 only.
# Source it: it exports DJSTARTER_TEST_POSTGRES_URL and registers a stop on exit.
set -euo pipefail

apt_install() {
  if [ -z "${_apt_updated:-}" ]; then apt-get update -qq; _apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  local version
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main status >/dev/null 2>&1 || pg_ctlcluster "$version" main start
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  export DJSTARTER_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:5432/postgres"
  _pg_version=$version
}

stop_services() {
  if [ -n "${_pg_version:-}" ]; then pg_ctlcluster "$_pg_version" main stop || true; fi
}

start_postgres
trap stop_services EXIT
