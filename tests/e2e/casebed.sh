# The test bed of ../shared/cases/CASES.md: lists dev and users on
# lists.example.org, with their members.
CASES="$SHARED/cases"
DEV_MEMBERS="anna@example.com bernd@example.net chloe@example.org
    dmitri@example.com erik@example.net frida@example.com gerda@example.org
    heinz@example.net zoe@example.com k.yamada@example.net
    ci@build.example.com juergen@strict.example.net
    juergen.mueller@strict.example.net team.nord@strict.example.net
    jane.doe@strict.example.net"
USERS_MEMBERS="chloe@example.org erik@example.net"
NDEV=15

case_lists() {
	local a
	for a in $DEV_MEMBERS; do echo "$a"; done |
	    make_list dev@lists.example.org --prefix "[dev] "
	for a in $USERS_MEMBERS; do echo "$a"; done |
	    make_list users@lists.example.org --prefix "[users] "
	echo "[$(for a in $DEV_MEMBERS $USERS_MEMBERS; do
		printf '{"address": "%s"},' "$a"; done | sed 's/,$//')]" \
	    > "$T/case-members.json"
	echo "[$(for a in $DEV_MEMBERS; do
		printf '{"address": "%s"},' "$a"; done | sed 's/,$//')]" \
	    > "$T/dev-members.json"
}

# Injects a case file as the MTA would receive it: over SMTP, envelope
# sender taken from its Return-Path (or From).
inject() {
	local file=$1 rcpt=$2 sender
	sender=$(sed -n '1,/^\r\?$/s/^Return-Path: *<\(.*\)>.*/\1/p' "$file" |
	    head -n 1)
	[ -n "$sender" ] || sender=postmaster@example.org
	submit "$sender" "$rcpt" "$file"
}
