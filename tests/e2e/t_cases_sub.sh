#!/bin/bash
# The shared cases about subscribing and unsubscribing
# (../shared/cases/CASES.md): 014, 022, 023, end to end through the
# private Postfix, on the cases' test bed (list dev and its 15 members).
#
# Where Herald's documented policy differs from a literal expectation,
# the test says so:
#  - 014: the files carry "Return-Path: <>"; they are submitted with the
#    null envelope sender, as the MTA would have received them.
#  - 022: Herald's mailto: URI carries each member's token, so -2 is
#    sent both ways the case allows: to plain dev-leave@ (confirmation
#    first) and to bernd's tokenized address (at once).
#  - 022-1 without web_url (mailto: only, no List-Unsubscribe-Post) is
#    checked on every copy of t_spine.
#  - 023: "no confirmation to anyone but the victim" is checked on the
#    maildirs and in Postfix's log, for every envelope sender and From.
source "$(dirname "$0")/lib.sh"
source "$E2E/casebed.sh"
source "$E2E/sublib.sh"
source "$E2E/members-json.sh"
WEB=https://lists.example.org/herald
SPORT=$(free_port)
testbed <<CONF
web_url = "$WEB"
serve_port = $SPORT
CONF
case_lists
setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
    "$HERALD" -c "$T/herald.conf" serve </dev/null >/dev/null 2>&1 &
SERVE_PID=$!
trap 'rc=$?; set +e; kill $SERVE_PID 2>/dev/null; wait $SERVE_PID;
    (exit $rc); cleanup' EXIT
state() {
	herald member ls dev --json
	herald member ls users --json
	herald list show dev --json
	herald pending ls dev --json
}

echo "014: an auto-reply and a DSN to dev-request@ get no answer"
before=$(state)
submit_null_sender dev-request@lists.example.org \
    "$CASES/014-autoreply-to-command-address-1.eml"
submit_null_sender dev-request@lists.example.org \
    "$CASES/014-autoreply-to-command-address-2.eml"
sub_quiet
sleep 5
sub_quiet
[ "$(delivered_count)" -eq 0 ] || fail "014: $(delivered_count) messages out"
[ "$(state)" = "$before" ] || fail "014: membership or settings changed"
# Postfix's pipe(8) hands the null sender over as MAILER-DAEMON.
[ "$(grep -Ec 'request mail .* ignored: it (has the null envelope sender|comes from a mailer daemon)' \
    "$T/state/herald.log")" -eq 2 ] || fail "014: not logged as ignored"
! grep -q 'to=<[^>]*>.*relay=127.0.0.1' "$PF/maillog" ||
    fail "014: Herald handed something to the relay"
note "ok: nothing sent, nothing changed, both logged as automatic mail"
# The same mail with a real envelope sender: Auto-Submitted and the DSN's
# report type are reasons enough.
inject "$CASES/014-autoreply-to-command-address-1.eml" \
    dev-request@lists.example.org
submit MAILER-DAEMON@mx.example.org dev-request@lists.example.org \
    "$CASES/014-autoreply-to-command-address-2.eml"
sub_quiet
[ "$(delivered_count)" -eq 0 ] || fail "014: answered with a sender"
[ "$(state)" = "$before" ] || fail "014: changed with a sender"
note "ok: the same with a non-null envelope sender"

echo "022-1: each copy's List-Unsubscribe is its member's own"
members_json dev "$T/dev-full.json"
inject "$CASES/022-one-click-unsubscribe-1.eml" dev@lists.example.org
wait_delivered $NDEV
sub_py list_copies "$T" "$T/dev-full.json" "$WEB" anna@example.com
for a in $DEV_MEMBERS; do
	u=$(sub_py unsub "$(last_to "$a")" https)
	echo "$a $u"
done > "$T/links"
[ "$(awk '{print $2}' "$T/links" | sort -u | wc -l)" -eq $NDEV ] ||
    fail "022: links are not specific to each recipient"
