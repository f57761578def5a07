#!/bin/bash
# The shared cases about what the list does to a post and who may post
# (../shared/cases/CASES.md), end to end through the private Postfix and
# the test bed's DNS server (NSD serving dns-stub.zone): 004, 005, 006,
# 008, 009, 010 (Reply-To policies), 015-1, 025, 027, 028.
source "$(dirname "$0")/lib.sh"
source "$E2E/casebed.sh"
testbed < /dev/null
case_lists
herald moderator add dev mod@example.org >/dev/null
FOOTER_U=$(printf -- '-- \ndev \xe2\x80\x93 Liste f\xc3\xbcr %s\n%s\n' \
    "Entwicklerinnen und Entwickler" "Abmelden: {{leave_address}}")
# dkim and dnspython are Debian's packages, for Debian's python3.
check_deb() {
	/usr/bin/python3 "$E2E/check.py" "$@"
}
list_set() {
	herald list set dev "$@"
}

echo "004: footer on; the PGP/MIME signed post is not touched inside"
list_set footer=yes
inject "$CASES/004-footer-vs-pgp-mime-signed.eml" dev@lists.example.org
wait_delivered $NDEV
check_py list_each_once "$T" "$T/dev-members.json"
check_py case004 "$T" "$CASES/004-footer-vs-pgp-mime-signed.eml" \
    "$CASES/004-footer-vs-pgp-mime-signed-pubkey.asc"
clear_mail

echo "005: FOOTER_U in the part's charset and encoding, in both alternatives"
printf 'Subject: (footer)\n\n%s\n' "$FOOTER_U" |
    herald list template dev footer --set - 2>/dev/null
inject "$CASES/005-footer-utf8-and-multipart-alternative-1.eml" \
    dev@lists.example.org
wait_delivered $NDEV
check_py case005_1 "$T" "$CASES/005-footer-utf8-and-multipart-alternative-1.eml"
clear_mail
inject "$CASES/005-footer-utf8-and-multipart-alternative-2.eml" \
    dev@lists.example.org
wait_delivered $NDEV
check_py case005_2 "$T" "$CASES/005-footer-utf8-and-multipart-alternative-2.eml"
clear_mail

echo "006: a mislabeled or legacy part is left alone; the footer is a part"
inject "$CASES/006-footer-mislabeled-or-legacy-charset-1.eml" \
    dev@lists.example.org
wait_delivered $NDEV
check_py list_each_once "$T" "$T/dev-members.json"
# Compared with the post as the MTA handed it over (swaks adds a line).
check_py case006 "$T" "$(last_spooled)" utf-8
clear_mail
inject "$CASES/006-footer-mislabeled-or-legacy-charset-2.eml" \
    dev@lists.example.org
wait_delivered $NDEV
check_py case006 "$T" "$(last_spooled)" iso-2022-jp
clear_mail

echo "007 with FOOTER_A: the patch stays 8bit, the footer after it"
herald list template dev footer --reset
inject "$CASES/007-8bit-patch-reencoded.eml" dev@lists.example.org
wait_delivered $NDEV
python3 - "$(last_spooled)" "$T/007-footer.eml" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
foot = (b'-- \ndev mailing list -- dev@lists.example.org\n'
        b'To unsubscribe send an email to dev-leave@lists.example.org\n')
open(sys.argv[2], 'wb').write(raw + foot)
PY
check_py case007 "$T" "$T/007-footer.eml"
clear_mail

echo "008: DMARC p=reject author: From rewritten, author in Reply-To"
list_set reply_to=as-sent
inject "$CASES/008-dmarc-reject-domain-post-1.eml" dev@lists.example.org
wait_delivered $NDEV
check_py dmarc_from "$T" "Juergen Beispiel"
check_py field_is "$T" Reply-To \
    "Juergen Beispiel <juergen@strict.example.net>"
