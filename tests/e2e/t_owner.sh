#!/bin/bash
# Mail to NAME-owner@ reaches each owner in an envelope of its own, from
# the list's bounce address; the writer learns no owner's address; mail
# carrying the list's loop marker is not passed on; a list without owners
# keeps the mail.  Exercises the service-mail path (stored, then handled)
# and Herald's own outgoing mail.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
echo anna@example.com | make_list dev@lists.example.org
herald owner add dev boss@example.com deputy@example.net >/dev/null
echo bernd@example.net | make_list quiet@lists.example.org

cat > "$T/q.eml" <<'MSG'
From: Stranger <stranger@example.org>
To: dev-owner@lists.example.org
Subject: A question for the owners
Message-ID: <q-1@example.org>

Who runs this list?
MSG
submit stranger@example.org dev-owner@lists.example.org "$T/q.eml"
wait_delivered 2
for o in boss@example.com deputy@example.net; do
	f=$(mailbox "$o")
	[ "$(echo "$f" | grep -c .)" -eq 1 ] || fail "$o: not one copy"
	grep -q '^Return-Path: <dev-bounces@lists.example.org>' "$f" ||
	    fail "$o: envelope sender is not the bounce address"
	grep -q 'Who runs this list?' "$f" || fail "$o: text lost"
	other=$([ "$o" = boss@example.com ] && echo deputy@example.net ||
	    echo boss@example.com)
	! grep -qi "$other" "$f" || fail "$o's copy names $other"
done
note "ok: each owner got one copy in an envelope of its own"
grep -q 'owner mail .* passed on to 2 owners' "$T/state/herald.log" ||
    fail "not logged"

rm -f "$T"/mail/all/new/*
sed 's/^Subject:.*/Subject: looped/; /^Message-ID/a X-Loop: dev@lists.example.org' \
    "$T/q.eml" > "$T/loop.eml"
submit stranger@example.org dev-owner@lists.example.org "$T/loop.eml"
submit stranger@example.org quiet-owner@lists.example.org "$T/q.eml"
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "looped or ownerless mail went out"
grep -q 'not passed on' "$T/state/herald.log" || fail "loop not logged"
grep -q 'no owner' "$T/state/herald.log" || fail "no-owner not logged"
note "ok: loop-marked mail and mail to an ownerless list stay put"
echo "PASS"
