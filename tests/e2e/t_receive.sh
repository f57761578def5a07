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
    env LOCAL_PART=dev DOMAIN=lists.example.org SENDER=a@example.org \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HERALD" -c "$T/herald.conf" receive < "$post"
[ "$(posts)" -eq 3 ] || fail "the environment forms were not stored"

recv() {	# receive with an envelope sender, as an MTA calls it
	herald receive --sender a@example.org "$@"
}

expect 67 "no such list" -- recv nosuch@lists.example.org \
    < "$post"
expect 67 "no such domain" -- recv dev@elsewhere.example \
    < "$post"
head -c 6000 /dev/zero | tr '\0' 'x' | sed 's/^/Subject: big\n\n/' \
    > "$T/big.eml"
expect 65 "over max_message_size" -- recv dev@lists.example.org \
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
expect 75 "database locked" -- recv dev@lists.example.org \
    < "$post"
wait
[ "$(posts)" -eq 3 ] && [ "$(spooled)" -eq 3 ] ||
    fail "a failed receive left something half-stored"

chmod 0500 "$T/state/spool/in"
expect 75 "spool not writable" -- recv dev@lists.example.org \
    < "$post"
chmod 0750 "$T/state/spool/in"
[ "$(posts)" -eq 3 ] && [ "$(spooled)" -eq 3 ] ||
    fail "a failed receive left something half-stored"

cp "$T/herald.conf" "$T/broken.conf"
echo 'relay x { connections = 0 }' >> "$T/broken.conf"
expect 75 "broken configuration" -- \
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$HERALD" -c "$T/broken.conf" receive --sender a@example.org \
    dev@lists.example.org < "$post"
expect 75 "no recipient at all" -- recv < "$post"
# No sender at all is a setup mistake; --sender "" is the null sender.
expect 75 "no envelope sender at all" -- \
    herald receive dev@lists.example.org < "$post"
[ "$(posts)" -eq 3 ] || fail "stored without an envelope sender"
expect 0 "and it works again" -- recv dev@lists.example.org \
    < "$post"
[ "$(posts)" -eq 4 ] || fail "not stored"

# Root on the database of the user the MTA runs herald as would leave
# files that user cannot write: refused, with what to do instead.
rc=0; "$HERALD" -c "$T/herald.conf" list ls > "$T/root.out" 2>&1 || rc=$?
[ "$rc" -eq 78 ] && grep -q 'run herald as that user' "$T/root.out" ||
    fail "root was not refused: exit $rc, $(cat "$T/root.out")"
[ -z "$(find "$T/state" -user root ! -name '*.locked')" ] ||
    fail "root left files behind"
note "ok: root refused (exit 78), nothing of root's in the state folder"
echo "PASS"
