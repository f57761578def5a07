#!/bin/sh
# Quick start, step one: Herald's main job on the embedded default.
#
# Installs what is missing (Debian, as root), builds, creates a list in a
# fresh SQLite file, adds members, receives a post written the way a mail
# client writes one, delivers it into a local outbox (the maildir:
# transport, instead of a relay) and prints one line per copy: envelope
# sender, envelope recipient, List-Id.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
packages=$(grep -v '^#' "$top/contrib/build-deps")

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "demo: missing packages:$missing (run as root to" \
		    "install them)" >&2
		exit 1
	fi
	echo "demo: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q $missing >/dev/null 2>&1 ||
	    { apt-get update -q >/dev/null &&
	    apt-get install -y -q $missing >/dev/null; }
fi
make -s -C "$top" >/dev/null

herald="$top/build/herald"
work=$(mktemp -d /tmp/herald-demo.XXXXXX)
cat > "$work/herald.conf" <<CONF
# The embedded default: one SQLite file, no daemon, no MTA.
database = "$work/herald.db"
spool = "$work/spool"
secret_file = "$work/secret"
deliver_on_receive = false
relay outbox {
  url = "maildir:$work/outbox"
}
CONF
export HERALD_CONFIG="$work/herald.conf"

echo "== an announcement list and four members (in $work)"
"$herald" list create demo@lists.example.org \
    --description "Career office announcements"
"$herald" list set demo posting=announce
"$herald" sender accept demo zoe@example.org
"$herald" member add demo "Anna Example <anna@example.com>"
"$herald" member add demo bernd@example.net "Bernd Beispiel"
"$herald" member add demo chloe@example.org
"$herald" member add demo "Dmitri <dmitri@example.com>"

echo "== a post arrives (as the MTA would hand it over) and goes out"
"$herald" receive --sender zoe@example.org demo@lists.example.org \
    < "$top/contrib/demo/post.eml"
"$herald" deliver
"$herald" queue --all

echo "== one envelope per member, each with exactly one recipient:"
for f in "$work"/outbox/new/*; do
	from=$(sed -n 's/^Return-Path: \(.*\)\r$/\1/p' "$f" | head -n 1)
	to=$(sed -n 's/^Delivered-To: \(.*\)\r$/\1/p' "$f" | head -n 1)
	id=$(sed -n 's/^List-Id: \(.*\)\r$/\1/p' "$f" | head -n 1)
	printf 'MAIL FROM:%s  RCPT TO:<%s>  List-Id: %s\n' "$from" "$to" "$id"
done
