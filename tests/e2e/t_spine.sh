#!/bin/bash
# Issue 2, the spine: a post submitted by a mail client (swaks) to a real
# Postfix reaches every member once, as its own transaction, from that
# member's bounce address, with the list's fields, and nothing of any
# other member.
source "$(dirname "$0")/lib.sh"
source "$E2E/members-json.sh"
testbed < /dev/null

{
	for i in $(seq 1 26); do
		printf 'member%02d@example.com,Member Number %02d\n' $i $i
	done
	echo "anna@example.com,Anna Beispiel"
	echo "bernd@example.net"
	echo "quiet1@example.net,Quiet One"
	echo "quiet2@example.org"
} | make_list dev@lists.example.org
# Members-only posting is the default (issue 6); this test is about the
# spine, and its first post comes from a non-member: the list is open.
herald list set dev posting=open
herald member set dev quiet1@example.net mode=nomail
herald member set dev quiet2@example.org mode=nomail
members_json dev "$T/members.json"

echo "a post from a non-member"
submit poster@example.org dev@lists.example.org "$E2E/data/post-plain.eml"
wait_delivered 28
check_py spine "$T" "$T/members.json" dev@lists.example.org \
    quiet1@example.net,quiet2@example.org poster@example.org \
    "$(last_spooled)"

echo "a post from a member: only the author's own address is in it"
rm -f "$T"/mail/all/new/*
sed -e 's/Poster Person <poster@example.org>/Anna Beispiel <anna@example.com>/' \
    -e 's/notes-0001/notes-0002/' "$E2E/data/post-plain.eml" > "$T/anna.eml"
submit anna@example.com dev@lists.example.org "$T/anna.eml"
wait_delivered 28
check_py spine "$T" "$T/members.json" dev@lists.example.org \
    quiet1@example.net,quiet2@example.org anna@example.com \
    "$(last_spooled)"

herald queue --all | grep -q 'done' || fail "queue does not show done posts"
echo "PASS"
