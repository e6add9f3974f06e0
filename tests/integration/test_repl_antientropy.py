#!/usr/bin/python3
"""tests/integration/test_repl_antientropy.py — anti-entropy repairs damaged regions, and
tombstone GC never lets a delete come back.

1. Damage: with node 2 stopped, a third of its rows are deleted straight from its RocksDB
   (a small ctypes tool over librocksdb's C API; its version vector is untouched, so the log
   has nothing to resend). On demand (SIGUSR1) anti-entropy finds the differing digest leaves
   and both converge; helios.peers counts the repaired rows. SELECT helios_anti_entropy() starts
   the same comparison from SQL.
2. The same damage with replication.anti_entropy_interval_s = 1 converges with no signal.
3. GC: node 2 is partitioned (stopped) holding set element 'x' and row 5 alive; node 1
   removes 'x' and deletes row 5. Node 2 returns, both converge, the GC floor advances (every
   peer acked) and GC compactions shrink the OR-Set tombstones (helios_crdt_state()); anti-
   entropy then runs: neither 'x' nor row 5 comes back. Finally node 2 is restored from a
   backup taken before the removal (stale state with 'x' and row 5 alive, below the GC floor):
   it converges again and still neither comes back.
Throughout, table t carries a unique index on v and an index on n's neighbour column w: after
each repair helios_index_check() finds every index equal to its table on both nodes (the
damage leaves node 2's index entries of the deleted rows behind until the repair brings the
rows back), and lookups through the index answer on the repaired node."""
import ctypes, json, os, re, shutil, signal, subprocess, sys, tempfile, time

import test_repl_basic as rb
import test_repl_catchup as cu

CFS = [b"default", b"rows", b"log", b"catalog", b"meta", b"index"]


def damage_rows(data_dir, every=3):
    """Deletes every `every`-th key of the rows column family; returns how many."""
    lib = ctypes.CDLL("librocksdb.so")
    lib.rocksdb_options_create.restype = ctypes.c_void_p
    lib.rocksdb_readoptions_create.restype = ctypes.c_void_p
    lib.rocksdb_writeoptions_create.restype = ctypes.c_void_p
    lib.rocksdb_open_column_families.restype = ctypes.c_void_p
    lib.rocksdb_open_column_families.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p),
        ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_char_p)]
    lib.rocksdb_create_iterator_cf.restype = ctypes.c_void_p
    lib.rocksdb_create_iterator_cf.argtypes = [ctypes.c_void_p] * 3
    lib.rocksdb_iter_seek_to_first.argtypes = [ctypes.c_void_p]
    lib.rocksdb_iter_valid.argtypes = [ctypes.c_void_p]
    lib.rocksdb_iter_valid.restype = ctypes.c_ubyte
    lib.rocksdb_iter_next.argtypes = [ctypes.c_void_p]
    lib.rocksdb_iter_key.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
    lib.rocksdb_iter_key.restype = ctypes.POINTER(ctypes.c_char)
    lib.rocksdb_iter_destroy.argtypes = [ctypes.c_void_p]
    lib.rocksdb_delete_cf.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                      ctypes.c_char_p, ctypes.c_size_t,
                                      ctypes.POINTER(ctypes.c_char_p)]
    lib.rocksdb_column_family_handle_destroy.argtypes = [ctypes.c_void_p]
    lib.rocksdb_close.argtypes = [ctypes.c_void_p]
    opts = lib.rocksdb_options_create()
    names = (ctypes.c_char_p * len(CFS))(*CFS)
    cfopts = (ctypes.c_void_p * len(CFS))(*([opts] * len(CFS)))
    handles = (ctypes.c_void_p * len(CFS))()
    err = ctypes.c_char_p()
    db = lib.rocksdb_open_column_families(opts, data_dir.encode(), len(CFS), names, cfopts,
                                          handles, ctypes.byref(err))
    if err.value:
        raise RuntimeError("rocksdb open: %s" % err.value.decode())
    ro = lib.rocksdb_readoptions_create()
    wo = lib.rocksdb_writeoptions_create()
    it = lib.rocksdb_create_iterator_cf(db, ro, handles[1])
    keys = []
    lib.rocksdb_iter_seek_to_first(it)
    while lib.rocksdb_iter_valid(it):
        n = ctypes.c_size_t()
        k = lib.rocksdb_iter_key(it, ctypes.byref(n))
        keys.append(ctypes.string_at(k, n.value))
        lib.rocksdb_iter_next(it)
    lib.rocksdb_iter_destroy(it)
    victims = keys[::every]
    for k in victims:
        lib.rocksdb_delete_cf(db, wo, handles[1], k, len(k), ctypes.byref(err))
        if err.value:
            raise RuntimeError("rocksdb delete: %s" % err.value.decode())
    for h in handles:
        lib.rocksdb_column_family_handle_destroy(h)
    lib.rocksdb_close(db)
    return len(victims)


