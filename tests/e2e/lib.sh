# tests/e2e/lib.sh: the test bed, sourced by every end-to-end test.
#
# A private Postfix (its own configuration, queue and mailboxes under a
# temporary folder, listening on a loopback port only; the machine's own
# Postfix is never touched) whose transport pipes the list domain into
# `herald receive` and whose virtual mailbox domains deliver members' mail
# into maildirs.  Herald relays through that same Postfix.
#
# Needs root (Postfix's master runs as root; herald runs as nobody under
# pipe(8)).  $HERALD is the binary under test.

set -eu

: "${HERALD:?HERALD must name the herald binary}"
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARED=${HERALD_SHARED:-$(cd "$E2E/../../.." && pwd)/shared}
LIST_DOMAIN=lists.example.org
MEMBER_DOMAINS="example.com example.net example.org strict.example.net
    build.example.com forwarder.example.org"
RUN_AS=nobody
RUN_GROUP=nogroup

T=""
PF=""
PORT=""
DNS_PORT=""

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "  $*"
}

# Ports handed out by free_port in this test, one per line.  It is called
# in $(...), a subshell, so what it has given out must live in a file.
PORTS_TAKEN=$(mktemp /tmp/herald-e2e-ports.XXXXXX)

# A port on 127.0.0.1 for a listener of the bed: used by no socket at all,
# TCP or UDP, in any state (nsd binds both), not handed out before in this
# test, and below the kernel's ephemeral range.  The last matters: every
# outgoing connection (Postfix to a sink, Herald to Postfix) takes its
# local port from that range, and a port picked there while free can be
# taken by a client before the listener binds it ("Address already in
# use", seen in CI as nsd failing to start).
free_port() {
	local low p
	read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
	[ "$low" -gt 12000 ] || fail "the bed takes ports from 10000 up to the" \
	    "ephemeral range, which here starts at $low"
	while :; do
		p=$((10000 + RANDOM % (low - 10000)))
		port_in_use "$p" && continue
		grep -qx "$p" "$PORTS_TAKEN" && continue
		echo "$p" >> "$PORTS_TAKEN"
		echo "$p"
		return
	done
}

# Whether any socket, TCP or UDP, in any state, has local port $1.  A
# TIME-WAIT left by a closed connection is enough to make nsd's bind fail.
port_in_use() {
	ss -Hantu "sport = :$1" | grep -q .
}

# Runs herald as the user the MTA runs it as.
herald() {
	setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
	    "$HERALD" -c "$T/herald.conf" "$@"
}

# A sanitizer build writes its reports here; any report fails the test.
sanitizer_reports() {
	ls "$T"/state/sanitizer.* 2>/dev/null || true
}

# Runs at exit; the exit status of the test, or of the caller's choice.
cleanup() {
	local rc=${1:-$?}
	rm -f "$PORTS_TAKEN"
	if [ -n "$T" ] && [ -n "$(sanitizer_reports)" ]; then
		echo "FAIL: sanitizer reports:" >&2
		cat $(sanitizer_reports) >&2
		rc=1
	fi
	if [ -n "$PF" ] && [ -f "$PF/etc/main.cf" ]; then
		postfix -c "$PF/etc" stop >/dev/null 2>&1 || true
	fi
	if [ -n "$T" ] && [ -s "$T/dns/nsd.pid" ]; then
		kill "$(cat "$T/dns/nsd.pid")" 2>/dev/null || true
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		pkill -f "$T/herald.conf" 2>/dev/null || true
		if [ "$rc" -ne 0 ] || [ -n "${KEEP:-}" ]; then
			echo "  (test bed kept in $T; Postfix log in" \
			    "$PF/maillog)" >&2
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}

