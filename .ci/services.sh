#!/usr/bin/env bash
# Installs (when missing) and starts the services the heavier test tiers use, on 127.0.0.1 only.
# Source it: it exports DJSTARTER_TEST_POSTGRES_URL, DJSTARTER_TEST_REDIS_URL and DJSTARTER_TEST_CHROMIUM,
# and registers a stop on exit.
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
  # Stop it at the end only if this script started it (a developer's running cluster is left alone).
  if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    pg_ctlcluster "$version" main start
    _pg_version=$version
  fi
  local port
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
  su postgres -c "psql -q -p $port -c \"ALTER USER postgres PASSWORD 'postgres'\""
  export DJSTARTER_TEST_POSTGRES_URL="postgres://postgres:postgres@127.0.0.1:$port/postgres"
}

# Redis for the Celery tests: our own throwaway server (no persistence) on a port no other server uses;
# it is stopped through its own pid file, so another run's Redis is never touched.
start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  _redis_port=6390
  while redis-cli -h 127.0.0.1 -p "$_redis_port" ping >/dev/null 2>&1; do
    _redis_port=$((_redis_port + 1))
  done
  _redis_dir=$(mktemp -d)
  redis-server --bind 127.0.0.1 --port "$_redis_port" --save "" --appendonly no --daemonize yes \
    --dir "$_redis_dir" --pidfile "$_redis_dir/redis.pid" --logfile "$_redis_dir/redis.log"
  local _
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$_redis_port" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$_redis_port" ping | grep -q PONG
  export DJSTARTER_TEST_REDIS_URL="redis://127.0.0.1:$_redis_port/0"
}

# Chromium for the browser tests (driven by Playwright through executable_path; no browser download),
# and npm (with Node), which installs the pinned axe-core the accessibility tier injects and the pinned
# Lighthouse it runs (tests/test_accessibility.py and tests/lighthouse.py cache them under .cache/).
install_chromium() {
  command -v chromium >/dev/null 2>&1 || apt_install chromium
  command -v npm >/dev/null 2>&1 || apt_install npm
  export DJSTARTER_TEST_CHROMIUM
  DJSTARTER_TEST_CHROMIUM=$(command -v chromium)
}

# nginx for the SaaS scale-out proof (tests/test_scale_out.py writes its own config and starts its own
# master on a free loopback port; the Debian service is not used).
install_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx
}

stop_services() {
  if [ -n "${_redis_dir:-}" ]; then
    if [ -s "$_redis_dir/redis.pid" ]; then kill "$(cat "$_redis_dir/redis.pid")" 2>/dev/null || true; fi
    # Redis may still be writing into its folder while it exits: a leftover temporary folder must not
    # turn a green run into a failure (this runs in the EXIT trap, whose status becomes the script's).
    sleep 1
    rm -rf "$_redis_dir" 2>/dev/null || true
  fi
  if [ -n "${_pg_version:-}" ]; then pg_ctlcluster "$_pg_version" main stop || true; fi
}

trap stop_services EXIT
start_postgres
start_redis
install_chromium
install_nginx
