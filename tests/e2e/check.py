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


def _strict(c, name):
    """The field parsed by the strict RFC 5322 parser of the standard
    library (email.headerregistry)."""
    m = email.message_from_bytes(c.raw, policy=email.policy.default)
    return m[name]


def _unfold(v):
    return re.sub(r'\r?\n(?=[ \t])', '', v or '')


def _decoded_text(part):
    return part.get_payload(decode=True).decode(
        part.get_content_charset() or 'us-ascii')


def list_each_once(bed, members_json):
    """Each member got exactly one list copy (notices aside)."""
    members = load_members(members_json)
    check_exactly_one_each([c for c in copies(bed) if c.msg['List-Id']],
                           members)
    ok('each of %d members has exactly one list copy' % len(members))


def list_subject(bed, expected):
    """subject(), for the list copies only."""
    cs = [c for c in copies(bed) if c.msg['List-Id']]
    if not cs:
        fail('no list copies')
    for c in cs:
        if c.decoded('Subject') != expected:
            fail('%s: decoded Subject %r' % (c.path, c.decoded('Subject')))
    ok('decoded Subject of %d list copies is %r' % (len(cs), expected))


def not_delivered(bed, member_json):
    """No member got a copy (other mail, notices, may be there)."""
    members = {m['address'].lower() for m in load_members(member_json)}
    for c in copies(bed):
        if c.rcpt in members and c.msg['List-Id']:
            fail('%s: %s got a list copy' % (c.path, c.rcpt))
    ok('no member received a list copy')


def notices(bed, rcpt, n, subject_part=''):
    """Exactly n messages of Herald's own (no List-Id) went to rcpt, and
    they come from the null sender and are marked Auto-Submitted."""
    got = [c for c in copies(bed) if c.rcpt == rcpt.lower() and
           not c.msg['List-Id']]
    if len(got) != int(n):
        fail('%d notices to %s, expected %s' % (len(got), rcpt, n))
    for c in got:
        if c.return_path not in ('<>', ''):
            fail('%s: notice from %s, not the null sender' %
                 (c.path, c.return_path))
        if not (c.msg['Auto-Submitted'] or '').startswith('auto-'):
            fail('%s: notice not marked Auto-Submitted' % c.path)
        if subject_part and subject_part not in c.decoded('Subject'):
            fail('%s: subject %r lacks %r' % (c.path, c.decoded('Subject'),
                                              subject_part))
    ok('%s notice(s) to %s, from <>, Auto-Submitted' % (n, rcpt))


def only_to(bed, allowed):
    """Every message went to one of the allowed addresses."""
    allowed = {a.lower() for a in allowed.split(',')}
    for c in copies(bed):
        if c.rcpt not in allowed:
            fail('%s: a message for %s' % (c.path, c.rcpt))
    ok('every message went to %s' % ', '.join(sorted(allowed)))


def reply_to_token(bed, rcpt, out):
    """Writes the Reply-To address of the one notice to rcpt into out."""
    got = [c for c in copies(bed) if c.rcpt == rcpt.lower()]
    if len(got) != 1:
        fail('%d messages to %s' % (len(got), rcpt))
    rt = email.utils.parseaddr(got[0].msg['Reply-To'] or '')[1]
    if not re.match(r'^dev-owner\+[a-z2-7]{26}@lists\.example\.org$', rt):
        fail('Reply-To %r is no moderation address' % rt)
    with open(out, 'w') as fh:
        fh.write(rt + '\n')
    ok('the moderator notice asks for replies at dev-owner+TOKEN@')


def body_contains(bed, rcpt, text):
    got = [c for c in copies(bed) if c.rcpt == rcpt.lower()]
    for c in got:
        body = b''.join(p.get_payload(decode=True) or b''
                        for p in c.msg.walk() if not p.is_multipart())
        if text.encode() not in body:
            fail('%s: %r is not in the text' % (c.path, text))
    if not got:
        fail('no message to %s' % rcpt)
    ok('the message to %s says %r' % (rcpt, text))


