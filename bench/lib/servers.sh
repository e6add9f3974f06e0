# Shared by the bench scripts: start/stop a throwaway PostgreSQL 15 and a HeliosDB dev node on
# loopback, side by side on this machine. Source it; call bench_start_pg / bench_start_helios,
# then bench_stop_all (also registered as an EXIT trap).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BENCH_TMP=$(mktemp -d /tmp/helios-bench.XXXXXX)
BENCH_PIDS=()

bench_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_as_pg() { # initdb/postgres refuse to run as root
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bench_wait_ready() { # port
    for _ in $(seq 1 200); do
        pg_isready -q -h 127.0.0.1 -p "$1" && return 0
        sleep 0.05
    done
    echo "server on port $1 did not become ready" >&2
    return 1
}

# BENCH_TLS=1: both servers serve TLS with the same self-signed certificate and every client
# (psql, pgbench) requires it (PGSSLMODE=require); otherwise both run without TLS.
if [ -n "${BENCH_TLS:-}" ]; then export PGSSLMODE=require; fi

bench_tls_cert() { # makes $BENCH_TMP/tls/server.{crt,key} once
    [ -f "$BENCH_TMP/tls/server.crt" ] && return 0
    mkdir -p "$BENCH_TMP/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
        -keyout "$BENCH_TMP/tls/server.key" -out "$BENCH_TMP/tls/server.crt" 2>/dev/null
    chmod 600 "$BENCH_TMP/tls/server.key"
}

bench_start_pg() { # sets PG_PORT; fsync and synchronous_commit on (the defaults)
    PG_PORT=$(bench_free_port)
    mkdir -p "$BENCH_TMP/pg"
    [ "$(id -u)" -eq 0 ] && chown postgres "$BENCH_TMP" "$BENCH_TMP/pg"
    bench_as_pg "$PGBIN/initdb" -D "$BENCH_TMP/pg/data" -A trust -U postgres >/dev/null
    local tls=""
    if [ -n "${BENCH_TLS:-}" ]; then
        bench_tls_cert
        cp "$BENCH_TMP/tls/server.crt" "$BENCH_TMP/tls/server.key" "$BENCH_TMP/pg/data/"
        [ "$(id -u)" -eq 0 ] && chown postgres "$BENCH_TMP/pg/data/server.crt" "$BENCH_TMP/pg/data/server.key"
        tls="-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
    fi
    bench_as_pg "$PGBIN/pg_ctl" -D "$BENCH_TMP/pg/data" -l "$BENCH_TMP/pg/log" -w \
        -o "-p $PG_PORT -k $BENCH_TMP/pg -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200 $tls" \
        start >/dev/null
    bench_wait_ready "$PG_PORT"
}

bench_start_helios() { # sets HELIOS_PORT; storage.sync=always (the --dev default)
    HELIOS_PORT=$(bench_free_port)
    if [ -n "${BENCH_TLS:-}" ]; then # --dev has no TLS: a config file like --dev's, with TLS
        bench_tls_cert
        mkdir -m 700 -p "$BENCH_TMP/helios"
        printf '%s\n' "{\"node\": {\"name\": \"bench\", \"id\": 1, \"data_dir\": \"$BENCH_TMP/helios\"}," \
            " \"sql\": {\"listen\": \"127.0.0.1:$HELIOS_PORT\", \"auth\": {\"method\": \"trust\"}," \
            "         \"tls\": {\"mode\": \"require\", \"cert\": \"$BENCH_TMP/tls/server.crt\", \"key\": \"$BENCH_TMP/tls/server.key\"}}," \
            " \"storage\": {\"sync\": \"always\"}, \"metrics\": {\"enabled\": false}}" >"$BENCH_TMP/helios.json"
        "${BINDIR:-bin}/heliosdb" --config "$BENCH_TMP/helios.json" >"$BENCH_TMP/helios.log" 2>&1 &
    else
        "${BINDIR:-bin}/heliosdb" --dev --data "$BENCH_TMP/helios" --port "$HELIOS_PORT" \
            >"$BENCH_TMP/helios.log" 2>&1 &
    fi
    BENCH_PIDS+=($!)
    bench_wait_ready "$HELIOS_PORT"
}

bench_stop_all() {
    for p in "${BENCH_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    BENCH_PIDS=()
    if [ -d "$BENCH_TMP/pg/data" ]; then
        bench_as_pg "$PGBIN/pg_ctl" -D "$BENCH_TMP/pg/data" -m fast stop >/dev/null 2>&1
    fi
    rm -rf "$BENCH_TMP"
}
trap bench_stop_all EXIT

# bench_pgbench PORT MODE CLIENTS SECONDS SCRIPT -> prints "tps latency_avg_ms"
bench_pgbench() {
    local out
    out=$(pgbench -n -h 127.0.0.1 -p "$1" -U postgres -M "$2" -c "$3" -j "$(( $3 < 2 ? 1 : 2 ))" \
          -T "$4" -f "$5" postgres 2>&1) || { echo "pgbench failed: $out" >&2; echo "0 0"; return; }
    local tps lat
    tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
    lat=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' | head -1)
    echo "${tps:-0} ${lat:-0}"
}
