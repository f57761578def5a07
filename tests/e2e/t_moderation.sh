#!/bin/bash
# Issue 6: holding, deciding by reply and on the command line, through
# the private Postfix.  A non-member's post is held; the moderator (only
# the moderator) gets a notice with reason, sender, subject and first
# lines; the poster hears once a day that it waits; a reply "approve" to
# the notice sends it on, "reject REASON" tells the poster the reason,
# "always" also accepts the sender; a reply from someone who is no
# moderator decides nothing; held posts expire.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
printf 'anna@example.com\nbernd@example.net\n' |
    make_list dev@lists.example.org
herald moderator add dev mod@example.org >/dev/null
herald owner add dev boss@example.com >/dev/null
echo '[{"address": "anna@example.com"}, {"address": "bernd@example.net"}]' \
    > "$T/members.json"

post() {	# post FROM SUBJECT FILE
	cat > "$3" <<MSG
From: Stranger <$1>
To: dev@lists.example.org
Subject: $2
Message-ID: <$(echo "$2" | tr -c 'a-z0-9' '-')@example.net>

First line of "$2".
Second line.
MSG
	submit "$1" dev@lists.example.org "$3"
}

reply() {	# reply FROM TOKEN-ADDRESS TEXT
	printf 'From: %s\nTo: %s\nSubject: Re: held\n\n%s\n\n> the notice\n' \
	    "$1" "$2" "$3" > "$T/reply.eml"
	submit "$1" "$2" "$T/reply.eml"
}

