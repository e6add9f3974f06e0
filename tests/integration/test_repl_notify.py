#!/usr/bin/python3
"""tests/integration/test_repl_notify.py — LISTEN / NOTIFY across three regions behind the WAN
emulator (tests/tools/wanem, 20 ms each way): a NOTIFY committed in one region reaches the
channel's listeners in every region, after the transaction's data is visible there, in commit
order, exactly once per listening connection, also when a region is cut off while the
notifications are sent (they arrive after the heal, once).

Each region has two listening connections (psycopg2; the second also listens on another
channel, and one of them UNLISTENs midway). Notifications are told apart by their payload
"<origin>:<n>". Exactly once is checked after a marker from every region has arrived at every
listener and the regions' digests are equal: each region applies an entry once, so nothing of
an earlier transaction can arrive after that.

Env: BINDIR (heliosdb), WANEM (default $BUILD/tools/wanem)."""
import os, select, sys, tempfile, time

import psycopg2

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_repl_basic as rb  # noqa: E402  (certificates, nodes, polling helpers)
import test_repl_partition as rp  # noqa: E402  (the WAN emulator's helpers)


class Listener:
    """One listening connection: what it received, in order, as (pid, channel, payload)."""

    def __init__(self, node, channels):
        self.node = node
        self.conn = node.connect()
        for ch in channels:
            self.conn.cursor().execute("LISTEN " + ch)
        self.got = []
        self.unseen = []  # payloads whose row was not visible when their notification came
        self.check_rows = False

    def drain(self):
        self.conn.poll()
        while self.conn.notifies:
            n = self.conn.notifies.pop(0)
            self.got.append((n.pid, n.channel, n.payload))
            if self.check_rows and n.channel == "orders" and ":" in n.payload:
                origin, k = n.payload.split(":")
                cur = self.conn.cursor()
                cur.execute("SELECT status FROM orders WHERE id = %s", (int(k),))
                if cur.fetchall() != [("new",)]:
                    self.unseen.append(n.payload)

    def payloads(self, channel="orders"):
        return [p for _, ch, p in self.got if ch == channel]


def wait_notes(listeners, pred, timeout):
    """Reads notifications as they come until pred() holds (True) or timeout (False)."""
    deadline = time.time() + timeout
    while True:
        for li in listeners:
            li.drain()
        if pred():
            return True
        left = deadline - time.time()
        if left <= 0:
            return False
        select.select([li.conn for li in listeners], [], [], min(left, 0.5))


def send(node, payloads, channel="orders", insert=True):
    """One transaction per payload "<origin>:<k>": the order's row and its NOTIFY."""
    c = node.connect()
    pid = c.get_backend_pid()
    for p in payloads:
        cur = c.cursor()
        cur.execute("BEGIN")
        if insert:
            cur.execute("INSERT INTO orders (id, status) VALUES (%s, 'new')",
                        (int(p.split(":")[1]),))
        cur.execute("NOTIFY " + channel + ", %s", (p,))
        cur.execute("COMMIT")
    c.close()
    return pid


def check(desc, cond, diag=""):
    if not cond and diag:
        print("# " + desc + ": " + str(diag)[:2000])
    return rb.check(desc, cond)