local_url() {
	echo "http://127.0.0.1:$SPORT${1#https://lists.example.org}"
}
CHLOE=$(local_url "$(awk '$1 == "chloe@example.org" {print $2}' "$T/links")")
before=$(herald member ls dev --json)
for i in 1 2; do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$CHLOE")" = 200 ] ||
	    fail "022: GET"
done
[ "$(herald member ls dev --json)" = "$before" ] || fail "022: GET changed"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'List-Unsubscribe=One-Click' "$CHLOE")" = 200 ] ||
    fail "022: POST"
[ "$(herald member ls dev --json | grep -c '"address"')" -eq $((NDEV - 1)) ] ||
    fail "022: POST did not remove exactly one member"
! is_member dev chloe@example.org || fail "022: chloe is still a member"
is_member users chloe@example.org || fail "022: chloe left users too"
note "ok: GET changed nothing; POST removed exactly chloe, from dev only"
sub_quiet
clear_mail

echo "022-2: to plain dev-leave@: one confirmation to bernd, nothing else"
inject "$CASES/022-one-click-unsubscribe-2.eml" dev-leave@lists.example.org
wait_for bernd@example.net 1
[ "$(delivered_count)" -eq 1 ] || fail "022-2: other outbound mail"
grep -q '^Subject: Please confirm: leave' "$(last_to bernd@example.net)" ||
    fail "022-2: not a confirmation request"
sub_py not_list_mail "$T" bernd@example.net
is_member dev bernd@example.net || fail "022-2: bernd left unconfirmed"
note "ok: bernd asked once, still a member (confirmation carries no Post)"
echo "022-2: to bernd's tokenized address: removed at once, one farewell"
leave=$(python3 -c 'import json,sys
print([m for m in json.load(open(sys.argv[1]))
    if m["address"] == "bernd@example.net"][0]["unsubscribe_address"])' \
    "$T/dev-full.json")
inject "$CASES/022-one-click-unsubscribe-2.eml" "$leave"
wait_for bernd@example.net 2
! is_member dev bernd@example.net || fail "022-2: bernd not removed"
inject "$CASES/022-one-click-unsubscribe-2.eml" "$leave"
sub_quiet
[ "$(count_to bernd@example.net)" -eq 2 ] || fail "022-2: a second farewell"
grep -q '^Subject: You have left' "$(last_to bernd@example.net)" ||
    fail "022-2: no farewell"
[ "$(delivered_count)" -eq 2 ] || fail "022-2: other outbound mail"
note "ok: removed at once; exactly one farewell, even when sent twice"
clear_mail

echo "023: subscription bombing"
for i in 1 2 3; do
	inject "$CASES/023-subscription-bombing-$i.eml" \
	    dev-join@lists.example.org
done
inject "$CASES/023-subscription-bombing-4.eml" \
    dev-request@lists.example.org
sub_quiet
victim=$(ls "$T"/mail/all/new/* 2>/dev/null | xargs -r grep -il \
    '^Delivered-To: victim\(+[^@]*\)\?@example.com' | wc -l)
[ "$victim" -le 1 ] || fail "023: the victim got $victim messages"
[ "$(delivered_count)" -eq "$victim" ] || fail "023: mail to others"
! grep -Eiq 'to=<(attacker@example.net|bulk-7731@mailer.example.net)>' \
    "$PF/maillog" || fail "023: mail to the attacker or the envelope sender"
for a in victim@example.com victim+a1@example.com victim+b2@example.com; do
	! is_member dev "$a" || fail "023: $a subscribed"
done
[ "$(db_q "SELECT count(*) FROM outmail WHERE mailbox = \
    'victim@example.com'")" -eq 1 ] || fail "023: not one request queued"
note "ok: the victim's mailbox got $victim confirmation request; nothing" \
    "to the attacker or any envelope sender; nobody subscribed"
echo "PASS"