def case004(bed, post, pubkey):
    """The signed entity is byte-identical and its signature verifies;
    the footer is a part of its own after it."""
    import subprocess
    import tempfile
    src = open(post, 'rb').read().replace(b'\r\n', b'\n')
    start = src.index(b'Content-Type: multipart/signed')
    end = src.index(b'--sig-7Qm2vX9pL4kT--') + len(b'--sig-7Qm2vX9pL4kT--')
    entity = src[start:end]
    home = tempfile.mkdtemp()
    subprocess.run(['gpg', '--homedir', home, '--batch', '--quiet',
                    '--import', pubkey], check=True,
                   stderr=subprocess.DEVNULL)
    cs = [c for c in copies(bed) if c.msg['List-Id']]
    if not cs:
        fail('no copies')
    for c in cs:
        if entity not in c.raw:
            fail('%s: the signed entity changed' % c.path)
        top = c.msg
        if top.get_content_type() != 'multipart/mixed':
            fail('%s: top is %s' % (c.path, top.get_content_type()))
        parts = top.get_payload()
        if len(parts) != 2 or parts[0].get_content_type() != \
                'multipart/signed':
            fail('%s: not [signed, footer]' % c.path)
        foot = parts[1]
        if foot.get_content_type() != 'text/plain' or \
                (foot['Content-Disposition'] or '').strip() != 'inline':
            fail('%s: the footer part is not inline text' % c.path)
        if 'To unsubscribe send an email to dev-leave@' not in \
                _decoded_text(foot):
            fail('%s: no footer' % c.path)
        # RFC 3156 section 5: the signed data is the first part, in CRLF
        # canonical form, without the CRLF before the boundary.
        inner = entity.split(b'\n--sig-7Qm2vX9pL4kT\n')
        signed = inner[1].replace(b'\n', b'\r\n')
        sig = inner[2].partition(b'\n\n')[2]
        sig = sig[:sig.index(b'-----END PGP SIGNATURE-----') + 27]
        d = tempfile.mkdtemp()
        open(os.path.join(d, 'data'), 'wb').write(signed)
        open(os.path.join(d, 'sig.asc'), 'wb').write(sig + b'\n')
        r = subprocess.run(['gpg', '--homedir', home, '--batch', '--verify',
                            os.path.join(d, 'sig.asc'),
                            os.path.join(d, 'data')],
                           capture_output=True)
        if r.returncode != 0 or b'Good signature' not in r.stderr:
            fail('%s: gpg --verify: %s' % (c.path, r.stderr.decode()))
    ok('%d copies: signed entity byte-identical, footer an inline part '
       'after it, gpg --verify: Good signature' % len(cs))


FOOTER_U = ('-- \ndev \u2013 Liste f\u00fcr Entwicklerinnen und Entwickler\n'
            'Abmelden: dev-leave@lists.example.org\n')


def case005_1(bed, post):
    src = email.message_from_bytes(open(post, 'rb').read(),
                                   policy=email.policy.compat32)
    orig = _decoded_text(src)
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        m = c.msg
        if m.is_multipart() or m.get_content_type() != 'text/plain':
            fail('%s: not one text/plain part' % c.path)
        if (m.get_content_charset() or '').lower() != 'utf-8':
            fail('%s: charset %s' % (c.path, m.get_content_charset()))
        text = _decoded_text(m)
        if text not in (orig + FOOTER_U, orig + '\n' + FOOTER_U):
            fail('%s: decoded text is %r' % (c.path, text[-200:]))
        if text.count('Grüße aus Köln – die Übersicht') != 1 or \
                '\u00c3' in text:
            fail('%s: the umlauts are mangled' % c.path)
    ok('one UTF-8 text part: the original text, then FOOTER_U; "-- " keeps '
       'its space; no mojibake')


def case005_2(bed, post):
    src = email.message_from_bytes(open(post, 'rb').read(),
                                   policy=email.policy.compat32)
    plain_in, html_in = [_decoded_text(p) for p in src.get_payload()]
    import html
    want_html = html_in.replace(
        '</body>', '<pre>' + html.escape(FOOTER_U, quote=True) +
        '</pre>\n</body>')
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        m = c.msg
        if m.get_content_type() != 'multipart/alternative':
            fail('%s: top is %s' % (c.path, m.get_content_type()))
        parts = m.get_payload()
        if [p.get_content_type() for p in parts] != ['text/plain',
                                                     'text/html']:
            fail('%s: alternatives changed' % c.path)
        if not _decoded_text(parts[0]) in (plain_in + FOOTER_U,
                                           plain_in + '\n' + FOOTER_U):
            fail('%s: plain alternative %r' % (c.path,
                                                _decoded_text(parts[0])))
        if _decoded_text(parts[1]) != want_html:
            fail('%s: HTML alternative %r' % (c.path,
                                               _decoded_text(parts[1])))
        for line in c.raw.split(b'\n'):
            if len(line) > 998:
                fail('%s: long line' % c.path)
        for p in parts:
            if (p['Content-Transfer-Encoding'] or '').lower() == 'base64':
                for line in p.get_payload().split('\n'):
                    if len(line.rstrip('\r')) > 76:
                        fail('%s: base64 line over 76' % c.path)
    ok('multipart/alternative kept, two alternatives in order; the plain '
       'one ends with FOOTER_U, the HTML one has it escaped before </body>')


