"""Random SQL expressions for the differential test (tests/integration/test_sql_differential.py):
numbers of every numeric type (with NULLs, extremes, negatives), arithmetic, unary minus,
precedence, CASE, COALESCE, NULLIF, comparisons, BETWEEN, IN, IS NULL, AND/OR/NOT, text
concatenation and casts. Deterministic for a seed. `statements(seed, n)` returns SELECTs; run as
a script it prints them (python3 sqlgen.py SEED N; python3 sqlgen.py joins SEED N prints the
relational mode). Also misc_statements, table_statements, dml_statements and join_statements
(SQLancer-style joins, subqueries, CTEs, set operations and windows over small tables)."""
import random
import sys


class Gen:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
    def lit_int(self):
        return self.rnd.choice(["0", "1", "-1", "2", "7", "-13", "100", "2147483647", "-2147483648", "9223372036854775807", "NULL::int", "3::int2", "5::int8", "(-4)"])
    def lit_num(self):
        return self.rnd.choice(["1.5", "-2.25", "0.1", "10.000", "3.14159", "1e3", "NULL::numeric", "2.5::numeric", "(-0.5)"])
    def lit_flt(self):
        return self.rnd.choice(["1.5::float8", "0.1::float8", "-2.5::float8", "1e10::float8", "3::float4", "0.25::real", "NULL::float8"])
    def lit_txt(self):
        return self.rnd.choice(["'abc'", "''", "'A b'", "NULL::text", "'42'", "'x'::text"])
    def lit_bool(self):
        return self.rnd.choice(["true", "false", "NULL::boolean"])

    def num_expr(self, d):
        if d <= 0 or self.rnd.random() < 0.3:
            return self.rnd.choice([self.lit_int, self.lit_int, self.lit_num, self.lit_flt])()
        k = self.rnd.random()
        if k < 0.6:
            op = self.rnd.choice(["+", "-", "*", "/", "%"])
            return "(%s %s %s)" % (self.num_expr(d-1), op, self.num_expr(d-1))
        if k < 0.75:
            return "-(%s)" % self.num_expr(d-1)
        if k < 0.85:
            return "CASE WHEN %s THEN %s ELSE %s END" % (self.bool_expr(d-1), self.num_expr(d-1), self.num_expr(d-1))
        if k < 0.93:
            return "COALESCE(%s, %s)" % (self.num_expr(d-1), self.num_expr(d-1))
        return "NULLIF(%s, %s)" % (self.num_expr(d-1), self.num_expr(d-1))

    def bool_expr(self, d):
        if d <= 0 or self.rnd.random() < 0.25:
            return self.lit_bool()
        k = self.rnd.random()
        if k < 0.4:
            op = self.rnd.choice(["=", "<>", "<", "<=", ">", ">="])
            return "(%s %s %s)" % (self.num_expr(d-1), op, self.num_expr(d-1))
        if k < 0.6:
            return "(%s %s %s)" % (self.bool_expr(d-1), self.rnd.choice(["AND", "OR"]), self.bool_expr(d-1))
        if k < 0.7:
            return "(NOT %s)" % self.bool_expr(d-1)
        if k < 0.8:
            return "(%s IS %sNULL)" % (self.num_expr(d-1), self.rnd.choice(["", "NOT "]))
        if k < 0.9:
            return "(%s BETWEEN %s AND %s)" % (self.num_expr(d-1), self.num_expr(d-1), self.num_expr(d-1))
        return "(%s IN (%s, %s))" % (self.num_expr(d-1), self.num_expr(d-1), self.num_expr(d-1))

    def txt_expr(self, d):
        if d <= 0 or self.rnd.random() < 0.4:
            return self.lit_txt()
        k = self.rnd.random()
        if k < 0.5:
            return "(%s || %s)" % (self.txt_expr(d-1), self.rnd.choice([self.txt_expr, self.num_expr])(d-1))
        if k < 0.7:
            return "upper(%s)" % self.txt_expr(d-1)
        if k < 0.85:
            return "(%s)::text" % self.num_expr(d-1)
        return "lower(%s)" % self.txt_expr(d-1)


class MiscGen(Gen):
    """Casts, text comparison and LIKE, the scalar functions, jsonb and array operators."""

    STRS = ["'42'", "' 42 '", "'-7'", "'3.7'", "'1e3'", "'abc'", "''", "'t'", "'off'", "'Yes'",
            "'2.50'", "'9223372036854775808'", "'0x1F'", "'  -0  '", "NULL::text", "'ÄbC'",
            "'a_c'", "'50%'", "'A'", "'a'"]

    def lit_str(self):
        return self.rnd.choice(self.STRS)

    def cast_expr(self):
        src = self.rnd.choice([self.lit_str, self.lit_int, self.lit_num, self.lit_flt,
                               self.lit_bool])()
        to = self.rnd.choice(["int", "int2", "int8", "numeric", "float8", "real", "text",
                              "boolean", "varchar"])
        return "(%s)::%s" % (src, to)

    def like_expr(self):
        pat = self.rnd.choice(["'a%'", "'%c'", "'_b_'", "'%'", "''", "'A%'", "'%\\%%'",
                               "'a_c'", "'%4%'", "NULL::text", "'ä%'"])
        op = self.rnd.choice(["LIKE", "NOT LIKE", "ILIKE", "NOT ILIKE"])
        return "(%s %s %s)" % (self.lit_str(), op, pat)

    def func_expr(self):
        k = self.rnd.random()
        if k < 0.3:
            return "%s(%s)" % (self.rnd.choice(["length", "char_length", "upper", "lower"]),
                               self.lit_str())
        if k < 0.5:
            return "abs(%s)" % self.rnd.choice([self.lit_int, self.lit_num, self.lit_flt])()
        if k < 0.7:
            return "(%s %s %s)" % (self.lit_str(), self.rnd.choice(["=", "<", ">=", "<>"]),
                                   self.lit_str())
        j = self.rnd.choice(["'{\"a\": 1, \"b\": [1, 2.50, null], \"c\": {\"d\": \"x\"}}'",
                             "'[1, \"two\", 3.0]'", "'{}'", "'\"str\"'", "'null'"])
        key = self.rnd.choice(["'a'", "'b'", "'c'", "'zz'", "0", "1", "-1", "5"])
        return "('%s'::jsonb %s %s)" % (j.strip("'"), self.rnd.choice(["->", "->>"]), key)

    def arr_expr(self):
        a = self.rnd.choice(["ARRAY['a', 'b']", "ARRAY['x']", "'{c,d}'::text[]",
                             "ARRAY['a', NULL]", "'{}'::text[]"])
        k = self.rnd.random()
        if k < 0.3:
            return "(%s || %s)" % (a, self.rnd.choice(["'z'", "ARRAY['y']", "NULL::text"]))
        if k < 0.6:
            return "cardinality(%s)" % a
        if k < 0.8:
            return "array_length(%s, 1)" % a
        return "(%s %s ANY(%s))" % (self.rnd.choice(["'a'", "'x'", "NULL::text"]),
                                    self.rnd.choice(["=", "<>"]), a)


def misc_statements(seed, n):
    g = MiscGen(seed)
    out = []
    for _ in range(n):
        f = g.rnd.choice([g.cast_expr, g.cast_expr, g.like_expr, g.func_expr, g.func_expr,
                          g.arr_expr])
        out.append("SELECT %s;" % f())
    return out


