// pgjdbc against heliosdb: connect (SET extra_float_digits / application_name), then one
// PreparedStatement executed 8 times so that the driver switches to a named statement and binary
// parameters/results from the 5th execution (CLIENTS.md §3.6). Prints TAP lines.
import java.math.BigDecimal;
import java.sql.*;

public class WireJdbc {
    static int n = 0, failed = 0;

    static void ok(boolean c, String d) {
        n++;
        if (!c) failed++;
        System.out.println((c ? "ok " : "not ok ") + n + " - " + d);
    }

    public static void main(String[] a) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/postgres?user=postgres&sslmode=disable";
        try (Connection c = DriverManager.getConnection(url)) {
            ok(c.getMetaData().getDatabaseMajorVersion() == 15, "JDBC connects; server major version 15");
            PreparedStatement ps = c.prepareStatement(
                "SELECT ?::int4 AS a, ?::int8 AS b, ?::float8 AS c, ?::text AS d, ?::bool AS e, "
                + "'2026-11-24 10:00:00+00'::timestamptz AS ts, 2.50::numeric AS n");
            boolean all = true;
            for (int i = 1; i <= 8; i++) {
                ps.setInt(1, i);
                ps.setLong(2, 9000000000L + i);
                ps.setDouble(3, i + 0.5);
                ps.setString(4, "o'neil " + i);
                ps.setBoolean(5, i % 2 == 0);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean row = rs.next();
                    boolean good = row && rs.getInt(1) == i && rs.getLong(2) == 9000000000L + i
                        && rs.getDouble(3) == i + 0.5 && rs.getString(4).equals("o'neil " + i)
                        && rs.getBoolean(5) == (i % 2 == 0)
                        && rs.getTimestamp(6).getTime() == 1795514400000L
                        && rs.getBigDecimal(7).equals(new BigDecimal("2.50")) && !rs.next();
                    if (!good) {
                        System.out.println("# execution " + i + " returned wrong values");
                        all = false;
                    }
                }
            }
            ok(all, "8 executions (text, then named + binary from the 5th) return the right values");
            c.setAutoCommit(false);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                ok(rs.next() && rs.getInt(1) == 1, "query inside a JDBC transaction (BEGIN piggy-backed)");
            }
            c.commit();
        }
        System.out.println("1.." + n);
        System.exit(failed == 0 ? 0 : 1);
    }
}
