#!/bin/bash
# Issue 4: repeated failures cross the threshold and disable the member,
# who then stops receiving posts; the owners are told; once the mailbox
# works again, the next notice reaches the member, whose reply turns
# delivery back on; posts reach the member again.  herald member
# disable|enable does the same by hand.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
printf 'anna@example.com\nflaky@example.com\n' |
    make_list dev@lists.example.org --owner boss@example.com
# Two days of failures are enough here; notices come every few seconds.
# The posts come from a non-member: the list is open.
herald list set dev bounce_score_threshold=2 bounce_notice_interval=4s \
    bounce_notices=20 posting=open
herald list show dev | grep -q 'bounce_score_threshold *"2"' ||
    fail "list show does not show the setting"

n=0
post() {
	n=$((n + 1))
	sed "s/notes-0001/notes-10$n/; s/^Subject: .*/Subject: post $n/" \
	    "$E2E/data/post-plain.eml" > "$T/post$n.eml"
	submit poster@example.org dev@lists.example.org "$T/post$n.eml"
}

# The messages in one member's mailbox whose Subject says text.
got() {
	local f
	for f in $(mailbox "$1"); do
		grep -l "^Subject: .*$2" "$f" || true
	done
}

# Scores count once a day: the test moves the member's last counted day
# back by one, as a day passing would.
a_day_passes() {
	db "UPDATE bounce_member SET day = day - 1, last_at = last_at - 86400"
}

echo "flaky's mailbox refuses mail: two days of failures"
refuse flaky@example.com
post
wait_db "SELECT count(*) FROM bounce_event WHERE event = 'hard'" 1
post		# the same day: on record, not counted again
wait_db "SELECT count(*) FROM bounce_event WHERE event = 'hard'" 2
[ "$(db "SELECT score FROM bounce_member")" = 1.0 ] ||
    fail "two failures on one day counted twice"
[ "$(db "SELECT count(*) FROM member WHERE disabled IS NOT NULL")" -eq 0 ] ||
    fail "disabled below the threshold"
a_day_passes
post
wait_db "SELECT disabled FROM member WHERE address = 'flaky@example.com'" \
    bounces
wait_delivered 4	# anna's three posts, boss's notice
f=$(got boss@example.com 'delivery to flaky@example.com disabled')
[ -n "$f" ] || fail "the owner was not told"
grep -q 'herald member enable dev@lists.example.org flaky@example.com' $f ||
    fail "the owner's notice does not say how to enable"
! grep -q 'anna@example.com' $f || fail "the owner's notice names anna"
[ -z "$(mailbox flaky@example.com)" ] || fail "flaky got mail"
herald member show dev flaky@example.com |
    grep -q '^delivery *disabled: bounces' ||
    fail "member show does not say delivery is disabled"
herald bounces dev |
    grep -q '^flaky@example.com .* 2.0 .*disabled (bounces), 1 notice' ||
    fail "herald bounces does not show the member disabled"
note "ok: disabled at the threshold, the owner told"

echo "the mailbox works again: the next notice reaches flaky, posts do not"
accept flaky@example.com
wait_quiet
rm -f "$T"/mail/all/new/*
due=$(db "SELECT next_notice FROM bounce_member")
while [ "$(date +%s)" -le "$due" ]; do sleep 0.5; done
post		# its delivery run sends the notice that is due
wait_delivered 2
[ -n "$(got anna@example.com "post $n")" ] || fail "anna did not get post $n"
[ -z "$(got flaky@example.com "post")" ] || fail "disabled flaky got a post"
[ "$(herald list show dev --json | python3 -c 'import json,sys
print(json.load(sys.stdin)["receiving"])')" -eq 1 ] ||
    fail "list show counts flaky as receiving"
notice=$(got flaky@example.com 'to you are on hold')
[ "$(echo "$notice" | grep -c .)" -eq 1 ] || fail "flaky got no notice"
grep -q '^Auto-Submitted: auto-generated' "$notice" || fail "not marked"
grep -q '^Return-Path: <>' "$notice" || fail "the notice has a sender"
grep -q 'reply to this message' "$notice" || fail "the notice says not how"
! grep -q 'anna@example.com' "$notice" || fail "the notice names anna"
note "ok: no posts for a disabled member; the notice reached it"

echo "flaky replies to the notice"
reply_to=$(grep -i '^Reply-To:' "$notice" |
    grep -o 'dev-bounces+[a-z2-7]*@lists.example.org')
[ -n "$reply_to" ] || fail "the notice has no Reply-To to answer"
cat > "$T/answer.eml" <<'MSG'
From: Flaky <flaky@example.com>
To: dev@lists.example.org
Subject: Re: Posts from dev@lists.example.org to you are on hold

My mailbox works again.
MSG
submit flaky@example.com "$reply_to" "$T/answer.eml"
wait_db "SELECT coalesce(disabled, 'enabled') FROM member WHERE
    address = 'flaky@example.com'" enabled
[ "$(db "SELECT source FROM bounce_event WHERE event = 'enabled'")" = reply ] ||
    fail "the enabling is not on record as the member's reply"
[ "$(db "SELECT score FROM bounce_member")" = 0.0 ] || fail "score kept"
note "ok: the reply turned delivery back on"

echo "posts reach flaky again"
wait_quiet
[ -n "$(got flaky@example.com 'to you are back on')" ] ||
    fail "flaky was not told"
rm -f "$T"/mail/all/new/*
post
wait_delivered 2
[ -n "$(got flaky@example.com "post $n")" ] || fail "flaky did not get post $n"
note "ok: flaky gets posts again"

echo "herald member disable and enable"
herald member disable dev anna@example.com | grep -q 'disabled' ||
    fail "member disable"
herald member disable dev anna@example.com 2>/dev/null &&
    fail "disabling twice is no error"
rm -f "$T"/mail/all/new/*
post
wait_delivered 1
[ -z "$(mailbox anna@example.com)" ] || fail "disabled anna got a post"
herald member enable dev anna@example.com >/dev/null
rm -f "$T"/mail/all/new/*
post
wait_delivered 2
[ -n "$(mailbox anna@example.com)" ] || fail "enabled anna got no post"
[ "$(db "SELECT count(*) FROM outmail WHERE rcpt = 'anna@example.com'")" \
    -eq 0 ] || fail "anna got notices for what the administrator did"
herald bounces dev --events | grep -q 'anna@example.com *admin  enabled' ||
    fail "the record does not show the administrator's change"
note "ok: disabled and enabled by hand"
echo "PASS"