def case006(bed, post, charset):
    src = email.message_from_bytes(open(post, 'rb').read(),
                                   policy=email.policy.compat32)
    raw_in = src.get_payload(decode=True)
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        m = c.msg
        if m.get_content_type() != 'multipart/mixed':
            fail('%s: top is %s' % (c.path, m.get_content_type()))
        first, foot = m.get_payload()
        if first.get_payload(decode=True).replace(b'\r\n', b'\n') != \
                raw_in.replace(b'\r\n', b'\n'):
            fail('%s: the original part changed' % c.path)
        if (first.get_content_charset() or '').lower() != charset.lower():
            fail('%s: label %s' % (c.path, first.get_content_charset()))
        if (foot.get_content_charset() or '').lower() != 'utf-8' or \
                _decoded_text(foot) != FOOTER_U:
            fail('%s: the footer part is wrong' % c.path)
    ok('the original part byte for byte with its %s label; the footer a '
       'UTF-8 part of its own' % charset)


def dkim(bed, dns_port, expect, *only):
    """Each list copy's DKIM-Signature verifies (expect=pass) or not,
    with the keys from the test bed's DNS server."""
    import dkim as dkimpy
    import dns.resolver
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = ['127.0.0.1']
    r.port = int(dns_port)

    def txt(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            a = r.resolve(name, 'TXT')
        except Exception:
            return None
        return b''.join(b''.join(x.strings) for x in a)
    cs = [c for c in copies(bed) if c.msg['List-Id'] and
          (not only or c.rcpt in only)]
    if not cs:
        fail('no copies')
    for c in cs:
        raw = c.raw.replace(b'\r\n', b'\n').replace(b'\n', b'\r\n')
        good = dkimpy.verify(raw, dnsfunc=txt)
        if good != (expect == 'pass'):
            fail('%s: DKIM %s, expected %s' % (c.path, good, expect))
    ok('%d copies: the author\'s DKIM signature %s' % (
        len(cs), 'verifies' if expect == 'pass' else 'fails, as it should'))


def dmarc_from(bed, name):
    """From is exactly one mailbox, the list's, "NAME via dev"."""
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        if len(c.fields('From')) != 1:
            fail('%s: %d From fields' % (c.path, len(c.fields('From'))))
        f = _strict(c, 'From')
        if len(f.addresses) != 1 or \
                f.addresses[0].addr_spec != 'dev@lists.example.org':
            fail('%s: From %r' % (c.path, str(f)))
        if f.addresses[0].display_name != name + ' via dev':
            fail('%s: display name %r' % (c.path,
                                          f.addresses[0].display_name))
        check_7bit_header(c)
        for n in ('Reply-To', 'Cc'):
            if len(c.fields(n)) > 1:
                fail('%s: %d %s fields' % (c.path, len(c.fields(n)), n))
    ok('one From, one mailbox: "%s via dev" <dev@lists.example.org>; at '
       'most one Reply-To and Cc; 7-bit header' % name)


def field_is(bed, name, want):
    """The field occurs once in every list copy, with this value (or
    not at all, for want "-")."""
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        got = c.fields(name)
        if want == '-':
            if got:
                fail('%s: %s is there: %r' % (c.path, name, got))
            continue
        if len(got) != 1:
            fail('%s: %d %s fields' % (c.path, len(got), name))
        v = str(_strict(c, name))
        if v != want:
            fail('%s: %s is %r, expected %r' % (c.path, name, v, want))
    ok('%s: %s' % (name, 'absent' if want == '-' else want))


def field_has(bed, name, addr):
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        if len(c.fields(name)) != 1:
            fail('%s: %d %s fields' % (c.path, len(c.fields(name)), name))
        addrs = [a.addr_spec for a in _strict(c, name).addresses]
        if addr not in addrs:
            fail('%s: %s %r lacks %s' % (c.path, name, addrs, addr))
    ok('one %s field, holding %s' % (name, addr))


def same_as_input(bed, post, *names):
    """The fields' values are those of the post, unfolded."""
    src = email.message_from_bytes(open(post, 'rb').read(),
                                   policy=email.policy.compat32)
    for c in [c for c in copies(bed) if c.msg['List-Id']]:
        for n in names:
            got, want = c.fields(n), src.get_all(n) or []
            if [_unfold(v) for v in got] != [_unfold(v) for v in want]:
                fail('%s: %s %r, expected %r' % (c.path, n, got, want))
    ok('%s as in the post' % ', '.join(names))


def attachment_sha256(bed, digest):
    import hashlib
    cs = [c for c in copies(bed) if c.msg['List-Id']]
    for c in cs:
        atts = [p for p in c.msg.walk()
                if p.get_content_type() == 'application/octet-stream']
        if len(atts) != 1 or hashlib.sha256(atts[0].get_payload(
                decode=True)).hexdigest() != digest:
            fail('%s: the attachment changed' % c.path)
    ok('%d copies: the attachment decodes to sha256 %s...' % (len(cs),
                                                              digest[:12]))


def main():
    if len(sys.argv) < 3:
        fail(__doc__)
    fn = globals().get(sys.argv[1].replace('-', '_'))
    if fn is None or sys.argv[1].startswith('_'):
        fail('no check called %s' % sys.argv[1])
    fn(*sys.argv[2:])


if __name__ == '__main__':
    main()