write_postfix_conf() {
	local domains
	domains=$(echo $MEMBER_DOMAINS)
	cat > "$PF/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF/maillog
maillog_file_prefixes = $T
myhostname = mx.herald.test
mydomain = herald.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_recipient_restrictions = permit_mynetworks, reject
# Mail from the test's clients arrives as from the Internet: Postfix must
# not add a missing Message-ID or Date for Herald.
local_header_rewrite_clients =
# A sanitizer build reports into the test bed, where the test looks.
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C
    ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS
export_environment = TZ MAIL_CONFIG LANG ASAN_OPTIONS UBSAN_OPTIONS
local_recipient_maps =
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
virtual_mailbox_domains = $domains
virtual_mailbox_base = $T/mail
virtual_mailbox_maps = regexp:$PF/etc/mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
transport_maps = inline:{ $LIST_DOMAIN=herald: }
herald_destination_recipient_limit = 1
delay_warning_time = 0
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
CONF
	# Every address of a member domain has a mailbox, except those whose
	# local part starts with "missing".  All copies land in one maildir
	# (virtual(8) allows no per-address substitution); each names its
	# recipient in the Delivered-To field virtual(8) prepends.
	printf '!/^missing/\tall/\n' > "$PF/etc/mailboxes"
	cat > "$PF/etc/master.cf" <<CONF
127.0.0.1:$PORT inet n - n - - smtpd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
herald    unix - n n - - pipe flags=q user=$RUN_AS
  argv=$HERALD -c $T/herald.conf receive --sender \${sender} --recipient \${recipient}
CONF
}

# A DNS server of the test bed: NSD, authoritative for the root zone on a
# loopback port, serving ../shared/cases/dns-stub.zone (DMARC policies and
# DKIM keys); every other name is NXDOMAIN, as CASES.md assumes.
start_dns() {
	local d="$T/dns"
	DNS_PORT=$(free_port)
	mkdir -p "$d"
	{
		printf '$ORIGIN .\n$TTL 300\n'
		printf '. IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300\n'
		printf '. IN NS ns.test.\nns.test. IN A 127.0.0.1\n'
		cat "$SHARED/cases/dns-stub.zone"
	} > "$d/root.zone"
	cat > "$d/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$DNS_PORT
  port: $DNS_PORT
  username: ""
  chroot: ""
  zonesdir: "$d"
  zonelistfile: "$d/zone.list"
  database: ""
  pidfile: "$d/nsd.pid"
  xfrdfile: "$d/xfrd.state"
  xfrdir: "$d"
  logfile: "$d/nsd.log"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "root.zone"
CONF
	nsd -c "$d/nsd.conf" || fail "nsd did not start: $(cat "$d/nsd.log")"
	local i
	for i in $(seq 1 50); do
		ss -Hlun "sport = :$DNS_PORT" | grep -q . && return 0
		sleep 0.1
	done
	fail "nsd is not listening on port $DNS_PORT"
}

# The Herald configuration of the test bed; extra lines from stdin.
write_herald_conf() {
	{
		cat <<CONF
database = "$T/state/herald.db"
spool = "$T/state/spool"
secret_file = "$T/state/secret"
hostname = "herald.test"
log_target = "file:$T/state/herald.log"
dns_resolver = "127.0.0.1:$DNS_PORT"
retry = { "2s", "2s", "4s" }
relay postfix {
  url = "smtp://127.0.0.1:$PORT"
  tls = "no"
  connections = 4
}
CONF
		cat
	} > "$T/herald.conf"
	chown "$RUN_AS:$RUN_GROUP" "$T/herald.conf"
}

