#!/bin/bash
# Issue 3: joining and leaving by mail, as a member's mail program does it
# (swaks through the private Postfix).  Join, confirm with a plain Reply,
# the welcome, per-member List-Unsubscribe in list copies, leaving with
# confirmation and with the mailto: token, tokens that are reused,
# expired or forged, a forged From, requests by command, invitations, and
# auto-responders that must not start a loop.
source "$(dirname "$0")/lib.sh"
source "$E2E/sublib.sh"
source "$E2E/members-json.sh"
WEB=https://lists.example.org/herald
testbed <<CONF
web_url = "$WEB"
CONF
echo "anna@example.com,Anna Beispiel" | make_list dev@lists.example.org
herald owner add dev boss@example.com >/dev/null
herald list set dev notify_owners=yes
L=lists.example.org

echo "join: mail to dev-join@ asks for confirmation"
write_mail "$T/join.eml" "Zoe Neu <zoe@example.org>" "dev-join@$L" "Join" \
    "Please add me."
submit zoe@example.org "dev-join@$L" "$T/join.eml"
wait_for zoe@example.org 1
req=$(last_to zoe@example.org)
grep -q '^Subject: Please confirm: join the dev@lists.example.org' "$req" ||
    fail "not a confirmation request: $req"
grep -Eq '^Reply-To: dev-confirm\+[a-z2-7]{26}@lists.example.org' "$req" ||
    fail "no NAME-confirm+TOKEN@ Reply-To"
sub_py not_list_mail "$T" zoe@example.org
! is_member dev zoe@example.org || fail "subscribed before confirming"
herald pending ls dev | grep -q 'subscribe .* zoe@example.org' ||
    fail "pending ls does not show the request"
note "ok: one confirmation request, to zoe only; not a member yet"

echo "confirm by a plain Reply (to the Reply-To), then the welcome"
to=$(sub_py reply "$req" "Zoe Neu <zoe@example.org>" "$T/reply.eml")
case $to in dev-confirm+*@$L) ;; *) fail "the reply goes to $to" ;; esac
submit zoe@example.org "$to" "$T/reply.eml"
wait_for zoe@example.org 2
grep -q '^Subject: Welcome to the dev@lists.example.org' \
    "$(last_to zoe@example.org)" || fail "no welcome"
is_member dev zoe@example.org || fail "not subscribed after confirming"
wait_for boss@example.com 1
grep -q 'zoe@example.org has joined' "$(last_to boss@example.com)" ||
    fail "the owner was not told"
[ -z "$(herald pending ls dev --json | grep zoe)" ] ||
    fail "the request is still open"
note "ok: subscribed, welcomed, the owner told (notify_owners=yes)"

echo "the same token again, a forged one, an expired one: refused"
submit zoe@example.org "$to" "$T/reply.eml"
wait_for zoe@example.org 3
grep -q '^Subject: dev@lists.example.org: nothing to confirm' \
    "$(last_to zoe@example.org)" || fail "reuse not refused"
write_mail "$T/forged.eml" "mallory@example.net" \
    "dev-confirm+aaaaaaaaaaaaaaaaaaaaaaaaaa@$L" "Re: confirm" "yes"
submit mallory@example.net "dev-confirm+aaaaaaaaaaaaaaaaaaaaaaaaaa@$L" \
    "$T/forged.eml"
wait_for mallory@example.net 1
grep -q 'nothing to confirm' "$(last_to mallory@example.net)" ||
    fail "forged token not refused"
herald list set dev confirm_lifetime=2s
write_mail "$T/kurt.eml" "kurt@example.com" "dev-join@$L" "subscribe"
submit kurt@example.com "dev-join@$L" "$T/kurt.eml"
wait_for kurt@example.com 1
grep -q 'valid for 2 seconds' "$(last_to kurt@example.com)" ||
    fail "confirm_lifetime not used"
sleep 3
to=$(sub_py reply "$(last_to kurt@example.com)" kurt@example.com \
    "$T/kurt-reply.eml")
submit kurt@example.com "$to" "$T/kurt-reply.eml"
wait_for kurt@example.com 2
grep -q 'nothing to confirm' "$(last_to kurt@example.com)" ||
    fail "expired token not refused"
! is_member dev kurt@example.com || fail "an expired token subscribed"
herald list set dev confirm_lifetime=72h
[ "$(herald member ls dev --json | grep -c address)" -eq 2 ] ||
    fail "membership changed"
note "ok: reused, forged and expired tokens confirm nothing"

