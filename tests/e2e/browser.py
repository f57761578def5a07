#!/usr/bin/env python3
"""Presses the button of a one-click page in headless Chromium.

Usage: browser.py URL

Starts chromedriver (Debian's chromium-driver) on a free port, drives
/usr/bin/chromium through the W3C WebDriver HTTP API with urllib (nothing
from outside Debian), opens URL, checks the page has a button, presses
it, and prints the heading of the page that follows.  Exits 1 on any
failure; everything it starts is stopped before it exits.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BUTTON = '#unsubscribe'


def fail(msg):
    print('FAIL: ' + msg, file=sys.stderr)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


class WebDriverError(Exception):
    pass


class Driver:
    def __init__(self, port):
        self.base = 'http://127.0.0.1:%d' % port
        self.session = None

    def call(self, method, path, body=None, timeout=60):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method)
        req.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.load(r).get('value')
        except urllib.error.HTTPError as e:
            raise WebDriverError('webdriver %s %s: %s' % (
                method, path, e.read()[:300]))

    def wait_up(self):
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.base + '/status',
                                            timeout=2) as r:
                    if json.load(r)['value'].get('ready'):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        fail('chromedriver did not start')

    def s(self, method, path, body=None):
        return self.call(method, '/session/%s%s' % (self.session, path),
                         body)

    def find(self, css):
        el = self.s('POST', '/element', {'using': 'css selector',
                                         'value': css})
        return list(el.values())[0]

    def text(self, css):
        return self.s('GET', '/element/%s/text' % self.find(css))


def run(url, profile):
    port = free_port()
    drv = subprocess.Popen(['chromedriver', '--port=%d' % port],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    d = Driver(port)
    try:
        d.wait_up()
        caps = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {
                'binary': '/usr/bin/chromium',
                'args': ['--headless', '--no-sandbox', '--disable-gpu',
                         '--disable-background-networking',
                         '--disable-component-update', '--disable-sync',
                         '--no-first-run', '--user-data-dir=' + profile],
            }}}}
        d.session = d.call('POST', '/session', caps)['sessionId']
        d.s('POST', '/url', {'url': url})
        title = d.text('h1')
        label = d.text(BUTTON)
        print('page: %r with a button %r' % (title, label))
        d.s('POST', '/element/%s/click' % d.find(BUTTON), {})
        after = title
        for _ in range(100):
            # While the answer loads, the old page's elements go stale.
            try:
                after = d.text('h1')
            except WebDriverError:
                after = title
            if after != title:
                break
            time.sleep(0.1)
        print('after the click: %r' % after)
        print(d.text('p'))
        d.s('DELETE', '')
        d.session = None
    finally:
        if d.session is not None:
            try:
                d.call('DELETE', '/session/%s' % d.session, timeout=10)
            except (OSError, WebDriverError):
                pass
        drv.terminate()
        try:
            drv.wait(10)
        except subprocess.TimeoutExpired:
            drv.kill()


def main():
    if len(sys.argv) != 2:
        fail(__doc__)
    profile = tempfile.mkdtemp(prefix='herald-chromium.')
    try:
        run(sys.argv[1], profile)
    except WebDriverError as e:
        fail(str(e))
    finally:
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == '__main__':
    main()
