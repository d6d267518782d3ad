#!/usr/bin/env bats
# The demo subject: build/demo/httpd (endpoints, errors, timeouts, keep-alive, pipelining, drain on
# SIGTERM) and build/demo/load (request counts, latency accuracy). Every server binds port 0 and
# reports its port through --port-file, so concurrent test runs never collide.
load helpers

setup() {
	HTTPD="$TK_BUILD/demo/httpd"
	LOAD="$TK_BUILD/demo/load"
	[ -x "$HTTPD" ] && [ -x "$LOAD" ] || skip "demo programs not built (make)"
	D="$BATS_TEST_TMPDIR"
	# the system interpreter: a pyenv shim first on PATH costs a second per call
	PY=/usr/bin/python3
	[ -x "$PY" ] || PY=python3
	mkdir -p "$D/www"
	echo "hello from the demo" > "$D/www/hello.txt"
	head -c 1048576 /dev/urandom > "$D/www/big.bin"
	HTTPD_PID=
}

teardown() {
	if [ -n "$HTTPD_PID" ]; then
		kill -9 "$HTTPD_PID" 2>/dev/null || true
	fi
}

# start_httpd [httpd options]: start a server on a free port; sets PORT and HTTPD_PID.
start_httpd() {
	rm -f "$D/port"
	"$HTTPD" -q -d "$D/www" -l "$D/access.log" --port-file "$D/port" "$@" 3>&- &
	HTTPD_PID=$!
	for _ in $(seq 200); do
		[ -s "$D/port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$D/port")
	[ -n "$PORT" ]
}

# stop_httpd: SIGTERM, and the exit status must be 0.
stop_httpd() {
	kill -TERM "$HTTPD_PID"
	wait "$HTTPD_PID"
	HTTPD_PID=
}

# raw [READ_TIMEOUT]: send stdin on one connection to PORT; print what comes back until the server
# closes (then "<EOF>") or nothing arrives for READ_TIMEOUT seconds (then "<TIMEOUT>").
raw() {
	"$PY" -c '
import socket, sys
port, tmo = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(sys.stdin.buffer.read())
s.settimeout(tmo)
out = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            out += b"<EOF>"
            break
        out += b
except socket.timeout:
    out += b"<TIMEOUT>"
except ConnectionResetError:
    out += b"<RESET>"
sys.stdout.buffer.write(out)
' "$PORT" "${1:-3}"
}

# send DATA [READ_TIMEOUT]: raw with DATA's backslash escapes (\r, \n, \xHH) interpreted.
send() {
	printf '%b' "$1" | raw "${2:-3}"
}

# get PATH: one request with Connection: close; prints the whole response.
get() {
	send "GET $1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
}

body_of() {
	"$PY" -c 'import sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n", 1)[1].replace(b"<EOF>", b""))'
}

@test "httpd: every endpoint answers" {
	start_httpd
	run get /
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" == *"Content-Type: text/html"* ]]
	[[ "$output" == *"tracekit demo httpd"* ]]
	[[ "$output" == *"Connection: close"* ]]

	[ "$(get /file/hello.txt | body_of)" = "hello from the demo" ]
	# a 1 MiB file through sendfile arrives intact
	[ "$(get /file/big.bin | body_of | sha256sum)" = "$(sha256sum < "$D/www/big.bin")" ]
	run get /file/missing.txt
	[[ "$output" == "HTTP/1.1 404 "* ]]
	run get /file/..%2Fport
	[[ "$output" == "HTTP/1.1 400 "* ]]
	run get /file/.hidden
	[[ "$output" == "HTTP/1.1 400 "* ]]

	run get "/cpu?n=2000"
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" == *"n=2000 hash="* ]]
	# the same work gives the same hash
	[ "$(get '/cpu?n=2000' | body_of)" = "$(get '/cpu?n=2000' | body_of)" ]
	run get "/cpu?n=x"
	[[ "$output" == "HTTP/1.1 400 "* ]]

	run get "/sleep?ms=30"
	[[ "$output" == *"slept 30 ms"* ]]
	run get "/sleep?ms=99999999"
	[[ "$output" == "HTTP/1.1 400 "* ]]

	run get "/alloc?kb=2048"
	[[ "$output" == *"allocated 2048 KiB"* ]]
	run get "/alloc?kb=0"
	[[ "$output" == "HTTP/1.1 400 "* ]]

	run get /nothing-here
	[[ "$output" == "HTTP/1.1 404 "* ]]
	run send 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc'
	[[ "$output" == "HTTP/1.1 405 "* ]]
	[[ "$output" == *"Allow: GET, HEAD"* ]]

	# HEAD: the GET's headers, no body
	run send 'HEAD /file/hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[[ "$output" == *"Content-Length: 20"* ]]
	[[ "$output" == *$'\r\n\r\n<EOF>' ]]

	run get /metrics
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" == *"# TYPE httpd_requests_total counter"* ]]
	[[ "$output" == *'httpd_requests_total{endpoint="/sleep",code="200"} 1'* ]]
	[[ "$output" == *'httpd_requests_total{endpoint="/file",code="404"} 1'* ]]
	[[ "$output" == *'httpd_requests_total{endpoint="/file",code="400"} 2'* ]]
	[[ "$output" == *"# TYPE httpd_request_duration_seconds histogram"* ]]
	[[ "$output" == *'httpd_request_duration_seconds_bucket{le="+Inf"} '* ]]
	stop_httpd

	# the access log: one JSON object per answered request, fields as documented
	"$PY" - "$D/access.log" <<-'EOF'
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1])]
	assert len(lines) == 18, len(lines)
	keys = {"ts", "worker", "conn", "remote", "method", "target", "status", "bytes", "dur_us"}
	assert all(set(l) == keys for l in lines), lines[0]
	sleeps = [l for l in lines if l["target"] == "/sleep?ms=30"]
	assert sleeps[0]["status"] == 200 and sleeps[0]["dur_us"] >= 30000, sleeps
	EOF
}