python3 - "$T" <<'PY' || fail "the author's address is in From"
import glob, sys, email, email.policy
for p in glob.glob(sys.argv[1] + '/mail/all/new/*'):
    m = email.message_from_bytes(open(p, 'rb').read(),
                                 policy=email.policy.default)
    assert 'juergen@strict' not in str(m['From'])
PY
sqlite3 "$T/state/herald.db" "SELECT policy FROM dmarc_cache WHERE \
    domain = 'strict.example.net'" | grep -qx reject ||
    fail "the DMARC answer was not cached"
note "ok: the author's address is not in From; p=reject cached from DNS"
clear_mail
inject "$CASES/008-dmarc-reject-domain-post-2.eml" dev@lists.example.org
wait_delivered $NDEV
check_py field_is "$T" From "Anna Beispiel <anna@example.com>"
check_py field_is "$T" Reply-To -
clear_mail

echo "008 no-modify: prefix, footer and mitigation off; DKIM survives"
list_set subject_prefix= footer=no dmarc_mitigation=off
cp "$CASES/008-dmarc-reject-domain-post-1.eml" "$T/008.eml"
# The same post again within a day is a duplicate: the test forgets it.
sqlite3 "$T/state/herald.db" "UPDATE post SET digest = NULL"
inject "$T/008.eml" dev@lists.example.org
wait_delivered $NDEV
check_py field_is "$T" From "Juergen Beispiel <juergen@strict.example.net>"
check_deb dkim "$T" "$DNS_PORT" pass
clear_mail

echo "008 with dmarc_mitigation=no-modify: prefix and footer set, skipped"
list_set subject_prefix="[dev] " footer=yes dmarc_mitigation=no-modify
sqlite3 "$T/state/herald.db" "UPDATE post SET digest = NULL"
inject "$T/008.eml" dev@lists.example.org
wait_delivered $NDEV
check_py list_subject "$T" "Proposal: move CI to the new runners"
check_deb dkim "$T" "$DNS_PORT" pass
clear_mail
list_set footer=no dmarc_mitigation=from

echo "009: rewritten From is one mailbox, encoded; one Reply-To, one Cc"
inject "$CASES/009-dmarc-from-rewrite-encoding-1.eml" dev@lists.example.org
wait_delivered $NDEV
check_py dmarc_from "$T" "Jürgen Müller"
check_py field_has "$T" Reply-To jm.home@example.net
check_py field_has "$T" Cc anna@example.com
clear_mail
inject "$CASES/009-dmarc-from-rewrite-encoding-2.eml" dev@lists.example.org
wait_delivered $NDEV
check_py dmarc_from "$T" "Team Nord [Bücherei / Ortsgruppe]"
check_py hygiene "$T"
clear_mail

echo "009-1 with Reply-To to the list and the author in Cc: still one each"
list_set reply_to=list reply_to_keep_poster=no dmarc_author_in=cc
sqlite3 "$T/state/herald.db" "UPDATE post SET digest = NULL"
inject "$CASES/009-dmarc-from-rewrite-encoding-1.eml" dev@lists.example.org
wait_delivered $NDEV
check_py dmarc_from "$T" "Jürgen Müller"
check_py field_is "$T" Reply-To dev@lists.example.org
check_py field_has "$T" Cc juergen.mueller@strict.example.net
check_py field_has "$T" Cc anna@example.com
clear_mail
list_set dmarc_author_in=reply-to

echo "010-1: Reply-To forced to the list, then the poster's respected"
herald list set dev automatic_posts=hold
inject "$CASES/010-duplicate-single-instance-headers-1.eml" \
    dev@lists.example.org
wait_held 1
herald held approve "$(held_ids)" >/dev/null
wait_delivered $((NDEV + 1))	# and the moderator's notice
check_py hygiene "$T"
check_py field_is "$T" Reply-To dev@lists.example.org
clear_mail
list_set reply_to_keep_poster=yes
sqlite3 "$T/state/herald.db" "UPDATE post SET digest = NULL"
inject "$CASES/010-duplicate-single-instance-headers-1.eml" \
    dev@lists.example.org
