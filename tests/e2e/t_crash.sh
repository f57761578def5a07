#!/bin/bash
# Issue 5, crash safety: kill -9 the delivery engine at random moments,
# many times, then let it finish; every member must have the post, and
# the only duplicates allowed are copies in flight at a kill (at most one
# per connection per kill).  Then the same with the database locked past
# its busy timeout, and with the disk full, in the middle of a delivery.
# ROUNDS=n sets the number of kills (default 8), SEED=n the randomness.
source "$(dirname "$0")/lib.sh"
source "$E2E/sinkbed.sh"
P=$(free_port)
CONNS=4
MEMBERS=1500
sinkbed <<CONF
busy_timeout = "1s"
relay sink {
  url = "smtp://127.0.0.1:$P"
  tls = "no"
  connections = $CONNS
}
CONF
start_sink sink "$P" --delay-ms 2
sink_list "$MEMBERS" < /dev/null
seed=${SEED:-$RANDOM}
rounds=${ROUNDS:-8}
RANDOM=$seed
echo "kill -9 at random moments: $rounds rounds, seed $seed"

# The engine itself (exec: $! of "engine &" must be herald, not a shell).
engine() {
	exec setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
	    "$HERALD" -c "$T/herald.conf" deliver --quiet "$@"
}

finish() {	# runs the engine until the queue is empty
	local i
	for i in $(seq 1 20); do
		(engine) || true
		herald queue | grep -q 'no post is waiting' && return 0
		sleep 1
	done
	fail "the post never finished"
}

post_to eng@lists.example.org "crash test"
post_to eng@lists.example.org "crash test, second post"
kills=0
while [ "$kills" -lt "$rounds" ]; do
	herald queue | grep -q 'no post is waiting' && break
	engine &
	pid=$!
	sleep "0.$(( RANDOM % 8 + 1 ))"
	if kill -9 "$pid" 2>/dev/null; then
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null || true
done
finish
note "$kills kills landed"
[ "$kills" -gt 0 ] || fail "no kill landed"
# Two posts: each member must have each post once, so count by post.
python3 - "$T" "$MEMBERS" $((kills * CONNS)) <<'PY'
import collections, glob, json, sys
bed, n, bound = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = collections.Counter()
for line in open(bed + '/sinks/sink'):
    t = json.loads(line)
    assert len(t['rcpt']) == 1, 'an envelope with several recipients'
    seen[(t['rcpt'][0], t['msgid'])] += 1
posts = {mid for _, mid in seen}
missing = [(a, p) for a in ('m%04d@example.com' % i for i in range(1, n + 1))
           for p in posts if seen[(a, p)] == 0]
dups = sum(c - 1 for c in seen.values())
if len(posts) != 2 or missing:
    sys.exit('FAIL: %d posts seen, %d copies missing' % (len(posts),
                                                        len(missing)))
if dups > bound:
    sys.exit('FAIL: %d duplicates, bound %d' % (dups, bound))
print('  ok: 2 posts x %d members, none missing, %d duplicates (bound %d '
      '= kills x connections)' % (n, dups, bound))
PY

echo "the database locked past its busy timeout, mid-delivery"
clear_sinks
post_to eng@lists.example.org "locked"
engine &
pid=$!
sleep 0.6
python3 - "$T/state/herald.db" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute('BEGIN IMMEDIATE')
time.sleep(3)
db.execute('ROLLBACK')
PY
wait "$pid" && note "(the run ended before the lock)" ||
    note "ok: the engine stopped on the lock"
finish
sink_check "$MEMBERS" "$CONNS"

echo "the disk full, mid-delivery"
clear_sinks
post_to eng@lists.example.org "full"
spool="$T/state/spool"
mkdir -p "$T/spool.saved"
cp -a "$spool/." "$T/spool.saved/"
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs "$spool"; then
	echo "SKIP: cannot mount a tmpfs here; disk-full case not run" >&2
else
	cp -a "$T/spool.saved/." "$spool/"
	chown -R "$RUN_AS:$RUN_GROUP" "$spool"
	free=$(df --output=avail -B1 "$spool" | tail -n 1)
	head -c "$free" /dev/zero > "$spool/filler" 2>/dev/null || true
	(engine) && note "(the run fitted)" ||
	    note "ok: the engine stopped, disk full"
	rm -f "$spool/filler"
	finish
	cp -a "$spool/." "$T/spool.saved/"
	umount "$spool"
	cp -a "$T/spool.saved/." "$spool/"
	grep -q 'No space left' "$T/state/herald.log" ||
	    fail "the full disk was not reported"
	sink_check "$MEMBERS" "$CONNS"
fi
echo "PASS"
