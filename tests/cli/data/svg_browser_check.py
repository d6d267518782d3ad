#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol (--remote-debugging-pipe, standard library only)
against a tracekit flame graph SVG served on 127.0.0.1, as a person would use it:

  0. (on the way) hover a frame and read its details line;
  1. press Ctrl-F, type a regular expression into the prompt, read the "Matched: N%" figure;
  2. click a frame and check that it now spans the full width, Reset Zoom shows, and the URL holds
     the zoom (x=, y=) and the search (s=);
  3. open that URL afresh and check the zoom and the search come back from it;
  4. click Reset Zoom and check the frame is back to its own width.

usage: svg_browser_check.py FILE.svg REGEX FRAME_NAME
Prints one JSON object with what it saw; exits non-zero with a reason when something fails.
"""
import fcntl
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix='tk-chromium-')
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():
            # the pipe protocol: Chromium reads commands on fd 3 and writes replies on fd 4
            # (through fds above 10 first, so neither end is overwritten by the other)
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            ['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
             '--user-data-dir=' + self.profile, '--remote-debugging-pipe', '--window-size=1300,1200',
             'about:blank'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4, to_chrome_r, from_chrome_w))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.session = None
        self.on_event = None

    def close(self):
        try:
            self.send('Browser.close', session=False, wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b'\0' not in self.buf:
            if time.time() > deadline:
                raise TimeoutError('chromium did not answer in time')
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise EOFError('chromium closed the pipe')
            self.buf += chunk
        msg, self.buf = self.buf.split(b'\0', 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True, wait=True, timeout=30):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session and self.session:
            msg['sessionId'] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b'\0')
        if not wait:
            return None
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get('id') == self.next_id:
                if 'error' in reply:
                    raise RuntimeError('%s: %s' % (method, reply['error']))
                return reply.get('result', {})
            self._event(reply)

    def _event(self, ev):
        if 'method' not in ev:
            return
        self.events.append(ev)
        if self.on_event:
            self.on_event(ev)

    def wait_event(self, method, timeout=30):
        deadline = time.time() + timeout
        for i, ev in enumerate(self.events):
            if ev['method'] == method:
                del self.events[i]
                return ev
        while True:
            ev = self._read_message(deadline)
            if ev.get('method') == method:
                return ev
            self._event(ev)

    def js(self, expr):
        r = self.send('Runtime.evaluate', {'expression': expr, 'returnByValue': True})
        if 'exceptionDetails' in r:
            raise RuntimeError('script failed: %s: %s' % (expr, r['exceptionDetails']))
        return r['result'].get('value')

    def open_page(self, url):
        self.events = []
        self.send('Page.navigate', {'url': url})
        self.wait_event('Page.loadEventFired')

    def click(self, x, y):
        for kind in ('mousePressed', 'mouseReleased'):
            self.send('Input.dispatchMouseEvent', {'type': kind, 'x': x, 'y': y, 'button': 'left', 'clickCount': 1})


def fail(msg, seen):
    seen['error'] = msg
    print(json.dumps(seen))
    sys.exit(1)


def main():
    svg_path, regex, frame_name = sys.argv[1], sys.argv[2], sys.argv[3]
    directory, name = os.path.split(os.path.abspath(svg_path))
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=directory)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = 'http://127.0.0.1:%d/%s' % (server.server_address[1], name)
    seen = {}
    b = Browser()
    try:
        target = b.send('Target.createTarget', {'url': 'about:blank'}, session=False)
        b.session = b.send('Target.attachToTarget', {'targetId': target['targetId'], 'flatten': True},
                           session=False)['sessionId']
        b.send('Page.enable')
        b.send('Runtime.enable')
        b.open_page(base)
        if b.js("typeof init") != 'function' or not b.js("document.getElementById('frames').children.length"):
            fail('the page has no flame graph script or frames', seen)

        # 1. Ctrl-F opens the prompt (answered like a person typing), then read "Matched"
        def answer_prompt(ev):
            if ev['method'] == 'Page.javascriptDialogOpening':
                seen['prompt'] = ev['params'].get('message', '').split('\n')[0]
                b.send('Page.handleJavaScriptDialog', {'accept': True, 'promptText': regex}, wait=False)
        b.on_event = answer_prompt
        b.send('Input.dispatchKeyEvent', {'type': 'rawKeyDown', 'modifiers': 2, 'key': 'f', 'code': 'KeyF',
                                          'windowsVirtualKeyCode': 70, 'nativeVirtualKeyCode': 70})
        b.send('Input.dispatchKeyEvent', {'type': 'keyUp', 'modifiers': 2, 'key': 'f', 'code': 'KeyF',
                                          'windowsVirtualKeyCode': 70, 'nativeVirtualKeyCode': 70})
        for _ in range(50):
            if b.js("document.getElementById('matched').classList.contains('hide')") is False:
                break
            time.sleep(0.1)
        b.on_event = None
        if 'prompt' not in seen:
            fail('Ctrl-F opened no search prompt', seen)
        seen['matched'] = b.js("document.getElementById('matched').textContent")
        seen['highlighted'] = b.js("document.querySelectorAll('#frames rect[fill=\"rgb(230,0,230)\"]').length")

        # 2. click the frame, see it zoom to the full width
        find = ("Array.prototype.find.call(document.getElementById('frames').children, "
                "g => nameOf(g) === %s)" % json.dumps(frame_name))
        if not b.js(find + " !== undefined"):
            fail('no frame named %s' % frame_name, seen)
        seen['width_before'] = float(b.js(find + ".querySelector('rect').getAttribute('width')"))
        b.js(find + ".querySelector('rect').scrollIntoView({block: 'center', inline: 'center'})")
        box = b.js("(() => { const r = " + find + ".querySelector('rect').getBoundingClientRect();"
                   " return [r.left + Math.min(r.width / 2, 5), r.top + r.height / 2]; })()")
        b.send('Input.dispatchMouseEvent', {'type': 'mouseMoved', 'x': box[0], 'y': box[1]})
        seen['hover_details'] = b.js("document.getElementById('details').textContent")
        seen['hover_title'] = b.js(find + ".querySelector('title').textContent")
        b.click(box[0], box[1])
        seen['width_after'] = float(b.js(find + ".querySelector('rect').getAttribute('width')"))
        seen['full_width'] = b.js("+document.documentElement.getAttribute('width') - 2 * xpad")
        seen['reset_visible'] = b.js("!document.getElementById('unzoom').classList.contains('hide')")
        seen['hidden_after_zoom'] = b.js("document.querySelectorAll('#frames > g.hide').length")
        seen['url'] = b.js("location.search")

        # 3. the URL alone brings the view back
        b.open_page(base + seen['url'])
        seen['reloaded_width'] = float(b.js(find + ".querySelector('rect').getAttribute('width')"))
        seen['reloaded_matched'] = b.js("document.getElementById('matched').textContent")

        # 4. Reset Zoom
        b.js("document.getElementById('unzoom').dispatchEvent(new MouseEvent('click'))")
        seen['width_reset'] = float(b.js(find + ".querySelector('rect').getAttribute('width')"))
        seen['url_after_reset'] = b.js("location.search")
    finally:
        b.close()
        server.shutdown()
    print(json.dumps(seen))


main()
