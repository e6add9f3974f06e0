// pgjdbc as applications and tools use it, against heliosdb (or PostgreSQL 15: the checks are
// PostgreSQL's answers): DatabaseMetaData (getSchemas, getTables, getColumns, getPrimaryKeys,
// getImportedKeys, getIndexInfo, getTypeInfo), generated keys, batches, savepoints, and
// getObject / getArray on jsonb, arrays, enums, uuids and timestamps. Prints TAP lines.
import java.sql.*;
import java.util.*;

public class JdbcApp {
    static int n = 0, failed = 0;

    static void ok(boolean c, String d, Object got) {
        n++;
        if (!c) failed++;
        System.out.println((c ? "ok " : "not ok ") + n + " - " + d);
        if (!c) System.out.println("# got: " + got);
    }

    static List<String> col(ResultSet rs, String name) throws SQLException {
        List<String> v = new ArrayList<>();
        while (rs.next()) v.add(rs.getString(name));
        rs.close();
        return v;
    }

    public static void main(String[] a) throws Exception {
        String db = a.length > 1 ? a[1] : "postgres";
        String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + db + "?user=postgres&sslmode=disable";
        try (Connection c = DriverManager.getConnection(url)) {
            Statement st = c.createStatement();
            st.execute("DROP TABLE IF EXISTS ja_line, ja_order");
            st.execute("DROP TYPE IF EXISTS ja_state");
            st.execute("CREATE TYPE ja_state AS ENUM ('new', 'paid', 'sent')");
            st.execute("CREATE TABLE ja_order (id bigserial PRIMARY KEY, customer varchar(40) NOT NULL, "
                       + "state ja_state NOT NULL DEFAULT 'new', meta jsonb, tags text[], "
                       + "ref uuid DEFAULT gen_random_uuid(), at timestamptz DEFAULT now())");
            st.execute("CREATE TABLE ja_line (order_id bigint REFERENCES ja_order ON DELETE CASCADE, "
                       + "n int, qty int NOT NULL, PRIMARY KEY (order_id, n))");
            st.execute("CREATE INDEX ja_order_customer ON ja_order (customer)");
            DatabaseMetaData md = c.getMetaData();

            List<String> schemas = col(md.getSchemas(), "TABLE_SCHEM");
            ok(schemas.contains("public") && schemas.contains("pg_catalog") && schemas.contains("information_schema"),
               "getSchemas lists public, pg_catalog, information_schema", schemas);
            List<String> tables = col(md.getTables(null, "public", "ja_%", new String[] {"TABLE"}), "TABLE_NAME");
            ok(tables.equals(Arrays.asList("ja_line", "ja_order")), "getTables(public, ja_%, TABLE)", tables);

            ResultSet rs = md.getColumns(null, "public", "ja_order", null);
            List<String> cols = new ArrayList<>();
            Map<String, String> types = new HashMap<>();
            Map<String, Integer> sizes = new HashMap<>();
            Map<String, Integer> nullable = new HashMap<>();
            Map<String, String> auto = new HashMap<>();
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");
                cols.add(name);
                types.put(name, rs.getString("TYPE_NAME"));
                sizes.put(name, rs.getInt("COLUMN_SIZE"));
                nullable.put(name, rs.getInt("NULLABLE"));
                auto.put(name, rs.getString("IS_AUTOINCREMENT"));
            }
            rs.close();
            ok(cols.equals(Arrays.asList("id", "customer", "state", "meta", "tags", "ref", "at")),
               "getColumns: every column in order", cols);
            ok("bigserial".equals(types.get("id")) && "varchar".equals(types.get("customer"))
               && "ja_state".equals(types.get("state")) && "jsonb".equals(types.get("meta"))
               && "_text".equals(types.get("tags")) && "uuid".equals(types.get("ref"))
               && "timestamptz".equals(types.get("at")),
               "getColumns: TYPE_NAME (bigserial, varchar, the enum, jsonb, _text, uuid, timestamptz)", types);
            ok(sizes.get("customer") == 40 && nullable.get("customer") == DatabaseMetaData.columnNoNulls
               && nullable.get("meta") == DatabaseMetaData.columnNullable && "YES".equals(auto.get("id"))
               && "NO".equals(auto.get("customer")),
               "getColumns: COLUMN_SIZE 40, NULLABLE, IS_AUTOINCREMENT", sizes + " " + nullable + " " + auto);

            List<String> pk = col(md.getPrimaryKeys(null, "public", "ja_line"), "COLUMN_NAME");
            ok(pk.equals(Arrays.asList("order_id", "n")), "getPrimaryKeys: a two-column key in key order", pk);
            rs = md.getImportedKeys(null, "public", "ja_line");
            boolean fk = rs.next() && "ja_order".equals(rs.getString("PKTABLE_NAME"))
                && "id".equals(rs.getString("PKCOLUMN_NAME")) && "order_id".equals(rs.getString("FKCOLUMN_NAME"))
                && rs.getInt("DELETE_RULE") == DatabaseMetaData.importedKeyCascade && !rs.next();
            rs.close();
            ok(fk, "getImportedKeys: the foreign key with its ON DELETE CASCADE", null);
            List<String> ix = col(md.getIndexInfo(null, "public", "ja_order", false, false), "INDEX_NAME");
            Collections.sort(ix);
            ok(ix.equals(Arrays.asList("ja_order_customer", "ja_order_pkey")), "getIndexInfo", ix);
            List<String> ti = col(md.getTypeInfo(), "TYPE_NAME");
            ok(ti.contains("int4") && ti.contains("jsonb") && ti.contains("ja_state"), "getTypeInfo lists built-in and enum types",
               ti.size());

            PreparedStatement ins = c.prepareStatement(
                "INSERT INTO ja_order (customer, state, meta, tags) VALUES (?, ?::ja_state, ?::jsonb, ?)",
                Statement.RETURN_GENERATED_KEYS);
            ins.setString(1, "ann");
            ins.setString(2, "paid");
            ins.setString(3, "{\"gift\": true}");
            ins.setArray(4, c.createArrayOf("text", new String[] {"rush", "fragile"}));
            ins.executeUpdate();
            rs = ins.getGeneratedKeys();
            long id = rs.next() ? rs.getLong("id") : -1;
            rs.close();
            ok(id > 0, "RETURN_GENERATED_KEYS gives the bigserial id", id);

            PreparedStatement line = c.prepareStatement("INSERT INTO ja_line VALUES (?, ?, ?)");
            for (int i = 1; i <= 5; i++) {
                line.setLong(1, id);
                line.setInt(2, i);
                line.setInt(3, i * 10);
                line.addBatch();
            }
            int[] counts = line.executeBatch();
            ok(counts.length == 5 && Arrays.stream(counts).allMatch(x -> x == 1), "executeBatch: 5 rows, 1 each",
               Arrays.toString(counts));

            c.setAutoCommit(false);
            st.executeUpdate("UPDATE ja_line SET qty = qty + 1 WHERE order_id = " + id);
            Savepoint sp = c.setSavepoint();
            try {
                st.executeUpdate("INSERT INTO ja_line VALUES (" + id + ", 1, 0)");
            } catch (SQLException e) {
                c.rollback(sp);
                ok("23505".equals(e.getSQLState()), "a duplicate inside a savepoint: 23505, rolled back to it",
                   e.getSQLState());
            }
            c.commit();
            c.setAutoCommit(true);
            rs = st.executeQuery("SELECT sum(qty) FROM ja_line");
            ok(rs.next() && rs.getLong(1) == 155, "the transaction's work before the savepoint committed", null);
            rs.close();

            rs = st.executeQuery("SELECT customer, state, meta, tags, ref, at FROM ja_order WHERE id = " + id);
            rs.next();
            Object meta = rs.getObject("meta");
            Array tags = rs.getArray("tags");
            String[] tv = (String[]) tags.getArray();
            ok("ann".equals(rs.getString(1)) && "paid".equals(rs.getString("state"))
               && "paid".equals(String.valueOf(rs.getObject("state"))),
               "getString / getObject of an enum column", rs.getObject("state"));
            ok(meta != null && meta.getClass().getName().equals("org.postgresql.util.PGobject")
               && "{\"gift\": true}".equals(meta.toString()), "getObject of jsonb: a PGobject with its text", meta);
            ok(Arrays.equals(tv, new String[] {"rush", "fragile"}), "getArray of text[]", Arrays.toString(tv));
            ok(rs.getObject("ref") instanceof UUID && rs.getTimestamp("at") != null, "uuid as java.util.UUID; timestamptz",
               rs.getObject("ref"));
            rs.close();
            ok(st.executeUpdate("DELETE FROM ja_order WHERE id = " + id) == 1, "delete the order", null);
            rs = st.executeQuery("SELECT count(*) FROM ja_line");
            ok(rs.next() && rs.getLong(1) == 0, "its lines went with it (ON DELETE CASCADE)", null);
            rs.close();
            st.execute("DROP TABLE ja_line, ja_order");
            st.execute("DROP TYPE ja_state");
        }
        System.out.println("1.." + n);
        System.exit(failed == 0 ? 0 : 1);
    }
}
