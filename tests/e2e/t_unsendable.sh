#!/bin/bash
# An address that no envelope may carry ("a,b"@example.com is legal RFC
# 5321, and could smuggle a second recipient into a careless SMTP client)
# is refused where addresses come in.  One already stored (by an older
# Herald) must fail for good at its own copy, not stop every delivery run
# there: list mail and Herald's own mail queued behind it still go out.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
printf 'anna@example.com\nbernd@example.net\n' |
    make_list dev@lists.example.org
herald owner add dev boss@example.com > /dev/null
herald list set dev posting=open
bad='"x,y"@example.com'

echo "refused at the door"
rc=0; herald member add dev "$bad" 2> "$T/err" || rc=$?
[ "$rc" -eq 65 ] || fail "member add took $bad (exit $rc)"
note "ok: member add: $(cat "$T/err")"

echo "stored anyway (as an older Herald did): the post still goes out"
db "INSERT INTO member (list_id, address, addr_key, created)
    SELECT id, '$bad', '$bad', 0 FROM list WHERE name = 'dev'"
submit poster@example.org dev@lists.example.org "$E2E/data/post-plain.eml"
wait_delivered 2
wait_db "SELECT count(*) FROM delivery" 0
[ "$(db "SELECT count(*) FROM failure f JOIN member m ON m.id = f.member_id
    WHERE m.address = '$bad' AND f.kind = 'hard'")" -eq 1 ] ||
    fail "the unsendable copy is not recorded as a hard failure"
note "ok: 2 copies delivered; the third recorded as a hard failure"

echo "Herald's own mail queued behind an unsendable notice still goes"
clear_mail
mkdir -p "$T/state/spool/out"
printf 'From: dev-owner@lists.example.org\nSubject: x\n\nx\n' \
    > "$T/state/spool/out/stale.eml"
chown "$RUN_AS:$RUN_GROUP" "$T/state/spool/out/stale.eml"
db "INSERT INTO outmail (kind, rcpt, mailbox, sender, spool, created)
    VALUES ('notice', '$bad', '$bad', '', 'stale.eml', 0)"
cat > "$T/q.eml" <<'MSG'
From: Stranger <stranger@example.org>
To: dev-owner@lists.example.org
Subject: A question for the owners
Message-ID: <q-unsendable@example.org>

Who runs this list?
MSG
submit stranger@example.org dev-owner@lists.example.org "$T/q.eml"
wait_delivered 1
grep -q 'Who runs this list?' "$(mailbox boss@example.com)" ||
    fail "the owner did not get the mail queued behind the bad notice"
wait_db "SELECT state FROM outmail WHERE rcpt = '$bad'" failed
note "ok: the owner got the mail; the unsendable notice is failed"
echo PASS