def main():
    tmp = tempfile.mkdtemp(prefix="helios-notify-")
    names = [("us-east-1", 1), ("eu-west-1", 2), ("ap-southeast-1", 3)]
    nodes, wan, ctl = rp.wan_cluster(tmp, names, delay_ms=20, jitter_ms=2, seed=11)
    listeners = []
    try:
        check("WAN emulator ready", wan is not None)
        check("three daemons start behind the emulator", wan and all(n.start() for n in nodes))
        a, b, c = nodes
        conn = a.connect()
        conn.cursor().execute("CREATE TABLE orders (id bigint PRIMARY KEY, status text)")
        conn.close()
        check("table replicated to all", rb.wait_for(
            lambda: all(rb.query(n, "SELECT count(*) FROM orders")[0][0] == 0 for n in (b, c)),
            15))
        per = {n.name: [Listener(n, ["orders"]), Listener(n, ["orders", "audit"])]
               for n in nodes}
        listeners = [li for ls in per.values() for li in ls]
        for li in listeners:
            li.check_rows = True

        # 1. every region hears a NOTIFY of us-east-1, after the order's row is there
        sent_a = ["a:%d" % k for k in range(1, 21)]
        pid_a = send(a, sent_a)
        check("20 notifications of us-east-1 reach all 6 listeners in 3 regions",
              wait_notes(listeners, lambda: all(li.payloads() == sent_a for li in listeners), 30),
              "got: %s" % {li.node.name: li.payloads() for li in listeners})
        check("each arrived after its order's row was visible in the listener's region",
              all(not li.unseen for li in listeners),
              "not visible: %s" % {li.node.name: li.unseen for li in listeners})
        check("the sender's region reports the sender's pid, the others pid 0",
              all({p for p, ch, _ in li.got} == ({pid_a} if li.node is a else {0})
                  for li in listeners),
              "pids: %s" % {li.node.name: sorted({p for p, _, _ in li.got}) for li in listeners})

        # 2. pg_notify, folding within a transaction, a rollback, another channel
        x = b.connect()
        cur = x.cursor()
        cur.execute("BEGIN")
        cur.execute("SELECT pg_notify('audit', 'b:1'), pg_notify('audit', 'b:1')")
        cur.execute("NOTIFY audit, 'b:2'")
        cur.execute("COMMIT")
        cur.execute("BEGIN")
        cur.execute("NOTIFY audit, 'b:rolled-back'")
        cur.execute("ROLLBACK")
        cur.execute("NOTIFY audit, 'b:3'")
        x.close()
        audit = [per[n.name][1] for n in nodes]
        check("pg_notify and NOTIFY on eu-west-1 reach the audit listeners of every region, "
              "equal notifications of one transaction folded, a rolled back one never sent",
              wait_notes(audit, lambda: all(li.payloads("audit") == ["b:1", "b:2", "b:3"]
                                            for li in audit), 30),
              "got: %s" % {li.node.name: li.payloads("audit") for li in audit})
        check("listeners of orders only did not get audit's",
              all(li.payloads("audit") == [] for li in (per[n.name][0] for n in nodes)))

        # 3. ap-southeast-1 cut off from both: notifications on both sides wait, then arrive once
        check("cut ap-southeast-1 off", all(
            rp.wanem_cmd(ctl, "cut %s ap-southeast-1" % n).startswith("ok")
            for n in ("us-east-1", "eu-west-1")))
        sent_a2 = ["a:%d" % k for k in range(21, 41)]
        send(a, sent_a2)
        sent_c = ["c:%d" % k for k in range(101, 111)]
        pid_c = send(c, sent_c)
        near = per["us-east-1"] + per["eu-west-1"]
        far = per["ap-southeast-1"]
        check("during the partition us-east-1's notifications reach eu-west-1",
              wait_notes(near, lambda: all(li.payloads()[:40] == sent_a + sent_a2
                                           for li in near), 30))
        check("ap-southeast-1's own listeners hear its notifications during the partition",
              wait_notes(far, lambda: all(li.payloads() == sent_a + sent_c for li in far), 30),
              "got: %s" % [li.payloads() for li in far])
        for li in listeners:
            li.drain()
        check("nothing crossed the cut: ap-southeast-1 heard none of us-east-1's new ones, "
              "the others none of ap-southeast-1's",
              all(not set(sent_a2) & set(li.payloads()) for li in far) and
              all(not set(sent_c) & set(li.payloads()) for li in near))
        # one of us-east-1's listeners stops listening while the region is cut off
        quitter = per["us-east-1"][1]
        quitter.conn.cursor().execute("UNLISTEN orders")
        quitter.drain()
        quit_at = len(quitter.payloads())
        check("heal", all(rp.wanem_cmd(ctl, "heal %s ap-southeast-1" % n).startswith("ok")
                          for n in ("us-east-1", "eu-west-1")))
        marks = ["m:%s" % n.name for n in nodes]
        for n, m in zip(nodes, marks):
            send(n, [m], channel="audit", insert=False)

        def done():
            return all(set(marks) <= set(li.payloads("audit")) for li in audit) and \
                all(set(sent_c) <= set(li.payloads()) for li in near if li is not quitter) and \
                all(set(sent_a2) <= set(li.payloads()) for li in far)
        check("after the heal every listener gets what it missed and every region's marker",
              wait_notes(listeners, done, 60),
              "got: %s" % {li.node.name: (li.payloads(), li.payloads("audit")) for li in listeners})
        check("regions converge", rb.wait_for(lambda: len(set(rb.digests(nodes))) == 1, 60))
        for li in listeners:
            li.drain()
        dup = {li.node.name: [p for p in set(li.payloads() + li.payloads("audit"))
                              if (li.payloads() + li.payloads("audit")).count(p) > 1]
               for li in listeners}
        check("exactly once: no listener received any notification twice",
              all(not d for d in dup.values()), "duplicates: %s" % dup)
        check("each listener got every order notification it listened for, in each origin's "
              "commit order",
              all([p for p in li.payloads() if p.startswith("a:")] == sent_a + sent_a2 and
                  [p for p in li.payloads() if p.startswith("c:")] == sent_c
                  for li in listeners if li is not quitter),
              "got: %s" % {li.node.name: li.payloads() for li in listeners})
        check("after UNLISTEN the quitter got nothing more on that channel",
              len(quitter.payloads()) == quit_at and
              set(marks) <= set(quitter.payloads("audit")))
        check("ap-southeast-1's notifications arrive with pid 0 elsewhere and %d at home" % pid_c,
              all({p for p, ch, pl in li.got if pl.startswith("c:")} ==
                  ({pid_c} if li.node is c else {0}) for li in listeners if li is not quitter))
        check("every notification arrived after its order's row",
              all(not li.unseen for li in listeners),
              "not visible: %s" % {li.node.name: li.unseen for li in listeners})
        check("pg_listening_channels() shows each connection's channels", sorted(
            r[0] for r in _q(per["eu-west-1"][1].conn, "SELECT pg_listening_channels()")) ==
            ["audit", "orders"] and _q(quitter.conn, "SELECT pg_listening_channels()") ==
            [("audit",)])
    finally:
        for li in listeners:
            try:
                li.conn.close()
            except psycopg2.Error:
                pass
        for n in nodes:
            n.stop()
        if wan:
            rp.wanem_stop(ctl, wan)
        rb.cleanup(tmp)
    return rb.tap_report()


def _q(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


if __name__ == "__main__":
    sys.exit(main())
