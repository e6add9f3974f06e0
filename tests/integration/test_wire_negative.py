#!/usr/bin/python3
"""Hostile and broken clients: oversize messages, garbage before and after startup, a client
vanishing mid-message, SSLRequest/GSSENCRequest without TLS, max_connections (53300), stray
COPY messages outside COPY, 10,000 named statements on one connection and the per-connection cap.
After each, a second client must still be served."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Raw, Server, Tap, cstr, error_fields, msg, simple_query, startup_packet  # noqa: E402

t = Tap()
cfg = {"sql": {"max_connections": 3, "max_message_bytes": 1048576,
               "auth": {"method": "trust", "rules": [{"cidr": "127.0.0.0/8", "user": "all",
                                                      "method": "trust"}]}}}
srv = Server(cfg)
port = srv.port


def serving():
    ms = simple_query(port, "SELECT 1")
    return srv.alive() and [m[0] for m in ms] == [b"T", b"D", b"C", b"Z"]


def first_error(r):
    while True:
        m = r.recv_msg()
        if m is None:
            return None
        if m[0] == b"E":
            return error_fields(m[1])


try:
    r = Raw(port)
    r.login()
    r.send(b"Q" + struct.pack("!I", 0x7FFFFFF0))  # announces ~2 GB: refused from the header
    e = first_error(r)
    t.ok(e is not None and e["C"] == "54000" and r.recv_msg() is None,
         "oversize Query refused from its header (54000) and closed", e)
    r.close()
    t.ok(serving(), "still serving after an oversize message")

    r = Raw(port)
    r.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    e = first_error(r)
    t.ok(e is not None and e["C"] == "08P01", "garbage before startup: 08P01", e)
    r.close()
    t.ok(serving(), "still serving after garbage before startup")

    r = Raw(port)
    r.login()
    r.send(b"\xff\x00\x00\x00\x08garbage")
    e = first_error(r)
    t.ok(e is not None and e["C"] == "08P01" and "invalid frontend message type" in e["M"],
         "garbage after startup: 08P01 invalid frontend message type", e)
    r.close()
    t.ok(serving(), "still serving after garbage after startup")

    r = Raw(port)
    r.send(struct.pack("!I", 1 << 20))  # startup packet over 10000 bytes
    e = first_error(r)
    t.ok(e is not None and e["C"] == "08P01", "oversize startup packet refused", e)
    r.close()

    r = Raw(port)
    r.send(startup_packet()[:-1])
    r.send(b"")
    r.close()  # vanishes in the middle of its startup packet
    r = Raw(port)
    r.login()
    q = msg(b"Q", cstr("SELECT 1"))
    r.send(q[:7])
    r.close()  # vanishes mid-message
    t.ok(serving(), "clients vanishing mid-message do not disturb the server")

    for code, name in ((80877103, "SSLRequest"), (80877104, "GSSENCRequest")):
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.sendall(struct.pack("!II", 8, code))
        t.ok(s.recv(1) == b"N", "%s without TLS configured answers N" % name)
        s.sendall(startup_packet())
        s.settimeout(5)
        data = b""
        while b"Z\x00\x00\x00\x05I" not in data:
            d = s.recv(4096)
            if not d:
                break
            data += d
        t.ok(b"Z\x00\x00\x00\x05I" in data, "startup continues in plaintext after %s N" % name)
        s.close()

    # CopyData / CopyDone / CopyFail outside COPY are ignored, as the protocol says (a client
    # streaming a COPY optimistically sends them after the COPY was refused): no disconnect.
    r = Raw(port)
    r.login()
    r.send(msg(b"d", b"1\tx\n") + msg(b"c") + msg(b"f", cstr("gave up")) + msg(b"d", b"more"))
    r.send(msg(b"Q", cstr("SELECT 42")))
    got = r.until(b"Z")
    t.ok(got[-1] is not None and any(m and m[0] == b"D" and b"42" in m[1] for m in got) and
         not any(m and m[0] == b"E" for m in got),
         "stray CopyData/CopyDone/CopyFail outside COPY are ignored; the session goes on",
         got)
    r.close()

    # Named statements are indexed (100,000 took minutes) and capped per connection (54000).
    r = Raw(port)
    r.login()
    batch = b"".join(msg(b"P", cstr("s%d" % i) + cstr("SELECT %d" % i) + struct.pack("!H", 0))
                     for i in range(10000))
    r.send(batch + msg(b"S"))
    got = r.until(b"Z")
    parsed = sum(1 for m in got if m and m[0] == b"1")
    t.ok(parsed == 10000, "10,000 named statements prepared on one connection", parsed)
    r.send(msg(b"P", cstr("one_more") + cstr("SELECT 0") + struct.pack("!H", 0)) + msg(b"S"))
    e = first_error(r)
    r.until(b"Z")
    t.ok(e is not None and e["C"] == "54000" and "too many prepared statements" in e["M"],
         "the 10,001st named statement is refused with 54000", e)
    r.send(msg(b"C", b"S" + cstr("s5000")) +
           msg(b"P", cstr("one_more") + cstr("SELECT 7") + struct.pack("!H", 0)) +
           msg(b"B", cstr("p1") + cstr("one_more") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"E", cstr("p1") + struct.pack("!I", 0)) +
           msg(b"B", cstr("") + cstr("s9999") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S"))
    got = r.until(b"Z")
    rows = [m[1] for m in got if m and m[0] == b"D"]
    t.ok(not any(m and m[0] == b"E" for m in got) and len(rows) == 2 and b"7" in rows[0] and
         b"9999" in rows[1], "after closing one, another can be prepared; lookups find them", got)
    # DEALLOCATE (psycopg 3 evicts its statements so) and DISCARD ALL (pgbouncer's reset)
    # drop protocol-level statements: they share one namespace with SQL's, as in PostgreSQL
    r.send(msg(b"Q", cstr("DEALLOCATE s1")) + msg(b"B", cstr("") + cstr("s1") +
           struct.pack("!HHH", 0, 0, 0)) + msg(b"S"))
    r.until(b"Z")
    e = first_error(r)
    r.until(b"Z")
    t.ok(e is not None and e["C"] == "26000", "DEALLOCATE drops a protocol-level statement", e)
    r.send(msg(b"Q", cstr("DISCARD ALL")) + msg(b"B", cstr("") + cstr("s2") +
           struct.pack("!HHH", 0, 0, 0)) + msg(b"S"))
    r.until(b"Z")
    e = first_error(r)
    r.until(b"Z")
    r.send(msg(b"P", cstr("again") + cstr("SELECT 1") + struct.pack("!H", 0)) + msg(b"S"))
    got = r.until(b"Z")
    t.ok(e is not None and e["C"] == "26000" and any(m and m[0] == b"1" for m in got),
         "DISCARD ALL drops every statement; new ones can be prepared", (e, got))
    r.close()
    t.ok(serving(), "still serving after 10,000 statements on one connection")

    # Clients that never log in have a pool of their own: they cannot lock others out
    # (max_connections counts authenticated sessions; issue #21).
    idle = [socket.create_connection(("127.0.0.1", port), 5) for _ in range(10)]
    ok = serving()
    t.ok(ok, "10 connections that never log in (max_connections 3) do not keep a client out")
    idle += [socket.create_connection(("127.0.0.1", port), 5) for _ in range(60)]
    # 70 from 127.0.0.1: past the 64 per address, the next one from there is refused...
    r = Raw(port)
    r.send(startup_packet())
    e = first_error(r)
    t.ok(e is not None and e["C"] == "53300",
         "past 64 connections waiting to authenticate from one address: 53300", e)
    r.close()
    # ... while a client from another address still logs in
    other = socket.create_connection(("127.0.0.1", port), 5, source_address=("127.0.0.2", 0))
    other.sendall(startup_packet() + msg(b"Q", cstr("SELECT 1")))
    data = b""
    other.settimeout(5)
    while b"Z\x00\x00\x00\x05I" not in data[data.find(b"C"):] if b"C" in data else True:
        d = other.recv(4096)
        if not d:
            break
        data += d
    t.ok(b"SELECT 1" in data, "a client from another address still logs in meanwhile", data[-200:])
    other.close()
    for s_ in idle:
        s_.close()

    # Password message during trust is not expected; auth-phase types other than 'p' refused.
    held = [Raw(port) for _ in range(3)]
    for h in held:
        h.login()
    r = Raw(port)
    r.send(startup_packet())
    e = first_error(r)
    t.ok(e is not None and e["C"] == "53300" and "too many clients" in e["M"],
         "max_connections reached: 53300", e)
    r.close()
    for h in held:
        h.send(msg(b"X"))
        h.close()
    import time
    ok = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not ok:
        try:
            ok = serving()
        except Exception:  # noqa: BLE001 - the slot may not be free yet
            time.sleep(0.05)
    t.ok(ok, "a slot frees up when a client leaves")
    t.ok(srv.stop() == 0, "clean shutdown", srv.logtext()[-1500:])
finally:
    srv.cleanup()
t.done()
