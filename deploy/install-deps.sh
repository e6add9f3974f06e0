#!/usr/bin/env bash
# Installs every Debian 12 package HeliosDB's build, tests and benchmarks need.
#   deploy/install-deps.sh           install what is missing (root; non-interactive, idempotent)
#   deploy/install-deps.sh --check   exit 0 when nothing is missing, else list what is
#   deploy/install-deps.sh --auto    install when root, else print the exact apt-get line and fail
set -euo pipefail

PACKAGES=(
  build-essential pkg-config clang libclang-rt-14-dev
  libssl-dev libgnutls28-dev
  libngtcp2-dev libngtcp2-crypto-gnutls-dev libnghttp3-dev
  librocksdb-dev libuv1-dev libjansson-dev libpq-dev libpg-query-dev libhttp-parser-dev libpcre2-dev
  libcmocka-dev
  postgresql postgresql-client python3 python3-psycopg2 python3-sqlalchemy python3-django
  openjdk-17-jdk-headless libpostgresql-jdbc-java nodejs
  python3-psycopg python3-asyncpg libdbd-pg-perl ruby-pg php-cli php-pgsql
  golang-go golang-github-jackc-pgx-v4-dev golang-github-lib-pq-dev pgcli tmux
  openssl iproute2 procps gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

mode=${1:-install}
if [ ${#missing[@]} -eq 0 ]; then
  [ "$mode" = --check ] || echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$mode" = --check ]; then
  echo "missing: ${missing[*]}"
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install them with:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