@test "httpd: malformed request line is 400, headers over 8 KiB are 431, both close" {
	start_httpd
	run send 'HELLO THERE\r\n\r\n'
	[[ "$output" == "HTTP/1.1 400 Bad Request"* ]]
	[[ "$output" == *"Connection: close"* ]]
	[[ "$output" == *"<EOF>" ]]
	run send 'GET  /  HTTP/1.1\r\nHost: t\r\n\r\n'
	[[ "$output" == "HTTP/1.1 400 "* ]]
	run send 'GET / HTTP/3.0\r\n\r\n'
	[[ "$output" == "HTTP/1.1 505 "* ]]
	# binary garbage (a TLS client hello) is answered at once, not left to a timeout
	run send '\x16\x03\x01\x00\xa5\x01' 2
	[[ "$output" == "HTTP/1.1 400 "* ]]
	big=$(head -c 9000 /dev/zero | tr '\0' 'a')
	run send "GET / HTTP/1.1\r\nHost: t\r\nX-Big: $big\r\n\r\n"
	[[ "$output" == "HTTP/1.1 431 Request Header Fields Too Large"* ]]
	[[ "$output" == *"<EOF>" ]]
	# many small headers adding up past 8 KiB: also 431
	many=$(for i in $(seq 90); do printf 'X-H%d: %s\\r\\n' "$i" "${big:0:100}"; done)
	run send "GET / HTTP/1.1\r\nHost: t\r\n$many\r\n"
	[[ "$output" == "HTTP/1.1 431 "* ]]
	# the server is still fine
	run get /
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	stop_httpd
}

@test "httpd: a half-sent request gets 408, an idle keep-alive connection is closed" {
	start_httpd --request-timeout 300 --idle-timeout 600
	# no blank line: the request never completes
	run send 'GET / HTTP/1.1\r\nHost: t' 5
	[[ "$output" == "HTTP/1.1 408 Request Timeout"* ]]
	[[ "$output" == *"<EOF>" ]]
	# a complete request, then silence: the answer, then the server closes
	run send 'GET / HTTP/1.1\r\nHost: t\r\n\r\n' 5
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" != *"Connection: close"* ]]
	[[ "$output" == *"</ul>"$'\n'"<EOF>" ]]
	# a connection that never sends anything
	run send '' 5
	[ "$output" = "<EOF>" ]
	run get /metrics
	[[ "$output" == *"httpd_timeouts_total 3"* ]]
	stop_httpd
}

