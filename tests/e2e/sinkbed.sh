# tests/e2e/sinkbed.sh: a test bed of recording SMTP sinks instead of
# Postfix, for the delivery engine's tests (sink.py answers 451, 550 or
# 421 on demand and records every accepted copy).  Sourced after lib.sh.

SINK_PIDS=()

sink_cleanup() {
	local p
	for p in "${SINK_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
}

# The sinks go, then lib.sh's cleanup, which needs the test's exit status.
sink_exit() {
	local rc=$?
	sink_cleanup
	cleanup "$rc"
}

# sinkbed: like testbed, without Postfix.  Extra Herald configuration
# (relay sections) comes from stdin.
sinkbed() {
	T=$(mktemp -d /tmp/herald-e2e.XXXXXX)
	chmod 755 "$T"
	PF=""
	export ASAN_OPTIONS="log_path=$T/state/sanitizer:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$T/state/sanitizer:print_stacktrace=1"
	trap sink_exit EXIT
	mkdir -p "$T/state" "$T/sinks"
	chown "$RUN_AS:$RUN_GROUP" "$T/state"
	{
		cat <<CONF
database = "$T/state/herald.db"
spool = "$T/state/spool"
secret_file = "$T/state/secret"
hostname = "herald.test"
log_target = "file:$T/state/herald.log"
deliver_on_receive = false
retry = { "1s" }
CONF
		cat
	} > "$T/herald.conf"
	chown "$RUN_AS:$RUN_GROUP" "$T/herald.conf"
}

# start_sink NAME PORT [sink.py options]: records into $T/sinks/NAME.
start_sink() {
	local name=$1 port=$2 i
	shift 2
	python3 "$E2E/sink.py" --port "$port" --record "$T/sinks/$name" "$@" \
	    > "$T/sinks/$name.out" 2>&1 &
	SINK_PIDS+=($!)
	eval "SINK_$name=$!"
	for i in $(seq 1 50); do
		grep -q listening "$T/sinks/$name.out" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "sink $name did not start"
}

stop_sink() {
	local pid
	eval "pid=\$SINK_$1"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Empties the records (the sinks keep them open, in append mode).
clear_sinks() {
	local f
	for f in "$T"/sinks/*; do
		case "$f" in *.out) ;; *) : > "$f" ;; esac
	done
}

# copies_of ADDRESS: how many copies all sinks recorded for it.
copies_of() {
	cat "$T"/sinks/* 2>/dev/null | grep -c "\"$1\"" || true
}

# A list of n members m0001@example.com ..., plus extra lines from stdin.
sink_list() {
	local n=$1 i
	{
		for i in $(seq 1 "$n"); do printf 'm%04d@example.com\n' "$i"; done
		cat
	} | make_list eng@lists.example.org --no-prefix
	# The engine's tests post as an outsider: an open list.
	herald list set eng posting=open
}

post_to() {
	printf 'From: Poster <poster@example.org>\nTo: %s\nSubject: %s\n\n%s\n' \
	    "$1" "${2:-engine test}" "A post." |
	    herald receive --sender poster@example.org "$1"
}

# sink_check MEMBERS_COUNT: every member exactly one copy; prints totals.
sink_check() {
	python3 - "$T" "$1" "${2:-0}" <<'PY'
import collections, glob, json, sys
bed, n, dup_bound = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = collections.Counter()
per_relay = collections.Counter()
for path in glob.glob(bed + '/sinks/*'):
    if path.endswith('.out'):
        continue
    for line in open(path):
        t = json.loads(line)
        if len(t['rcpt']) != 1:
            sys.exit('FAIL: an envelope with %d recipients' % len(t['rcpt']))
        seen[t['rcpt'][0]] += 1
        per_relay[path.rsplit('/', 1)[1]] += 1
want = ['m%04d@example.com' % i for i in range(1, n + 1)]
missing = [a for a in want if seen[a] == 0]
dups = sum(c - 1 for c in seen.values() if c > 1)
if missing:
    sys.exit('FAIL: %d members got nothing, e.g. %s' % (len(missing),
                                                         missing[:3]))
if dups > dup_bound:
    sys.exit('FAIL: %d duplicate copies (bound %d)' % (dups, dup_bound))
print('  ok: %d members, none missing, %d duplicates (bound %d); per '
      'relay: %s' % (n, dups, dup_bound, dict(per_relay)))
PY
}
