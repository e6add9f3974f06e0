#!/bin/sh
# deploy/install.sh — installs one region of a HeliosDB cluster on this machine, for systemd.
#
#   deploy/install.sh --from CLUSTER_DIR --region NAME [--root DIR] [--no-start]
#
# CLUSTER_DIR is the output of `heliosctl init-cluster` (one folder per region). The script:
#   1. creates the system user `heliosdb` (no login) and /var/lib/heliosdb (0750);
#   2. installs bin/heliosdb and bin/heliosctl into /usr/local/bin when they were built;
#   3. copies CLUSTER_DIR/NAME/{node.crt,node.key,ca.crt,users} to /etc/heliosdb/NAME/
#      (keys and users 0600 owned by heliosdb) and writes /etc/heliosdb/NAME.json: the region's
#      config with its relative paths pointing into /etc/heliosdb/NAME/ and
#      node.data_dir = /var/lib/heliosdb/NAME;
#   4. installs deploy/systemd/heliosdb@.service, checks the config as the service user and
#      enables + starts heliosdb@NAME (unless --no-start).
# --root DIR installs into DIR instead of / (packaging, tests): no user, no systemctl.
# Re-running is safe: an existing /etc/heliosdb/NAME.json is kept (delete it to regenerate).
set -eu

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
FROM= REGION= ROOT= START=1
while [ $# -gt 0 ]; do
    case $1 in
        --from) FROM=$2; shift 2 ;;
        --region) REGION=$2; shift 2 ;;
        --root) ROOT=$2; shift 2 ;;
        --no-start) START=0; shift ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown argument $1" >&2; usage ;;
    esac
done
[ -n "$FROM" ] && [ -n "$REGION" ] || usage
SRC=$FROM/$REGION
for f in heliosdb.json node.crt node.key ca.crt users; do
    [ -f "$SRC/$f" ] || { echo "install.sh: $SRC/$f missing (run heliosctl init-cluster)" >&2; exit 1; }
done
HERE=$(cd "$(dirname "$0")/.." && pwd)
ETC=$ROOT/etc/heliosdb
LIB=$ROOT/var/lib/heliosdb
BIN=$ROOT/usr/local/bin
UNITDIR=$ROOT/etc/systemd/system

if [ -z "$ROOT" ]; then
    [ "$(id -u)" = 0 ] || { echo "install.sh: run as root (or use --root DIR)" >&2; exit 1; }
    if ! id heliosdb >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/heliosdb --no-create-home \
                --shell /usr/sbin/nologin heliosdb
    fi
    OWNER=heliosdb:heliosdb
else
    OWNER=
fi

install -d -m 0755 "$BIN" "$UNITDIR"
install -d -m 0750 "$ETC" "$ETC/$REGION" "$LIB"
for b in heliosdb heliosctl; do
    [ -x "$HERE/bin/$b" ] && install -m 0755 "$HERE/bin/$b" "$BIN/$b"
done
install -m 0644 "$SRC/node.crt" "$SRC/ca.crt" "$ETC/$REGION/"
install -m 0600 "$SRC/node.key" "$SRC/users" "$ETC/$REGION/"
if [ -e "$ETC/$REGION.json" ]; then
    echo "install.sh: keeping existing $ETC/$REGION.json"
else
    /usr/bin/python3 - "$SRC/heliosdb.json" "$ETC/$REGION.json" "$REGION" <<'PY'
import json, sys
src, dst, region = sys.argv[1:4]
with open(src) as f:
    cfg = json.load(f)
def rel(section, *keys):
    d = cfg
    for k in keys[:-1]:
        d = d.get(k, {}) if isinstance(d, dict) else {}
    k = keys[-1]
    if isinstance(d, dict) and isinstance(d.get(k), str) and not d[k].startswith("/"):
        d[k] = region + "/" + d[k]
for keys in (("sql", "tls", "cert"), ("sql", "tls", "key"), ("sql", "auth", "users_file"),
             ("replication", "tls", "ca"), ("replication", "tls", "cert"),
             ("replication", "tls", "key")):
    rel(None, *keys)
cfg["node"]["data_dir"] = "/var/lib/heliosdb/" + region
with open(dst, "w") as f:
    json.dump(cfg, f, indent=2)
    f.write("\n")
PY
    chmod 0640 "$ETC/$REGION.json"
fi
install -m 0644 "$HERE/deploy/systemd/heliosdb@.service" "$UNITDIR/heliosdb@.service"

if [ -n "$OWNER" ]; then
    chown root:heliosdb "$ETC" "$ETC/$REGION" "$ETC/$REGION.json"
    chown "$OWNER" "$ETC/$REGION/node.key" "$ETC/$REGION/users" "$LIB"
    if [ -x "$BIN/heliosdb" ]; then
        runuser -u heliosdb -- "$BIN/heliosdb" --check-config "$ETC/$REGION.json"
    fi
    if [ $START = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable --now "heliosdb@$REGION"
        systemctl --no-pager status "heliosdb@$REGION" || true
    else
        echo "install.sh: start with: systemctl enable --now heliosdb@$REGION"
    fi
fi
echo "install.sh: region $REGION installed ($ETC/$REGION.json)"
