# tests/e2e/sublib.sh: what the tests of subscribing and unsubscribing
# share (issue 3).  Sourced after lib.sh.

sub_py() {
	python3 "$E2E/subcheck.py" "$@"
}

# A query on Herald's database, as the user Herald runs as (so that no
# file of the database comes to belong to root).
db_q() {
	setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
	    sqlite3 "$T/state/herald.db" "$1"
}

# How many messages were delivered to an address.
count_to() {
	mailbox "$1" | grep -c . || true
}

# The newest message delivered to an address.
last_to() {
	local f
	f=$(mailbox "$1" | xargs -r ls -t | head -n 1)
	[ -n "$f" ] || fail "no mail to $1"
	echo "$f"
}

# Waits until nothing moves: no mail in Postfix's queue, nothing of
# Herald's waiting (posts, its own mail, service mail not yet handled).
sub_quiet() {
	local i
	for i in $(seq 1 300); do
		if queue_empty && [ "$(herald queue --json)" = "[]" ] &&
		    [ "$(db_q "SELECT (SELECT count(*) FROM outmail WHERE \
		    state = 'queued') + (SELECT count(*) FROM inbound WHERE \
		    state = 'new')")" = 0 ]; then
			sleep 0.5
			queue_empty && return 0
		fi
		sleep 0.2
	done
	fail "mail still moving after 60s"
}

# Waits until an address has n messages (and everything is quiet).
wait_for() {
	local addr=$1 n=$2 i
	for i in $(seq 1 300); do
		[ "$(count_to "$addr")" -ge "$n" ] && break
		sleep 0.2
	done
	sub_quiet
	[ "$(count_to "$addr")" -eq "$n" ] ||
	    fail "$addr has $(count_to "$addr") messages, expected $n"
}

is_member() {
	herald member ls "$1" --json | grep -qi "\"address\": \"$2\""
}

# A message as a member's mail program writes it:
#   write_mail FILE FROM TO SUBJECT [BODY]
write_mail() {
	{
		echo "From: $2"
		echo "To: $3"
		echo "Subject: $4"
		echo "Date: $(date -R)"
		echo "Message-ID: <$(date +%s%N).$RANDOM@client.test>"
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=us-ascii"
		echo
		printf '%s\n' "${5:-}"
	} > "$1"
}

# Submits as a client would, with the null envelope sender.
submit_null_sender() {
	swaks --server 127.0.0.1 --port "$PORT" --from '<>' --to "$1" \
	    --data "@$2" --silent 2 >/dev/null ||
	    fail "swaks could not submit $2 to $1"
}
