#!/bin/bash
# Issue 2, the privacy invariant, randomised: many lists, random member
# counts, members with and without display names, some on several lists,
# several posts delivered in one run.  The classic bug this catches is
# state from one send surviving into the next (a CC list never cleared).
# SEED=n reproduces a run.
source "$(dirname "$0")/lib.sh"
testbed <<'CONF'
deliver_on_receive = false
CONF

seed=${SEED:-$RANDOM}
echo "seed $seed"
python3 - "$seed" "$T" <<'PY'
import json, random, sys
seed, bed = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(seed)
domains = ['example.com', 'example.net', 'example.org']
first = ['Anna', 'Bernd', 'Chloé', 'Dmitri', 'Erik', 'Frida', 'Gerda',
         'Heinz', 'Zoë', 'Kenji', 'Olga', 'Pablo', 'Quinn', 'Ravi']
pool = []
for i in range(120):
    addr = 'p%03d.%s@%s' % (i, rnd.choice(first).lower()
                            .replace('é', 'e').replace('ë', 'e'),
                            rnd.choice(domains))
    name = ('%s Person%03d' % (rnd.choice(first), i)
            if rnd.random() < 0.6 else '')
    pool.append((addr, name))
lists = {}
for k in range(rnd.randint(3, 6)):
    members = rnd.sample(pool, rnd.randint(1, 40))
    nomail = {a for a, _ in members if rnd.random() < 0.1}
    posts = rnd.randint(1, 3)
    lists['l%d' % k] = {'members': members, 'nomail': sorted(nomail),
                        'posts': posts}
expected = {}
for l in lists.values():
    for a, _ in l['members']:
        if a not in l['nomail']:
            expected[a] = expected.get(a, 0) + l['posts']
json.dump(lists, open(bed + '/scenario.json', 'w'))
json.dump(expected, open(bed + '/expected.json', 'w'))
json.dump([{'address': a, 'name': n} for a, n in pool],
          open(bed + '/everyone.json', 'w'))
for name, l in lists.items():
    with open('%s/%s.csv' % (bed, name), 'w') as fh:
        for a, n in l['members']:
            fh.write('%s,"%s"\n' % (a, n))
    with open('%s/%s.nomail' % (bed, name), 'w') as fh:
        fh.write('\n'.join(l['nomail']) + '\n')
PY

posts=0
for csv in "$T"/l*.csv; do
	l=$(basename "$csv" .csv)
	make_list "$l@$LIST_DOMAIN" < "$csv"
	# The posts come from outside; members-only is the default.
	herald list set "$l" posting=open
	while read -r a; do
		[ -n "$a" ] && herald member set "$l" "$a" mode=nomail
	done < "$T/$l.nomail"
	n=$(python3 -c "import json; print(json.load(open('$T/scenario.json'))['$l']['posts'])")
	for i in $(seq 1 "$n"); do
		cat > "$T/post.eml" <<POST
From: Outside Poster <poster@example.org>
To: $l@$LIST_DOMAIN
Subject: post $i to $l
Message-ID: <$l.$i.$seed@example.org>

Post $i to $l.
POST
		submit poster@example.org "$l@$LIST_DOMAIN" "$T/post.eml"
		posts=$((posts + 1))
	done
done
note "$posts posts to $(ls "$T"/l*.csv | wc -l) lists; delivering in one run"
for i in $(seq 1 100); do
	queue_empty && [ "$(herald queue --json | grep -c '"post"')" -eq \
	    "$posts" ] && break
	sleep 0.2
done
herald deliver
total=$(python3 -c "import json; print(sum(json.load(open('$T/expected.json')).values()))")
wait_delivered "$total"
check_py privacy "$T" "$T/everyone.json" "$T/expected.json"
echo "PASS"
