#!/bin/sh
# tests/integration/test_ctl_user.sh — heliosctl user add|passwd|del against a live node
# (SCRAM over TLS; the daemon reloads the users file on SIGHUP) and check-config exit codes.
. "$(dirname "$0")/test_ctl_lib.sh"
echo "1..31"
C=$TMP/c
SQL=$(port_block 1) && REPL=$(port_block 1) && MET=$(port_block 1) || {
    echo "Bail out! no free ports"; exit 1; }
"$BINDIR/heliosctl" init-cluster --out "$C" --regions solo --sql-port-base "$SQL" \
    --repl-port-base "$REPL" --metrics-port-base "$MET" --admin-password adminpw >/dev/null ||
    { echo "Bail out! init-cluster failed"; exit 1; }
U=$C/solo/users
CTL=$BINDIR/heliosctl
start_node solo "$C/solo/heliosdb.json"
PID=$LASTPID
wait_ready "$SQL" "$PID" || { echo "Bail out! node did not start"; cat "$TMP/solo.log"; exit 1; }

login() { # user password -> 0 when psql gets in
    PGPASSWORD=$2 psql -X -At "host=127.0.0.1 port=$SQL user=$1 dbname=$1 sslmode=require" \
        -c "SELECT 1" 2>/dev/null | grep -qx 1
}
# After SIGHUP the reload is asynchronous: poll (deadline 10 s) for the expected outcome.
await_login() { # user password want(0 ok / 1 refused)
    i=0
    while [ $i -lt 100 ]; do
        login "$1" "$2"; r=$?
        [ $r = 0 ] && [ "$3" = 0 ] && return 0
        [ $r != 0 ] && [ "$3" = 1 ] && return 0
        i=$((i + 1)); sleep 0.1
    done
    return 1
}

check "user add bob --password" "$CTL" user add --users-file "$U" bob --password "s3cret one"
grep -q '^bob:SCRAM-SHA-256\$' "$U" && ! grep -q 's3cret' "$U"
ok $? "the file holds bob's SCRAM verifier, not the password"
[ "$(stat -c %a "$U")" = 600 ]; ok $? "the users file stays mode 0600"
grep -q '^admin:' "$U"; ok $? "the other users are kept"
kill -HUP "$PID"
await_login bob "s3cret one" 0; ok $? "after SIGHUP psql logs in as bob with the new password"

"$CTL" user add --users-file "$U" bob --password x >/dev/null 2>&1
[ $? = 1 ]; ok $? "adding an existing user fails with exit 1"

printf 'second pw\n' | "$CTL" user passwd --users-file "$U" bob --password-stdin >/dev/null
ok $? "user passwd --password-stdin"
kill -HUP "$PID"
await_login bob "second pw" 0; ok $? "bob logs in with the changed password"
login bob "s3cret one"; [ $? != 0 ]; ok $? "the old password no longer works"

check "user add carol --md5" "$CTL" user add --users-file "$U" carol --password pw3 --md5
grep -q '^carol:SCRAM-SHA-256\$.*:md5[0-9a-f]\{32\}$' "$U"; ok $? "--md5 adds the md5 stored form"

check "user del bob" "$CTL" user del --users-file "$U" bob
kill -HUP "$PID"
await_login bob "second pw" 1; ok $? "after del and SIGHUP bob is refused"
"$CTL" user del --users-file "$U" nobody >/dev/null 2>&1; [ $? = 1 ]
ok $? "deleting a missing user fails with exit 1"
"$CTL" user add --users-file "$U" dave </dev/null >/dev/null 2>&1; [ $? = 2 ]
ok $? "no password and no terminal: usage error (exit 2)"

# Options and the action anywhere around the command word (issue 14).
check "options before the command: --users-file F user add erin --password PW" \
    "$CTL" --users-file "$U" user add erin --password pw5
grep -q '^erin:SCRAM-SHA-256\$' "$U"; ok $? "erin's verifier is in the file"
check "an option between the command and its action: user --users-file F del erin" \
    "$CTL" user --users-file "$U" del erin
! grep -q '^erin:' "$U"; ok $? "erin's line is gone"
usage_error "user without an action: exit 2" "$CTL" --users-file "$U" user
usage_error "user add without a NAME: exit 2" "$CTL" user add --users-file "$U" --password x
usage_error "user add --users-file without a value: exit 2" "$CTL" user add frank --users-file
usage_error "user add with an unknown option: exit 2" \
    "$CTL" user add --users-file "$U" frank --password x --sha1
usage_error "user with an unknown action: exit 2" "$CTL" user rename --users-file "$U" bob
! grep -q '^frank:' "$U"; ok $? "no usage error wrote to the users file"

out=$("$CTL" check-config "$C/solo/heliosdb.json"); rc=$?
[ $rc = 0 ] && [ "$out" = ok ]; ok $? "check-config on a good file: prints ok, exit 0"
printf '{"node": {"name": "x", "id": 0}, "storage": {"snyc": "always"}}\n' >"$TMP/bad.json"
out=$("$CTL" check-config "$TMP/bad.json"); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q '^node.id:' && echo "$out" | grep -q '^storage: unknown key "snyc"'
ok $? "check-config on a bad file: every problem, exit 1"
"$CTL" check-config >/dev/null 2>&1; [ $? = 2 ]; ok $? "check-config without a file: exit 2"
usage_error "check-config with two files: exit 2" "$CTL" check-config "$TMP/bad.json" "$TMP/bad.json"
usage_error "check-config with an option it does not take: exit 2" \
    "$CTL" check-config --json "$TMP/bad.json"
"$CTL" check-config --help | grep -q '^usage: heliosctl'; ok $? "check-config --help: the help, exit 0"
stop_all
exit $FAIL