class TableGen(Gen):
    """Expressions over the columns of table g (see table_statements)."""

    COLS = {"i": "int", "b": "bigint", "n": "numeric", "f": "float8", "t": "text",
            "flag": "boolean"}

    def lit_int(self):
        return self.rnd.choice(["i", "i", "b", "id", Gen.lit_int(self)])

    def lit_num(self):
        return self.rnd.choice(["n", "n", Gen.lit_num(self)])

    def lit_flt(self):
        return self.rnd.choice(["f", Gen.lit_flt(self)])

    def lit_txt(self):
        return self.rnd.choice(["t", "t", Gen.lit_txt(self)])

    def lit_bool(self):
        return self.rnd.choice(["flag", "flag", Gen.lit_bool(self)])


def table_statements(seed, n):
    """A table with NULLs and extremes, then n queries over it: filtered and ordered rows,
    aggregates, GROUP BY; the table is dropped at the end."""
    g = TableGen(seed)
    rows = ["(1, 1, 1, 1.5, 0.5, 'a', true)", "(2, NULL, -5, NULL, NULL, NULL, NULL)",
            "(3, -7, 9223372036854775807, -2.25, 1e10, 'b', false)",
            "(4, 2147483647, 0, 0.001, -0.25, '', true)", "(5, 0, NULL, 100, 3, 'A b', false)",
            "(6, 42, 42, 42, 42, '42', true)", "(7, -2147483648, -1, 1e3, 0.1, 'abc', NULL)"]
    out = ["CREATE TABLE g (id int PRIMARY KEY, i int, b bigint, n numeric, f float8, t text, "
           "flag boolean);", "INSERT INTO g VALUES %s;" % ", ".join(rows)]
    for _ in range(n):
        k = g.rnd.random()
        where = g.bool_expr(2)
        if k < 0.5:
            e = g.rnd.choice([g.num_expr, g.txt_expr, g.bool_expr])(2)
            out.append("SELECT id, %s FROM g WHERE %s ORDER BY id;" % (e, where))
        elif k < 0.8:
            aggs = g.rnd.sample(["count(*)", "count(i)", "sum(i)", "sum(b)", "sum(n)", "avg(i)",
                                 "avg(n)", "min(t)", "max(t)", "min(n)", "max(f)", "sum(f)"], 4)
            out.append("SELECT %s FROM g WHERE %s;" % (", ".join(aggs), where))
        else:
            out.append("SELECT flag, count(*), sum(n), max(i) FROM g WHERE %s GROUP BY flag "
                       "ORDER BY flag;" % where)
    out.append("DROP TABLE g;")
    return out


def dml_statements(seed, n):
    """Writes on a plain table compared statement by statement: INSERT (multi-row, DEFAULT,
    ON CONFLICT DO NOTHING / DO UPDATE with excluded and WHERE), UPDATE and DELETE with
    RETURNING, inside and outside transactions and savepoints, with a full read-back now and
    then. Keys collide on purpose (23505, upserts)."""
    g = TableGen(seed)
    r = g.rnd
    out = ["CREATE TABLE w (id int PRIMARY KEY, i int, n numeric, t text DEFAULT 'dflt', "
           "flag boolean NOT NULL DEFAULT false);"]
    in_txn = False
    for _ in range(n):
        k = r.random()
        key = r.randrange(1, 12)
        val = r.choice(["NULL", "0", "1", "-5", "42", "2147483647", "i + 1", "i * 2"])
        num = r.choice(["NULL", "1.5", "-0.25", "100", "n + 1", "n * 2"])
        txt = r.choice(["'a'", "'b'", "NULL", "t || 'x'", "DEFAULT", "upper(t)"])
        ret = r.choice(["", " RETURNING *", " RETURNING id, i", " RETURNING i + 1, t"])
        where = r.choice(["id = %d" % key, "id > %d" % key, "i IS NULL", "i > 0", "flag",
                          "n < 10", "true", "t = 'a'", "id IN (%d, %d)" % (key, key + 1)])
        if not where.startswith("id = "):
            ret = ""  # several rows come back in storage order, which SQL leaves open
        if k < 0.35:
            rows = ", ".join("(%d, %s, %s, %s)" % (r.randrange(1, 12), r.choice(["NULL", "1", "7", "-3"]),
                                                   r.choice(["NULL", "2.5", "0.1"]),
                                                   r.choice(["'a'", "'b'", "DEFAULT", "NULL"]))
                             for _ in range(r.choice([1, 1, 2, 3])))
            conflict = r.choice(["", "", " ON CONFLICT DO NOTHING",
                                 " ON CONFLICT (id) DO NOTHING",
                                 " ON CONFLICT (id) DO UPDATE SET i = excluded.i",
                                 " ON CONFLICT (id) DO UPDATE SET i = w.i + 1, t = excluded.t",
                                 " ON CONFLICT (id) DO UPDATE SET n = excluded.n WHERE w.i > 0"])
            if rows.count("(") > 1:
                ret = ""
            out.append("INSERT INTO w (id, i, n, t) VALUES %s%s%s;" % (rows, conflict, ret))
        elif k < 0.6:
            sets = r.sample(["i = %s" % val, "n = %s" % num, "t = %s" % txt,
                             "flag = NOT flag"], r.choice([1, 2]))
            out.append("UPDATE w SET %s WHERE %s%s;" % (", ".join(sets), where, ret))
        elif k < 0.7:
            out.append("DELETE FROM w WHERE %s%s;" % (where, ret))
        elif k < 0.78:
            if in_txn:
                out.append(r.choice(["COMMIT;", "ROLLBACK;", "SAVEPOINT s;", "ROLLBACK TO s;",
                                     "RELEASE s;"]))
                if out[-1] in ("COMMIT;", "ROLLBACK;"):
                    in_txn = False
            else:
                out.append("BEGIN;")
                in_txn = True
        else:
            out.append("SELECT * FROM w ORDER BY id;")
    if in_txn:
        out.append("COMMIT;")
    out.append("SELECT * FROM w ORDER BY id;")
    out.append("DROP TABLE w;")
    return out


# ---------------------------------------------------------------------------------------------
# Relational mode (join_statements): SQLancer-style queries over a few small tables.

CAT = {"int": "int", "bigint": "int", "numeric": "num", "text": "text", "boolean": "bool"}
CAT_TYPE = {"int": "int", "num": "numeric", "text": "text", "bool": "boolean"}


class Src:
    """One FROM item: `sql` as written in FROM, its alias, its columns [(name, type)], the
    columns that make its rows unique (a base table's primary key) or None, and its size."""

    def __init__(self, sql, alias, cols, key, size):
        self.sql, self.alias, self.cols, self.key, self.size = sql, alias, cols, key, size


class Tree:
    """A chain of explicit joins: its FROM items and the columns a bare name or `*` sees
    (USING / NATURAL merge their columns first, as PostgreSQL does)."""

    def __init__(self, src):
        self.sql, self.items, self.unq, self.size = src.sql, [src], list(src.cols), src.size


class Scope:
    """What an expression may name: `cur` [(ref, type)] of this query level, `outer` of the
    enclosing levels (correlation), `subq` how many more subquery levels may nest."""

    def __init__(self, cur, outer=(), subq=1):
        self.cur, self.outer, self.subq = cur, list(outer), subq


