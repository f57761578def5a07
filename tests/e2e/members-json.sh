# Writes the members of a list as JSON (with bounce addresses) to a file:
#   members_json LIST FILE
members_json() {
	local list=$1 out=$2 first=1 a
	{
		echo "["
		for a in $(herald member ls "$list" --json |
		    python3 -c 'import json,sys
for m in json.load(sys.stdin): print(m["address"])'); do
			[ $first = 1 ] || echo ","
			first=0
			herald member show "$list" "$a" --json
		done
		echo "]"
	} > "$out"
}