@test "httpd: pipelined requests are answered in order, a /sleep does not block the worker" {
	start_httpd -w 1
	# three requests in one write; the slow one first: responses must still come in order
	run send 'GET /sleep?ms=200 HTTP/1.1\r\nHost: t\r\n\r\nGET /cpu?n=1 HTTP/1.1\r\nHost: t\r\n\r\nGET /file/hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n'
	[ "$(grep -c 'HTTP/1.1 200 OK' <<<"$output")" -eq 3 ]
	[[ "$output" == *"slept 200 ms"*"n=1 hash="*"hello from the demo"*"<EOF>" ]]
	# with one worker: while one connection sleeps 1.5 s, another is served
	"$PY" - "$PORT" <<-'EOF'
	import socket, sys
	port = int(sys.argv[1])
	a = socket.create_connection(("127.0.0.1", port))
	a.sendall(b"GET /sleep?ms=1500 HTTP/1.1\r\nHost: t\r\n\r\n")
	b = socket.create_connection(("127.0.0.1", port))
	b.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	b.settimeout(10)
	got = b""
	while True:
	    d = b.recv(65536)
	    if not d:
	        break
	    got += d
	assert got.startswith(b"HTTP/1.1 200 OK"), got
	a.setblocking(False)
	try:
	    early = a.recv(100)
	except BlockingIOError:
	    early = None
	assert early is None, "the sleeping request was answered before the other one"
	EOF
	stop_httpd
}

@test "httpd: 1,000 keep-alive requests on one connection" {
	start_httpd
	run "$LOAD" -c 1 -n 1000 --json "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	"$PY" -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["requests"] == 1000 and r["status"]["2xx"] == 1000, r
assert r["connects"] == 1 and r["errors"]["total"] == 0, r
' "$output"
	run get /metrics
	[[ "$output" == *'httpd_requests_total{endpoint="/",code="200"} 1000'* ]]
	stop_httpd
	# all 1000 on one connection, per the server's own log
	[ "$(grep -c '"target":"/"' "$D/access.log")" -eq 1000 ]
	[ "$(grep '"target":"/"' "$D/access.log" | sed 's/.*"conn":\([0-9]*\).*/\1/' | sort -u | wc -l)" -eq 1 ]
}

@test "httpd: SIGTERM answers every request already received, then exits 0" {
	start_httpd -w 2
	# 6 connections with a slow request each, one with 3 pipelined; SIGTERM while all are pending
	run "$PY" - "$PORT" "$HTTPD_PID" <<-'EOF'
	import os, signal, socket, sys, time
	port, pid = int(sys.argv[1]), int(sys.argv[2])
	conns = []
	for i in range(6):
	    s = socket.create_connection(("127.0.0.1", port))
	    s.sendall(b"GET /sleep?ms=400 HTTP/1.1\r\nHost: t\r\n\r\n")
	    conns.append((s, 1))
	s = socket.create_connection(("127.0.0.1", port))
	s.sendall(b"GET /sleep?ms=300 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n"
	          b"GET /cpu?n=10 HTTP/1.1\r\nHost: t\r\n\r\n")
	conns.append((s, 3))
	idle = socket.create_connection(("127.0.0.1", port))
	time.sleep(0.15)
	os.kill(pid, signal.SIGTERM)
	answered = 0
	for s, want in conns:
	    s.settimeout(10)
	    data = b""
	    while True:
	        d = s.recv(65536)
	        if not d:
	            break
	        data += d
	    n = data.count(b"HTTP/1.1 200 OK")
	    assert n == want, (want, data)
	    assert b"Connection: close" in data
	    answered += n
	idle.settimeout(10)
	assert idle.recv(10) == b""
	print(answered)
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = 9 ]
	wait "$HTTPD_PID"
	HTTPD_PID=
	[ "$(wc -l < "$D/access.log")" -eq 9 ]
}

@test "httpd: SIGTERM during load loses nothing: access log count = requests answered" {
	start_httpd -w 2
	"$LOAD" -c 8 -d 2 --json "http://127.0.0.1:$PORT/sleep?ms=30" > "$D/load.json" 3>&- &
	load_pid=$!
	sleep 1
	kill -TERM "$HTTPD_PID"
	wait "$HTTPD_PID"
	HTTPD_PID=
	wait "$load_pid" || true
	ok=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"])' "$D/load.json")
	[ "$ok" -gt 50 ]
	[ "$(wc -l < "$D/access.log")" -eq "$ok" ]
}

