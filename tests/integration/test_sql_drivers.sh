#!/usr/bin/env bash
# tests/integration/test_sql_drivers.sh — the SQL executor (tables with CRDT columns) through
# three drivers against one `heliosdb --dev`:
#   SQLAlchemy Core 1.4 (psycopg2): Table/MetaData insert + select of a table created by raw SQL;
#   node-postgres (npm pg@8 in build/node, installed like test_wire_node.sh): parameters, a
#     named statement run repeatedly, or_set -> JS array, jsonb -> object;
#   pgjdbc (Debian jar): PreparedStatement setArray/getArray on an or_set column and
#     DatabaseMetaData.getTables / getColumns.
# Each part prints "ok - desc" / "not ok - desc" lines; this script numbers them (TAP). A missing
# driver is a skipped part, not a failure.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BINDIR=${BINDIR:-bin}
case $BINDIR in /*) ;; *) BINDIR=$ROOT/$BINDIR ;; esac
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BINDIR/heliosdb" --dev --data "$tmp/data" --port "$port" 2>"$tmp/server.log" >/dev/null &
pid=$!
up=0
for _ in $(seq 1 200); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then up=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
done
if [ $up -ne 1 ]; then echo "Bail out! server did not start"; cat "$tmp/server.log"; exit 1; fi

# ---- SQLAlchemy ----------------------------------------------------------------------------
cat >"$tmp/sa.py" <<'EOF'
import sys
import sqlalchemy as sa

def check(desc, cond):
    print(("ok - " if cond else "not ok - ") + desc)

port = sys.argv[1]
check("SQLAlchemy is 1.4", sa.__version__.startswith("1.4"))
eng = sa.create_engine("postgresql+psycopg2://postgres@127.0.0.1:%s/postgres" % port)
with eng.begin() as c:
    c.execute(sa.text("CREATE TABLE sa_items (id bigint PRIMARY KEY, name text, views g_counter, "
                      "tags or_set, attrs lww_map)"))
md = sa.MetaData()
t = sa.Table("sa_items", md, sa.Column("id", sa.BigInteger, primary_key=True),
             sa.Column("name", sa.Text), sa.Column("views", sa.BigInteger),
             sa.Column("tags", sa.ARRAY(sa.Text)), sa.Column("attrs", sa.JSON))
with eng.begin() as c:
    r = c.execute(t.insert(), [
        {"id": 1, "name": "héllo", "views": 3, "tags": ["x", "y z"], "attrs": {"k": 1}},
        {"id": 2, "name": "b", "views": 0, "tags": [], "attrs": {}}])
    check("executemany insert of 2 rows", r.rowcount in (2, -1))
with eng.begin() as c:
    c.execute(t.update().where(t.c.id == 1).values(views=t.c.views + 4))
with eng.connect() as c:
    row = c.execute(sa.select(t).where(t.c.id == 1)).one()
    check("select by primary key returns CRDT values as Python types",
          row.id == 1 and row.name == "héllo" and row.views == 7
          and sorted(row.tags) == ["x", "y z"] and row.attrs == {"k": 1})
    rows = c.execute(sa.select(t.c.id, t.c.views).order_by(t.c.id.desc())).fetchall()
    check("ORDER BY DESC through the Core expression language", [tuple(x) for x in rows] == [(2, 0), (1, 7)])
    n = c.execute(sa.select(sa.func.count()).select_from(t).where(t.c.views > 1)).scalar()
    check("count() with a bound parameter", n == 1)
EOF
if /usr/bin/python3 -c 'import sqlalchemy, psycopg2' 2>/dev/null; then
    /usr/bin/python3 "$tmp/sa.py" "$port" >"$tmp/sa.out" 2>&1 || echo "not ok - SQLAlchemy part exited non-zero" >>"$tmp/sa.out"
else
    echo "skip - SQLAlchemy/psycopg2 missing" >"$tmp/sa.out"
fi

# ---- node-postgres -------------------------------------------------------------------------
cat >"$tmp/n.js" <<'EOF'
const { Client } = require('pg');
const check = (d, c) => console.log((c ? 'ok - ' : 'not ok - ') + d);
(async () => {
  const c = new Client({ host: '127.0.0.1', port: +process.argv[2], user: 'postgres', database: 'postgres' });
  await c.connect();
  await c.query('CREATE TABLE nd (id int PRIMARY KEY, tags or_set, doc jsonb, n g_counter, name text)');
  const ins = await c.query({ text: 'INSERT INTO nd VALUES ($1, $2, $3, $4, $5) RETURNING id',
                              values: [1, ['a', 'b c'], { x: 1, y: [2, 'z'] }, 5, "it's"] });
  check('parameterised INSERT ... RETURNING', ins.rowCount === 1 && ins.rows[0].id === 1);
  let same = true, r;
  for (let i = 0; i < 4; i++) {
    r = await c.query({ name: 'get_nd', text: 'SELECT id, tags, doc, n, name FROM nd WHERE id = $1', values: [1] });
    same = same && r.rows.length === 1;
  }
  check('named statement executed 4 times', same);
  const row = r.rows[0];
  check('or_set comes back as a JS array', Array.isArray(row.tags) && row.tags.slice().sort().join('|') === 'a|b c');
  check('jsonb comes back as an object', row.doc && row.doc.x === 1 && row.doc.y[1] === 'z');
  check('g_counter and text values', String(row.n) === '5' && row.name === "it's");
  await c.query({ text: 'UPDATE nd SET n = n + $1, tags = array_append(tags, $2) WHERE id = $3', values: [2, 'd', 1] });
  r = await c.query({ name: 'get_nd', text: 'SELECT id, tags, doc, n, name FROM nd WHERE id = $1', values: [1] });
  check('named statement sees the update', String(r.rows[0].n) === '7' && r.rows[0].tags.includes('d'));
  try { await c.query('SELECT * FROM nd_missing'); check('missing table is an error', false); }
  catch (e) { check('missing table -> 42P01', e.code === '42P01'); }
  await c.end();
})().catch(e => { console.log('not ok - node-postgres: ' + e.message); process.exit(1); });
EOF
if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -d build/node/node_modules/pg ]; then
        mkdir -p build/node
        npm install --silent --no-audit --no-fund --prefix build/node pg@8 >/dev/null 2>&1 || true
    fi
    if [ -d build/node/node_modules/pg ]; then
        NODE_PATH=$ROOT/build/node/node_modules node "$tmp/n.js" "$port" >"$tmp/node.out" 2>&1 \
            || echo "not ok - node part exited non-zero" >>"$tmp/node.out"
    else
        echo "skip - npm install pg@8 failed (offline?)" >"$tmp/node.out"
    fi
else
    echo "skip - node/npm missing" >"$tmp/node.out"
fi

# ---- pgjdbc --------------------------------------------------------------------------------
cat >"$tmp/SqlDrivers.java" <<'EOF'
import java.sql.*;
import java.util.*;

public class SqlDrivers {
    static void check(String d, boolean c) { System.out.println((c ? "ok - " : "not ok - ") + d); }

    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/postgres?user=postgres&sslmode=disable";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE jt (id int PRIMARY KEY, tags or_set, name text NOT NULL, hits g_counter)");
                st.execute("CREATE TABLE jt_other (k text PRIMARY KEY)");
            }
            PreparedStatement ps = c.prepareStatement("INSERT INTO jt VALUES (?, ?, ?, ?)");
            for (int i = 1; i <= 6; i++) { // past prepareThreshold: named statement, binary
                ps.setInt(1, i);
                ps.setArray(2, c.createArrayOf("text", new String[] {"a" + i, "b c"}));
                ps.setString(3, "n" + i);
                ps.setLong(4, i * 10L);
                ps.executeUpdate();
            }
            PreparedStatement q = c.prepareStatement("SELECT tags, hits FROM jt WHERE id = ?");
            boolean all = true;
            for (int i = 1; i <= 6; i++) {
                q.setInt(1, i);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) { all = false; continue; }
                    Object[] arr = (Object[]) rs.getArray(1).getArray();
                    Set<Object> got = new HashSet<>(Arrays.asList(arr));
                    all &= got.equals(new HashSet<>(Arrays.asList("a" + i, "b c"))) && rs.getLong(2) == i * 10L;
                }
            }
            check("setArray/getArray round-trip an or_set over 6 executions", all);
            DatabaseMetaData md = c.getMetaData();
            List<String> tabs = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, null, "jt", new String[] {"TABLE"})) {
                while (rs.next()) tabs.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
            }
            check("getTables(\"jt\") finds exactly the table", tabs.equals(List.of("public.jt:TABLE")));
            tabs.clear();
            try (ResultSet rs = md.getTables(null, null, "jt%", new String[] {"TABLE"})) {
                while (rs.next()) tabs.add(rs.getString("TABLE_NAME"));
            }
            check("getTables(\"jt%\") matches the LIKE pattern", tabs.equals(List.of("jt", "jt_other")));
            List<String> cols = new ArrayList<>();
            boolean nn = false;
            try (ResultSet rs = md.getColumns(null, null, "jt", null)) {
                while (rs.next()) {
                    cols.add(rs.getInt("ORDINAL_POSITION") + ":" + rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME") + ":" + rs.getInt("DATA_TYPE"));
                    if (rs.getString("COLUMN_NAME").equals("name")) nn = rs.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls;
                }
            }
            check("getColumns(\"jt\") lists the columns in order with their types: " + cols,
                  /* a CRDT column's type is its declared name: pg_type has it as a domain over
                   * the type it reads as, which pgjdbc reports as any domain (Types.DISTINCT) */
                  cols.equals(List.of("1:id:int4:4", "2:tags:or_set:2001", "3:name:text:12",
                                      "4:hits:g_counter:2001")));
            check("getColumns reports NOT NULL", nn);
        }
    }
}
EOF
JAR=$(ls /usr/share/java/postgresql-4*.jar 2>/dev/null | head -1)
if command -v javac >/dev/null && [ -n "$JAR" ]; then
    if javac -d "$tmp" "$tmp/SqlDrivers.java" 2>"$tmp/javac.log"; then
        java -cp "$tmp:$JAR" SqlDrivers "$port" >"$tmp/jdbc.out" 2>&1 \
            || echo "not ok - pgjdbc part exited non-zero" >>"$tmp/jdbc.out"
    else
        echo "not ok - javac" >"$tmp/jdbc.out"; sed 's/^/# /' "$tmp/javac.log" >&2
    fi
else
    echo "skip - javac or pgjdbc missing" >"$tmp/jdbc.out"
fi

# ---- TAP -----------------------------------------------------------------------------------
k=0; fail=0
out=
for part in sa node jdbc; do
    while IFS= read -r line; do
        case $line in
        "ok - "*) k=$((k + 1)); out="$out${out:+
}ok $k - $part: ${line#ok - }" ;;
        "not ok - "*) k=$((k + 1)); fail=1; out="$out${out:+
}not ok $k - $part: ${line#not ok - }" ;;
        "skip - "*) k=$((k + 1)); out="$out${out:+
}ok $k - $part # SKIP ${line#skip - }" ;;
        *) out="$out${out:+
}# $part: $line" ;;
        esac
    done <"$tmp/$part.out"
done
echo "1..$k"
printf '%s\n' "$out"
[ $fail -ne 0 ] && sed 's/^/# server: /' "$tmp/server.log" | tail -20
exit $fail
