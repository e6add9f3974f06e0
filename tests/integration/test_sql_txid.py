#!/usr/bin/python3
"""tests/integration/test_sql_txid.py — txid_current() and txid_current_if_assigned().

On PostgreSQL 15 and HeliosDB alike: txid_current_if_assigned() is NULL until the transaction
asks for its id, txid_current() gives a bigint that stays the same for the whole transaction
block, each later transaction (autocommit statements too) gets a larger one, and two sessions'
open transactions have different ids. (The values differ between the servers: HeliosDB's ids
come from the region's clock, so they keep growing across restarts.)"""
import os
import sys

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "wire"))
import wirelib  # noqa: E402


def facts(kw):
    a = psycopg2.connect(**kw)
    b = psycopg2.connect(**kw)
    a.autocommit = b.autocommit = True
    ca, cb = a.cursor(), b.cursor()
    out = {}
    ca.execute("BEGIN")
    ca.execute("SELECT txid_current_if_assigned(), pg_typeof(txid_current())::text")
    out["before: NULL; type"] = ca.fetchone()
    ca.execute("SELECT txid_current(), txid_current_if_assigned()")
    x1, x2 = ca.fetchone()
    ca.execute("SELECT txid_current()")
    x3 = ca.fetchone()[0]
    out["stable within the block"] = x1 == x2 == x3
    cb.execute("BEGIN")
    cb.execute("SELECT txid_current()")
    y = cb.fetchone()[0]
    out["another open transaction: another id"] = y != x1
    ca.execute("COMMIT")
    cb.execute("COMMIT")
    ca.execute("SELECT txid_current()")
    z1 = ca.fetchone()[0]
    ca.execute("SELECT txid_current()")
    z2 = ca.fetchone()[0]
    out["later transactions: larger ids"] = x1 < z1 < z2 and y < z1
    ca.execute("SELECT txid_current_if_assigned()")
    out["autocommit statement without asking: NULL"] = ca.fetchone()[0]
    a.close()
    b.close()
    return out


def body(tap, pg, hx):
    p = facts(wirelib.pg_connect(pg, hx, "pg"))
    h = facts(wirelib.pg_connect(pg, hx, "hx"))
    for k in p:
        tap.ok(p[k] == h[k], k, "PostgreSQL %r, HeliosDB %r" % (p[k], h[k]))
    tap.ok(h["stable within the block"] and h["later transactions: larger ids"],
           "the checks hold (not only agree)")


if __name__ == "__main__":
    wirelib.compare_with_pg(body)
