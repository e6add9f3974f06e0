// doc-test: java
// A shopping cart over JDBC (pgjdbc): the cart's items are an aw_set, so items added on a phone
// in one region and on a laptop in another merge; quantities are pn_counters per (cart, item),
// so "+1" from two devices gives +2 instead of one overwriting the other. Checkout groups its
// statements in one transaction. Run: java -cp /usr/share/java/postgresql.jar ShoppingCart.java
import java.sql.*;
import java.util.Arrays;

public class ShoppingCart {
    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    public static void main(String[] args) throws SQLException {
        // JDBC does not read the PG* variables itself: build the URL from them.
        String url = "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432")
                + "/" + env("PGDATABASE", "postgres");
        try (Connection c = DriverManager.getConnection(url, env("PGUSER", "postgres"),
                                                        System.getenv("PGPASSWORD"))) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE carts (cart_id bigint PRIMARY KEY, items aw_set, note text)");
                s.execute("CREATE TABLE cart_lines (cart_id bigint, sku text, qty pn_counter, "
                          + "PRIMARY KEY (cart_id, sku))");
            }
            addItem(c, 7, "book-123", 1);   // phone
            addItem(c, 7, "pen-9", 2);      // laptop
            addItem(c, 7, "book-123", 1);   // phone again: quantity 2
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE cart_lines SET qty = qty - ? WHERE cart_id = ? AND sku = ?")) {
                p.setLong(1, 1);
                p.setLong(2, 7);
                p.setString(3, "pen-9");
                System.out.println("pen-9 decremented, rows: " + p.executeUpdate());
            }
            print(c, 7);

            // Checkout: one atomic commit (replicated and applied elsewhere as one unit).
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE carts SET items = ARRAY[]::text[], note = 'ordered' WHERE cart_id = 7");
                s.executeUpdate("DELETE FROM cart_lines WHERE cart_id = 7");
            }
            c.commit();
            c.setAutoCommit(true);
            print(c, 7);
        }
    }

    static void addItem(Connection c, long cart, String sku, long n) throws SQLException {
        // Upserts: the aw_set gains the element, the counter adds n (a plain INSERT of an existing
        // key fails with 23505, as in PostgreSQL).
        try (PreparedStatement p = c.prepareStatement("INSERT INTO carts (cart_id, items) VALUES (?, ?) "
                + "ON CONFLICT (cart_id) DO UPDATE SET items = carts.items || excluded.items")) {
            p.setLong(1, cart);
            p.setArray(2, c.createArrayOf("text", new String[] {sku}));
            p.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO cart_lines VALUES (?, ?, ?) "
                + "ON CONFLICT (cart_id, sku) DO UPDATE SET qty = cart_lines.qty + excluded.qty")) {
            p.setLong(1, cart);
            p.setString(2, sku);
            p.setLong(3, n);
            p.executeUpdate();
        }
    }

    static void print(Connection c, long cart) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT items, note FROM carts WHERE cart_id = ?")) {
            p.setLong(1, cart);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String[] items = (String[]) r.getArray(1).getArray();
                    System.out.println("cart " + cart + ": items " + Arrays.toString(items)
                                       + ", note " + r.getString(2));
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "SELECT sku, qty FROM cart_lines WHERE cart_id = ? ORDER BY sku")) {
            p.setLong(1, cart);
            try (ResultSet r = p.executeQuery()) {
                int n = 0;
                while (r.next()) {
                    System.out.println("  " + r.getString(1) + " x " + r.getLong(2));
                    n++;
                }
                if (n == 0) System.out.println("  (no lines)");
            }
        }
    }
}