echo "a post: each copy has its member's own List-Unsubscribe"
herald member add dev bernd@example.net >/dev/null
members_json dev "$T/members.json"
rm -f "$T"/mail/all/new/*
write_mail "$T/post.eml" "Anna Beispiel <anna@example.com>" "dev@$L" \
    "Mirrors" "Two new mirrors."
submit anna@example.com "dev@$L" "$T/post.eml"
wait_delivered 3
sub_py list_copies "$T" "$T/members.json" "$WEB" anna@example.com

echo "leave by mail: confirmation from the subscribed address first"
rm -f "$T"/mail/all/new/*
write_mail "$T/leave.eml" "Anna Beispiel <anna@example.com>" \
    "dev-leave@$L" "unsubscribe"
submit anna@example.com "dev-leave@$L" "$T/leave.eml"
wait_for anna@example.com 1
req=$(last_to anna@example.com)
grep -q '^Subject: Please confirm: leave the dev' "$req" ||
    fail "no confirmation request to leave"
is_member dev anna@example.com || fail "left without confirming"
to=$(sub_py reply "$req" "anna@example.com" "$T/reply.eml")
submit anna@example.com "$to" "$T/reply.eml"
wait_for anna@example.com 2
grep -q '^Subject: You have left the dev' "$(last_to anna@example.com)" ||
    fail "no goodbye"
! is_member dev anna@example.com || fail "still a member"
wait_for boss@example.com 1
grep -q 'anna@example.com has left' "$(last_to boss@example.com)" ||
    fail "the owner was not told"
note "ok: asked, confirmed by reply, unsubscribed, goodbye, owner told"

echo "leave by the mailto: token of a list copy: at once, one farewell"
rm -f "$T"/mail/all/new/*
write_mail "$T/post2.eml" "bernd@example.net" "dev@$L" "Mirrors, again" \
    "One more mirror."
submit bernd@example.net "dev@$L" "$T/post2.eml"
wait_delivered 2
leave=$(sub_py unsub "$(last_to zoe@example.org)" mailto)
write_mail "$T/oneclick.eml" "zoe@example.org" "$leave" "unsubscribe" \
    "This message was sent by the mailbox provider's unsubscribe button."
submit zoe@example.org "$leave" "$T/oneclick.eml"
wait_for zoe@example.org 2
! is_member dev zoe@example.org || fail "the token did not unsubscribe"
grep -q '^Subject: You have left' "$(last_to zoe@example.org)" ||
    fail "no farewell"
submit zoe@example.org "$leave" "$T/oneclick.eml"
sub_quiet
[ "$(count_to zoe@example.org)" -eq 2 ] || fail "more than one farewell"
note "ok: unsubscribed at once; the second request changes and sends nothing"

echo "a forged From cannot unsubscribe a member"
rm -f "$T"/mail/all/new/*
write_mail "$T/forged.eml" "bernd@example.net" "dev-leave@$L" "unsubscribe"
submit attacker@example.net "dev-leave@$L" "$T/forged.eml"
wait_for bernd@example.net 1
grep -q 'Please confirm: leave' "$(last_to bernd@example.net)" ||
    fail "bernd was not asked"
write_mail "$T/forged2.eml" "attacker@example.net" "dev-request@$L" "" \
    "unsubscribe address=bernd@example.net"
submit attacker@example.net "dev-request@$L" "$T/forged2.eml"
bleave=$(python3 -c 'import json,sys
print([m for m in json.load(open(sys.argv[1]))
    if m["address"] == "bernd@example.net"][0]["unsubscribe_address"])' \
    "$T/members.json")
forged=$(echo "$bleave" | sed 's/+\(.\)/+\1x/; s/x\(.\)\(.\)@/\2@/')
[ "$forged" != "$bleave" ] || fail "could not forge"
write_mail "$T/forged3.eml" "bernd@example.net" "$forged" "unsubscribe"
submit attacker@example.net "$forged" "$T/forged3.eml"
sub_quiet
is_member dev bernd@example.net || fail "a forged request unsubscribed bernd"
[ "$(count_to attacker@example.net)" -eq 0 ] || fail "the attacker got mail"
[ "$(count_to bernd@example.net)" -eq 1 ] || fail "bernd got more than one"
# (zoe's second use of her token above is the first refusal)
[ "$(grep -c 'unsubscribe token refused' "$T/state/herald.log")" -eq 2 ] ||
    fail "the forged token is not in the log"
note "ok: only bernd was asked (once); nothing to the attacker; bernd stays"

echo "no address in the list domain is asked to join"
write_mail "$T/ours.eml" "attacker@example.net" "dev-request@$L" "" \
    "subscribe address=nobody@$L"
submit attacker@example.net "dev-request@$L" "$T/ours.eml"
sub_quiet
grep -q "subscribe nobody@$L: refused, in a list domain" \
    "$T/state/herald.log" || fail "the list domain was not refused"
! herald pending ls dev | grep -q "nobody@" ||
    fail "a confirmation was opened for the list's own domain"
[ "$(count_to attacker@example.net)" -eq 0 ] || fail "the attacker got mail"
note "ok: refused and logged; nothing sent"

echo "commands to dev-request@: help, subscribe in the subject"
rm -f "$T"/mail/all/new/*
write_mail "$T/help.eml" "Olga <olga@example.org>" "dev-request@$L" "Re: help"
submit olga@example.org "dev-request@$L" "$T/help.eml"
wait_for olga@example.org 1
grep -q '^Subject: Help for the dev@lists.example.org' \
    "$(last_to olga@example.org)" || fail "no help"
write_mail "$T/sub.eml" "Olga <olga@example.org>" "dev-request@$L" \
    "subscribe" "subscribe

-- 
Olga
unsubscribe"
submit olga@example.org "dev-request@$L" "$T/sub.eml"
wait_for olga@example.org 2
grep -q 'Please confirm: join' "$(last_to olga@example.org)" ||
    fail "subscribe by command did not ask"
[ "$(db_q "SELECT count(*) FROM pending WHERE address = \
    'olga@example.org'")" -eq 1 ] || fail "not one open request"
tok=$(sed -n 's/^Reply-To: dev-confirm+\([a-z2-7]*\)@.*/\1/p' \
    "$(last_to olga@example.org)")
