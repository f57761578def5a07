#!/bin/bash
# Issue 7: the invitation that started it all, done by a list.  726
# organisations, 742 contacts (16 organisations have two, the 68th among
# them), a personalised announcement: every copy has exactly one envelope
# recipient, carries that contact's own name and organisation, and no
# other contact's address, name or organisation anywhere.  Then the same
# with the contacts imported in random order and two posts delivered in
# one run.  The first list adds a footer with each member's name and own
# unsubscribe link and address.  Each post waits for the moderator's
# approval, as personalised posts do by default, and goes out when the
# moderator approves it.  SEED=n reproduces the shuffle.
source "$(dirname "$0")/lib.sh"
testbed <<'CONF'
deliver_on_receive = false
web_url = "https://lists.example.org/herald"
CONF
seed=${SEED:-$RANDOM}
echo "seed $seed"

python3 - "$T" "$seed" <<'PY'
import csv, json, random, sys
bed, seed = sys.argv[1], int(sys.argv[2])
twice = [68] + random.Random(7).sample(
    [o for o in range(1, 727) if o != 68], 15)
contacts, n = [], 0
for org in range(1, 727):
    for k in range(2 if org in twice else 1):
        n += 1
        contacts.append({
            'address': 'contact%04d@example.com' % n,
            'name': '%s Surname%04d' % (('Ms.', 'Mr.', 'Dr.')[n % 3], n),
            'organisation': 'Organisation%03d Ltd.' % org,
            'department': 'Department%04d' % n,
        })
assert len(contacts) == 742 and len({c['organisation'] for c in contacts}) == 726
json.dump(contacts, open(bed + '/contacts.json', 'w'))
for name, rows in (('ordered', contacts),
                   ('shuffled', random.Random(seed).sample(contacts, 742))):
    with open('%s/%s.csv' % (bed, name), 'w', newline='') as fh:
        w = csv.writer(fh)
        w.writerow(['address', 'name', 'organisation', 'department'])
        for c in rows:
            w.writerow([c['address'], c['name'], c['organisation'],
                        c['department']])
PY

cat > "$T/invitation.eml" <<'MSG'
From: Career Office <careers@uni.example.edu>
To: invite@lists.example.org
Subject: Career day 2027: an invitation for {{organisation}}
Message-ID: <career-day-2027@uni.example.edu>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dear {{name}},

the Career Office would be glad to welcome {{organisation}}
({{department}}) at the career day on 14 January 2027.

Kind regards,
the Career Office
MSG