echo "a non-member's post is held; the moderator and the poster are told"
post stranger@example.net "Question one" "$T/p1.eml"
wait_held 1
wait_delivered 2
check_py not_delivered "$T" "$T/members.json"
check_py notices "$T" mod@example.org 1 "held"
check_py notices "$T" stranger@example.net 1 "awaits a moderator"
check_py only_to "$T" mod@example.org,stranger@example.net
check_py body_contains "$T" mod@example.org "not a member"
check_py body_contains "$T" mod@example.org "stranger@example.net"
check_py body_contains "$T" mod@example.org 'First line of "Question one"'
check_py body_contains "$T" stranger@example.net "Question one"
grep -qi 'anna@\|bernd@\|boss@' "$T"/mail/all/new/* &&
    fail "a notice names a member or an owner"
note "ok: no notice names a member or an owner"
check_py reply_to_token "$T" mod@example.org "$T/token1"
clear_mail

echo "a second post the same day: held, no second notice to the poster"
post stranger@example.net "Question two" "$T/p2.eml"
wait_held 2
wait_delivered 1
check_py notices "$T" mod@example.org 1 "held"
check_py reply_to_token "$T" mod@example.org "$T/token2"
clear_mail

echo "approve by replying to the notice"
reply mod@example.org "$(cat "$T/token1")" "Approve"
wait_delivered 2
check_py each_once "$T" "$T/members.json"
check_py subject "$T" "[dev] Question one"
[ "$(held_ids)" = "$(sed -n 2p <<< "$(herald queue --all --json |
    python3 -c 'import json,sys
for p in json.load(sys.stdin): print(p["post"])')")" ] ||
    fail "post 2 is not the one still held"
grep -q 'owner mail .*post 1 approved' "$T/state/herald.log" ||
    fail "the decision is not logged"
clear_mail

echo "a reply from someone who is no moderator decides nothing"
reply anna@example.com "$(cat "$T/token2")" "approve"
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "a member's reply approved a post"
[ "$(held_ids | wc -l)" -eq 1 ] || fail "post 2 is no longer held"
grep -q 'ignored: post 2: the reply is not from a moderator' \
    "$T/state/herald.log" || fail "not logged"
note "ok: still held, and the log says why"

echo "reject by reply, with a reason for the poster (the token upper-cased,"
echo "as an MTA that folds local parts would pass it)"
reply mod@example.org "$(sed 's/+\([^@]*\)@/+\U\1@/' "$T/token2")" \
    "reject: Off topic here, sorry."
wait_delivered 1
check_py notices "$T" stranger@example.net 1 "not accepted"
check_py body_contains "$T" stranger@example.net "Off topic here, sorry."
check_py not_delivered "$T" "$T/members.json"
[ -z "$(held_ids)" ] || fail "post 2 is still held"
herald queue --all | grep -q 'rejected by a moderator' ||
    fail "the queue does not say why"
clear_mail

echo "a used token decides nothing more"
reply mod@example.org "$(cat "$T/token1")" "approve"
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "post 1 went out twice"
grep -q 'ignored: post 1: post 1 was approved already' \
    "$T/state/herald.log" || fail "not logged"
note "ok: nothing sent"

echo "discard on the command line: nobody is told"
post stranger@example.net "Question three" "$T/p3.eml"
wait_held 1
clear_mail
herald held discard "$(held_ids)" >/dev/null
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "a discard told someone"
note "ok: discarded, nothing sent"

echo "always: approved, and the sender is accepted from now on"
post stranger@example.net "Question four" "$T/p4.eml"
wait_held 1
wait_delivered 1	# the moderator's notice; no held notice today
check_py reply_to_token "$T" mod@example.org "$T/token4"
clear_mail
reply mod@example.org "$(cat "$T/token4")" "always"
wait_delivered 2
check_py subject "$T" "[dev] Question four"
herald sender ls dev | grep -q 'accept *stranger@example.net' ||
    fail "the sender was not accepted"
clear_mail
post stranger@example.net "Question five" "$T/p5.eml"
wait_delivered 2
check_py subject "$T" "[dev] Question five"
clear_mail

echo "held posts expire, by the running daemon when their time is up"
herald list set dev held_expiry=2s
herald deliver --daemon --quiet &
daemon=$!
post late@example.org "Too late" "$T/p6.eml"
wait_quiet
grep -q 'post 6 held: the sender is not a member' "$T/state/herald.log" ||
    fail "post 6 was not held"
# The daemon would otherwise look again only after five idle minutes.
for i in $(seq 1 100); do
	herald queue --all | grep -q 'nobody decided about it in time' &&
	    break
	sleep 0.2
done
herald queue --all | grep -q 'nobody decided about it in time' ||
    fail "the daemon did not expire the post"
herald held ls | grep -q 'no post is held' || fail "post did not expire"
kill "$daemon"
wait "$daemon" 2>/dev/null || true
note "ok: expired and discarded"
clear_mail

echo "announce list: others are refused with a notice, once a day"
herald list set dev posting=announce held_expiry=14d
herald sender accept dev boss@example.com >/dev/null
post bernd@example.net "Not an announcer" "$T/p7.eml"
post bernd@example.net "Not an announcer again" "$T/p8.eml"
wait_delivered 1
check_py notices "$T" bernd@example.net 1 "not accepted"
check_py body_contains "$T" bernd@example.net "announcers"
clear_mail
post boss@example.com "An announcement" "$T/p9.eml"
wait_delivered 2
check_py subject "$T" "[dev] An announcement"

echo "moderated list: every post is held, members' too"
clear_mail
herald list set dev posting=moderated
post anna@example.com "A member's post" "$T/p10.eml"
wait_held 1
herald held ls | grep -q 'the list is moderated' || fail "wrong reason"
herald held approve "$(held_ids)" >/dev/null
wait_delivered 4	# moderator notice, held notice, 2 copies
check_py list_each_once "$T" "$T/members.json"
check_py notices "$T" anna@example.com 1 "awaits a moderator"
echo "limits: too many recipients, a program attached: held"
clear_mail
herald list set dev posting=members max_recipients=2
printf 'From: anna@example.com\nTo: dev@lists.example.org\nCc: a@example.org, b@example.org\nSubject: Many\nMessage-ID: <many@example.com>\n\nhi\n' \
    > "$T/many.eml"
submit anna@example.com dev@lists.example.org "$T/many.eml"
cat > "$T/exe.eml" <<'MSG'
From: anna@example.com
To: dev@lists.example.org
Subject: Tool
Message-ID: <exe@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

Run this.
--b
Content-Type: application/octet-stream; name="setup.exe"
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA
--b--
MSG
submit anna@example.com dev@lists.example.org "$T/exe.eml"
wait_held 2
herald held ls | grep -q 'addressed to 3 people' || fail "no recipient limit"
herald held ls | grep -q 'a program (setup.exe)' || fail "no exe hold"
note "ok: both held, with their reasons"
echo "PASS"
