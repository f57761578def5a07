#!/bin/bash
# Issue 2: mail to the list's service addresses is taken from the MTA,
# stored and logged, never distributed; an address no list has is refused,
# so the MTA bounces it to the sender.  (Since issue 3 the robot answers
# the "subscribe" below: what reaches a mailbox may only be Herald's own
# mail to the sender, never list mail.)
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
printf 'anna@example.com\nbernd@example.net\n' | make_list dev@lists.example.org

cat > "$T/cmd.eml" <<'MSG'
From: Someone <someone@example.org>
Subject: subscribe

subscribe
MSG
for addr in dev-request dev-owner dev-join dev-leave dev-subscribe \
    dev-unsubscribe dev-confirm+abc dev-bounces dev-bounces+xyz; do
	submit someone@example.org "$addr@$LIST_DOMAIN" "$T/cmd.eml"
done
wait_quiet
for f in $(ls "$T"/mail/all/new/* 2>/dev/null); do
	grep -qix 'Delivered-To: someone@example.org'$'\r''\?' "$f" ||
	    fail "mail to someone other than the sender: $f"
	! grep -qi '^List-Id:' "$f" || fail "service mail was distributed"
	grep -qi '^Auto-Submitted: auto-replied' "$f" ||
	    fail "an answer without Auto-Submitted: $f"
done
[ "$(grep -c ' mail [0-9]* for dev@lists.example.org from <someone@example.org>: ' \
    "$T/state/herald.log")" -eq 9 ] || fail "service mail was not logged"
[ "$(sqlite3 "$T/state/herald.db" "SELECT count(*) FROM inbound WHERE \
    state = 'done'")" -eq 9 ] || fail "service mail was not stored"

grep -q 'to=<dev-confirm+abc@lists.example.org>.*status=sent' \
    "$PF/maillog" || fail "Postfix did not see the mail taken"
note "ok: 9 service addresses: taken, stored, logged, not distributed"

submit someone@example.org "nosuchlist@$LIST_DOMAIN" "$T/cmd.eml"
wait_quiet
grep -q 'to=<nosuchlist@lists.example.org>.*status=bounced.*no list has this address' \
    "$PF/maillog" ||
    fail "an unknown list address was not bounced"
note "ok: unknown address bounced (exit 67) with a clear reason"
echo "PASS"
