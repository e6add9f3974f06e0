#!/bin/sh
# tests/integration/test_ctl_init_cluster.sh — heliosctl init-cluster output is usable as is:
# every config passes check-config, node certificates verify against the CA with the SANs and
# EKUs replication requires, private keys and the generated password are 0600, and the five
# nodes start and accept psql as admin with SCRAM over TLS (and refuse plaintext and a wrong
# password); heliosctl status/wait-converged work against them with --cluster.
. "$(dirname "$0")/test_ctl_lib.sh"
echo "1..29"
C=$TMP/c
SQL=$(port_block 5) && REPL=$(port_block 5) && MET=$(port_block 5) || {
    echo "Bail out! no free ports"; exit 1; }
check "init-cluster succeeds" "$BINDIR/heliosctl" init-cluster --out "$C" --host 127.0.0.1 \
    --sql-port-base "$SQL" --repl-port-base "$REPL" --metrics-port-base "$MET"
REGIONS="us-east-1 eu-west-1 ap-southeast-1 us-west-2 sa-east-1"

s=0; for r in $REGIONS; do
    out=$("$BINDIR/heliosctl" check-config "$C/$r/heliosdb.json") && [ "$out" = ok ] || s=1
    "$BINDIR/heliosdb" --check-config "$C/$r/heliosdb.json" >/dev/null 2>&1 || s=1
done; ok $s "all five configs pass heliosctl check-config and heliosdb --check-config"

s=0; id=0; for r in $REGIONS; do
    id=$((id + 1))
    grep -q "\"id\": $id," "$C/$r/heliosdb.json" || s=1
    grep -q "\"listen\": \"127.0.0.1:$((SQL + id - 1))\"" "$C/$r/heliosdb.json" || s=1
    grep -q "\"listen\": \"127.0.0.1:$((REPL + id - 1))\"" "$C/$r/heliosdb.json" || s=1
    [ "$(grep -c '"address"' "$C/$r/heliosdb.json")" = 4 ] || s=1
done; ok $s "node ids 1..5 in order, SQL and replication ports base+id-1, four peers each"

s=0; for r in $REGIONS; do
    openssl verify -CAfile "$C/ca.crt" "$C/$r/node.crt" >/dev/null 2>&1 || s=1
done; ok $s "every node certificate verifies against the cluster CA (openssl verify)"

s=0; id=0; for r in $REGIONS; do
    id=$((id + 1))
    san=$(openssl x509 -in "$C/$r/node.crt" -noout -ext subjectAltName 2>/dev/null | tail -1)
    case $san in *"DNS:$r, URI:helios://node/$id"*) ;; *) s=1; echo "# $r: $san" ;; esac
    subj=$(openssl x509 -in "$C/$r/node.crt" -noout -subject)
    case $subj in *"CN = $r"|*"CN=$r") ;; *) s=1; echo "# $r: $subj" ;; esac
done; ok $s "CN=<region>, SAN DNS:<region> and URI:helios://node/<id>"

s=0; for r in $REGIONS; do
    eku=$(openssl x509 -in "$C/$r/node.crt" -noout -ext extendedKeyUsage | tail -1)
    case $eku in *"TLS Web Server Authentication, TLS Web Client Authentication"*) ;; *) s=1 ;; esac
    openssl x509 -in "$C/$r/node.crt" -noout -ext basicConstraints | grep -q "CA:FALSE" || s=1
done; ok $s "EKU serverAuth+clientAuth, CA:FALSE on node certificates"

s=0; for f in "$C/ca.key" "$C/admin.password" $(for r in $REGIONS; do echo "$C/$r/node.key $C/$r/users"; done); do
    m=$(stat -c %a "$f"); [ "$m" = 600 ] || { s=1; echo "# $f mode $m"; }
done; ok $s "private keys, users files and admin.password are mode 0600"

s=0; for r in $REGIONS; do
    openssl pkey -in "$C/$r/node.key" -pubout 2>/dev/null >"$TMP/k.pub" || s=1
    openssl x509 -in "$C/$r/node.crt" -noout -pubkey >"$TMP/c.pub" || s=1
    cmp -s "$TMP/k.pub" "$TMP/c.pub" || s=1
done; ok $s "each node.key matches its node.crt"

s=0; grep -qF "$(cat "$C/admin.password")" "$C/us-east-1/users" && s=1
grep -q '^admin:SCRAM-SHA-256\$4096:' "$C/us-east-1/users" || s=1
ok $s "users file holds a SCRAM verifier for admin, never the password"

"$BINDIR/heliosctl" init-cluster --out "$C" >/dev/null 2>&1; rc=$?
[ $rc = 1 ]; ok $? "init-cluster refuses to overwrite an existing cluster (exit 1)"

# Options before and after the command word (issue 14); usage errors exit 2 and write nothing.
C2=$TMP/c2
check "init-cluster with options on both sides of the command" "$BINDIR/heliosctl" \
    --out "$C2" --regions solo init-cluster --admin-password pw --sql-port-base 16001 \
    --repl-port-base=17001 --metrics-port-base 19001
out=$("$BINDIR/heliosctl" check-config "$C2/solo/heliosdb.json") && [ "$out" = ok ] &&
    grep -q '"listen": "127.0.0.1:16001"' "$C2/solo/heliosdb.json"
