#!/bin/bash
# Runs the end-to-end tests (t_*.sh, or those named as arguments) and
# reports each.  Needs root: each test starts a private Postfix.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${HERALD:?HERALD must name the herald binary}"
if [ "$(id -u)" != 0 ]; then
	echo "e2e: the end-to-end tests start a private Postfix and need root" >&2
	exit 1
fi
for tool in postfix swaks python3 setpriv ss; do
	command -v "$tool" >/dev/null ||
	    { echo "e2e: $tool is missing (see .ci/run)" >&2; exit 1; }
done

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=("$here"/t_*.sh)
failed=()
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	echo "== $name"
	start=$(date +%s)
	if timeout 900 bash "$t"; then
		echo "== $name: passed ($(( $(date +%s) - start ))s)"
	else
		echo "== $name: FAILED"
		failed+=("$name")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "e2e: ${#failed[@]} of ${#tests[@]} failed: ${failed[*]}"
	exit 1
fi
echo "e2e: all ${#tests[@]} passed"