# Sets up the bed: a private Postfix on a free port, Herald's state.
# Extra Herald configuration lines come from stdin (or none).
testbed() {
	T=$(mktemp -d /tmp/herald-e2e.XXXXXX)
	chmod 755 "$T"
	export ASAN_OPTIONS="log_path=$T/state/sanitizer:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$T/state/sanitizer:print_stacktrace=1"
	PF="$T/postfix"
	PORT=$(free_port)
	trap cleanup EXIT
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$T/mail" "$T/state"
	chown "$RUN_AS:$RUN_GROUP" "$T/mail" "$T/state"
	chown postfix "$PF/data"
	start_dns
	if [ -t 0 ]; then
		write_herald_conf < /dev/null
	else
		write_herald_conf
	fi
	write_postfix_conf
	postfix -c "$PF/etc" start >/dev/null 2>&1 ||
	    fail "postfix did not start: $(tail -n 5 "$PF/maillog" 2>&1)"
	local i
	for i in $(seq 1 50); do
		ss -Hltn "sport = :$PORT" | grep -q . && return 0
		sleep 0.1
	done
	fail "postfix is not listening on port $PORT"
}

# Submits a message as a mail client would: swaks over SMTP.
#   submit FROM TO FILE
submit() {
	swaks --server 127.0.0.1 --port "$PORT" --from "$1" --to "$2" \
	    --data "@$3" --silent 2 >/dev/null ||
	    fail "swaks could not submit $3 to $2"
}

