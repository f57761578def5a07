#!/bin/bash
# Issue 2, item 5: the administration CLI.  A bad list name, a malformed
# address, a duplicate, a bad import or setting: each gets one clear line
# on stderr and the documented exit code (README, "Exit codes"), and
# nothing is half-done.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
echo anna@example.com | make_list dev@lists.example.org

# expect CODE WHAT -- COMMAND...: the exit code, and one line on stderr
# when it is not 0.
expect() {
	local want=$1 what=$2 rc=0 lines
	shift 3
	"$@" > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
	    fail "$what: exit $rc, expected $want ($(head -c 300 "$T/err"))"
	lines=$(grep -c . "$T/err" || true)
	if [ "$want" -ne 0 ] && [ "$lines" -ne 1 ]; then
		fail "$what: $lines lines on stderr, expected one"
	fi
	if [ "$want" -ne 0 ]; then
		note "ok: $what: exit $rc, $(head -n 1 "$T/err")"
	else
		note "ok: $what: exit 0"
	fi
}
# import_rc FILE [OPTION]: runs an import, prints its exit code.  Each bad
# line has a line on stderr, and a summary follows.
import_rc() {
	local rc=0
	herald member import dev "$@" > "$T/out" 2> "$T/err" || rc=$?
	echo "$rc"
}
members() {
	herald member ls dev --json | grep -c '"address"' || true
}

echo "lists"
expect 64 "a bad list name" -- herald list create 'Bad Name@lists.example.org'
expect 64 "a list name ending in -owner" -- \
    herald list create x-owner@lists.example.org
expect 65 "a list that exists" -- herald list create dev@lists.example.org
expect 67 "no such list" -- herald member add nosuch anna@example.com
expect 64 "no such command" -- herald list frobnicate

echo "members"
expect 65 "a malformed address" -- herald member add dev 'not an address'
expect 65 "a duplicate, in another spelling" -- \
    herald member add dev ANNA@Example.com
expect 65 "an address in the list domain" -- \
    herald member add dev someone@lists.example.org
expect 0 "a good address" -- herald member add dev bernd@example.net
[ "$(members)" -eq 2 ] || fail "members: $(members), expected 2"

echo "import: all or nothing, unless --skip-bad"
printf 'chloe@example.org\nno address here\ndev-owner@lists.example.org\n' \
    > "$T/bad.txt"
rc=$(import_rc "$T/bad.txt")
[ "$rc" -eq 65 ] || fail "an import with bad lines: exit $rc, expected 65"
grep -q '^line 2: ' "$T/err" && grep -q '^line 3: ' "$T/err" ||
    fail "the bad lines are not named: $(cat "$T/err")"
grep -q 'nothing imported' "$T/err" || fail "no summary: $(cat "$T/err")"
[ "$(members)" -eq 2 ] || fail "a bad import added members"
rc=$(import_rc "$T/bad.txt" --skip-bad)
[ "$rc" -eq 65 ] || fail "--skip-bad with bad lines: exit $rc, expected 65"
grep -q '^line 3: ' "$T/err" || fail "line 3 is not named"
grep -q '1 added, 0 already present, 2 rejected' "$T/out" ||
    fail "--skip-bad did not say what it did: $(cat "$T/out")"
[ "$(members)" -eq 3 ] || fail "--skip-bad did not add the good line"
note "ok: nothing imported with bad lines;" \
    "--skip-bad takes the good ones, exit 65"

echo "settings: checked before anything is stored"
expect 0 "a good setting" -- herald list set dev held_expiry=3d
expect 64 "held_expiry=0" -- herald list set dev held_expiry=0
expect 64 "a reply_to_address that is no address" -- \
    herald list set dev reply_to=address reply_to_address=nobody
expect 64 "an unknown setting" -- herald list set dev no_such_key=1
herald list show dev | grep -q 'held_expiry *"3d"' ||
    fail "a refused setting changed held_expiry"
herald list show dev | grep -q 'reply_to  *"as-sent"' ||
    fail "a refused setting changed reply_to (not one transaction)"
note "ok: refused settings changed nothing"
echo PASS
