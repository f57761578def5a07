#!/bin/bash
# Issue 2: a post that cannot be delivered now (relay down) waits, is
# shown by herald queue, and goes out once the relay is back; two
# delivery runs at once never send a copy twice.
source "$(dirname "$0")/lib.sh"
testbed <<'CONF'
deliver_on_receive = false
CONF
for i in $(seq 1 120); do printf 'm%03d@example.com\n' $i; done |
    make_list dev@lists.example.org
herald member ls dev --json > "$T/members.json"
# The post comes from a non-member; members-only is the default.
herald list set dev posting=open

echo "relay down: the post waits and the queue shows it"
postfix -c "$PF/etc" stop >/dev/null 2>&1
herald receive --sender poster@example.org dev@lists.example.org \
    < "$E2E/data/post-plain.eml"
rc=0; herald deliver || rc=$?
[ "$rc" -eq 75 ] || fail "herald deliver with the relay down exited $rc, not 75"
herald queue > "$T/queue.txt"
cat "$T/queue.txt"
grep -q 'sending *120 *0 *0 *120' "$T/queue.txt" ||
    fail "the queue does not show 120 copies waiting"
grep -q 'relay failed' "$T/state/herald.log" ||
    fail "the log does not say the relay failed"
note "ok: nothing lost, 120 waiting"

echo "relay back: a later run delivers all of it"
postfix -c "$PF/etc" start >/dev/null 2>&1
sleep 3		# the retry schedule of the test bed is 2s
herald deliver
wait_delivered 120
check_py each_once "$T" "$T/members.json"
herald queue | grep -q 'no post is waiting' || fail "queue not empty"

echo "three delivery runs at once send each copy once"
rm -f "$T"/mail/all/new/*
sed 's/notes-0001/notes-0003/' "$E2E/data/post-plain.eml" |
    herald receive --sender poster@example.org dev@lists.example.org
herald deliver --quiet & herald deliver --quiet & herald deliver --quiet &
wait
wait_delivered 120
check_py each_once "$T" "$T/members.json"
echo "PASS"
