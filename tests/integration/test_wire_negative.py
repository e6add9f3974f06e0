#!/usr/bin/python3
"""Hostile and broken clients: oversize messages, garbage before and after startup, a client
vanishing mid-message, SSLRequest/GSSENCRequest without TLS, max_connections (53300), stray
COPY messages outside COPY, 10,000 named statements on one connection and the per-connection cap;
invalid UTF-8 in queries, Parse and Bind (22021), _pq_ protocol options (NegotiateProtocolVersion),
replication= (0A000), unknown database names (3D000), cleaned application_name and identifiers
over 63 bytes (NOTICE 42622) (issue #21).
After each, a second client must still be served."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "wire"))
from wirelib import Raw, Server, Tap, cstr, msg, simple_query, startup_packet  # noqa: E402


def error_fields(body):
    """wirelib's, but a message may quote a client's invalid bytes."""
    return {chr(p[0]): p[1:].decode("utf-8", "backslashreplace") for p in body.split(b"\0") if p}

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

    # Portals are capped the same way (they live until their transaction ends)
    r = Raw(port)
    r.login()
    r.send(msg(b"Q", cstr("BEGIN")) + msg(b"P", cstr("ps") + cstr("SELECT 1") + struct.pack("!H", 0)) +
           msg(b"S"))
    r.until(b"Z")
    r.until(b"Z")
    r.send(b"".join(msg(b"B", cstr("p%d" % i) + cstr("ps") + struct.pack("!HHH", 0, 0, 0))
                    for i in range(10000)) + msg(b"S"))
    got = r.until(b"Z")
    bound = sum(1 for m in got if m and m[0] == b"2")
    t.ok(bound == 10000, "10,000 named portals open in one transaction", bound)
    r.send(msg(b"B", cstr("p_more") + cstr("ps") + struct.pack("!HHH", 0, 0, 0)) + msg(b"S"))
    e = first_error(r)
    r.until(b"Z")
    t.ok(e is not None and e["C"] == "54000" and "too many portals" in e["M"],
         "the 10,001st portal is refused with 54000", e)
    r.send(msg(b"Q", cstr("ROLLBACK")))
    r.until(b"Z")
    r.send(msg(b"B", cstr("p_after") + cstr("ps") + struct.pack("!HHH", 0, 0, 0)) +
           msg(b"E", cstr("p_after") + struct.pack("!I", 0)) + msg(b"S"))
    got = r.until(b"Z")
    t.ok(not any(m and m[0] == b"E" for m in got) and any(m and m[0] == b"D" for m in got),
         "the transaction's end closes them: a portal binds and runs again", got)
    r.close()

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

    # ---- issue #21: text encoding, as PostgreSQL 15 checks it ----
    def query_error(sql_bytes, setup=b""):
        r = Raw(port)
        r.login()
        if setup:
            r.send(msg(b"Q", setup + b"\0"))
            r.until(b"Z")
        r.send(msg(b"Q", sql_bytes + b"\0"))
        got = r.until(b"Z")
        r.close()
        errs = [error_fields(m[1]) for m in got if m and m[0] == b"E"]
        return (errs[0] if errs else None), got[-1]

    # the query text: 53200 "out of memory" before; PostgreSQL's 22021 and its byte list now
    for sql, shown in ((b"SELECT '\xff'", "0xff"), (b"SELECT '\xe2\x28\xa1'", "0xe2 0x28 0xa1"),
                       (b"SELECT 'a\xc3'", "0xc3 0x27"), (b"SELECT '\xed\xa0\x80'", "0xed 0xa0 0x80"),
                       (b"SELECT '\xc0\x80'", "0xc0 0x80"), (b"-- \xf0\x9f\x98\nSELECT 1",
                                                            "0xf0 0x9f 0x98 0x0a")):
        e, _ = query_error(sql)
        t.ok(e is not None and e["C"] == "22021" and
             e["M"] == 'invalid byte sequence for encoding "UTF8": ' + shown,
             "invalid UTF-8 in a query (%r): 22021 ... %s" % (sql, shown), e)
    # escapes producing bytes: E'\x00' was 42601, E'\xff' too
    for sql, shown in ((b"SELECT E'\\x00'", "0x00"), (b"SELECT E'\\xff'", "0xff"),
                       (b"SELECT E'\\xc3'", "0xc3")):
        e, _ = query_error(sql)
        t.ok(e is not None and e["C"] == "22021" and "P" not in e and
             e["M"] == 'invalid byte sequence for encoding "UTF8": ' + shown,
             "%r: 22021 ... %s, no position" % (sql, shown), e)
    got = simple_query(port, "SELECT E'\\xc3\\xa9' AS s")
    t.ok(any(m[0] == b"D" and "\u00e9".encode() in m[1] for m in got if m),
         "a valid escaped sequence E'\\xc3\\xa9' still gives its character", got)
    e, ready = query_error(b"SELECT '\xff'", setup=b"BEGIN")
    t.ok(e is not None and e["C"] == "22021" and ready == (b"Z", b"E"),
         "inside a transaction block the encoding error fails the transaction", (e, ready))
    # extended protocol: the Parse text and text Bind parameters
    r = Raw(port)
    r.login()
    r.send(msg(b"P", cstr("") + b"SELECT '\xe2\x82'\0" + struct.pack("!H", 0)) + msg(b"S"))
    e = first_error(r)
    r.until(b"Z")
    t.ok(e is not None and e["C"] == "22021" and e["M"].endswith(": 0xe2 0x82 0x27"),
         "invalid UTF-8 in a Parse: 22021", e)
    r.send(msg(b"P", cstr("") + cstr("SELECT $1::text") + struct.pack("!HI", 1, 25)) +
           msg(b"B", cstr("") + cstr("") + struct.pack("!HHI", 0, 1, 2) + b"a\xff" +
               struct.pack("!H", 0)) + msg(b"E", cstr("") + struct.pack("!I", 0)) + msg(b"S"))
    errs = [error_fields(m[1]) for m in r.until(b"Z") if m and m[0] == b"E"]
    e = errs[0] if errs else None
    t.ok(e is not None and e["C"] == "22021" and e["M"].endswith(": 0xff"),
         "invalid UTF-8 in a text Bind parameter: 22021", e)
    r.close()

    # ---- issue #21: startup parameters ----
    def startup_raw(params, minor=0):
        body = struct.pack("!I", 196608 + minor)
        for k, v in params:
            body += k + b"\0" + v + b"\0"
        body += b"\0"
        return struct.pack("!I", len(body) + 4) + body

    def start(params, minor=0):
        """The messages up to ReadyForQuery or the FATAL (ParameterStatus left out)."""
        r = Raw(port)
        r.send(startup_raw([(b"user", b"postgres")] + params, minor))
        out = []
        while True:
            m = r.recv_msg()
            if m is None or m[0] == b"S":
                if m is None:
                    break
                continue
            out.append((m[0], error_fields(m[1]) if m[0] == b"E" else m[1]))
            if m[0] in (b"Z", b"E"):
                break
        r.close()
        return out

    # _pq_ options were silently taken as settings; PostgreSQL ignores them and says so
    got = start([(b"_pq_.foo", b"bar"), (b"_pq_.compression", b"on")])
    t.ok(got and got[0] == (b"v", struct.pack("!II", 196608, 2) + b"_pq_.foo\0_pq_.compression\0")
         and got[-1][0] == b"Z",
         "unknown _pq_ options: NegotiateProtocolVersion 3.0 naming them, then a session", got)
    got = start([], minor=2)
    t.ok(got and got[0] == (b"v", struct.pack("!II", 196608, 0)) and got[-1][0] == b"Z",
         "protocol 3.2 asked: NegotiateProtocolVersion 3.0 (no options), then a session", got)
    got = start([])
    t.ok(got and got[0][0] == b"R" and got[-1][0] == b"Z",
         "protocol 3.0 without _pq_ options: no NegotiateProtocolVersion", got)
    # replication=true used to open a normal session
    for v in (b"true", b"database", b"on", b"1"):
        got = start([(b"replication", v)])
        e = got[-1][1] if got and got[-1][0] == b"E" else None
        t.ok(e is not None and e["S"] == "FATAL" and e["C"] == "0A000" and
             "replication connections" in e["M"] and len(got) == 1,
             "replication=%s: FATAL 0A000 before authentication" % v.decode(), got)
    got = start([(b"replication", b"bogus")])
    e = got[-1][1] if got and got[-1][0] == b"E" else None
    t.ok(e is not None and e["C"] == "22023" and
         e["M"] == 'invalid value for parameter "replication": "bogus"',
         "replication=bogus: FATAL 22023, PostgreSQL's message", got)
    for v in (b"false", b"off", b"no", b"0"):
        got = start([(b"replication", v)])
        t.ok(got and got[-1][0] == b"Z", "replication=%s: a normal session" % v.decode(), got)
    # unknown database names were accepted
    got = start([(b"database", b"nosuchdb")])
    e = got[-1][1] if got and got[-1][0] == b"E" else None
    t.ok(got and got[0][0] == b"R" and e is not None and e["S"] == "FATAL" and
         e["C"] == "3D000" and e["M"] == 'database "nosuchdb" does not exist',
         "an unknown database: FATAL 3D000 after authentication, as PostgreSQL", got)
    for db in (b"postgres", b"template1", b"heliosdb"):
        got = start([(b"database", db)])
        t.ok(got and got[-1][0] == b"Z", "database \"%s\" is served" % db.decode(), got)
    r = Raw(port)
    r.send(startup_raw([(b"user", b"alice")]))  # libpq's default dbname: the user's name
    t.ok(r.until(b"Z")[-1][0] == b"Z", "a database named after the user is served")
    r.close()
    # invalid UTF-8 in a user name: no role can have it (PostgreSQL: 28000)
    r = Raw(port)
    r.send(startup_raw([(b"user", b"post\xffgres"), (b"database", b"postgres")]))
    errs = [error_fields(m[1]) for m in r.until(b"Z") if m and m[0] == b"E"]
    e = errs[0] if errs else None
    r.close()
    t.ok(e is not None and e["C"] == "28000" and e["M"] == 'role "post\\xffgres" does not exist',
         "a user name that is not UTF-8: FATAL 28000", e)
    # application_name is cleaned to printable ASCII, as PostgreSQL's pg_clean_ascii
    r = Raw(port)
    r.send(startup_raw([(b"user", b"postgres"), (b"application_name", b"a\xffb\x1bc\xc3\xa9")]))
    r.until(b"Z")
    r.send(msg(b"Q", cstr("SHOW application_name")))
    got = r.until(b"Z")
    r.close()
    t.ok(any(m[0] == b"D" and m[1].endswith(b"a?b?c??") for m in got if m),
         "application_name keeps printable ASCII only (a?b?c??)", got)
    # ---- issue #21: identifiers over 63 bytes: truncated with PostgreSQL's NOTICE 42622 ----
    def run(r, sql):
        r.send(msg(b"Q", cstr(sql)))
        got = r.until(b"Z")
        return ([error_fields(m[1]) for m in got if m and m[0] == b"N"],
                [error_fields(m[1]) for m in got if m and m[0] == b"E"], got)

    long_t, long_c = "t" * 70, "C" * 64
    r = Raw(port)
    r.login()
    notes, errs, _ = run(r, "CREATE TABLE %s (id int PRIMARY KEY, %s text)" % (long_t, long_c))
    t.ok(not errs and [(n["C"], n["S"], n["M"]) for n in notes] == [
        ("42622", "NOTICE", 'identifier "%s" will be truncated to "%s"' % (long_t, long_t[:63])),
        ("42622", "NOTICE", 'identifier "%s" will be truncated to "%s"' % (long_c.lower(),
                                                                           long_c.lower()[:63]))],
         "CREATE TABLE with 70- and 64-byte names: two NOTICEs 42622, names downcased", (notes, errs))
    notes, errs, got = run(r, "INSERT INTO %s VALUES (1, 'x'); SELECT %s AS \"%s\" FROM %s" %
                           (long_t, long_c, "Q" * 66, long_t[:63]))
    desc = [m[1] for m in got if m and m[0] == b"T"]
    t.ok(not errs and len(notes) == 3 and desc and (b"Q" * 63 + b"\0") in desc[0] and
         b"Q" * 64 not in desc[0] and any(m[0] == b"D" and m[1].endswith(b"x") for m in got if m),
         "the long and the truncated spellings find the same table and column; a quoted alias "
         "is cut to 63 bytes", (notes, errs))
    e_name = "\u00e9" * 40  # 80 bytes: cut to 31 characters (62 bytes), never inside one
    notes, errs, got = run(r, "SELECT 1 AS %s" % e_name)
    t.ok(not errs and len(notes) == 1 and
         notes[0]["M"] == 'identifier "%s" will be truncated to "%s"' % (e_name, e_name[:31]),
         "a multibyte identifier is cut at a character boundary (62 bytes)", notes)
    notes, errs, _ = run(r, "SELECT '%s' AS s, $$%s$$ AS d /* %s */ -- %s" % ((long_t,) * 4))
    t.ok(not errs and not notes, "long strings, dollar quotes and comments are not identifiers",
         notes)
    r.send(msg(b"P", cstr("") + cstr("SELECT 1 AS %s" % long_t) + struct.pack("!H", 0)) +
           msg(b"S"))
    got = r.until(b"Z")
    kinds = [m[0] for m in got if m]
    t.ok(kinds[:2] == [b"N", b"1"] and error_fields(got[0][1])["C"] == "42622",
         "Parse: the NOTICE comes before ParseComplete", got)
    run(r, "DROP TABLE %s" % long_t)
    r.close()
    t.ok(serving(), "still serving after the encoding and startup checks")
    t.ok(srv.stop() == 0, "clean shutdown", srv.logtext()[-1500:])
finally:
    srv.cleanup()
t.done()
