#!/usr/bin/python3
"""Clock skew between regions (DESIGN §4). A region whose clock runs 5 s ahead writes an LWW
register; a region with a correct clock applies it, then overwrites the value.
- The later write wins everywhere: it observed (and so removed) the skewed entry; timestamps only
  order *concurrent* writes.
- The applied entry's HLC is merged into the receiver's clock, so its clock is now ahead of its
  wall clock (later local stamps stay causally monotone), and the skew is logged, never refused."""
import time
import importlib.util
import os
import shutil
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("repl_basic", os.path.join(here, "test_repl_basic.py"))
rb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rb)

SKEW_MS = 5000


def execute(node, sql):
    c = node.connect()
    try:
        c.cursor().execute(sql)
    finally:
        c.close()


def value_on(node):
    r = rb.query(node, "SELECT reg FROM clk WHERE id = 1")
    return r[0][0] if r else None


def main():
    tmp = tempfile.mkdtemp(prefix="helios-clock-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    a.env = {"HELIOS_TEST_CLOCK_OFFSET_MS": str(SKEW_MS)}  # us-east-1 runs 5 s ahead
    try:
        rb.check("both nodes start", a.start() and b.start())
        execute(a, "CREATE TABLE clk (id bigint PRIMARY KEY, reg text)")
        rb.check("table replicates", rb.wait_for(
            lambda: rb.query(b, "SELECT count(*) FROM helios.tables WHERE name = 'clk'")[0][0] == 1,
            20))
        execute(a, "INSERT INTO clk VALUES (1, 'from-fast-clock')")
        rb.check("the skewed write reaches eu-west-1",
                 rb.wait_for(lambda: value_on(b) == "from-fast-clock", 20))
        # eu-west-1 has seen the write stamped 5 s in its future; its next write must still win.
        execute(b, "UPDATE clk SET reg = 'later-write' WHERE id = 1")
        rb.check("the causally later write wins on eu-west-1", value_on(b) == "later-write")
        rb.check("and on us-east-1 once replicated",
                 rb.wait_for(lambda: value_on(a) == "later-write", 20))
        hlc_ms = int(rb.query(b, "SELECT hlc FROM helios.node")[0][0].split(".")[0])
        rb.check("eu-west-1's clock moved past its wall clock to the skewed stamp",
                 hlc_ms > time.time() * 1000 + SKEW_MS / 2)
        with open(os.path.join(tmp, b.name + ".log")) as f:
            log = f.read()
        rb.check("eu-west-1 logged the clock skew", "ahead of the local clock" in log)
    finally:
        for n in (a, b):
            n.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return rb.tap_report()


if __name__ == "__main__":
    sys.exit(main())