# The server cannot answer before its 20 ms timer fires: p50 >= 20 ms is a fact, whatever the load.
# Its upper side is the machine's business (20.3-20.6 ms measured on a quiet machine); 1 s
# only catches a unit slip (seconds for milliseconds) without turning a busy machine into a failure.
@test "load: p50 against /sleep?ms=20 is at least 20 ms (and not seconds), open and closed loop" {
	start_httpd
	run "$LOAD" -c 4 -d 2 -R 100 --json "http://127.0.0.1:$PORT/sleep?ms=20"
	[ "$status" -eq 0 ]
	"$PY" -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["mode"] == "open" and r["errors"]["total"] == 0, r
assert 20.0 <= r["latency_ms"]["p50"] < 1000.0, r["latency_ms"]
assert r["latency_ms"]["p50"] <= r["latency_ms"]["p90"] <= r["latency_ms"]["p99"] <= r["latency_ms"]["p99.9"] <= r["latency_ms"]["max"]
# open loop at 100/s for 2 s: the schedule was kept
assert 180 <= r["requests"] <= 201, r["requests"]
' "$output"
	run "$LOAD" -c 2 -d 1 --json "http://127.0.0.1:$PORT/sleep?ms=20"
	[ "$status" -eq 0 ]
	"$PY" -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["mode"] == "closed" and 20.0 <= r["latency_ms"]["p50"] < 1000.0, r
' "$output"
	stop_httpd
}

@test "load: request count agrees with httpd's /metrics; URL mix from a file" {
	start_httpd
	printf '# weight path\n3 /\n1 /cpu?n=10\n1 /file/hello.txt\n/nope\n' > "$D/urls"
	run "$LOAD" -c 4 -d 1 -u "$D/urls" --json "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	metrics=$(get /metrics)
	"$PY" -c '
import json, re, sys
r = json.loads(sys.argv[1])
m = {}
for ep, code, n in re.findall(r"httpd_requests_total\{endpoint=\"([^\"]*)\",code=\"(\d+)\"\} (\d+)", sys.argv[2]):
    m[(ep, code)] = int(n)
total = sum(m.values())
assert r["requests"] == total, (r["requests"], m)
assert r["requests"] == r["sent"] and r["errors"]["total"] == 0, r
# every line of the mix was used; /nope is a 404
for key in [("/", "200"), ("/cpu", "200"), ("/file", "200"), ("other", "404")]:
    assert m.get(key, 0) > 0, (key, m)
assert r["status"]["4xx"] == m[("other", "404")] == r["non_2xx"], (r, m)
' "$output" "$metrics"
	stop_httpd
}

@test "httpd and load: bad usage exits 2 with a message, no server exits 1" {
	run "$HTTPD" --workers 0
	[ "$status" -eq 2 ]
	[[ "$output" == "httpd: bad worker count"* ]]
	run "$HTTPD" -d /nonexistent/dir
	[ "$status" -eq 1 ]
	[[ "$output" == "httpd: cannot open directory /nonexistent/dir"* ]]
	run "$HTTPD" -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	run "$LOAD" ftp://x/
	[ "$status" -eq 2 ]
	[[ "$output" == "load: bad URL"* ]]
	run "$LOAD" -c 0 http://127.0.0.1:1/
	[ "$status" -eq 2 ]
	run "$LOAD" -u /nonexistent http://127.0.0.1:1/
	[ "$status" -eq 1 ]
	# nothing listens: a port we bound and closed
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run "$LOAD" -c 1 -d 300ms "http://127.0.0.1:$port/"
	[ "$status" -eq 1 ]
	[[ "$output" == *"load: no request was answered"* ]]
}

@test "httpd: out of file descriptors, it pauses accepting and recovers" {
	# a low fd limit: the extra connections wait in the backlog, then are served
	rm -f "$D/port"
	(ulimit -n 24 && exec "$HTTPD" -q -d "$D/www" --port-file "$D/port") 3>&- &
	HTTPD_PID=$!
	for _ in $(seq 200); do
		[ -s "$D/port" ] && break
		sleep 0.05
	done
	PORT=$(cat "$D/port")
	run "$PY" - "$PORT" <<-'EOF'
	import socket, sys
	port = int(sys.argv[1])
	held = [socket.create_connection(("127.0.0.1", port)) for _ in range(30)]
	# some of these are accepted, the rest wait in the backlog: all get answers once fds free up
	for s in held[:5]:
	    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	for s in held[5:]:
	    s.close()
	ok = 0
	for s in held[:5]:
	    s.settimeout(10)
	    data = b""
	    while True:
	        d = s.recv(65536)
	        if not d:
	            break
	        data += d
	    ok += data.startswith(b"HTTP/1.1 200 OK")
	c = socket.create_connection(("127.0.0.1", port))
	c.sendall(b"GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
	c.settimeout(10)
	m = b""
	while True:
	    d = c.recv(65536)
	    if not d:
	        break
	    m += d
	print(ok, b"httpd_connections_total" in m)
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = "5 True" ]
	stop_httpd
}