class RelGen:
    """Tables j0..j3 (primary key plus columns from POOL, same name = same type so USING and
    NATURAL find common columns), then queries over them; see join_statements."""

    # constructs to leave out while hunting past a known engine bug (tests/diff_pending/
    # gen_bugs.sql): "full_join_theta" (FULL JOIN ON eq AND a.x < b.y), "nested_join"
    # (a JOIN (b JOIN c ON ...) ON ...); empty by default, so make test exercises everything
    AVOID = set()
    SIZES = [1, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40]  # rows per table (or none)
    POOL = [("a", "int"), ("b", "int"), ("f", "bigint"), ("n", "numeric"), ("s", "text"),
            ("u", "text"), ("flag", "boolean")]
    VALS = {"int": ["NULL", "NULL", "-1", "0", "1", "2", "2", "3", "5", "7", "12", "20"],
            "bigint": ["NULL", "-5", "0", "1", "3", "10", "1000"],
            "numeric": ["NULL", "0.00", "1.50", "-2.25", "10.00", "0.10", "3.33", "2.00", "1.50"],
            "text": ["NULL", "'a'", "'b'", "'ab'", "'A'", "''", "'abc'", "'b%'", "'x y'"],
            "boolean": ["NULL", "true", "false"]}
    LITS = {"int": ["0", "1", "2", "3", "-1", "5", "7", "2", "1", "10", "NULL::int"],
            "num": ["1.50", "0.50", "-1.25", "2.00", "0.00", "3.33", "1.50", "10.00",
                    "NULL::numeric"],
            "text": ["'a'", "'b'", "'ab'", "''", "'A'", "'abc'", "'b'", "'x y'", "'a'",
                     "NULL::text"],
            "bool": ["true", "false", "true", "NULL::boolean"]}

    def __init__(self, seed):
        self.rnd = r = random.Random(seed)
        self.tables = []
        ntab = r.choice([3, 4])
        empty = r.randrange(ntab) if r.random() < 0.35 else -1
        for i in range(ntab):
            pk = r.choice(["id", "id", "k%d" % i])
            cols = [c for c in self.POOL if r.random() < 0.5]
            while len(cols) < 2:
                c = r.choice(self.POOL)
                if c not in cols:
                    cols = [p for p in self.POOL if p in cols or p == c]
            size = 0 if i == empty else r.choice(self.SIZES)
            keys = r.sample(range(-2, 2 * size + 6), size)
            rows = [[str(k)] + [r.choice(self.VALS[t]) for _, t in cols] for k in keys]
            self.tables.append(("j%d" % i, [(pk, "int")] + cols, rows))

    def setup(self):
        out = []
        for name, cols, rows in self.tables:
            out.append("CREATE TABLE %s (%s PRIMARY KEY, %s);" % (
                name, "%s %s" % cols[0], ", ".join("%s %s" % c for c in cols[1:])))
            if rows:
                out.append("INSERT INTO %s VALUES %s;" % (
                    name, ", ".join("(%s)" % ", ".join(v) for v in rows)))
        return out

    def teardown(self):
        return ["DROP TABLE %s;" % t[0] for t in self.tables]

    # -- names
    def alias(self, p="t"):
        self.nalias += 1
        return "%s%d" % (p, self.nalias)

    def cols_of(self, scope, cat):
        return [ref for ref, t in scope if CAT[t] == cat]

    # -- expressions
    def lit(self, cat):
        return self.rnd.choice(self.LITS[cat])

    def leaf(self, cat, sc):
        r = self.rnd
        if sc.outer and r.random() < 0.15:
            c = self.cols_of(sc.outer, cat)
            if c:
                return r.choice(c)
        c = self.cols_of(sc.cur, cat)
        if c and r.random() < 0.8:
            return r.choice(c)
        return self.lit(cat)

    def expr(self, cat, sc, d):
        r = self.rnd
        if cat == "bool":
            return self.pred(sc, d)
        if d <= 0 or r.random() < 0.45:
            return self.leaf(cat, sc)
        k = r.random()
        if sc.subq > 0 and k < 0.04:
            return self.scalar_sub(sc, cat)
        if cat == "int":
            if k < 0.4:
                return "(%s %s %s)" % (self.expr("int", sc, d - 1), r.choice("+-*"),
                                       self.expr("int", sc, d - 1))
            if k < 0.5:
                return r.choice(["abs(%s)", "-(%s)"]) % self.expr("int", sc, d - 1)
            if k < 0.6:
                return "length(%s)" % self.expr("text", sc, d - 1)
            if k < 0.65:
                return "(%s)::%s" % (self.expr("num", sc, d - 1), r.choice(["int", "bigint"]))
        elif cat == "num":
            # every numeric expression has scale 2 (no numeric * numeric, ints lifted by
            # + 0.00): values that compare equal then print alike, so ORDER BY stays total
            if k < 0.3:
                return "(%s %s %s)" % (self.expr("num", sc, d - 1), r.choice("+-"),
                                       self.expr(r.choice(["num", "int"]), sc, d - 1))
            if k < 0.4:
                return "(%s * %s)" % (self.expr("num", sc, d - 1), self.expr("int", sc, d - 1))
            if k < 0.5:
                return "abs(%s)" % self.expr("num", sc, d - 1)
            if k < 0.65:
                return r.choice(["((%s)::numeric + 0.00)", "(%s + 0.00)"]) % self.expr(
                    "int", sc, d - 1)
        else:
            if k < 0.35:
                return "(%s || %s)" % (self.expr("text", sc, d - 1),
                                       self.expr(r.choice(["text", "text", "int"]), sc, d - 1))
            if k < 0.5:
                return "%s(%s)" % (r.choice(["lower", "upper"]), self.expr("text", sc, d - 1))
            if k < 0.65:
                return "(%s)::text" % self.expr(r.choice(["int", "num"]), sc, d - 1)
        k = r.random()
        if k < 0.1:
            return "%s(%s, %s)" % (r.choice(["GREATEST", "LEAST"]), self.expr(cat, sc, d - 1),
                                   self.expr(cat, sc, d - 1))
        if k < 0.4:
            return "COALESCE(%s, %s)" % (self.expr(cat, sc, d - 1), self.expr(cat, sc, d - 1))
        if k < 0.6:
            return "NULLIF(%s, %s)" % (self.expr(cat, sc, d - 1), self.expr(cat, sc, d - 1))
        return "CASE WHEN %s THEN %s ELSE %s END" % (self.pred(sc, d - 1),
                                                     self.expr(cat, sc, d - 1),
                                                     self.expr(cat, sc, d - 1))

    def cmp_pair(self, sc, d):
        cat = self.rnd.choice(["int", "int", "num", "text"])
        other = self.rnd.choice(["int", "num"]) if cat in ("int", "num") else cat
        return self.expr(cat, sc, d), self.expr(other, sc, d)

    def pred(self, sc, d):
        r = self.rnd
        k = r.random()
        if d <= 0 or k < 0.1:
            c = self.cols_of(sc.cur, "bool")
            if c and r.random() < 0.7:
                return r.choice(c)
            a, b = self.cmp_pair(sc, 0)
            return "%s %s %s" % (a, r.choice(["=", "<>", "<", "<=", ">", ">="]), b)
        if sc.subq > 0 and k < 0.3:
            return self.sub_pred(sc)
        if k < 0.5:
            a, b = self.cmp_pair(sc, d - 1)
            return "%s %s %s" % (a, r.choice(["=", "<>", "<", "<=", ">", ">="]), b)
        if k < 0.6:
            return "(%s %s %s)" % (self.pred(sc, d - 1), r.choice(["AND", "OR"]),
                                   self.pred(sc, d - 1))
        if k < 0.65:
            return "NOT (%s)" % self.pred(sc, d - 1)
        if k < 0.72:
            cat = r.choice(["int", "num", "text", "bool"])
            return "(%s IS %sNULL)" % (self.expr(cat, sc, d - 1), r.choice(["", "NOT "]))
        if k < 0.78:
            a, b = self.cmp_pair(sc, d - 1)
            return "(%s IS %sDISTINCT FROM %s)" % (a, r.choice(["", "NOT "]), b)
        if k < 0.84:
            cat = r.choice(["int", "num", "text"])
            return "(%s %sBETWEEN %s AND %s)" % (self.expr(cat, sc, d - 1), r.choice(["", "NOT "]),
                                               self.expr(cat, sc, 0), self.expr(cat, sc, 0))
        if k < 0.9:
            return "(%s %sLIKE %s)" % (self.expr("text", sc, d - 1), r.choice(["", "NOT "]),
                                     r.choice(["'a%'", "'%b'", "'_'", "'%a%'", "'A%'", "''",
                                               "'b%%'", "'%'"]))
        cat = r.choice(["int", "num", "text"])
        return "(%s %sIN (%s))" % (self.expr(cat, sc, d - 1), r.choice(["", "NOT "]),
                                 ", ".join(self.lit(cat) for _ in range(r.choice([1, 2, 3]))))

    # -- subqueries in expressions
    def inner_from(self, sc):
        """A small FROM for a subquery: one or two sources, aliases distinct from every
        other in the query, so correlated references to the outer query stay unambiguous."""
        trees = [self.join_tree(self.rnd.choice([1, 1, 1, 2]), derived=False)]
        cur = self.tree_scope(trees)
        return trees, Scope(cur, self.qualified(sc.cur + sc.outer), sc.subq - 1)

    def sub_where(self, isc, outer_cur, corr_p=0.6):
        r = self.rnd
        parts = []
        if outer_cur and r.random() < corr_p:
            cat = r.choice(["int", "int", "num", "text"])
            ins, outs = self.cols_of(isc.cur, cat), self.cols_of(outer_cur, cat)
            if ins and outs:
                parts.append("%s %s %s" % (r.choice(ins), r.choice(["=", "=", "<>", "<", ">="]),
                                           r.choice(outs)))
        if r.random() < 0.5:
            parts.append(self.pred(isc, 1))
        return " WHERE " + " AND ".join(parts) if parts else ""

    def scalar_sub(self, sc, cat):
        """A scalar subquery that returns at most one row: an aggregate, ORDER BY ... LIMIT 1,
        or a primary-key lookup; once in a while a lookup by a plain column, which may return
        several rows (21000, raised or not depending on the rows it meets)."""
        r = self.rnd
        outs = self.cols_of(self.qualified(sc.cur + sc.outer), "int")
        if outs and r.random() < 0.15:
            name, cols, _ = r.choice(self.tables)
            a = self.alias()
            isc = Scope([("%s.%s" % (a, c), t) for c, t in cols], (), 0)
            col = cols[0][0]
            if r.random() < 0.1:
                ints = [c for c, t in cols[1:] if CAT[t] == "int"]
                col = r.choice(ints) if ints else col
            return "(SELECT %s FROM %s %s WHERE %s.%s = %s)" % (
                self.expr(cat, isc, 1), name, a, a, col, r.choice(outs))
        trees, isc = self.inner_from(sc)
        noout = Scope(isc.cur, (), 0)
        where = self.sub_where(isc, isc.outer)
        frm = self.from_sql(trees)
        if r.random() < 0.6:
            if cat == "int":
                agg = r.choice(["max(%s)", "min(%s)", "sum(%s)", "count(%s)"]) % self.expr(
                    "int", noout, 1)
                if r.random() < 0.2:
                    agg = "count(*)"
            elif cat == "num":
                agg = r.choice(["max(%s)", "min(%s)", "sum(%s)"]) % self.expr("num", noout, 1)
            else:
                agg = r.choice(["max(%s)", "min(%s)"]) % self.expr(cat, noout, 1)
            return "(SELECT %s FROM %s%s)" % (agg, frm, where)
        e = self.expr(cat, noout, 1)
        return "(SELECT %s FROM %s%s ORDER BY 1%s LIMIT 1)" % (
            e, frm, where, r.choice(["", " DESC", " NULLS FIRST", " DESC NULLS LAST"]))

    def sub_pred(self, sc):
        r = self.rnd
        trees, isc = self.inner_from(sc)
        frm = self.from_sql(trees)
        outer_cur = isc.outer
        k = r.random()
        if k < 0.3:
            where = self.sub_where(isc, outer_cur, 0.85)
            sel = r.choice(["1", "*", "NULL"])
            return "%sEXISTS (SELECT %s FROM %s%s)" % (r.choice(["", "NOT "]), sel, frm, where)
        if k < 0.36:
            cats = [r.choice(["int", "int", "num", "text"]) for _ in range(2)]
            inner = [self.expr(c, Scope(isc.cur, isc.outer, 0), 0) for c in cats]
            return "(%s) %sIN (SELECT %s FROM %s%s)" % (
                ", ".join(self.expr(c, sc, 0) for c in cats), r.choice(["", "NOT "]),
                ", ".join(inner), frm, self.sub_where(isc, outer_cur, 0.4))
        cat = r.choice(["int", "int", "num", "text"])
        inner = self.expr(cat, Scope(isc.cur, isc.outer, 0), 0 if r.random() < 0.7 else 1)
        where = self.sub_where(isc, outer_cur, 0.4)
        distinct = "DISTINCT " if r.random() < 0.15 else ""
        sub = "SELECT %s%s FROM %s%s" % (distinct, inner, frm, where)
        k2 = r.random()
        if k2 < 0.1:
            trees2, isc2 = self.inner_from(sc)
            sub += " %s SELECT %s FROM %s%s" % (
                r.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT", "EXCEPT ALL"]),
                self.expr(cat, Scope(isc2.cur, isc2.outer, 0), 0), self.from_sql(trees2),
                self.sub_where(isc2, isc2.outer, 0.4))
        elif k2 < 0.18:
            sub += " ORDER BY 1%s LIMIT %d" % (r.choice(["", " DESC", " NULLS FIRST"]),
                                               r.choice([1, 2, 3]))
        lhs = self.expr(cat, sc, 1)
        if k < 0.65:
            return "%s %sIN (%s)" % (lhs, r.choice(["", "NOT "]), sub)
        if k < 0.9:
            return "%s %s %s (%s)" % (lhs, r.choice(["=", "<>", "<", "<=", ">", ">="]),
                                      r.choice(["ANY", "ALL", "SOME"]), sub)
        return "%s %s %s" % (lhs, r.choice(["=", "<>", "<", ">="]), self.scalar_sub(sc, cat))

    # -- FROM
    def base_src(self):
        r = self.rnd
        name, cols, rows = r.choice(self.tables)
        if name not in self.bare and r.random() < 0.25:
            self.bare.add(name)
            return Src(name, name, cols, [cols[0][0]], len(rows))
        a = self.alias()
        return Src("%s %s%s" % (name, r.choice(["", "AS "]), a), a, cols, [cols[0][0]], len(rows))

    def derived_src(self):
        r = self.rnd
        if self.ctes and r.random() < 0.6:
            name, cols, size = r.choice(self.ctes)
            a = self.alias()
            return Src("%s %s" % (name, a), a, cols, None, size)
        if r.random() < 0.25:
            ncol = r.choice([1, 2, 2, 3])
            cats = [r.choice(["int", "num", "text"]) for _ in range(ncol)]
            names = [self.colname(None, c) for c in cats]
            vals = [r.choice([x for x in self.LITS[c] if not x.startswith("NULL")]) for c in cats]
            rows = ["(%s)" % ", ".join(vals)]
            for _ in range(r.randrange(0, 5)):
                rows.append("(%s)" % ", ".join(r.choice(self.LITS[c]).split("::")[0]
                                               for c in cats))
            a = self.alias("v")
            cols = [(nm, CAT_TYPE[c]) for nm, c in zip(names, cats)]
            return Src("(VALUES %s) AS %s(%s)" % (", ".join(rows), a, ", ".join(names)), a,
                       cols, None, len(rows))
        sql, cols, size = self.named_select()
        a = self.alias("sq")
        return Src("(%s) %s" % (sql, a), a, cols, None, size)

    def lateral_src(self, lcols):
        r = self.rnd
        trees, isc = self.inner_from(Scope(lcols, (), 1))
        isc.subq = 0
        cats = [r.choice(["int", "int", "num", "text"]) for _ in range(r.choice([1, 2]))]
        where = self.sub_where(isc, isc.outer, 0.85)
        names = []
        for _ in cats:
            self.nalias += 1
            names.append("x%d" % self.nalias)
        frm = self.from_sql(trees)
        if r.random() < 0.3:
            noout = Scope(isc.cur, (), 0)
            items = [self.agg(c, noout) for c in cats]
            size = 1
            sql = "SELECT %s FROM %s%s" % (", ".join("%s AS %s" % p for p in zip(items, names)),
                                           frm, where)
        else:
            items = [self.expr(c, isc, 1) for c in cats]
            sql = "SELECT %s FROM %s%s ORDER BY %s LIMIT %d" % (
                ", ".join("%s AS %s" % p for p in zip(items, names)), frm, where,
                ", ".join(str(i + 1) for i in range(len(items))), r.choice([1, 2, 3]))
            size = 3
        a = self.alias("lat")
        return Src("LATERAL (%s) %s" % (sql, a), a, [(nm, CAT_TYPE[c]) for nm, c in
                                                      zip(names, cats)], None, size)

    def source(self, derived):
        if derived and self.rnd.random() < 0.25:
            return self.derived_src()
        return self.base_src()

    def join_tree(self, nitems, derived=True, only_base=False):
        r = self.rnd
        tree = Tree(self.base_src() if only_base else self.source(derived))
        for i in range(nitems - 1):
            if not only_base and i == nitems - 2 and r.random() < 0.15 and \
                    "nested_join" not in self.AVOID:
                # a parenthesised join as the right operand: a JOIN (b JOIN c ON ...) ON ...
                sub = self.join_tree(2, derived)
                right = Src("(%s)" % sub.sql, None, sub.unq, None, sub.size)
                ritems = sub.items
            elif not only_base and derived and r.random() < 0.06:
                # LATERAL: a subquery that names the columns to its left (INNER or LEFT only)
                lcols = [("%s.%s" % (s.alias, c), t) for s in tree.items for c, t in s.cols]
                right = self.lateral_src(lcols)
                kind = r.choice(["CROSS JOIN", "JOIN", "LEFT JOIN"])
                on = "" if kind == "CROSS JOIN" else " ON %s" % r.choice(
                    ["true", self.on_cond(lcols, [("%s.%s" % (right.alias, c), t)
                                                  for c, t in right.cols], False, True)])
                tree.sql += " %s %s%s" % (kind, right.sql, on)
                tree.unq += right.cols
                tree.size = max(tree.size, 1) * min(max(right.size, 1), 3)
                tree.items.append(right)
                continue
            else:
                right = self.base_src() if only_base else self.source(derived)
                ritems = [right]
            lcols = [("%s.%s" % (s.alias, c), t) for s in tree.items for c, t in s.cols]
            rcols = [("%s.%s" % (s.alias, c), t) for s in ritems for c, t in s.cols]
            if only_base:
                kind = r.choice(["JOIN", "LEFT JOIN", "INNER JOIN"])
            else:
                kind = r.choice(["JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN",
                                 "RIGHT JOIN", "RIGHT OUTER JOIN", "FULL JOIN",
                                 "FULL OUTER JOIN", "CROSS JOIN"])
            big = tree.size * right.size > 600
            if kind == "CROSS JOIN" and big:
                kind = "JOIN"
            lnames = [c for c, _ in tree.unq]
            rnames = [c for c, _ in right.cols]
            common = [c for c in lnames if c in rnames]
            usable = [c for c in common if lnames.count(c) == 1 and rnames.count(c) == 1]
            how = r.random()
            if kind == "CROSS JOIN":
                tree.sql += " CROSS JOIN " + right.sql
                tree.unq += right.cols
                tree.size *= right.size
            elif how < 0.15 and usable and len(usable) == len(common) and not only_base:
                tree.sql += " NATURAL %s %s" % (kind.replace("INNER JOIN", "JOIN"), right.sql)
                self.merge(tree, right, common, kind)
            elif how < 0.35 and usable:
                using = r.sample(usable, r.choice([1, 1, 2]) if len(usable) > 1 else 1)
                tree.sql += " %s %s USING (%s)" % (kind, right.sql, ", ".join(using))
                self.merge(tree, right, using, kind)
            else:
                on = self.on_cond(lcols, rcols, kind.startswith("FULL"), big)
                tree.sql += " %s %s ON %s" % (kind, right.sql, on)
                tree.unq += right.cols
                tree.size = max(tree.size, right.size) * (2 if big else 3)
            tree.items += ritems
        return tree

    def merge(self, tree, right, names, kind):
        types = dict(tree.unq)
        merged = [(c, types[c]) for c in names]
        tree.unq = merged + [c for c in tree.unq if c[0] not in names] + \
            [c for c in right.cols if c[0] not in names]
        tree.size = max(tree.size, right.size) * 3

    def on_cond(self, lcols, rcols, full, big):
        r = self.rnd
        pairs = [(a, b) for a, ta in lcols for b, tb in rcols
                 if CAT[ta] == CAT[tb] or {CAT[ta], CAT[tb]} == {"int", "num"}]
        pairs = [p for p in pairs if not p[0].endswith(".flag")] + \
            [p for p in pairs if p[0].endswith(".flag")][:1]
        # mostly columns of one name or type, which share values, so joins find partners
        same = [p for p in pairs if p[0].split(".")[-1] == p[1].split(".")[-1]]
        typed = [p for p in pairs if CAT[dict(lcols)[p[0]]] == CAT[dict(rcols)[p[1]]]]
        k = r.random()
        if same and k < 0.4:
            pairs = same
        elif typed and k < 0.85:
            pairs = typed
        if not pairs:
            return "true"
        a, b = r.choice(pairs)
        if r.random() < 0.5:
            a, b = b, a
        parts = ["%s = %s" % (a, b)]
        if full:
            # PostgreSQL needs one hash- or merge-joinable equality; other conditions may follow
            k = r.random()
            if k < 0.2:
                a, b = r.choice(pairs)
                parts.append("%s = %s" % (a, b))
            elif k < 0.35 and "full_join_theta" not in self.AVOID:
                a, b = r.choice(pairs)
                parts.append("%s %s %s" % (a, r.choice(["<", "<=", "<>", ">"]), b))
            elif k < 0.45:
                parts.append(self.pred(Scope(r.choice([lcols, rcols]), (), 0), 1))
            return " AND ".join(parts)
        both = Scope(lcols + rcols, (), 0)
        k = r.random()
        if k < 0.15 and not big:
            a, b = r.choice(pairs)
            parts = ["%s %s %s" % (a, r.choice(["<", "<=", "<>", ">"]), b)]
        elif k < 0.35:
            a, b = r.choice(pairs)
            parts.append("%s %s %s" % (a, r.choice(["<", "<=", "<>", ">", "="]), b))
        elif k < 0.45:
            parts.append(self.pred(Scope(r.choice([lcols, rcols]), (), 0), 1))
        elif k < 0.5:
            parts.append(self.sub_pred(Scope(lcols + rcols, (), 1)))
        elif k < 0.6:
            parts = ["(%s OR %s)" % (parts[0], self.pred(both, 1))]
        elif k < 0.65 and not big:
            parts = [r.choice(["true", self.pred(both, 1)])]
        return " AND ".join(parts)

    def typed(self, e):
        """A bare string literal is of unknown type, which polymorphic functions refuse."""
        return e + "::text" if e.startswith("'") and e.endswith("'") else e

    def qualified(self, cols):
        """Only alias.column: a bare name inside a subquery could bind to its own FROM."""
        return [c for c in cols if "." in c[0]]

    def from_sql(self, trees):
        return ", ".join(t.sql for t in trees)

    def tree_scope(self, trees):
        """[(ref, type)]: every alias.column, plus each bare name no two FROM columns share."""
        cur = [("%s.%s" % (s.alias, c), t) for tr in trees for s in tr.items for c, t in s.cols]
        names = [c for tr in trees for c in tr.unq]
        for c, t in names:
            if sum(1 for n, _ in names if n == c) == 1:
                cur.append((c, t))
        return cur

    def from_clause(self, sc_outer=None, derived=True, only_base=False, maxitems=3):
        """1-3 FROM items: one join chain, or two chains separated by a comma and joined in
        WHERE. Returns (trees, scope, where-conjuncts, estimated rows)."""
        r = self.rnd
        n = r.choice([1, 2, 2, 2, 3, 3][:2 * maxitems])
        conds = []
        if n >= 2 and r.random() < 0.25 and not only_base:
            trees = [self.join_tree(1, derived), self.join_tree(n - 1, derived)]
            lc = self.tree_scope(trees[:1])
            rc = self.tree_scope(trees[1:])
            big = trees[0].size * trees[1].size > 600
            if big or r.random() < 0.7:
                conds.append(self.on_cond([c for c in lc if "." in c[0]],
                                          [c for c in rc if "." in c[0]], False, big))
            size = trees[0].size * trees[1].size // (3 if conds else 1)
        else:
            trees = [self.join_tree(n, derived, only_base)]
            size = trees[0].size
        sc = Scope(self.tree_scope(trees), sc_outer or (), 1)
        return trees, sc, conds, size

    # -- queries
    def colname(self, ref, cat):
        """Output name for a derived table / CTE column: the pool name of a plain pool column
        when free (so NATURAL and USING find it), else a fresh xN."""
        base = ref.split(".")[-1] if ref else None
        if base and dict(self.POOL).get(base) and CAT[dict(self.POOL)[base]] == cat \
                and base not in self.taken and self.rnd.random() < 0.6:
            self.taken.add(base)
            return base
        self.nalias += 1
        return "x%d" % self.nalias

    def sel_items(self, sc, cats, d=2):
        out = []
        for cat in cats:
            c = self.cols_of(sc.cur, cat)
            if c and self.rnd.random() < 0.5:
                out.append(self.rnd.choice(c))
            else:
                out.append(self.expr(cat, sc, d))
        return out

    def group_keys(self, sc, cats):
        """GROUP BY keys: a column, or an expression over one (a bare literal would be read
        as an output column position)."""
        out = []
        for cat in cats:
            c = self.cols_of(sc.cur, cat)
            if not c:
                any_ = self.rnd.choice([x for x, _ in sc.cur])
                out.append({"int": "length((%s)::text)", "num": "(length((%s)::text) + 0.00)",
                            "text": "(%s)::text", "bool": "%s IS NULL"}[cat] % any_)
                continue
            col = self.rnd.choice(c)
            k = self.rnd.random()
            if k < 0.7:
                out.append(col)
            elif cat == "int":
                out.append("(%s %s %s)" % (col, self.rnd.choice("+-*"), self.lit("int")))
            elif cat == "text":
                out.append("%s(%s)" % (self.rnd.choice(["lower", "upper"]), col))
            elif cat == "num":
                out.append("abs(%s)" % col)
            else:
                out.append("NOT %s" % col)
        return out

    def named_select(self, cats=None):
        """A SELECT whose output columns all have names (for a derived table or a CTE):
        returns (sql, [(name, type)], estimated rows)."""
        r = self.rnd
        cats = cats or [r.choice(["int", "int", "num", "text", "bool"])
                        for _ in range(r.choice([1, 2, 2, 3]))]
        trees, sc, conds, size = self.from_clause(maxitems=2)
        sc.subq = 0 if r.random() < 0.7 else 1
        if r.random() < 0.2:
            conds.append(self.pred(sc, 1))
        self.taken = set()
        k = r.random()
        if k < 0.25:
            aggsc = Scope(sc.cur, (), 0)
            keys = self.group_keys(aggsc, cats[:1])
            items = keys + [self.agg(c, aggsc) for c in cats[1:]]
            names = [self.colname(x, c) for x, c in zip(items, cats)]
            sql = "SELECT %s FROM %s%s GROUP BY %s" % (
                ", ".join("%s AS %s" % p for p in zip(items, names)), self.from_sql(trees),
                " WHERE " + " AND ".join(conds) if conds else "", keys[0])
            size = min(size, 10)
        else:
            items = self.sel_items(sc, cats, 1)
            names = [self.colname(x, c) for x, c in zip(items, cats)]
            distinct = "DISTINCT " if k < 0.4 else ""
            sql = "SELECT %s%s FROM %s%s" % (
                distinct, ", ".join("%s AS %s" % p for p in zip(items, names)),
                self.from_sql(trees), " WHERE " + " AND ".join(conds) if conds else "")
            if r.random() < 0.15:
                sql += " ORDER BY %s LIMIT %d" % (", ".join(
                    str(i + 1) for i in range(len(items))), r.choice([1, 3, 5]))
        return sql, [(nm, CAT_TYPE[c]) for nm, c in zip(names, cats)], size

    def agg(self, cat, sc):
        r = self.rnd
        filt = " FILTER (WHERE %s)" % self.pred(sc, 1) if r.random() < 0.15 else ""
        if cat == "int":
            k = r.random()
            if k < 0.3:
                return "count(*)" + filt
            if k < 0.45:
                return "count(%s%s)%s" % (r.choice(["", "DISTINCT "]),
                                          self.expr(r.choice(["int", "text", "num"]), sc, 0), filt)
            if r.random() < 0.1:
                return "sum(DISTINCT %s)%s" % (self.expr("int", sc, 1), filt)
            return "%s(%s)%s" % (r.choice(["sum", "min", "max"]), self.expr("int", sc, 1), filt)
        if cat == "num":
            return "%s(%s%s)%s" % (r.choice(["sum", "min", "max", "sum"]),
                                   "DISTINCT " if r.random() < 0.1 else "",
                                   self.expr("num", sc, 1), filt)
        if cat == "text":
            if r.random() < 0.25:
                e = self.expr("text", sc, 0)
                return "string_agg(%s, '%s' ORDER BY %s)%s" % (e, r.choice([",", "|"]), e, filt)
            return "%s(%s)%s" % (r.choice(["min", "max"]), self.expr("text", sc, 1), filt)
        return "%s(%s)%s" % (r.choice(["bool_and", "bool_or"]), self.pred(sc, 1), filt)

    def order_by(self, n, shuffle=True):
        r = self.rnd
        idx = list(range(1, n + 1))
        if shuffle and r.random() < 0.3:
            r.shuffle(idx)
        return " ORDER BY " + ", ".join(
            "%d%s" % (i, r.choice(["", "", "", " DESC", " NULLS FIRST", " DESC NULLS LAST",
                                   " ASC"])) for i in idx)

    def limit(self, size):
        r = self.rnd
        if size > 150 or r.random() < 0.2:
            n = r.choice([0, 1, 3, 5, 10, 20, 50] if size <= 150 else [1, 5, 10, 20, 50])
            if r.random() < 0.15:
                return " OFFSET %d ROWS FETCH FIRST %d ROWS ONLY" % (r.choice([0, 2]), n)
            s = " LIMIT %d" % n
            if r.random() < 0.3:
                s += " OFFSET %d" % r.choice([0, 1, 2, 5, 100])
            return s
        if r.random() < 0.05:
            return " OFFSET %d" % r.choice([1, 3])
        return ""

    def where(self, sc, conds, p=0.6, trees=None):
        """WHERE: the join conditions of comma-separated FROM items, and a random predicate,
        sometimes negated or tested with IS [NOT] TRUE / FALSE (SQLancer's ternary logic
        partitions: p, NOT p and p IS NULL together cover every row), or a primary key tested
        for NULL (the anti-join of an outer join)."""
        r = self.rnd
        conds = list(conds)
        if r.random() < p:
            e = self.pred(sc, r.choice([1, 1, 2]))
            k = r.random()
            if k < 0.1:
                e = "NOT (%s)" % e
            elif k < 0.2:
                e = "(%s) IS %s" % (e, r.choice(["TRUE", "NOT TRUE", "FALSE", "NOT FALSE"]))
            conds.append(e)
        keyed = [s for t in trees or () if " JOIN " in t.sql and "CROSS" not in t.sql
                 for s in t.items if s.key]
        if keyed and r.random() < 0.1:
            s = r.choice(keyed)
            conds.append("%s.%s IS %sNULL" % (s.alias, s.key[0], r.choice(["", "NOT "])))
        return " WHERE " + " AND ".join(conds) if conds else ""

    def q_plain(self):
        r = self.rnd
        trees, sc, conds, size = self.from_clause()
        if r.random() < 0.15:
            sc.subq = 2
        where = self.where(sc, conds, trees=trees)
        k = r.random()
        if k < 0.12:
            star = [c for t in trees for c in t.unq]
            sel, n = "*", len(star)
        elif k < 0.2:
            s = r.choice([s for t in trees for s in t.items])
            sel, n = "%s.*" % s.alias, len(s.cols)
        else:
            cats = [r.choice(["int", "int", "num", "text", "bool"])
                    for _ in range(r.choice([1, 2, 2, 3, 3, 4]))]
            items = self.sel_items(sc, cats)
            items = ["%s AS o%d" % (x, i) if r.random() < 0.3 else x for i, x in enumerate(items)]
            sel, n = ", ".join(items), len(items)
        distinct, order = "", self.order_by(n)
        if r.random() < 0.15:
            distinct = "DISTINCT "
        elif r.random() < 0.06:
            # the first row of each group under a total order: deterministic
            distinct = "DISTINCT ON (1) "
            order = self.order_by(n, shuffle=False)
        return "SELECT %s%s FROM %s%s%s%s" % (distinct, sel, self.from_sql(trees), where,
                                              order, self.limit(size)), size

    def q_group(self):
        r = self.rnd
        trees, sc, conds, size = self.from_clause()
        where = self.where(sc, conds, 0.4, trees)
        nosub = Scope(sc.cur, (), 0)
        nkeys = r.choice([0, 1, 1, 2, 2])
        keys = self.group_keys(nosub, [r.choice(["int", "int", "num", "text", "bool"])
                                       for _ in range(nkeys)])
        aggs = [self.agg(r.choice(["int", "int", "num", "text", "bool"]), nosub)
                for _ in range(r.choice([1, 1, 2, 3]))]
        # subqueries may name the grouped columns of the outer query
        types = dict(sc.cur)
        gsc = Scope([(k, types[k]) for k in keys if k in types and "." in k], (), 1)
        if r.random() < 0.1:
            aggs.append(self.scalar_sub(gsc, r.choice(["int", "num", "text"])))
        if r.random() < 0.05:
            e = self.expr("text", nosub, 0)
            aggs.append("array_agg(%s ORDER BY %s%s)" % (self.typed(e), e,
                                                         r.choice(["", " DESC"])))
        if r.random() < 0.15:
            # a window over the groups: ordered by the grouping keys (unique per group) or by
            # an aggregate (ties get equal ranks)
            ks = [k for k in keys if not k.isdigit()]
            fn = r.choice(["rank()", "dense_rank()", "sum(count(*))", "count(*)",
                           "row_number()"] if ks else ["rank()", "count(*)"])
            order = ", ".join(ks) if ks and (fn == "row_number()" or r.random() < 0.5) else \
                r.choice(aggs[:1] + ["count(*)"])
            aggs.append("%s OVER (ORDER BY %s)" % (fn, order) if r.random() < 0.8 or not ks
                        else "%s OVER (PARTITION BY %s)" % (fn.replace("row_number()",
                                                                       "count(*)"), ks[0]))
        items = keys + aggs
        group = ""
        if keys:
            group = " GROUP BY " + ", ".join(
                keys if r.random() < 0.6 else [str(i + 1) for i in range(len(keys))])
        having = ""
        if r.random() < 0.4:
            cat = r.choice(["int", "int", "num", "text"])
            rhs = self.lit(cat).replace("NULL", "1") if cat != "text" else r.choice(["'a'",
                                                                                     "'b'"])
            if r.random() < 0.2:
                rhs = self.scalar_sub(gsc, cat)
            having = " HAVING %s %s %s" % (self.agg(cat, nosub),
                                           r.choice(["=", "<>", "<", ">", ">="]), rhs)
        return "SELECT %s FROM %s%s%s%s%s%s" % (", ".join(items), self.from_sql(trees), where,
                                                group, having, self.order_by(len(items)),
                                                self.limit(10 if keys else 1)), size

    def window(self, sc, keys, ranking=False):
        """A window function. row_number, lag/lead, first/last/nth_value, ntile and ROWS
        frames get an ORDER BY made total by the primary keys; rank, dense_rank and the
        aggregates (RANGE frame: peers together) are deterministic whatever the order."""
        r = self.rnd
        fn = r.choice(["row_number()", "rank()", "dense_rank()", "ntile(3)", "sum(%s)",
                       "count(*)", "min(%s)", "max(%s)", "count(%s)", "lag(%s)",
                       "lead(%s, 2)", "first_value(%s)", "last_value(%s)", "nth_value(%s, 2)"]
                      [:4 if ranking else 14])
        if "%s" in fn:
            fn = fn % self.typed(self.expr(r.choice(["int", "num"]) if fn.startswith("sum")
                                           else r.choice(["int", "text", "num"]), sc, 1))
        total = fn.split("(")[0] in ("row_number", "ntile", "lag", "lead", "first_value",
                                     "last_value", "nth_value")
        part = ""
        if r.random() < 0.7:
            part = "PARTITION BY %s" % ", ".join(self.sel_items(sc, [
                r.choice(["int", "text", "bool"]) for _ in range(r.choice([1, 1, 2]))], 0))
        order = []
        if r.random() < 0.7:
            order = ["%s%s" % (x, r.choice(["", " DESC", " NULLS FIRST"]))
                     for x in self.sel_items(sc, [r.choice(["int", "num", "text"])], 0)]
        frame = ""
        if fn.split("(")[0] in ("sum", "count", "min", "max", "first_value", "last_value",
                                "nth_value") and r.random() < 0.3:
            frame = " " + r.choice(["ROWS BETWEEN 1 PRECEDING AND CURRENT ROW",
                                    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING",
                                    "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
                                    "ROWS 2 PRECEDING",
                                    "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"])
            total = total or frame.startswith(" ROWS")
        if total or r.random() < 0.6:
            order += ["%s%s" % (k, r.choice(["", " DESC"])) for k in keys]
        elif not order and fn in ("rank()", "dense_rank()") and r.random() < 0.5:
            order = keys[:1]
        over = " ".join(x for x in [part, "ORDER BY " + ", ".join(order) if order else ""] if x)
        return "%s OVER (%s%s)" % (fn, over, frame)

    def q_window(self):
        r = self.rnd
        trees, sc, conds, size = self.from_clause(derived=False, only_base=True, maxitems=2)
        sc.subq = 0
        keys = ["%s.%s" % (s.alias, s.key[0]) for s in trees[0].items]
        where = self.where(sc, conds, 0.4)
        items = self.sel_items(sc, [r.choice(["int", "num", "text"])
                                    for _ in range(r.choice([1, 2, 3]))], 1)
        wins = [self.window(sc, keys) for _ in range(r.choice([1, 1, 2]))]
        if r.random() < 0.3:
            wins[0] = self.window(sc, keys, ranking=True)
            # top-N per group: filter on the window's result in an outer query
            names = ["c%d" % i for i in range(len(items))] + ["w%d" % i for i in range(len(wins))]
            inner = "SELECT %s FROM %s%s" % (", ".join("%s AS %s" % p for p in zip(
                items + wins, names)), self.from_sql(trees), where)
            a = self.alias("w")
            return "SELECT * FROM (%s) %s WHERE %s.w0 %s %d%s%s" % (
                inner, a, a, r.choice(["<=", "=", ">", "<"]), r.choice([1, 2, 3]),
                self.order_by(len(names)), self.limit(size)), size
        items += wins
        return "SELECT %s FROM %s%s%s%s" % (", ".join(items), self.from_sql(trees), where,
                                            self.order_by(len(items)), self.limit(size)), size

    def setop_operand(self, cats):
        r = self.rnd
        trees, sc, conds, size = self.from_clause(maxitems=2)
        sc.subq = 1 if r.random() < 0.3 else 0
        where = self.where(sc, conds, 0.5)
        if r.random() < 0.15:
            nosub = Scope(sc.cur, (), 0)
            keys = self.group_keys(nosub, cats[:1])
            items = keys + [self.agg(c, nosub) for c in cats[1:]]
            return "SELECT %s FROM %s%s GROUP BY %s" % (", ".join(items), self.from_sql(trees),
                                                        where, keys[0]), 10
        items = self.sel_items(sc, cats, 1)
        sql = "SELECT %s%s FROM %s%s" % ("DISTINCT " if r.random() < 0.1 else "",
                                         ", ".join(items), self.from_sql(trees), where)
        if r.random() < 0.1:
            return "(%s ORDER BY %s LIMIT %d)" % (sql, ", ".join(
                str(i + 1) for i in range(len(items))), r.choice([1, 2, 4])), 4
        return sql, size

    def q_setop(self):
        r = self.rnd
        cats = [r.choice(["int", "int", "num", "text", "bool"])
                for _ in range(r.choice([1, 2, 2, 3]))]
        a, sa = self.setop_operand(cats)
        b, sb = self.setop_operand(cats)
        op = lambda: r.choice(["UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT",
                               "EXCEPT ALL"])
        sql = "%s %s %s" % (a, op(), b)
        size = sa + sb
        if r.random() < 0.2:
            c, sc_ = self.setop_operand(cats)
            sql = r.choice(["(%s) %s %s", "%s %s %s"]) % (sql, op(), c)
            size += sc_
        return sql + self.order_by(len(cats)) + self.limit(size), size

    def cte(self):
        r = self.rnd
        if r.random() < 0.1:
            name = self.alias("rc")
            lim = r.choice([3, 5, 8])
            self.ctes.append((name, [("a", "int")], lim))
            return "%s(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM %s WHERE a < %d)" % (
                name, name, lim), True
        sql, cols, size = self.named_select()
        name = self.alias("cte")
        self.ctes.append((name, cols, size))
        return "%s AS (%s)" % (name, sql), False

    def query(self):
        r = self.rnd
        self.nalias, self.bare, self.ctes = 0, set(), []
        with_ = ""
        if r.random() < 0.2:
            defs = [self.cte() for _ in range(r.choice([1, 1, 2]))]
            with_ = "WITH %s%s " % ("RECURSIVE " if any(d[1] for d in defs) else "",
                                    ", ".join(d[0] for d in defs))
        k = r.random()
        if k < 0.45:
            q, _ = self.q_plain()
        elif k < 0.65:
            q, _ = self.q_group()
        elif k < 0.8:
            q, _ = self.q_window()
        else:
            q, _ = self.q_setop()
        return with_ + q + ";"