ok $? "its config is valid and has the SQL port given before the command"
# The admin password from a file or standard input (never visible in ps).
printf 'from-file-pw\n' > "$TMP/pwfile"
check "init-cluster --admin-password-file" "$BINDIR/heliosctl" init-cluster --out "$TMP/c4" \
    --regions solo --admin-password-file "$TMP/pwfile" --sql-port-base 16101 \
    --repl-port-base 17101 --metrics-port-base 19101
[ ! -e "$TMP/c4/admin.password" ] &&
    python3 -c "import sys, base64, hashlib, hmac
line = open('$TMP/c4/solo/users').read().split('\n')[0]
salt = base64.b64decode(line.split('\$')[1].split(':')[1])
salted = hashlib.pbkdf2_hmac('sha256', b'from-file-pw', salt, 4096)
stored = base64.b64encode(hashlib.sha256(hmac.new(salted, b'Client Key', 'sha256').digest()).digest()).decode()
sys.exit(0 if line.split('\$')[2].split(':')[0] == stored else 1)"
ok $? "the users file's admin secret is the file's password (no admin.password written)"
printf 'from-stdin-pw\n' | "$BINDIR/heliosctl" init-cluster --out "$TMP/c5" --regions solo \
    --admin-password-stdin --sql-port-base 16201 --repl-port-base 17201 \
    --metrics-port-base 19201 >/dev/null 2>&1 && [ ! -e "$TMP/c5/admin.password" ] &&
    grep -q '^admin:SCRAM-SHA-256\$4096:' "$TMP/c5/solo/users"
ok $? "init-cluster --admin-password-stdin"
usage_error "init-cluster with two password sources: exit 2" "$BINDIR/heliosctl" init-cluster \
    --out "$TMP/c6" --admin-password-stdin --admin-password x
usage_error "init-cluster without --out: exit 2" "$BINDIR/heliosctl" --regions solo init-cluster
usage_error "init-cluster --out without a value: exit 2" "$BINDIR/heliosctl" init-cluster --out
usage_error "init-cluster with an unknown option: exit 2" \
    "$BINDIR/heliosctl" --out "$TMP/c3" init-cluster --regoins a,b
[ ! -e "$TMP/c3" ]; ok $? "a usage error creates nothing"

s=0; id=0; for r in $REGIONS; do
    id=$((id + 1)); start_node "$r" "$C/$r/heliosdb.json"
    wait_ready $((SQL + id - 1)) "$LASTPID" || { s=1; tail -3 "$TMP/$r.log" | sed 's/^/# /'; }
done; ok $s "the five nodes start from the generated configs"

PW=$(cat "$C/admin.password")
s=0; id=0; for r in $REGIONS; do
    id=$((id + 1))
    got=$(PGPASSWORD=$PW psql -X -At "host=127.0.0.1 port=$((SQL + id - 1)) user=admin dbname=admin sslmode=verify-full sslrootcert=$C/ca.crt" -c "SELECT name FROM helios.node" 2>&1)
    [ "$got" = "$r" ] || { s=1; echo "# $r: $got"; }
done; ok $s "psql logs in as admin on every node (SCRAM, TLS verify-full against the CA)"

grep -q 'user "admin" connected .*scram-sha-256, TLS' "$TMP/us-east-1.log"
ok $? "the server log shows the login used scram-sha-256 over TLS"

PGPASSWORD=$PW psql -X -At "host=127.0.0.1 port=$SQL user=admin sslmode=disable" -c "SELECT 1" >/dev/null 2>&1
[ $? != 0 ]; ok $? "a plaintext connection is refused (sql.tls.mode require)"
PGPASSWORD=wrong-$PW psql -X -At "host=127.0.0.1 port=$SQL user=admin sslmode=require" -c "SELECT 1" >/dev/null 2>&1
[ $? != 0 ]; ok $? "a wrong password is refused"

out=$("$BINDIR/heliosctl" status --cluster "$C" --json 2>&1); rc=$?
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(sorted(r["id"] for r in json.load(sys.stdin)))' 2>&1)
[ $rc = 0 ] && [ "$n" = "[1, 2, 3, 4, 5]" ]; s=$?
ok $s "heliosctl status --cluster --json lists ids 1..5"
[ $s = 0 ] || echo "# $out"

# The mesh comes up: every region reports its four peers up (polled, 30 s deadline).
mesh=1
for _ in $(seq 1 300); do
    up=$("$BINDIR/heliosctl" status --cluster "$C" --json 2>/dev/null |
         /usr/bin/python3 -c 'import json,sys; print(sorted((r["peers_up"], r["peers"]) for r in json.load(sys.stdin)))' 2>/dev/null)
    if [ "$up" = "[(4, 4), (4, 4), (4, 4), (4, 4), (4, 4)]" ]; then mesh=0; break; fi
    sleep 0.1
done
ok $mesh "heliosctl status: every region has its 4 peers up"
[ $mesh = 0 ] || echo "# last: $up"

check "heliosctl wait-converged --cluster exits 0 on identical (empty) regions" \
    "$BINDIR/heliosctl" wait-converged --cluster "$C" --timeout 20
out=$("$BINDIR/heliosctl" --cluster "$C" --json status 2>&1); rc=$?
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>&1)
[ $rc = 0 ] && [ "$n" = 5 ]; ok $? "--cluster DIR --json status (options first) lists the five regions"
stop_all
exit $FAIL
