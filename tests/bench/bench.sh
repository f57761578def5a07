#!/bin/bash
# make bench: Herald's fan-out against the ceiling of the same sink, and
# against mlmmj, side by side in one run.  A script, not a test: it prints
# numbers and judges nothing.
#
# One Postfix smtp-sink on loopback receives everything.  For each list
# size: Herald fans a 4 KB post out to N members (recipients per second
# from the start of the post's delivery to its last accepted transaction,
# taken from Herald's own report, and peak RSS of `herald deliver`);
# smtp-source from the same Postfix package pushes N single-recipient
# 4 KB messages over persistent connections (-d) with as many sessions as
# Herald has connections: what this sink takes on this machine; a bare
# libcurl client (curl_reference.c) does the same the way Herald drives
# libcurl, with nothing of Herald: what the library itself allows; mlmmj
# (Debian's 1.3) sends the same post to the same members, one recipient
# per envelope, where it finishes in reasonable time.  Each Herald and
# smtp-source figure is the median of REPS interleaved runs.
#
# At PERSONAL_SIZES (10,000 by default) Herald also sends a personalised
# announcement (name, organisation and department filled per member), to
# compare with its plain fan-out in the same run.
#
#   SIZES="1000 10000 100000" CONNS=4 REPS=3 MLMMJ_MAX=1000 \
#   PERSONAL_SIZES=10000 make bench
set -euo pipefail

: "${HERALD:?HERALD must name the herald binary}"
SIZES=${SIZES:-"1000 10000 100000"}
CONNS=${CONNS:-4}
REPS=${REPS:-3}
MLMMJ_MAX=${MLMMJ_MAX:-1000}
PERSONAL_SIZES=${PERSONAL_SIZES:-10000}

for tool in smtp-sink smtp-source /usr/bin/time /usr/bin/mlmmj-send \
    python3 ss; do
	command -v "$tool" >/dev/null || {
		echo "bench: $tool is missing (apt-get install postfix" \
		    "time mlmmj python3 iproute2)" >&2
		exit 1
	}
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (smtp-sink -u)" >&2; exit 1; }

W=$(mktemp -d /tmp/herald-bench.XXXXXX)
trap 'pkill -f "smtp-sink -u nobody 127.0.0.1:$PORT" 2>/dev/null || true;
    rm -rf "$W"' EXIT
gcc -O2 -o "$W/curl_reference" "$(dirname "$0")/curl_reference.c" -lcurl
PORT=$((30000 + RANDOM % 20000))
while ss -Hltn "sport = :$PORT" | grep -q .; do PORT=$((PORT + 1)); done
smtp-sink -u nobody 127.0.0.1:$PORT 1024 &
sleep 0.5

# The post: 4 KB as Herald sends it (headers and all).
python3 - > "$W/post.eml" <<'PY'
text = ('Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do '
        'eiusmod tempor incididunt ut labore et dolore magna aliqua. ') * 40
lines = [text[i:i + 72] for i in range(0, 3380, 72)]
print('From: Poster <poster@example.org>\nTo: bench@lists.example.org\n'
      'Subject: Benchmark post\nMessage-ID: <bench@example.org>\n'
      'Date: Thu, 03 Dec 2026 10:00:00 +0000\nMIME-Version: 1.0\n'
      'Content-Type: text/plain; charset=us-ascii\n\n' + '\n'.join(lines))
PY

# The personalised post: the same size, placeholders in Subject and text.
python3 - "$W/post.eml" > "$W/personal.eml" <<'PY'
import sys
head, _, body = open(sys.argv[1]).read().partition('\n\n')
head = head.replace('Subject: Benchmark post',
                    'Subject: Benchmark post for {{organisation}}')
print(head + '\n\nDear {{name}},\n\n{{organisation}} ({{department}}) is '
      'invited.\n\n' + body, end='')
PY

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# herald_size N: sets up Herald with N members in $W/h$N.
herald_size() {
	local n=$1 d="$W/h$1"
	mkdir -p "$d"
	cat > "$d/herald.conf" <<CONF
database = "$d/herald.db"
spool = "$d/spool"
secret_file = "$d/secret"
log_target = "file:$d/herald.log"
deliver_on_receive = false
relay sink {
  url = "smtp://127.0.0.1:$PORT"
  tls = "no"
  connections = $CONNS
}
CONF
	"$HERALD" -c "$d/herald.conf" list create bench@lists.example.org \
	    --no-prefix --owner owner@example.org > /dev/null
	"$HERALD" -c "$d/herald.conf" list set bench posting=announce
	"$HERALD" -c "$d/herald.conf" sender accept bench poster@example.org \
	    > /dev/null
	python3 -c "
for i in range($n): print('member%06d@example.com' % i)" |
	    "$HERALD" -c "$d/herald.conf" member import bench > /dev/null
}

# Members with names and attributes, and personalisation on.
herald_personal() {
	local d="$W/h$1"
	python3 -c "
print('address,name,organisation,department')
for i in range($1):
    print('member%06d@example.com,Member %06d,Organisation %06d,Dept %d'
          % (i, i, i, i % 40))" |
	    "$HERALD" -c "$d/herald.conf" member import bench --csv --update \
	    > /dev/null
	# The bench measures the fan-out, not a moderator: its posts go out
	# without the approval a personalised list asks for by default.
	"$HERALD" -c "$d/herald.conf" list set bench personalize=yes \
	    personalize_moderate=no
}

