#!/usr/bin/python3
"""tests/integration/test_catalog_builtin.py — the built-in rows of pg_proc and pg_type against
PostgreSQL 15's.

Tools read functions and types from the catalog (psql's \\df prints pg_get_function_arguments
and pg_get_function_result; drivers read typinput / typreceive and format_type), so every row
HeliosDB lists must say what PostgreSQL's row with the same oid says. For each function oid in
HeliosDB's pg_proc: name, kind, argument and result types, strictness, volatility, variadic
and default arguments, argument modes and names, prosrc, and the three pg_get_function_*
texts; for each built-in type oid in its pg_type (the CRDT types and user enums are HeliosDB's
own): name, length, by-value, kind, category, element and array types, I/O functions,
alignment, storage, collation, namespace and both format_type forms. Every function named by a
type's I/O columns must be in pg_proc, and every type an argument names in pg_type (a \\df of
it would print ???).
"""
import os
import sys

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402

PROC_COLS = ("oid, proname, prokind, pronargs, prorettype, proretset, proisstrict, provolatile, "
             "proargtypes::text, provariadic, pronargdefaults, proallargtypes::text, "
             "proargmodes::text, proargnames::text, prosrc, pg_get_function_arguments(oid), "
             "pg_get_function_identity_arguments(oid), pg_get_function_result(oid)")
TYPE_COLS = ("oid, typname, typlen, typbyval, typtype, typcategory, typispreferred, typelem, "
             "typarray, typinput::text, typoutput::text, typreceive::text, typsend::text, typalign, "
             "typstorage, typcollation, typnamespace, format_type(oid, NULL), format_type(oid, -1)")
CRDT_TYPES = "('g_counter', 'pn_counter', 'mv_register', 'or_set', 'aw_set', 'lww_map', 'lww_register')"


def rows(conn, sql):
    with conn.cursor() as cur:
        cur.execute(sql)
        return {r[0]: r for r in cur.fetchall()}


def body(tap, pg, hx):
    p = psycopg2.connect(**wirelib.pg_connect(pg, hx, "pg"))
    h = psycopg2.connect(**wirelib.pg_connect(pg, hx, "hx"))
    for c in (p, h):
        c.autocommit = True
    hp = rows(h, "SELECT %s FROM pg_proc" % PROC_COLS)
    oids = ",".join(str(o) for o in hp)
    pp = rows(p, "SELECT %s FROM pg_proc WHERE oid IN (%s)" % (PROC_COLS, oids))
    tap.ok(len(hp) > 400, "HeliosDB lists its built-in functions (%d)" % len(hp))
    missing = sorted(set(hp) - set(pp))
    tap.ok(not missing, "every pg_proc oid is PostgreSQL 15's", missing[:10])
    bad = [(pp[o], hp[o]) for o in sorted(hp) if o in pp and pp[o] != hp[o]]
    tap.ok(not bad, "every pg_proc row equals PostgreSQL 15's (%d rows)" % len(hp),
           "\n".join("PostgreSQL %r\nHeliosDB   %r" % b for b in bad[:8]))
    ht = rows(h, "SELECT %s FROM pg_type WHERE oid < 16384 AND typname NOT IN %s"
              % (TYPE_COLS, CRDT_TYPES))
    pt = rows(p, "SELECT %s FROM pg_type WHERE oid IN (%s)" % (TYPE_COLS, ",".join(str(o) for o in ht)))
    tap.ok(len(ht) > 60, "HeliosDB lists its built-in types (%d)" % len(ht))
    bad = [(pt.get(o), ht[o]) for o in sorted(ht) if pt.get(o) != ht[o]]
    tap.ok(not bad, "every built-in pg_type row equals PostgreSQL 15's (%d rows)" % len(ht),
           "\n".join("PostgreSQL %r\nHeliosDB   %r" % b for b in bad[:8]))
    # within HeliosDB: the I/O functions exist, the argument types exist
    lost = list(rows(h, "SELECT t.typname, f.fn FROM pg_type t, LATERAL (VALUES (typinput::text), "
                        "(typoutput::text), (typreceive::text), (typsend::text)) AS f(fn) "
                        "WHERE f.fn <> '-' AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = f.fn)")
                .values())
    tap.ok(not lost, "every type's I/O function is in pg_proc", lost[:10])
    unknown = list(rows(h, "SELECT proname, pg_get_function_arguments(oid), pg_get_function_result(oid) "
                           "FROM pg_proc WHERE pg_get_function_arguments(oid) LIKE '%???%' "
                           "OR pg_get_function_result(oid) LIKE '%???%'").values())
    tap.ok(not unknown, "no function names a type pg_type lacks", unknown[:10])
    # what a user sees: psql's \df of a VARIADIC "any" function and of one with OUT arguments
    for fn in ("concat_ws", "json_each", "jsonb_set", "rank"):
        outs = []
        for host, port in ((pg.host, pg.port), ("127.0.0.1", hx.port)):
            outs.append(wirelib.psql(port, "\\df " + fn, host=host))
        tap.ok(outs[0] == outs[1] and outs[0][0] == 0 and fn in outs[0][1],
               "psql \\df %s prints what PostgreSQL prints" % fn,
               "PostgreSQL:\n%s\nHeliosDB:\n%s" % tuple(outs))
    p.close()
    h.close()


if __name__ == "__main__":
    wirelib.compare_with_pg(body)