check() {	# check LISTS POSTS: every copy right, nothing of anyone else
	python3 - "$T" "$1" "$2" ${3:+"$3"} <<'PY'
import collections, email, email.policy, glob, json, re, sys
from email.header import decode_header, make_header
bed, lists, posts = sys.argv[1], sys.argv[2], int(sys.argv[3])
footer = len(sys.argv) > 4
links = set()
contacts = json.load(open(bed + '/contacts.json'))
by_addr = {c['address']: c for c in contacts}
copies = collections.Counter()
for path in glob.glob(bed + '/mail/all/new/*'):
    raw = open(path, 'rb').read()
    m = email.message_from_bytes(raw, policy=email.policy.compat32)
    rcpts = m.get_all('Delivered-To') or []
    if len(rcpts) != 1:
        sys.exit('FAIL: %s has %d envelope recipients' % (path, len(rcpts)))
    me = by_addr[rcpts[0].strip().lower()]
    subject = str(make_header(decode_header(
        re.sub(r'\r?\n(?=[ \t])', '', m['Subject']))))
    text = ''.join(p.get_payload(decode=True).decode('utf-8')
                   for p in m.walk() if p.get_content_maintype() == 'text')
    seen = subject + '\n' + text
    for want in (me['name'], me['organisation'], me['department']):
        if want not in seen:
            sys.exit('FAIL: %s lacks its own %r' % (me['address'], want))
    if '{{' in seen:
        sys.exit('FAIL: %s: an unfilled placeholder' % me['address'])
    if footer:
        # The footer's link and address are the copy's own, those of its
        # List-Unsubscribe, and nobody else's.
        lu = re.sub(r'\s+', '', m['List-Unsubscribe'])
        mine = re.findall(r'<(?:mailto:)?([^>]+)>', lu)
        got = re.search(r'-- \n%s, to stop these: (\S+)\nor write to '
                        r'(\S+)\n' % re.escape(me['name']), text)
        if not got or sorted(got.groups()) != sorted(mine):
            sys.exit('FAIL: %s: footer %r, List-Unsubscribe %r' % (
                me['address'], got and got.groups(), mine))
        if got.group(1) in links:
            sys.exit('FAIL: %s: a link another copy has' % me['address'])
        links.add(got.group(1))
    haystack = raw.decode('utf-8', 'replace') + '\n' + seen
    for other in contacts:
        if other is me:
            continue
        leaked = [v for v in (other['address'], other['name'],
                              other['department']) if v in haystack]
        if other['organisation'] != me['organisation'] and \
                other['organisation'] in haystack:
            leaked.append(other['organisation'])
        if leaked:
            sys.exit('FAIL: the copy for %s holds %s' % (me['address'],
                                                         leaked))
    copies[me['address']] += 1
want = posts * len(lists.split())
bad = {a: n for a, n in copies.items() if n != want}
if len(copies) != 742 or bad:
    sys.exit('FAIL: %d contacts got mail; wrong counts: %s' % (
        len(copies), list(bad.items())[:5]))
print('  ok: 742 contacts x %d: one envelope recipient each, own name, '
      'organisation and department, nothing of the other 741' % want)
PY
}

# approve_held N: the N posts held for the moderator reach nobody but the
# moderator, by a notice each; then the moderator approves them.
approve_held() {
	wait_held "$1"
	herald deliver --quiet
	wait_delivered "$1"
	check_py only_to "$T" mod@example.org
	clear_mail
	herald held approve $(held_ids) >/dev/null
}

echo "the invitation, contacts in file order"
herald list create invite@lists.example.org --no-prefix >/dev/null
herald list set invite posting=announce personalize=yes
herald sender accept invite careers@uni.example.edu >/dev/null
herald moderator add invite mod@example.org >/dev/null
herald member import invite "$T/ordered.csv" --csv
printf 'Subject: -\n\n-- \n{{name}}, to stop these: {{unsubscribe_url}}\n%s\n' \
    'or write to {{unsubscribe_address}}' |
    herald list template invite footer --set -
herald list set invite footer=yes
submit careers@uni.example.edu invite@lists.example.org "$T/invitation.eml"
approve_held 1
herald deliver --quiet
wait_delivered 742 180
check invite 1 footer

echo "contacts in random order, two posts in one delivery run"
rm -f "$T"/mail/all/new/*
herald list create invite2@lists.example.org --no-prefix >/dev/null
herald list set invite2 posting=announce personalize=yes
herald sender accept invite2 careers@uni.example.edu >/dev/null
herald moderator add invite2 mod@example.org >/dev/null
herald member import invite2 "$T/shuffled.csv" --csv
sed 's/invite@/invite2@/; s/career-day-2027@/career-day-2027a@/' \
    "$T/invitation.eml" > "$T/first.eml"
sed 's/invite@/invite2@/; s/career-day-2027@/career-day-2027b@/;
    s/^Subject: .*/Subject: Reminder for {{name}} at {{organisation}}/' \
    "$T/invitation.eml" > "$T/second.eml"
submit careers@uni.example.edu invite2@lists.example.org "$T/first.eml"
submit careers@uni.example.edu invite2@lists.example.org "$T/second.eml"
approve_held 2
herald deliver --quiet
wait_delivered 1484 240
check invite2 2
echo "PASS"
