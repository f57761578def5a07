#!/usr/bin/env python3
"""A recording SMTP sink for Herald's tests.

Accepts mail on 127.0.0.1:PORT and appends one JSON line per accepted
transaction to RECORD (flushed before the final 250 is sent, so that a copy
the sink said it accepted is always recorded).  Per-recipient behaviour,
chosen by the recipient's local part:

  t451...   451 to RCPT for the first --tempfail-times attempts, then 250
  r550...   550 to RCPT, always
  anything  250

--throttle-every N answers 421 to MAIL FROM (and closes) for every Nth
transaction, --delay-ms D waits D ms before answering the data, and
--fail-connections N refuses (closes) the first N connections.
"""
import argparse
import asyncio
import hashlib
import json
import os
import re
import sys


def message_id(data):
    """The Message-ID of a message, which every copy of a post shares
    (each copy's own header fields make the copies' digests differ)."""
    head = data.split(b'\r\n\r\n', 1)[0]
    m = re.search(rb'^message-id:[ \t]*(.*(?:\r\n[ \t].*)*)', head,
                  re.I | re.M)
    return m.group(1).decode('ascii', 'replace').strip() if m else ''


class Sink:
    def __init__(self, args):
        self.args = args
        self.record = open(args.record, 'a')
        self.rcpt_attempts = {}
        self.transactions = 0
        self.connections = 0

    def write(self, entry):
        self.record.write(json.dumps(entry) + '\n')
        self.record.flush()
        os.fsync(self.record.fileno())

    async def session(self, reader, writer):
        self.connections += 1
        if self.connections <= self.args.fail_connections:
            writer.close()
            return
        w = writer.write
        w(b'220 sink.test ESMTP\r\n')
        mail, rcpts = None, []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                cmd = line.decode('latin-1').strip()
                verb = cmd[:4].upper()
                if verb in ('EHLO', 'HELO'):
                    w(b'250-sink.test\r\n250-8BITMIME\r\n'
                      b'250 SIZE 100000000\r\n')
                elif verb == 'MAIL':
                    self.transactions += 1
                    every = self.args.throttle_every
                    if every and self.transactions % every == 0:
                        w(b'421 4.7.0 sink.test slow down\r\n')
                        await writer.drain()
                        break
                    mail, rcpts = cmd[10:].strip(), []
                    w(b'250 2.1.0 ok\r\n')
                elif verb == 'RCPT':
                    w(self.rcpt_reply(cmd[8:].strip(), rcpts))
                elif verb == 'DATA':
                    if not rcpts:
                        w(b'554 5.5.1 no valid recipients\r\n')
                        continue
                    w(b'354 go ahead\r\n')
                    await writer.drain()
                    data = await self.read_data(reader)
                    if data is None:
                        break
                    if self.args.delay_ms:
                        await asyncio.sleep(self.args.delay_ms / 1000)
                    digest = hashlib.sha256(data).hexdigest()
                    self.write({'from': mail, 'rcpt': rcpts,
                                'size': len(data), 'sha': digest,
                                'msgid': message_id(data)})
                    if self.args.keep:
                        with open(os.path.join(self.args.keep, '%d.eml' %
                                  self.transactions), 'wb') as fh:
                            fh.write(data)
                    w(b'250 2.0.0 queued\r\n')
                    mail, rcpts = None, []
                elif verb == 'RSET':
                    mail, rcpts = None, []
                    w(b'250 2.0.0 ok\r\n')
                elif verb == 'NOOP':
                    w(b'250 2.0.0 ok\r\n')
                elif verb == 'QUIT':
                    w(b'221 2.0.0 bye\r\n')
                    break
                else:
                    w(b'502 5.5.2 unknown command\r\n')
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        writer.close()

    def rcpt_reply(self, arg, rcpts):
        addr = arg.strip('<>').lower()
        local = addr.split('@')[0]
        if local.startswith('r550'):
            return b'550 5.1.1 <%s>: no such user\r\n' % addr.encode()
        if local.startswith('t451'):
            n = self.rcpt_attempts.get(addr, 0) + 1
            self.rcpt_attempts[addr] = n
            if n <= self.args.tempfail_times:
                return b'451 4.3.0 try again later\r\n'
        rcpts.append(addr)
        return b'250 2.1.5 ok\r\n'

    async def read_data(self, reader):
        lines = []
        while True:
            line = await reader.readline()
            if not line:
                return None
            if line in (b'.\r\n', b'.\n'):
                return b''.join(lines)
            if line.startswith(b'.'):
                line = line[1:]
            lines.append(line)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--record', required=True)
    p.add_argument('--keep', help='directory for the messages')
    p.add_argument('--tempfail-times', type=int, default=1)
    p.add_argument('--throttle-every', type=int, default=0)
    p.add_argument('--fail-connections', type=int, default=0)
    p.add_argument('--delay-ms', type=int, default=0)
    args = p.parse_args()
    sink = Sink(args)
    server = await asyncio.start_server(sink.session, '127.0.0.1',
                                        args.port)
    print('listening', flush=True)
    async with server:
        await server.serve_forever()


if __name__ == '__main__':
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
