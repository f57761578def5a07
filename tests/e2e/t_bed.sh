#!/bin/bash
# The test bed's own ports.  CI once failed because nsd could not bind the
# port free_port had picked: the port lay in the kernel's ephemeral range
# and a closed connection's TIME-WAIT held it, which a check for listening
# sockets does not see.  free_port must pick below that range, never the
# same port twice, and never a port any socket holds.
source "$(dirname "$0")/lib.sh"
trap 'rm -f "$PORTS_TAKEN"' EXIT

read -r low _ < /proc/sys/net/ipv4/ip_local_port_range

echo "500 ports from free_port: below the ephemeral range, all different"
for i in $(seq 1 500); do
	p=$(free_port)
	[ "$p" -ge 10000 ] && [ "$p" -lt "$low" ] ||
	    fail "free_port gave $p; ephemeral ports start at $low"
done
[ "$(sort -u "$PORTS_TAKEN" | wc -l)" -eq 500 ] ||
    fail "free_port gave a port twice"
note "ok: 500 distinct ports in 10000-$((low - 1))"

echo "a port held only by a TIME-WAIT counts as in use"
p=$(free_port)
python3 - "$p" <<'PY'
import socket, sys
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
c = socket.socket()
c.bind(("127.0.0.1", int(sys.argv[1])))
c.connect(srv.getsockname())
a, _ = srv.accept()
c.close()  # the side that closes first keeps the TIME-WAIT
a.close()
PY
ss -Hltn "sport = :$p" | grep -q . && fail "port $p is listening"
port_in_use "$p" || fail "port $p in TIME-WAIT was taken for free"
note "ok: port $p, in TIME-WAIT and not listening, is in use"
echo PASS