[ ${#tok} -eq 26 ] || fail "no token in the request"
write_mail "$T/confirm.eml" "Olga <olga@example.org>" "dev-request@$L" \
    "Commands" "CONFIRM $(echo "$tok" | tr a-z A-Z)"
submit olga@example.org "dev-request@$L" "$T/confirm.eml"
wait_for olga@example.org 3
is_member dev olga@example.org || fail "confirm TOKEN did not subscribe"
grep -q '^Subject: Welcome' "$(last_to olga@example.org)" || fail "welcome"
note "ok: help answered; subscribe asked once, the signature ignored;" \
    "\"CONFIRM TOKEN\" (any case) in the body confirmed"

echo "invitations, and pending ls/cancel"
herald member add dev "Ina <ina@example.net>" --invite | grep -q invited ||
    fail "no invitation"
wait_for ina@example.net 1
grep -q '^Subject: Invitation to the dev' "$(last_to ina@example.net)" ||
    fail "not an invitation"
rc=0; herald member add dev ina@example.net --invite 2>/dev/null || rc=$?
[ "$rc" -eq 75 ] || fail "a second invitation within a day: exit $rc"
herald pending ls dev | grep -q 'subscribe .*invite .*ina@example.net' ||
    fail "pending ls does not show the invitation"
herald pending cancel dev ina@example.net | grep -q cancelled ||
    fail "not cancelled"
to=$(sub_py reply "$(last_to ina@example.net)" ina@example.net \
    "$T/reply.eml")
submit ina@example.net "$to" "$T/reply.eml"
wait_for ina@example.net 2
! is_member dev ina@example.net || fail "a cancelled invitation worked"
note "ok: invited, shown, cancelled; the cancelled token confirms nothing"

echo "an auto-responder answering a confirmation request: no loop"
rm -f "$T"/mail/all/new/*
write_mail "$T/away.eml" "away@example.com" "dev-join@$L" "subscribe"
submit away@example.com "dev-join@$L" "$T/away.eml"
wait_for away@example.com 1
to=$(sub_py reply "$(last_to away@example.com)" away@example.com \
    "$T/auto.eml" auto)
submit away@example.com "$to" "$T/auto.eml"
sub_quiet
[ "$(count_to away@example.com)" -eq 1 ] || fail "an auto-reply was answered"
! is_member dev away@example.com || fail "an auto-reply confirmed"
grep -q 'ignored: it is marked Auto-Submitted' "$T/state/herald.log" ||
    fail "not logged"
note "ok: an RFC 3834 auto-reply is neither answered nor taken as consent"
# A responder that marks nothing and answers the From of everything it
# gets: it answers each new message until nothing new comes.
answered=0
for round in 1 2 3 4 5 6; do
	new=0
	for f in $(mailbox away@example.com | xargs -r ls -tr); do
		grep -q "^X-Answered" "$f" && continue
		echo "X-Answered: yes" >> "$f"
		to=$(sub_py reply "$f" away@example.com "$T/auto.eml" \
		    plain-auto)
		submit away@example.com "$to" "$T/auto.eml"
		new=$((new + 1))
	done
	[ $new -eq 0 ] && break
	answered=$((answered + new))
	sub_quiet
done
[ $new -eq 0 ] || fail "still answering after 6 rounds: a loop"
[ "$(count_to away@example.com)" -le 2 ] ||
    fail "$(count_to away@example.com) messages to the responder"
note "ok: an unmarked responder got $(count_to away@example.com) messages" \
    "and gave $answered answers, then it stopped"
echo "PASS"