# One Herald run: prints "rate rss_kB"; $2 the post (default: plain).
# Each run's post has a Message-ID of its own: the same post twice in a
# day would be dropped as a duplicate.
RUN=0
herald_run() {
	local d="$W/h$1" secs rss
	RUN=$((RUN + 1))
	sed "s/^Message-ID: <bench@/Message-ID: <bench.$RUN@/" \
	    "${2:-$W/post.eml}" |
	    "$HERALD" -c "$d/herald.conf" receive --sender poster@example.org \
	    bench@lists.example.org
	rss=$( { /usr/bin/time -f '%M' "$HERALD" -c "$d/herald.conf" \
	    deliver --quiet; } 2>&1 | tail -n 1)
	secs=$(tail -n 1 "$d/herald.log" | sed -n 's/.* sent, .* in \([0-9.]*\)s$/\1/p')
	python3 -c "print('%.0f %s' % ($1 / max($secs, 0.001), $rss))"
}

source_run() {
	local secs
	secs=$( { /usr/bin/time -f '%e' smtp-source -d -s "$CONNS" -m "$1" \
	    -l 4096 -f poster@example.org -t member@example.com -N \
	    127.0.0.1:$PORT; } 2>&1 | tail -n 1)
	python3 -c "print('%.0f' % ($1 / max($secs, 0.001)))"
}

curl_run() {
	local secs
	secs=$( { /usr/bin/time -f '%e' "$W/curl_reference" "$1" "$CONNS" \
	    "smtp://127.0.0.1:$PORT/bench.test"; } 2>&1 | tail -n 1)
	python3 -c "print('%.0f' % ($1 / max($secs, 0.001)))"
}

mlmmj_run() {
	local n=$1 d="$W/ml$1" secs
	mkdir -p "$d"/bench/{control,subscribers.d,queue,archive,index,requeue}
	echo bench@lists.example.org > "$d/bench/control/listaddress"
	echo "+" > "$d/bench/control/delimiter"
	echo 127.0.0.1 > "$d/bench/control/relayhost"
	echo "$PORT" > "$d/bench/control/smtpport"
	python3 -c "
for i in range($n): print('member%06d@example.com' % i)" \
	    > "$d/bench/subscribers.d/m"
	cp "$W/post.eml" "$d/bench/queue/1"
	# mlmmj 1.3 builds its bounce address from the archive file name,
	# so it must archive (no -a).
	secs=$( { /usr/bin/time -f '%e' /usr/bin/mlmmj-send -L "$d/bench" \
	    -m "$d/bench/queue/1"; } 2>&1 | tail -n 1)
	python3 -c "print('%.0f' % ($n / max($secs, 0.001)))"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' \
    /proc/cpuinfo | head -n 1), $(uname -sr), load $(cut -d' ' -f1-3 \
    /proc/loadavg) at start"
echo "sink: Postfix smtp-sink on 127.0.0.1; $CONNS connections for Herald," \
    "smtp-source and libcurl alone; figures in recipients per second," \
    "median of $REPS interleaved runs; mlmmj once, up to $MLMMJ_MAX members"
printf '\n| %9s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s | %8s |\n' \
    members Herald ceiling libcurl mlmmj "H/ceil" "H/curl" "H/mlmmj" \
    "H RSS" "personal"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ----------- ---------- \
    ---------- ---------- ---------- ---------- ---------- ---------- \
    ---------- ------------------
for n in $SIZES; do
	herald_size "$n"
	: > "$W/h.txt"
	: > "$W/s.txt"
	: > "$W/c.txt"
	for r in $(seq 1 "$REPS"); do
		herald_run "$n" >> "$W/h.txt"
		source_run "$n" >> "$W/s.txt"
		curl_run "$n" >> "$W/c.txt"
	done
	h=$(cut -d' ' -f1 "$W/h.txt" | median)
	rss=$(cut -d' ' -f2 "$W/h.txt" | sort -g | tail -n 1)
	s=$(median < "$W/s.txt")
	c=$(median < "$W/c.txt")
	if [ "$n" -le "$MLMMJ_MAX" ]; then
		m=$(mlmmj_run "$n")
		ratio_m=$(python3 -c "print('%.0fx' % ($h / max($m, 1)))")
	else
		m="-"
		ratio_m="-"
	fi
	pers="-"
	if echo " $PERSONAL_SIZES " | grep -q " $n "; then
		herald_personal "$n"
		: > "$W/p.txt"
		: > "$W/h2.txt"
		for r in $(seq 1 "$REPS"); do
			herald_run "$n" "$W/personal.eml" >> "$W/p.txt"
			herald_run "$n" >> "$W/h2.txt"
		done
		p=$(cut -d' ' -f1 "$W/p.txt" | median)
		h2=$(cut -d' ' -f1 "$W/h2.txt" | median)
		pers=$(python3 -c "print('%d (%.0f%%)' % ($p, $p * 100 / $h2))")
	fi
	printf '| %9s | %8s | %8s | %8s | %8s | %7.0f%% | %7.0f%% | %8s | %5.1f MB | %-16s |\n' \
	    "$n" "$h" "$s" "$c" "$m" "$(python3 -c "print($h * 100 / $s)")" \
	    "$(python3 -c "print($h * 100 / $c)")" "$ratio_m" \
	    "$(python3 -c "print($rss / 1024)")" "$pers"
	rm -rf "$W/h$n"
done
