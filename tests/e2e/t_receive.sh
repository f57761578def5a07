#!/bin/bash
# Issue 2: herald receive's promise to the MTA.  Exit 0 only with the post
# stored; 67 for an address no list has; 65 for a message over the size
# limit; 75 for anything that may work later (locked database, unwritable
# spool, broken configuration), and then nothing is left half-stored.
source "$(dirname "$0")/lib.sh"
testbed <<'CONF'
deliver_on_receive = false
busy_timeout = "1s"
max_message_size = "4k"
CONF
echo anna@example.com | make_list dev@lists.example.org
post="$E2E/data/post-plain.eml"

expect() {	# expect CODE WHAT -- herald receive ARGS < input
	local want=$1 what=$2 rc=0
	shift 3
	"$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq "$want" ] || fail "$what: exit $rc, expected $want"
	note "ok: $what: exit $rc"
}
posts() {
	herald queue --all --json | grep -c '"post"' || true
}
spooled() {
	find "$T/state/spool/in" "$T/state/spool/tmp" -type f 2>/dev/null |
	    wc -l
}

expect 0 "a post" -- herald receive --sender a@example.org \
    dev@lists.example.org < "$post"
[ "$(posts)" -eq 1 ] && [ "$(spooled)" -eq 1 ] || fail "not stored"
expect 0 "recipient from the environment (local(8), Exim)" -- \
    env RECIPIENT=dev@lists.example.org SENDER=a@example.org \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HERALD" -c "$T/herald.conf" receive < "$post"
expect 0 "recipient as LOCAL_PART and DOMAIN (Exim)" -- \
    env LOCAL_PART=dev DOMAIN=lists.example.org \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HERALD" -c "$T/herald.conf" receive < "$post"
[ "$(posts)" -eq 3 ] || fail "the environment forms were not stored"

expect 67 "no such list" -- herald receive nosuch@lists.example.org \
    < "$post"
expect 67 "no such domain" -- herald receive dev@elsewhere.example \
    < "$post"
head -c 6000 /dev/zero | tr '\0' 'x' | sed 's/^/Subject: big\n\n/' \
    > "$T/big.eml"
expect 65 "over max_message_size" -- herald receive dev@lists.example.org \
    < "$T/big.eml"
[ "$(posts)" -eq 3 ] && [ "$(spooled)" -eq 3 ] ||
    fail "a refused message left something behind"

# Another process holds the database's write lock past busy_timeout.
python3 - "$T/state/herald.db" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('BEGIN IMMEDIATE')
open(sys.argv[1] + '.locked', 'w').close()
time.sleep(4)
db.execute('ROLLBACK')
PY
for i in $(seq 1 50); do [ -e "$T/state/herald.db.locked" ] && break;
	sleep 0.1; done
expect 75 "database locked" -- herald receive dev@lists.example.org \
    < "$post"
wait
[ "$(posts)" -eq 3 ] && [ "$(spooled)" -eq 3 ] ||
    fail "a failed receive left something half-stored"

chmod 0500 "$T/state/spool/in"
expect 75 "spool not writable" -- herald receive dev@lists.example.org \
    < "$post"
chmod 0750 "$T/state/spool/in"
[ "$(posts)" -eq 3 ] && [ "$(spooled)" -eq 3 ] ||
    fail "a failed receive left something half-stored"

cp "$T/herald.conf" "$T/broken.conf"
echo 'relay x { connections = 0 }' >> "$T/broken.conf"
expect 75 "broken configuration" -- \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HERALD" -c "$T/broken.conf" receive dev@lists.example.org < "$post"
expect 75 "no recipient at all" -- herald receive < "$post"
expect 0 "and it works again" -- herald receive dev@lists.example.org \
    < "$post"
[ "$(posts)" -eq 4 ] || fail "not stored"
echo "PASS"