def join_statements(seed, n):
    """SQLancer-style relational queries: 3-4 small tables (primary key; int, bigint, numeric,
    text, boolean columns with NULLs and duplicates; 0-40 rows, sometimes one empty), then n
    SELECTs over them: inner/left/right/full/cross joins with ON (equalities, inequalities,
    compound conditions), USING and NATURAL, comma joins with the condition in WHERE, derived
    tables, VALUES, WITH (and a small WITH RECURSIVE), scalar subqueries (aggregate or
    ORDER BY ... LIMIT 1, correlated or not), [NOT] IN / [NOT] EXISTS / op ANY|ALL subqueries,
    DISTINCT [ON], GROUP BY / HAVING with FILTER, window functions, UNION / INTERSECT / EXCEPT
    [ALL]; every result ordered by all its columns (a total order up to identical rows), so the
    output is deterministic, with LIMIT / OFFSET; then the tables are dropped."""
    g = RelGen(seed)
    out = g.setup()
    for _ in range(n):
        out.append(g.query())
    return out + g.teardown()


def statements(seed, n):
    g = Gen(seed)
    out = []
    for _ in range(n):
        kind = g.rnd.random()
        if kind < 0.5:
            e = g.num_expr(3)
        elif kind < 0.8:
            e = g.bool_expr(3)
        else:
            e = g.txt_expr(3)
        out.append("SELECT %s;" % e)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    fn = statements
    if args and args[0] == "joins":
        fn, args = join_statements, args[1:]
    for s in fn(int(args[0]) if args else 1, int(args[1]) if len(args) > 1 else 200):
        print(s)
