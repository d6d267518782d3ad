#!/usr/bin/env python3
"""An independent model of stackcollapse-perf.pl's algorithm, written here from its definition with
Python's backtracking regex engine (bytes patterns: ASCII \\s \\d \\w as Perl on byte strings), to
check tracekit's hand-written matcher against. Options: --pid --tid --kernel --jit --addrs
--event-filter=EV. Reads a plain or .gz file, prints folded stacks sorted bytewise."""
import gzip
import re
import sys

HEADER = re.compile(rb'^(\S.+?)\s+(\d+)/*(\d+)*\s+')
EVENT = re.compile(rb':\s*(\d+)*\s+(\S+):\s*$')
FRAME = re.compile(rb'^\s*(\w+)\s*(.+) \((\S*)\)')


def truthy(b):
    return b is not None and b != b'' and b != b'0'


def main():
    opts = [a for a in sys.argv[1:] if a.startswith('--')]
    path = [a for a in sys.argv[1:] if not a.startswith('--')][0]
    pid_opt, tid_opt = '--pid' in opts, '--tid' in opts
    kernel, jit, addrs = '--kernel' in opts, '--jit' in opts, '--addrs' in opts
    event_filter = b''
    for o in opts:
        if o.startswith('--event-filter='):
            event_filter = o.split('=', 1)[1].encode()
    data = open(path, 'rb').read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    lines = data.split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    lines.append(b'')  # tracekit keeps a last sample without a closing blank line
    collapsed = {}
    stack = []
    pname = None
    period = 1
    for line in lines:
        if line.startswith(b'#'):
            continue
        if line == b'':
            if not truthy(pname):
                continue
            stack.insert(0, pname)
            key = b';'.join(stack)
            collapsed[key] = collapsed.get(key, 0) + period
            stack = []
            pname = None
            continue
        m = HEADER.match(line)
        if m:
            comm, pid, tid = m.group(1), m.group(2), m.group(3)
            per = b''
            if not truthy(tid):
                tid, pid = pid, b'?'
            e = EVENT.search(line)
            if e:
                per = e.group(1)
                ev = e.group(2)
                if event_filter == b'':
                    event_filter = ev
                elif ev != event_filter:
                    continue
            period = int(per) if truthy(per) else 1
            if tid_opt:
                pname = comm + b'-' + pid + b'/' + tid
            elif pid_opt:
                pname = comm + b'-' + pid
            else:
                pname = comm
            pname = pname.replace(b' ', b'_')
            continue
        m = FRAME.match(line)
        if m:
            if not truthy(pname):
                continue
            pc, raw, mod = m.group(1), m.group(2), m.group(3)
            raw = re.sub(rb'\+0x[\da-f]+$', b'', raw)
            if raw.startswith(b'('):
                continue
            parts = raw.split(b'->')
            while parts and parts[-1] == b'':
                parts.pop()
            inline = []
            for func in parts:
                if func == b'[unknown]':
                    if mod != b'[unknown]':
                        func = re.sub(rb'.*/', b'', mod)
                    else:
                        func = b'unknown'
                    func = b'[' + func + (b' <' + pc + b'>' if addrs else b'') + b']'
                func = func.replace(b';', b':')
                if not re.search(rb'\.\(.*\)\.', func):
                    func = re.sub(rb'\((?!anonymous namespace\)).*', b'', func, count=1)
                func = func.replace(b'"', b'').replace(b"'", b'')
                if pname == b'java' and b'/' in func:
                    func = re.sub(rb'^L', b'', func)
                if inline:
                    if b'_[i]' not in func:
                        func += b'_[i]'
                elif kernel and re.search(rb'(^\[|vmlinux$)', mod) and b'unknown' not in mod:
                    func += b'_[k]'
                elif jit and re.search(rb'/tmp/perf-\d+\.map', mod) and b'_[j]' not in func:
                    func += b'_[j]'
                inline.append(func)
            stack[0:0] = inline
            continue
    out = sys.stdout.buffer
    for k in sorted(collapsed):
        out.write(k + b' ' + str(collapsed[k]).encode() + b'\n')


main()
