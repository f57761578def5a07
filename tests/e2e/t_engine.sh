#!/bin/bash
# Issue 5, the delivery engine against recording sinks: parallel delivery
# sends each copy once; 451 is retried, 550 recorded and not retried; a
# relay that is down at first is used once it comes up; a dead relay
# fails over to a live one; weights share the load; 421 throttles without
# losing anything; a rate-limited relay still delivers everything.
source "$(dirname "$0")/lib.sh"
source "$E2E/sinkbed.sh"
A=$(free_port)
B=$(free_port)
DEAD=$(free_port)
sinkbed <<CONF
relay a {
  url = "smtp://127.0.0.1:$A"
  tls = "no"
  connections = 8
}
CONF
start_sink a "$A"
{ echo t451a@example.com; echo t451b@example.net; echo r550x@example.org; } |
    sink_list 400

echo "parallel delivery: 8 connections, every member once"
post_to eng@lists.example.org
herald deliver --quiet
herald queue > "$T/queue.txt"
grep -q 'sending *403 *400 *1 *0 *2' "$T/queue.txt" ||
    { cat "$T/queue.txt"; fail "queue after the first run"; }
note "ok: 400 sent, 1 failed (550), 2 waiting for a retry (451)"
[ "$(sqlite3 "$T/state/herald.db" "SELECT count(*) FROM failure WHERE \
    kind = 'hard' AND code = 550")" -eq 1 ] || fail "550 not recorded"
sleep 1.5
herald deliver --quiet
herald queue | grep -q 'no post is waiting' || fail "not finished"
sink_check 400
for a in t451a@example.com t451b@example.net; do
	[ "$(copies_of "$a")" -eq 1 ] || fail "$a: 451 not retried to success"
done
[ "$(copies_of r550x@example.org)" -eq 0 ] || fail "550 retried"
note "ok: the 451s were retried and delivered once; the 550 never sent"
herald member remove eng t451a@example.com t451b@example.net \
    r550x@example.org >/dev/null

echo "a relay down at first is used once it comes up"
clear_sinks
stop_sink a
post_to eng@lists.example.org "second"
rc=0; herald deliver --quiet || rc=$?
[ "$rc" -eq 75 ] || fail "relay down: exit $rc, not 75"
herald queue | grep -q 'sending *400 *0 *0 *400' ||
    { herald queue; fail "copies were lost or counted while down"; }
start_sink a "$A"
sleep 1.5
herald deliver --quiet
sink_check 400
note "ok: nothing sent while down; everything once when up"

echo "failover: a dead relay and a live one"
cat >> "$T/herald.conf" <<CONF
relay dead {
  url = "smtp://127.0.0.1:$DEAD"
  tls = "no"
  connections = 4
  weight = 5
}
CONF
clear_sinks
post_to eng@lists.example.org "third"
herald deliver --quiet
herald queue | grep -q 'no post is waiting' || fail "failover failed"
sink_check 400
note "ok: the live relay carried the whole post in one run"

echo "weights: 3 to 1"
start_sink b "$B"
sed -i "s/$DEAD/$B/; s/weight = 5/weight = 1/" "$T/herald.conf"
python3 - "$T/herald.conf" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('connections = 8\n}', 'connections = 8\n  weight = 3\n}', 1)
open(p, 'w').write(s)
PY
clear_sinks
post_to eng@lists.example.org "fourth"
herald deliver --quiet
sink_check 400
a=$(wc -l < "$T/sinks/a")
b=$(wc -l < "$T/sinks/b")
python3 -c "import sys; s = $a / ($a + $b); sys.exit(0 if 0.6 < s < 0.9 else 1)" ||
    fail "weights 3:1 gave $a:$b"
note "ok: relay a (weight 3) took $a copies, relay b (weight 1) $b"

echo "421 every 25th transaction: throttled, nothing lost"
stop_sink b
stop_sink a
clear_sinks
start_sink a "$A" --throttle-every 25
sed -i '/^relay dead {/,$d' "$T/herald.conf"
cat >> "$T/herald.conf" <<CONF
relay b {
  url = "smtp://127.0.0.1:$B"
  tls = "no"
  connections = 2
  rate = 200
}
CONF
start_sink b "$B"
post_to eng@lists.example.org "fifth"
for i in 1 2 3 4 5; do
	herald deliver --quiet || [ $? -eq 75 ]	# 75: relays throttled
	herald queue | grep -q 'no post is waiting' && break
	sleep 1.5
done
herald queue | grep -q 'no post is waiting' || fail "throttled post stuck"
sink_check 400
note "ok: every member once, across a throttling relay and a rate-limited one"
echo "PASS"
