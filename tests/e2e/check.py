#!/usr/bin/env python3
"""Assertions on the copies the private Postfix delivered.

Usage: check.py CHECK TESTBED [ARGS...]

Every copy lands in TESTBED/mail/all/new; virtual(8) prepends Return-Path
(the envelope sender Herald used) and Delivered-To (the one recipient).
Each check prints what it verified and exits 1 on the first failure.
"""
import email
import email.policy
import glob
import json
import os
import re
import sys
from email.header import decode_header, make_header

# RFC 5322 section 3.6: fields that may occur at most once.
SINGLE = ['date', 'from', 'sender', 'reply-to', 'to', 'cc', 'bcc',
          'message-id', 'in-reply-to', 'references', 'subject']
LIST_FIELDS = ['list-id', 'list-post', 'list-help', 'list-subscribe',
               'list-unsubscribe', 'list-owner', 'precedence']


def fail(msg):
    print('FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print('  ok: ' + msg)


class Copy:
    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as fh:
            self.raw = fh.read()
        self.msg = email.message_from_bytes(self.raw,
                                            policy=email.policy.compat32)
        self.rcpt = (self.msg['Delivered-To'] or '').strip().lower()
        self.return_path = (self.msg['Return-Path'] or '').strip()
        head, _, self.body = self.raw.partition(b'\n\n')
        self.head = head + b'\n'

    def fields(self, name):
        return self.msg.get_all(name) or []

    def decoded(self, name):
        """Unfolded (RFC 5322 section 2.2.3), then decoded strictly."""
        v = self.msg[name]
        if v is None:
            return None
        v = re.sub(r'\r?\n(?=[ \t])', '', v)
        return str(make_header(decode_header(v)))

    def header_after_delivery(self):
        """The header as Herald sent it: without what virtual(8) and the
        relay's smtpd prepended for this delivery."""
        lines = self.head.split(b'\n')
        skip = 0
        while skip < len(lines) and (
                lines[skip].startswith((b'Return-Path:', b'X-Original-To:',
                                        b'Delivered-To:'))):
            skip += 1
        # One Received field, folded, from Herald's own relay hop.
        if lines[skip].startswith(b'Received: from herald.test'):
            skip += 1
            while skip < len(lines) and lines[skip][:1] in (b' ', b'\t'):
                skip += 1
        return b'\n'.join(lines[skip:])


def copies(bed):
    return [Copy(p) for p in sorted(glob.glob(os.path.join(
        bed, 'mail', 'all', 'new', '*')))]


def by_rcpt(cs):
    out = {}
    for c in cs:
        out.setdefault(c.rcpt, []).append(c)
    return out


def load_members(path):
    """A JSON file: {"list": ..., "members": [{address, name, mode,
    bounce_address}, ...]} or a list of such objects."""
    with open(path) as fh:
        data = json.load(fh)
    return data if isinstance(data, list) else [data]


def addr_re(addr):
    return re.compile(re.escape(addr.encode()), re.I)


def check_exactly_one_each(cs, members, nomail=()):
    got = by_rcpt(cs)
    for m in members:
        a = m['address'].lower()
        n = len(got.get(a, []))
        want = 0 if a in nomail else 1
        if n != want:
            fail('%s got %d copies, expected %d' % (a, n, want))
    extra = set(got) - {m['address'].lower() for m in members}
    if extra:
        fail('copies for addresses that are no members: %s' % extra)


def check_privacy(cs, everyone, allowed=()):
    """No copy carries anyone's address but its own recipient's (and the
    addresses in `allowed`, which the poster wrote into the post), nor the
    display name of another member."""
    allowed = {a.lower() for a in allowed}
    for c in cs:
        for m in everyone:
            a = m['address'].lower()
            if a == c.rcpt or a in allowed:
                continue
            if addr_re(a).search(c.raw):
                fail('%s: copy for %s contains %s' % (c.path, c.rcpt, a))
            name = m.get('name') or ''
            if len(name) >= 4 and name.encode() in c.raw:
                fail('%s: copy for %s contains the name %r of %s' %
                     (c.path, c.rcpt, name, a))


def check_single_fields(c, names=SINGLE + LIST_FIELDS):
    for f in names:
        n = len(c.fields(f))
        if n > 1:
            fail('%s: %d %s fields' % (c.path, n, f))


def check_line_lengths(c):
    for i, line in enumerate(c.raw.split(b'\n')):
        if len(line.rstrip(b'\r')) > 998:
            fail('%s: line %d has %d octets' % (c.path, i + 1, len(line)))


def check_7bit_header(c):
    h = c.header_after_delivery()
    if any(b > 0x7f for b in h):
        fail('%s: 8-bit octets in the header' % c.path)


def spine(bed, members_json, list_addr, nomail, poster, post_path):
    """The post went to every normal member once, from each member's
    bounce address, with the list fields, and nobody else's address.
    post_path is the post as the MTA handed it to Herald (its spool
    file), so that the body can be compared byte for byte."""
    members = load_members(members_json)
    nomail = set(x.lower() for x in nomail.split(',') if x)
    cs = copies(bed)
    check_exactly_one_each(cs, members, nomail)
    ok('%d copies, one for each of %d members getting mail; none for %d '
       'in nomail' % (len(cs), len(members) - len(nomail), len(nomail)))
    name, domain = list_addr.split('@')
    bounce = {m['address'].lower(): m['bounce_address'] for m in members}
    for c in cs:
        rp = c.return_path.strip('<>')
        if rp != bounce[c.rcpt]:
            fail('%s: Return-Path %s, expected %s' % (c.path, rp,
                                                      bounce[c.rcpt]))
        local = rp.split('@')[0]
        if len(local) > 64 or c.rcpt.split('@')[0] in local:
            fail('%s: bounce address %s' % (c.path, rp))
    ok('every Return-Path is that member\'s own bounce address '
       '(%s-bounces+TOKEN@%s)' % (name, domain))
    want = {
        'List-Id': '<%s.%s>' % (name, domain),
        'List-Post': '<mailto:%s>' % list_addr,
        'List-Help': '<mailto:%s-request@%s?subject=help>' % (name, domain),
        'List-Subscribe': '<mailto:%s-join@%s>' % (name, domain),
        'List-Owner': '<mailto:%s-owner@%s>' % (name, domain),
        'Precedence': 'list',
        'X-Loop': list_addr,
    }
    unsub = {m['address'].lower(): m['unsubscribe_address']
             for m in members}
    for c in cs:
        want['List-Unsubscribe'] = '<mailto:%s>' % unsub[c.rcpt]
        for f, v in want.items():
            got = c.fields(f)
            if len(got) != 1 or not got[0].strip().endswith(v):
                fail('%s: %s is %r, expected %r' % (c.path, f, got, v))
        if c.fields('List-Unsubscribe-Post'):
            fail('%s: List-Unsubscribe-Post without an https URI' %
                 c.path)
        check_single_fields(c)
    ok('List-Id, List-Post, List-Help, List-Subscribe, List-Owner, '
       'Precedence, X-Loop: right, once each; List-Unsubscribe: the '
       'member\'s own %s-leave+TOKEN@ address, no List-Unsubscribe-Post'
       % name)
    with open(post_path, 'rb') as fh:
        sent = fh.read().replace(b'\r\n', b'\n')
    sent_body = sent.partition(b'\n\n')[2]
    for c in cs:
        if c.body != sent_body:
            fail('%s: body differs from the post' % c.path)
    ok('the body of every copy is the post\'s, byte for byte')
    check_privacy(cs, members, allowed=[poster])
    ok('no copy holds another member\'s address or name')


def privacy(bed, members_json, expected_json):
    """Random lists: each member gets exactly the posts of its lists, once
    each, and no copy holds an address or name of any other member."""
    members = load_members(members_json)
    with open(expected_json) as fh:
        expected = json.load(fh)      # {address: number of copies}
    cs = copies(bed)
    got = by_rcpt(cs)
    for a, n in expected.items():
        if len(got.get(a.lower(), [])) != n:
            fail('%s: %d copies, expected %d' % (
                a, len(got.get(a.lower(), [])), n))
    if sum(expected.values()) != len(cs):
        fail('%d copies, expected %d' % (len(cs), sum(expected.values())))
    for c in cs:
        if len(c.fields('Delivered-To')) != 1:
            fail('%s: not exactly one recipient' % c.path)
        seen = set()
        for m in c.fields('Message-ID'):
            if m in seen:
                fail('%s: Message-ID twice' % c.path)
            seen.add(m)
    check_privacy(cs, members)
    ok('%d copies to %d addresses, as expected; no copy holds another '
       'member\'s address or name' % (len(cs), len(expected)))


def count(bed, n):
    cs = copies(bed)
    if len(cs) != int(n):
        fail('%d copies, expected %s' % (len(cs), n))
    ok('%d copies' % len(cs))


def each_once(bed, members_json):
    members = load_members(members_json)
    check_exactly_one_each(copies(bed), members)
    ok('each of %d members has exactly one copy' % len(members))


def subject(bed, expected):
    cs = copies(bed)
    if not cs:
        fail('no copies')
    for c in cs:
        s = c.decoded('Subject')
        if s != expected:
            fail('%s: decoded Subject %r, expected %r' % (c.path, s,
                                                          expected))
        raw = c.msg['Subject']
        for word in re.findall(r'=\?[^?]+\?[bBqQ]\?[^?]*\?=', raw):
            if len(word) > 75:
                fail('%s: encoded word of %d characters' % (c.path,
                                                            len(word)))
        check_7bit_header(c)
    ok('decoded Subject of %d copies is %r; header 7-bit' % (len(cs),
                                                            expected))


def hygiene(bed):
    cs = copies(bed)
    for c in cs:
        check_single_fields(c)
        check_line_lengths(c)
        check_7bit_header(c)
    ok('%d copies: single fields once, no line over 998, 7-bit header' %
       len(cs))


def same_field(bed, name):
    vals = {c.msg[name] for c in copies(bed)}
    for c in copies(bed):
        if len(c.fields(name)) != 1:
            fail('%s: %d %s fields' % (c.path, len(c.fields(name)), name))
    if len(vals) != 1:
        fail('%s differs between copies: %s' % (name, vals))
    ok('exactly one %s, the same in every copy: %s' % (name,
                                                       vals.pop().strip()))


def case007(bed, post):
    """8-bit patch: stays 8bit, every line byte-identical."""
    with open(post, 'rb') as fh:
        body = fh.read().partition(b'\n\n')[2]
    for c in copies(bed):
        cte = (c.msg['Content-Transfer-Encoding'] or '').strip().lower()
        if cte != '8bit':
            fail('%s: Content-Transfer-Encoding %r' % (c.path, cte))
        if c.body != body:
            fail('%s: the patch changed' % c.path)
        if b'\r' in c.body:
            fail('%s: CR inside a line' % c.path)
    ok('8bit kept; every body line byte-identical (the single-space line, '
       'the trailing space, the leading dot)')


def case010_2(bed):
    for c in copies(bed):
        tos = c.fields('To')
        if len(tos) != 1:
            fail('%s: %d To fields' % (c.path, len(tos)))
        t = tos[0].lower()
        if 'dev@lists.example.org' not in t or 'anna@example.com' not in t:
            fail('%s: To lost an address: %r' % (c.path, tos[0]))
    ok('one To field holding both dev@lists.example.org and '
       'anna@example.com')


def case018(bed, post):
    with open(post, 'rb') as fh:
        src = email.message_from_bytes(fh.read(),
                                       policy=email.policy.compat32)
    want_cc = [a for _, a in email.utils.getaddresses(src.get_all('Cc'))]
    html_in = [p for p in src.walk()
               if p.get_content_type() == 'text/html'][0]
    html_in = html_in.get_payload(decode=True)
    for c in copies(bed):
        check_line_lengths(c)
        cc = [a for _, a in email.utils.getaddresses(c.fields('Cc'))]
        if cc != want_cc:
            fail('%s: Cc changed' % c.path)
        html = [p for p in c.msg.walk()
                if p.get_content_type() == 'text/html'][0]
        cte = (html['Content-Transfer-Encoding'] or '').lower()
        if cte not in ('quoted-printable', 'base64'):
            fail('%s: HTML part left as %r' % (c.path, cte))
        if html.get_payload(decode=True).replace(b'\r\n', b'\n') != \
                html_in.replace(b'\r\n', b'\n'):
            fail('%s: the HTML part decodes differently' % c.path)
    ok('no line over 998 octets; Cc keeps its %d addresses in order; the '
       'long HTML line re-encoded and decodes to the original' %
       len(want_cc))


def from_name(bed, expected):
    for c in copies(bed):
        name, _ = email.utils.parseaddr(c.decoded('From'))
        if name != expected:
            fail('%s: From display name %r' % (c.path, name))
    ok('From display name decodes to %r' % expected)


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    fn = globals().get(sys.argv[1].replace('-', '_'))
    if fn is None or sys.argv[1].startswith('_'):
        fail('no check called %s' % sys.argv[1])
    fn(*sys.argv[2:])


if __name__ == '__main__':
    main()