def data_dir(node):
    return os.path.join(node.d, "data-" + node.name)


def t_rows(n):
    return rb.query(n, "SELECT id, v, n, s FROM t ORDER BY id")


def converged(nodes, rowsfn):
    ds = rb.digests(nodes)
    if len(set(ds)) != 1:
        return False
    rs = [rowsfn(n) for n in nodes]
    return all(r == rs[0] for r in rs)


def ctl_index_check(nodes, *extra):
    """heliosctl index-check over the nodes: (exit status, stdout)."""
    p = subprocess.run([os.path.join(rb.BINDIR, "heliosctl"), "index-check", "-U", "postgres",
                        "--nodes", ",".join("127.0.0.1:%d" % n.sql_port for n in nodes)]
                       + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    return p.returncode, p.stdout


def index_check(node):
    """Entries by which the node's built indexes differ from their tables (0: all equal)."""
    return rb.query(node, "SELECT helios_index_check()")[0][0]


def peer_stat(node, col):
    return rb.query(node, "SELECT %s FROM helios.peers" % col)[0][0]


def g_rows(n):
    return rb.query(n, "SELECT id, tags FROM g ORDER BY id")


def tombstones(node, rid):
    st = rb.query(node, "SELECT helios_crdt_state(tags) FROM g WHERE id = %s", (rid,))[0][0]
    if isinstance(st, str):
        st = json.loads(st)
    return st.get("tombstones", [])


def main():
    tmp = tempfile.mkdtemp(prefix="helios-ae-")
    names = [("us-east-1", 1), ("eu-west-1", 2)]
    rb.make_certs(tmp, names)
    a, b = [rb.Node(tmp, n, i) for n, i in names]
    a.write_config([b])
    b.write_config([a])
    for n in (a, b):
        cu.patch_config(n, anti_entropy_interval_s=0)
    try:
        rb.check("two daemons start", a.start() and b.start())
        c = a.connect()
        cur = c.cursor()
        cur.execute("CREATE TABLE t (id bigint PRIMARY KEY, v text, n g_counter, s or_set, w int)")
        cur.execute("CREATE UNIQUE INDEX t_v ON t (v)")
        cur.execute("CREATE INDEX t_w ON t (w DESC)")
        cur.execute("BEGIN")
        for i in range(300):
            cur.execute("INSERT INTO t (id, v, n, s, w) VALUES (%s, %s, %s, ARRAY['p', %s], %s)",
                        (i, "v%d" % i, i, str(i), i % 7))
        cur.execute("COMMIT")
        cur.execute("DELETE FROM t WHERE id % 10 = 0")
        c.close()
        rb.check("both converge", rb.wait_for(lambda: converged([a, b], t_rows), 30))
        full = len(t_rows(a))

        # -- 1. damage, repaired on demand
        b.stop()
        gone = damage_rows(data_dir(b))
        print("# deleted %d row keys from node 2's RocksDB" % gone)
        rb.check("node 2 restarts with a damaged range", b.start())
        rb.check("the damage is visible (node 2 lacks rows)", len(t_rows(b)) < full)
        rb.check("helios_index_check() sees the deleted rows' entries left in both indexes",
                 index_check(b) > 0)
        rc, out = ctl_index_check([a, b])
        rb.check("heliosctl index-check over both nodes: exit 1, node 1 ok, node 2's count of "
                 "differing entries (%r)" % out,
                 rc == 1 and re.search(r":%d +ok: every index equals its table" % a.sql_port, out)
                 and re.search(r":%d +%d index entries differ" % (b.sql_port, index_check(b)),
                               out))
        b.proc.send_signal(signal.SIGUSR1)
        rb.check("anti-entropy on demand (SIGUSR1) repairs node 2",
                 rb.wait_for(lambda: converged([a, b], t_rows), 30))
        rc, out = ctl_index_check([a, b], "--json")
        rb.check("after the repair heliosctl index-check --json: exit 0, 0 entries differ on "
                 "both (%r)" % out,
                 rc == 0 and [n["entries_differ"] for n in json.loads(out)] == [0, 0])
        rb.check("helios.peers on node 2 counts the repaired rows",
                 peer_stat(b, "rows_repaired") >= gone)
        rb.check("helios.peers shows the last anti-entropy time",
                 peer_stat(b, "last_anti_entropy") is not None)
        # the same comparison on demand from SQL: it answers the number of peers it started on
        runs_before = peer_stat(b, "anti_entropy_runs")
        started = rb.query(b, "SELECT helios_anti_entropy()")[0][0]
        rb.check("SELECT helios_anti_entropy() starts a comparison with the one up peer (%r)"
                 % started, started == 1)
        rb.check("and that comparison completes (helios.peers.anti_entropy_runs grows)",
                 rb.wait_for(lambda: peer_stat(b, "anti_entropy_runs") > runs_before, 30))

        # -- 2. damage, repaired by the periodic comparison
        b.stop()
        damage_rows(data_dir(b), every=2)
        cu.patch_config(b, anti_entropy_interval_s=1)
        rb.check("node 2 restarts damaged again", b.start() and len(t_rows(b)) < full)
        rb.check("the periodic anti-entropy repairs it with no signal",
                 rb.wait_for(lambda: converged([a, b], t_rows), 30))
        rb.check("node 2 counts its anti-entropy runs", peer_stat(b, "anti_entropy_runs") >= 1)
        rb.check("after the repairs every index equals its table on both nodes",
                 all(index_check(n) == 0 for n in (a, b)))
        rb.check("lookups through the indexes answer on the repaired node",
                 rb.query(b, "SELECT id FROM t WHERE v = 'v7'") == [(7,)] and
                 rb.query(b, "SELECT count(*) FROM t WHERE w = 3")
                 == rb.query(a, "SELECT count(*) FROM t WHERE w + 0 = 3"))
        b.stop()
        cu.patch_config(b, anti_entropy_interval_s=0)
        rb.check("node 2 restarts without periodic anti-entropy", b.start())

        # -- 3. GC with a partitioned peer, then anti-entropy and a stale restore
        c = a.connect()
        cur = c.cursor()
        cur.execute("CREATE TABLE g (id bigint PRIMARY KEY, tags or_set)")
        for i in range(1, 6):
            cur.execute("INSERT INTO g (id, tags) VALUES (%s, ARRAY['x', 'y', 'z'])", (i,))
        c.close()
        rb.check("the set table converges", rb.wait_for(lambda: converged([a, b], g_rows), 30))
        backup = os.path.join(tmp, "backups-" + b.name, "backup-b")  # in its storage.backup_dir
        rb.query(b, "SELECT helios_backup(%s)", (backup,))
        rb.check("an online backup of node 2 is taken", os.path.isdir(backup))
        b.stop()  # partitioned: it keeps 'x' and row 5
        c = a.connect()
        cur = c.cursor()
        cur.execute("UPDATE g SET tags = array_remove(tags, 'x')")
        cur.execute("DELETE FROM g WHERE id = 5")
        c.close()
        rb.check("node 1 keeps OR-Set tombstones for the removed 'x'", len(tombstones(a, 1)) > 0)
        rb.check("node 2 returns from the partition", b.start())
        rb.check("both converge without 'x' and row 5",
                 rb.wait_for(lambda: converged([a, b], g_rows) and
                             g_rows(b) == [(i, ["y", "z"]) for i in range(1, 5)], 30))

        def gc_done():
            for n in (a, b):
                n.proc.send_signal(signal.SIGUSR1)
            return all(tombstones(n, 1) == [] for n in (a, b))
        rb.check("GC shrinks the OR-Set tombstones on both once every peer acked",
                 rb.wait_for(lambda: gc_done() or (time.sleep(1) and False), 90))
        runs = peer_stat(a, "anti_entropy_runs")
        a.proc.send_signal(signal.SIGUSR1)
        rb.check("anti-entropy runs after GC",
                 rb.wait_for(lambda: peer_stat(a, "anti_entropy_runs") > runs, 30))
        rb.check("after GC + anti-entropy 'x' and row 5 stay deleted on both",
                 converged([a, b], g_rows) and g_rows(a) == [(i, ["y", "z"]) for i in range(1, 5)])

        # the stale copy: node 2 restored from before the removal
        b.stop()
        shutil.rmtree(data_dir(b))
        r = subprocess.run([os.path.join(rb.BINDIR, "heliosctl"), "restore", "--config", b.cfg,
                            "--from", backup], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        rb.check("heliosctl restore puts the old backup back on node 2", r.returncode == 0)
        rb.check("node 2 starts from the stale backup", b.start())
        stale = g_rows(b)
        print("# node 2 restored with %d rows in g" % len(stale))
        for n in (a, b):
            n.proc.send_signal(signal.SIGUSR1)
        rb.check("the restored region converges; 'x' and row 5 do not come back",
                 rb.wait_for(lambda: converged([a, b], g_rows) and
                             g_rows(a) == [(i, ["y", "z"]) for i in range(1, 5)], 60))
        rb.check("node 1 noticed node 2 went back in time and resent it what it lost",
                 "reports less than it acknowledged" in cu.log_text(a))
        rb.check("table t is intact on both after the restore",
                 rb.wait_for(lambda: converged([a, b], t_rows), 30))
        rb.check("and its indexes equal it on both", all(index_check(n) == 0 for n in (a, b)))
    finally:
        for n in (a, b):
            n.stop()
    n = len(rb.results)
    print("1..%d" % n)
    ok = True
    for i, (desc, passed) in enumerate(rb.results, 1):
        print("%s %d - %s" % ("ok" if passed else "not ok", i, desc))
        ok = ok and passed
    if ok:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("# logs kept in %s" % tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
