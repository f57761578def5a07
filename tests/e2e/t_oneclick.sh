#!/bin/bash
# Issue 3, RFC 8058: each copy's https link, answered by `herald serve`.
# A POST of List-Unsubscribe=One-Click (curl) removes exactly that member
# at once; a GET (and HEAD) only shows a page and changes nothing; the
# page's button works in a real browser (headless Chromium); forged,
# used and revoked tokens are refused.
source "$(dirname "$0")/lib.sh"
source "$E2E/sublib.sh"
source "$E2E/members-json.sh"
for tool in curl chromium chromedriver; do
	command -v "$tool" >/dev/null || fail "$tool is missing (see .ci/run)"
done
WEB=https://lists.example.org/herald
SPORT=$(free_port)
testbed <<CONF
web_url = "$WEB/"
serve_address = "127.0.0.1"
serve_port = $SPORT
CONF
printf '%s\n' anna@example.com bernd@example.net chloe@example.org \
    dmitri@example.com | make_list dev@lists.example.org
herald sender accept dev poster@example.org >/dev/null

SERVE_PID=""
stop_serve() {
	if [ -n "$SERVE_PID" ]; then
		kill "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
		SERVE_PID=""
	fi
}
# Started directly (not through the herald function), so that $! is the
# server itself; its output goes to the log, not into the test's pipe.
setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
    "$HERALD" -c "$T/herald.conf" serve </dev/null >/dev/null 2>&1 &
SERVE_PID=$!
# cleanup reads the test's exit status from $?: keep it (and let no
# failing step of the trap end it early under set -e).
trap 'rc=$?; set +e; stop_serve; (exit $rc); cleanup' EXIT
for i in $(seq 1 50); do
	ss -Hltn "sport = :$SPORT" | grep -q . && break
	sleep 0.1
done
ss -Hltn "sport = :$SPORT" | grep -q . || fail "herald serve is not listening"

# What the web server in front of herald serve does: the https link's
# path, over plain HTTP on the loopback.
local_url() {
	echo "http://127.0.0.1:$SPORT${1#https://lists.example.org}"
}
http() {
	curl -s -o "$T/body.html" -w '%{http_code}' "$@"
}
members() {
	herald member ls dev --json | grep -o '"address": "[^"]*"' |
	    sed 's/.*: "//; s/"//' | tr '\n' ' '
}

echo "a post: every copy has the member's own one-click link"
members_json dev "$T/members.json"
write_mail "$T/post.eml" "Poster <poster@example.org>" \
    dev@lists.example.org "Mirror list updated" "Two new mirrors."
submit poster@example.org dev@lists.example.org "$T/post.eml"
wait_delivered 4
sub_py list_copies "$T" "$T/members.json" "$WEB"
url() {
	local_url "$(sub_py unsub "$(last_to "$1")" https)"
}
B=$(url bernd@example.net)
C=$(url chloe@example.org)
D=$(url dmitri@example.com)

echo "GET and HEAD show a page and change nothing"
before=$(members)
for i in 1 2 3; do
	[ "$(http "$B")" = 200 ] || fail "GET: $(cat "$T/body.html")"
done
grep -q '<form method="post">' "$T/body.html" || fail "no form"
grep -q 'name="List-Unsubscribe" value="One-Click"' "$T/body.html" ||
    fail "the form does not post the one-click body"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$B")" = 200 ] ||
    fail "HEAD"
[ "$(http -X POST -d 'List-Unsubscribe=Maybe' "$B")" = 400 ] ||
    fail "a POST without the one-click body was accepted"
[ "$(members)" = "$before" ] ||
    fail "GET, HEAD or a bad POST changed: $(members)"
note "ok: 3 GETs, a HEAD and a bad POST: 200, 200, 400; members unchanged"

echo "POST List-Unsubscribe=One-Click removes exactly that member"
rm -f "$T"/mail/all/new/*
code=$(http -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
    --data 'List-Unsubscribe=One-Click' "$B")
[ "$code" = 200 ] || fail "POST: $code $(cat "$T/body.html")"
grep -q 'unsubscribed from the mailing list' "$T/body.html" ||
    fail "the answer does not say so"
[ "$(members)" = "anna@example.com chloe@example.org dmitri@example.com " ] ||
    fail "members now: $(members)"
wait_for bernd@example.net 1
grep -q '^Subject: You have left' "$(last_to bernd@example.net)" ||
    fail "no farewell"
[ "$(http -X POST --data 'List-Unsubscribe=One-Click' "$B")" = 404 ] ||
    fail "a used link was accepted"
grep -q 'not valid' "$T/body.html" || fail "no clear refusal"
note "ok: bernd removed, nobody else; one farewell; the used link refused"

echo "forged and revoked tokens are refused"
F=${C%??}$( [ "${C: -2:1}" = a ] && echo b || echo a )${C: -1}
[ "$F" != "$C" ] || fail "could not forge"
[ "$(http "$F")" = 404 ] || fail "GET of a forged link"
[ "$(http -X POST --data 'List-Unsubscribe=One-Click' "$F")" = 404 ] ||
    fail "POST of a forged link"
herald member revoke dev chloe@example.org >/dev/null
[ "$(http -X POST --data 'List-Unsubscribe=One-Click' "$C")" = 404 ] ||
    fail "POST of a revoked link"
is_member dev chloe@example.org || fail "chloe was removed"
NEW=$(local_url "$(herald member show dev chloe@example.org --json |
    python3 -c 'import json, sys
print(json.load(sys.stdin)["unsubscribe_url"])')")
[ "$NEW" != "$C" ] || fail "revoke did not change the link"
[ "$(http "$NEW")" = 200 ] || fail "the new link does not work"
[ "$(http "http://127.0.0.1:$SPORT/")" = 404 ] || fail "/"
note "ok: forged and revoked links 404; chloe stays; her new link works"

echo "the page's button in headless Chromium"
python3 "$E2E/browser.py" "$D" | tee "$T/browser.out"
grep -q "after the click: 'Unsubscribed'" "$T/browser.out" ||
    fail "the button did not unsubscribe"
! is_member dev dmitri@example.com || fail "dmitri is still a member"
[ "$(members)" = "anna@example.com chloe@example.org " ] ||
    fail "members now: $(members)"
note "ok: the button's POST unsubscribed dmitri, and only him"

grep -q 'serve: bernd@example.net unsubscribed from dev@[^ ]* by one-click' \
    "$T/state/herald.log" || fail "not logged"
tok=$(basename "$B")
! grep -q "$tok" "$T/state/herald.log" || fail "a token is in the log"
stop_serve
echo "PASS"