# The copies delivered to one address.
mailbox() {
	grep -l -i -x "Delivered-To: $1"$'\r'"\?" "$T"/mail/all/new/* \
	    2>/dev/null || true
}

# Empties the members' maildir.
clear_mail() {
	rm -f "$T"/mail/all/new/*
}

# How many messages the maildir holds.
delivered_count() {
	find "$T/mail/all/new" -type f 2>/dev/null | wc -l
}

# Waits until all maildirs hold n messages and Postfix's queue is empty.
wait_delivered() {
	local n=$1 limit=${2:-120} i
	for i in $(seq 1 $((limit * 5))); do
		if [ "$(delivered_count)" -ge "$n" ] && queue_empty; then
			[ "$(delivered_count)" -eq "$n" ] && return 0
			fail "expected $n messages, found $(delivered_count)"
		fi
		sleep 0.2
	done
	fail "after ${limit}s: $(delivered_count) of $n messages delivered"
}

queue_empty() {
	postqueue -c "$PF/etc" -p 2>/dev/null | grep -q 'Mail queue is empty'
}

# Waits for Postfix and Herald to go quiet (nothing queued, no post in
# delivery), so that "nothing was sent" can be checked.
wait_quiet() {
	local i
	for i in $(seq 1 300); do
		if queue_empty && [ "$(herald queue --json)" = "[]" ]; then
			sleep 0.5
			queue_empty && return 0
		fi
		sleep 0.2
	done
	fail "mail still moving after 60s"
}

# Creates a list and adds members: one "address[,name]" per line on stdin.
make_list() {
	local list=$1
	shift
	herald list create "$list" "$@" >/dev/null
	herald member import "$list" --csv >/dev/null
}

check_py() {
	python3 "$E2E/check.py" "$@"
}

# The newest post as the MTA handed it over (Herald's spool copy).
last_spooled() {
	ls -t "$T"/state/spool/in/* | head -n 1
}

# The ids of the posts waiting for a moderator, oldest first.
held_ids() {
	herald held ls --json | python3 -c '
import json, sys
for h in json.load(sys.stdin):
    print(h["post"])'
}

# Waits until n posts are held (and Postfix is idle).
wait_held() {
	local n=$1 i
	for i in $(seq 1 300); do
		if [ "$(held_ids | wc -l)" -ge "$n" ] && queue_empty; then
			[ "$(held_ids | wc -l)" -eq "$n" ] && return 0
			fail "expected $n held posts, found $(held_ids | wc -l)"
		fi
		sleep 0.2
	done
	fail "after 60s: $(held_ids | wc -l) of $n posts held"
}

# Mail that fails after Postfix took it, and mail refused while Herald
# sends it, for the bounce tests.  Each function reloads Postfix; what
# the bed did before stays as it was.

# A line for the bed's own transport table, in use from the next reload.
add_transport() {
	local table="$PF/etc/transport"
	if [ ! -f "$table" ]; then
		printf '%s\therald:\n' "$LIST_DOMAIN" > "$table"
		postconf -c "$PF/etc" -e "transport_maps = texthash:$table"
	fi
	printf '%s\t%s\n' "$1" "$2" >> "$table"
}

reload_postfix() {
	postfix -c "$PF/etc" reload >/dev/null 2>&1 ||
	    fail "postfix did not reload: $(tail -n 5 "$PF/maillog" 2>&1)"
	sleep 1
}

# remote_mx DOMAIN: mail for DOMAIN is relayed to a second smtpd of the
# bed, the domain's "MX", which has no mailbox there: it refuses every
# recipient with 550 5.1.1, after Postfix has taken the copy from Herald,
# so Postfix returns a delivery status notification to the envelope
# sender, the member's bounce address.
remote_mx() {
	local port users="$PF/etc/remote-users"
	port=$(free_port)
	printf '%s\t550 5.1.1 Mailbox does not exist\n' "$1" >> "$users"
	cat >> "$PF/etc/master.cf" <<CONF
127.0.0.1:$port inet n - n - - smtpd -o myhostname=mx.$1
  -o smtpd_recipient_restrictions=check_recipient_access,texthash:$users,reject
CONF
	add_transport "$1" "smtp:[127.0.0.1]:$port"
	reload_postfix
}

# dead_mx DOMAIN: mail for DOMAIN is relayed to a port nothing listens on;
# it waits in Postfix's queue, which sends the envelope sender a delay
# warning a second after the copy came in.  Clear it with drop_queued.
dead_mx() {
	add_transport "$1" "smtp:[127.0.0.1]:$(free_port)"
	postconf -c "$PF/etc" -e "delay_warning_time = 1s"
	reload_postfix
}

# drop_queued DOMAIN: deletes the mail in Postfix's queue for DOMAIN, by
# queue id, wherever it is (deferred, or active for a retry).
drop_queued() {
	local i id ids
	for i in $(seq 1 50); do
		ids=$(postqueue -c "$PF/etc" -j | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if any(r["address"].endswith("@" + sys.argv[1])
           for r in m["recipients"]):
        print(m["queue_id"])' "$1")
		[ -n "$ids" ] || return 0
		for id in $ids; do
			postsuper -c "$PF/etc" -d "$id" >/dev/null 2>&1 || true
		done
		sleep 0.2
	done
	fail "mail for $1 stays in Postfix's queue"
}

# refuse ADDRESS: smtpd refuses ADDRESS at RCPT TO with 550 5.1.1, like a
# missing mailbox, until accept ADDRESS.
refuse() {
	local table="$PF/etc/refused"
	if [ ! -f "$table" ]; then
		: > "$table"
		postconf -c "$PF/etc" -e "smtpd_recipient_restrictions =\
 check_recipient_access texthash:$table, permit_mynetworks, reject"
	fi
	printf '%s\t550 5.1.1 Mailbox unavailable\n' "$1" >> "$table"
	reload_postfix
}

accept() {
	local table="$PF/etc/refused"
	awk -F '\t' -v a="$1" '$1 != a' "$table" > "$table.new"
	mv "$table.new" "$table"
	reload_postfix
}

# Waits until an SQL query on Herald's database prints the expected text.
#   wait_db QUERY EXPECTED [SECONDS]
wait_db() {
	local i got=""
	for i in $(seq 1 $((${3:-60} * 5))); do
		got=$(db "$1")
		[ "$got" = "$2" ] && return 0
		sleep 0.2
	done
	fail "after ${3:-60}s, '$1' gives '$got', not '$2'"
}

# Runs SQL on Herald's database as the user Herald runs as, so that any
# file SQLite makes beside it stays Herald's.
db() {
	setpriv --reuid="$RUN_AS" --regid="$RUN_GROUP" --clear-groups \
	    sqlite3 -cmd ".timeout 5000" "$T/state/herald.db" "$1"
}