wait_held 1
herald held approve "$(held_ids)" >/dev/null
wait_delivered $((NDEV + 1))
check_py hygiene "$T"
check_py field_is "$T" Reply-To "Anna Beispiel <anna.replies@example.com>"
clear_mail
list_set reply_to=as-sent automatic_posts=discard

echo "015-1: an out-of-office reply to the list is not distributed"
inject "$CASES/015-autoresponder-post-and-list-loop-1.eml" \
    dev@lists.example.org
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "015-1: something was sent"
herald queue --all | grep -q 'Auto-Submitted' || fail "015-1: no reason"
note "ok: discarded (automatic_posts=discard), nobody told, reason shown"

echo "025: no copy for bernd, addressed directly; To and Cc untouched"
list_set subject_prefix=
herald member set dev bernd@example.net skip_if_addressed=yes
inject "$CASES/025-cc-dedup-must-not-edit-cc.eml" dev@lists.example.org
wait_delivered $((NDEV - 1))
[ -z "$(mailbox bernd@example.net)" ] || fail "bernd got a list copy"
[ -z "$(mailbox olga@example.org)" ] || fail "olga got a copy"
check_py same_as_input "$T" "$CASES/025-cc-dedup-must-not-edit-cc.eml" To Cc
check_deb dkim "$T" "$DNS_PORT" pass
clear_mail
herald member set dev bernd@example.net skip_if_addressed=no
sqlite3 "$T/state/herald.db" "UPDATE post SET digest = NULL"
inject "$CASES/025-cc-dedup-must-not-edit-cc.eml" dev@lists.example.org
wait_delivered $NDEV
[ "$(mailbox bernd@example.net | wc -l)" -eq 1 ] ||
    fail "bernd (preference off) has not exactly one copy"
note "ok: with the preference off, bernd has exactly one copy"
clear_mail
list_set subject_prefix="[dev] "

echo "027: From is the list's own address: held, no notice to the list"
inject "$CASES/027-from-list-address-nonmember.eml" dev@lists.example.org
wait_held 1
wait_delivered 1
check_py notices "$T" mod@example.org 1 "held"
check_py only_to "$T" mod@example.org
herald held ls | grep -q 'not a member' || fail "027: wrong reason"
herald held discard "$(held_ids)" >/dev/null
clear_mail

echo "028: the size as received decides, before any fan-out"
list_set max_post_size=32k
inject "$CASES/028-oversize-post-encoded-size-1.eml" dev@lists.example.org
wait_held 1
wait_delivered 2
check_py not_delivered "$T" "$T/dev-members.json"
check_py notices "$T" heinz@example.net 1 "awaits a moderator"
check_py notices "$T" mod@example.org 1 "held"
herald held ls |
    grep -Eq 'larger \(3[0-9]{4} octets\) than the list takes \(32768\)' ||
    fail "028-1: wrong reason"
clear_mail
inject "$CASES/028-oversize-post-encoded-size-2.eml" dev@lists.example.org
wait_delivered $NDEV
check_py list_each_once "$T" "$T/dev-members.json"
check_py attachment_sha256 "$T" \
    46ee168f5f961dbf9ade4f2698622181b6528a60e4a6f4e6ba78e6d405e2f26b
clear_mail

echo "duplicates: the same post twice is sent once; a reused Message-ID is not"
inject "$CASES/028-oversize-post-encoded-size-2.eml" dev@lists.example.org
wait_quiet
[ "$(delivered_count)" -eq 0 ] || fail "a duplicate was distributed"
herald queue --all | grep -q 'the same post as post' || fail "no reason"
sed 's/^Subject: .*/Subject: Another post, same Message-ID/' \
    "$CASES/028-oversize-post-encoded-size-2.eml" > "$T/reuse.eml"
inject "$T/reuse.eml" dev@lists.example.org
wait_delivered $NDEV
note "ok: the duplicate was dropped; the different post was delivered"
echo "PASS"
