#!/bin/bash
# Issue 4: failed deliveries are found and held against the right member,
# through a real Postfix: a recipient refused while Herald sends (550 at
# RCPT TO); a mailbox that does not exist behind a remote MX, which makes
# Postfix send a real DSN to the member's bounce address; the same DSN at
# the plain bounce address, without a token, and at the owner address.
# A real delay notice and an auto-reply at the bounce address change
# nothing.  The poster is a member and is named in every returned
# message: nothing is held against them.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
remote_mx remote.example
dead_mx slow.example
cat <<'MEMBERS' | make_list dev@lists.example.org
anna@example.com
poster@example.org
missing-one@example.com
gone@remote.example
late@slow.example
MEMBERS

# Events as "address source event reason status", one per line, in order.
events() {
	db "SELECT address || ' ' || source || ' ' || event || ' ' ||
	    coalesce(reason, '-') || ' ' || coalesce(status, '-')
	    FROM bounce_event ORDER BY id"
}

echo "a post: one refusal at RCPT TO, one DSN, one delay notice"
submit poster@example.org dev@lists.example.org "$E2E/data/post-plain.eml"
wait_db "SELECT count(*) FROM bounce_event WHERE event = 'delay'" 1 90
wait_db "SELECT count(*) FROM bounce_event WHERE event = 'hard'" 2 90
# The copy for slow.example would wait for days: gone, all is quiet.
drop_queued slow.example
wait_quiet
[ "$(mailbox anna@example.com | grep -c .)" -eq 1 ] ||
    fail "anna did not get the post"
events > "$T/events.txt"
cat "$T/events.txt"
# The relay said 550 5.1.1 to RCPT TO; curl's QUIT after it ("221 Bye")
# must not stand for the reason.
grep -qx 'missing-one@example.com smtp hard user_unknown 5.1.1' \
    "$T/events.txt" || fail "the refusal at RCPT TO was not recorded"
grep -qx 'gone@remote.example token hard user_unknown 5.1.1' \
    "$T/events.txt" || fail "the DSN was not recorded"
grep -qx 'late@slow.example token delay - -' "$T/events.txt" ||
    fail "the delay notice was not recorded"
[ "$(grep -c ' hard ' "$T/events.txt")" -eq 2 ] ||
    fail "not exactly two hard failures"
[ "$(wc -l < "$T/events.txt")" -eq 3 ] || fail "events for others"
grep -q 'bounces mail .*: hard failure (user_unknown) of gone@remote.example' \
    "$T/state/herald.log" || fail "the DSN's handling was not logged"
# The DSN was Postfix's own, about a copy it had accepted.
dsn=$(db "SELECT spool FROM inbound WHERE role = 'bounces' AND result
    LIKE '%gone@remote.example%'")
grep -q '^Final-Recipient: rfc822; gone@remote.example' \
    "$T/state/spool/in/$dsn" || fail "not a DSN from Postfix"
grep -q '^From: Poster Person <poster@example.org>' \
    "$T/state/spool/in/$dsn" || fail "the DSN does not quote the post"
note "ok: one hard failure each for exactly the two members, from smtp and DSN"

herald bounces dev --json > "$T/bounces.json"
python3 - "$T/bounces.json" <<'PY' || fail "herald bounces is wrong"
import json, sys
rows = {r["address"]: r for r in json.load(open(sys.argv[1]))}
assert set(rows) == {"missing-one@example.com", "gone@remote.example"}, rows
for r in rows.values():
    assert r["score"] == 1.0 and r["kind"] == "hard", r
    assert r["reason"] == "user_unknown", r
    assert r["state"] == "enabled", r
for r in rows.values():
    assert "5.1.1" in r["diagnostic"], r
PY
herald bounces dev |
    grep -q '^gone@remote.example *1.0 .* hard  user_unknown  enabled' ||
    fail "herald bounces text"

echo "the same DSN at the bounce address without a token"
submit MAILER-DAEMON@mx.herald.test dev-bounces@lists.example.org \
    "$T/state/spool/in/$dsn"
wait_db "SELECT count(*) FROM bounce_event WHERE source = 'match'" 1
[ "$(db "SELECT address || ' ' || event FROM bounce_event WHERE
    source = 'match'")" = "gone@remote.example hard" ] ||
    fail "the report was not matched to its member"
[ "$(db "SELECT score FROM bounce_member b JOIN member m ON
    m.id = b.member_id WHERE m.address = 'gone@remote.example'")" = 1.0 ] ||
    fail "a second report the same day counted again"
note "ok: matched by its recipient, counted once a day"

echo "the same DSN at the owner address; a person's mail there"
herald owner add dev boss@example.com >/dev/null
submit MAILER-DAEMON@mx.herald.test dev-owner@lists.example.org \
    "$T/state/spool/in/$dsn"
wait_db "SELECT count(*) FROM bounce_event WHERE source = 'match'" 2
cat > "$T/question.eml" <<'MSG'
From: Anna <anna@example.com>
To: dev-owner@lists.example.org
Subject: A question about the list

Where are the archives?
MSG
submit anna@example.com dev-owner@lists.example.org "$T/question.eml"
wait_db "SELECT count(*) FROM inbound WHERE role = 'owner' AND
    state = 'done'" 2
[ "$(db "SELECT count(*) FROM outmail WHERE kind = 'owner'")" -eq 1 ] ||
    fail "not exactly the person's mail passed on to the owner"
[ "$(db "SELECT count(*) FROM inbound WHERE role = 'owner' AND
    result LIKE '%hard failure%gone@remote.example%'")" -eq 1 ] ||
    fail "the report at the owner address was not acted on"
note "ok: the report acted on, not passed on; the person's mail passed on"

echo "an auto-reply to anna's bounce address"
anna_bounces=$(herald member show dev anna@example.com --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["bounce_address"])')
cat > "$T/vacation.eml" <<'MSG'
From: Anna <anna@example.com>
To: dev-bounces@lists.example.org
Subject: Out of office: Meeting notes for Thursday
Auto-Submitted: auto-replied

I am away until Monday.
MSG
submit anna@example.com "$anna_bounces" "$T/vacation.eml"
wait_db "SELECT count(*) FROM bounce_event WHERE event = 'autoreply'" 1
[ "$(db "SELECT count(*) FROM bounce_member WHERE score > 0")" -eq 2 ] ||
    fail "a score changed"
[ "$(db "SELECT count(*) FROM member WHERE disabled IS NOT NULL")" -eq 0 ] ||
    fail "a member was disabled"
[ "$(db "SELECT count(*) FROM bounce_event WHERE address IN
    ('anna@example.com', 'poster@example.org') AND event != 'autoreply'")" \
    -eq 0 ] || fail "events for anna or the poster"
[ "$(db "SELECT count(*) FROM bounce_event WHERE address =
    'late@slow.example' AND event != 'delay'")" -eq 0 ] ||
    fail "the delayed member got more than a delay"
note "ok: a delay notice and an auto-reply changed nothing"

echo "the relay's refusal counted, nothing sent about it yet"
wait_quiet
[ "$(db "SELECT count(*) FROM outmail WHERE kind != 'owner'")" -eq 0 ] ||
    fail "notices below the threshold"
echo "PASS"
