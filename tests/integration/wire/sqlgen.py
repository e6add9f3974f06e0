"""Random SQL expressions for the differential test (tests/integration/test_sql_differential.py):
numbers of every numeric type (with NULLs, extremes, negatives), arithmetic, unary minus,
precedence, CASE, COALESCE, NULLIF, comparisons, BETWEEN, IN, IS NULL, AND/OR/NOT, text
concatenation and casts. Deterministic for a seed. `statements(seed, n)` returns SELECTs; run as
a script it prints them (python3 sqlgen.py SEED N)."""
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
    for s in statements(int(sys.argv[1]) if len(sys.argv) > 1 else 1,
                        int(sys.argv[2]) if len(sys.argv) > 2 else 200):
        print(s)
