#!/usr/bin/env python3
"""Helpers and assertions for subscribing, unsubscribing and one-click.

Usage: subcheck.py COMMAND ARGS...

  reply MSG FROM OUT [auto|plain-auto]
        writes OUT, the reply a mail client makes to MSG for FROM: to the
        Reply-To (else From), "Re:" subject, In-Reply-To, quoted text.
        "auto" makes it an RFC 3834 auto-reply, "plain-auto" one that
        carries no mark at all.  Prints the address it goes to.
  unsub MSG mailto|https     prints that URI of MSG's List-Unsubscribe
  list_copies BED MEMBERS_JSON WEB_URL [POSTER]
        every delivered list copy has exactly one List-Unsubscribe with
        its own member's mailto: token address (and with WEB_URL its own
        https link and one List-Unsubscribe-Post; without, none), and no
        other member's token or address (but the poster's own)
  not_list_mail BED ADDR
        every message to ADDR that is not list mail is Herald's own:
        Auto-Submitted, null envelope sender, no List-Unsubscribe(-Post)
  count BED ADDR_REGEX N     exactly N messages to addresses matching
"""
import email
import email.policy
import email.utils
import glob
import json
import os
import re
import sys
from email.header import decode_header, make_header


def fail(msg):
    print('FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print('  ok: ' + msg)


def load(path):
    with open(path, 'rb') as fh:
        return email.message_from_bytes(fh.read(),
                                        policy=email.policy.compat32)


def decoded(msg, name):
    v = msg[name]
    if v is None:
        return ''
    v = re.sub(r'\r?\n(?=[ \t])', '', v)
    return str(make_header(decode_header(v)))


def messages(bed):
    out = []
    for p in sorted(glob.glob(os.path.join(bed, 'mail', 'all', 'new',
                                           '*'))):
        m = load(p)
        m.path = p
        m.rcpt = (m['Delivered-To'] or '').strip().lower()
        out.append(m)
    return out


def reply(src, sender, out, kind=''):
    m = load(src)
    to = email.utils.parseaddr(decoded(m, 'Reply-To') or
                               decoded(m, 'From'))[1]
    if kind == 'plain-auto':
        # A responder that answers the From and marks nothing.
        to = email.utils.parseaddr(decoded(m, 'From'))[1]
    subject = decoded(m, 'Subject')
    body = m.get_payload(decode=True) or b''
    quoted = b''.join(b'> ' + line + b'\n'
                      for line in body.replace(b'\r\n', b'\n').split(b'\n'))
    head = ['From: %s' % sender, 'To: %s' % to,
            'Date: %s' % email.utils.formatdate(localtime=True),
            'Message-ID: %s' % email.utils.make_msgid(domain='client.test')]
    if kind == 'auto':
        head += ['Subject: Automatic reply: %s' % subject,
                 'Auto-Submitted: auto-replied']
        text = b'I am out of the office until Monday.\n'
    elif kind == 'plain-auto':
        head += ['Subject: Out of office: %s' % subject]
        text = b'I am out of the office until Monday.\n'
    else:
        head += ['Subject: Re: %s' % subject]
        text = b'Yes, please.\n\n'
    if m['Message-ID']:
        head += ['In-Reply-To: %s' % m['Message-ID'].strip(),
                 'References: %s' % m['Message-ID'].strip()]
    head += ['MIME-Version: 1.0',
             'Content-Type: text/plain; charset=utf-8',
             'Content-Transfer-Encoding: 8bit']
    with open(out, 'wb') as fh:
        fh.write('\n'.join(head).encode() + b'\n\n' + text + quoted)
    print(to)


def uris(m):
    lu = m.get_all('List-Unsubscribe') or []
    if len(lu) != 1:
        fail('%s: %d List-Unsubscribe fields' % (m.path, len(lu)))
    return re.findall(r'<([^>]*)>', re.sub(r'\s+', '', lu[0]))


def unsub(path, scheme):
    m = load(path)
    m.path = path
    for u in uris(m):
        if u.startswith(scheme + ':'):
            print(u[len('mailto:'):] if scheme == 'mailto' else u)
            return
    fail('%s: no %s: URI in List-Unsubscribe' % (path, scheme))


def list_copies(bed, members_json, web_url, poster=''):
    with open(members_json) as fh:
        members = json.load(fh)
    by_addr = {x['address'].lower(): x for x in members}
    copies = [m for m in messages(bed) if m['List-Id']]
    if not copies:
        fail('no list copies')
    for m in copies:
        me = by_addr.get(m.rcpt)
        if me is None:
            fail('%s: a copy for %s, no member' % (m.path, m.rcpt))
        want = ['mailto:' + me['unsubscribe_address']]
        if web_url:
            want.append(me['unsubscribe_url'])
            if not me['unsubscribe_url'].startswith(web_url + '/'):
                fail('%s: link %s is not under %s' % (
                    m.path, me['unsubscribe_url'], web_url))
        got = uris(m)
        if got != want:
            fail('%s: List-Unsubscribe %s, expected %s' % (m.path, got,
                                                          want))
        post = m.get_all('List-Unsubscribe-Post') or []
        if web_url and post != ['List-Unsubscribe=One-Click']:
            fail('%s: List-Unsubscribe-Post %r' % (m.path, post))
        if not web_url and post:
            fail('%s: List-Unsubscribe-Post without https' % m.path)
        with open(m.path, 'rb') as fh:
            raw = fh.read().lower()
        for other in members:
            if other is me:
                continue
            tok = other['unsubscribe_address'].split('+')[1].split('@')[0]
            for s in (tok, other['address'].lower()):
                if s == poster.lower():
                    continue
                if s.encode() in raw:
                    fail('%s: copy for %s holds %s of %s' % (
                        m.path, m.rcpt, s, other['address']))
    ok('%d list copies: each has one List-Unsubscribe with its own '
       'member\'s token%s, and nobody else\'s token or address' %
       (len(copies), ' (mailto: and https:, with List-Unsubscribe-Post)'
        if web_url else ' (mailto: only, no List-Unsubscribe-Post)'))


def not_list_mail(bed, addr):
    n = 0
    for m in messages(bed):
        if m.rcpt != addr.lower() or m['List-Id']:
            continue
        n += 1
        for f in ('List-Unsubscribe', 'List-Unsubscribe-Post'):
            if m[f] is not None:
                fail('%s: Herald\'s own mail carries %s' % (m.path, f))
        if (m['Auto-Submitted'] or '').strip() not in ('auto-replied',
                                                      'auto-generated'):
            fail('%s: no Auto-Submitted' % m.path)
        if (m['Return-Path'] or '').strip() != '<>':
            fail('%s: envelope sender %s, not <>' % (m.path,
                                                     m['Return-Path']))
    if n == 0:
        fail('no mail of Herald\'s own to %s' % addr)
    ok('%d messages of Herald\'s own to %s: Auto-Submitted, sent from <>, '
       'no List-Unsubscribe or List-Unsubscribe-Post' % (n, addr))


def count(bed, regex, n):
    r = re.compile(regex, re.I)
    got = [m for m in messages(bed) if r.fullmatch(m.rcpt)]
    if len(got) != int(n):
        fail('%d messages to %s, expected %s: %s' % (
            len(got), regex, n, [m.path for m in got]))
    ok('%s message(s) to %s' % (n, regex))


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    fn = {'reply': reply, 'unsub': unsub, 'list_copies': list_copies,
          'not_list_mail': not_list_mail, 'count': count}.get(sys.argv[1])
    if fn is None:
        fail('no command %s' % sys.argv[1])
    fn(*sys.argv[2:])


if __name__ == '__main__':
    main()
