package graphkit.neo4j;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Throw-away Neo4j Community server for tests.
 *
 * Starts an embedded DBMS in a fresh temp dir with only the Bolt connector on 127.0.0.1,
 * auth enabled (user neo4j, password $NEO4J_PASSWORD or "graphkit-test"), prints exactly one
 * line "bolt://127.0.0.1:PORT" on stdout once Bolt accepts connections, then runs until
 * SIGTERM/SIGINT, when it shuts the DBMS down and deletes the temp dir.
 * Env: NEO4J_PASSWORD, NEO4J_BOLT_PORT (default 0 = pick a free port), NEO4J_PAGECACHE (default 256m),
 * GRAPHKIT_NEO4J_HOME (a home folder to use and keep, so that a restart finds the same databases,
 * and neo4j-admin can import into it while the server is stopped; default: a temp dir deleted at exit).
 */
public final class Launcher {
    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable t) {
            // Neo4j's non-daemon threads would keep the JVM alive; exit runs the shutdown hook.
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        // Keep stdout for the single URI line; everything else Neo4j may print goes to stderr.
        PrintStream uriOut = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err);

        Map<String, String> env = System.getenv();
        String password = env.getOrDefault("NEO4J_PASSWORD", "graphkit-test");
        int port = Integer.parseInt(env.getOrDefault("NEO4J_BOLT_PORT", "0"));
        long pageCache = ByteUnit.parse(env.getOrDefault("NEO4J_PAGECACHE", "256m"));
        String keepHome = env.get("GRAPHKIT_NEO4J_HOME");

        // Pick the port ourselves (rather than port 0) so the advertised address, which the
        // neo4j:// routing table reports, is right; retry if someone grabs it in between.
        Path home = null;
        DatabaseManagementService started = null;
        for (int attempt = 1; started == null; attempt++) {
            int boltPort = port != 0 ? port : freePort();
            home = keepHome != null
                    ? Files.createDirectories(Path.of(keepHome))
                    : Files.createTempDirectory("graphkit-neo4j-");
            SocketAddress bolt = new SocketAddress("127.0.0.1", boltPort);
            try {
                started = new DatabaseManagementServiceBuilder(home)
                        .setConfig(BoltConnector.enabled, true)
                        .setConfig(BoltConnector.listen_address, bolt)
                        .setConfig(BoltConnector.advertised_address, bolt)
                        .setConfig(HttpConnector.enabled, false)
                        .setConfig(HttpsConnector.enabled, false)
                        .setConfig(GraphDatabaseSettings.auth_enabled, true)
                        .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                        .setConfig(GraphDatabaseSettings.udc_enabled, false) // dbms.usage_report.enabled
                        .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                        // Bolt's netty shutdown otherwise idles 5 s ("quiet period") on stop.
                        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                        .setUserLogProvider(new Log4jLogProvider(System.err)) // user log -> stderr
                        .build();
            } catch (Throwable t) {
                if (keepHome == null) {
                    deleteTree(home);
                }
                if (port != 0 || attempt >= 3) {
                    throw t;
                }
                System.err.println("graphkit-neo4j: start on port " + boltPort + " failed, retrying: " + t);
            }
        }
        final DatabaseManagementService dbms = started;
        final Path homeDir = home;

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                if (keepHome == null) {
                    deleteTree(homeDir);
                }
                stopped.countDown();
            }
        }, "graphkit-neo4j-shutdown"));

        // The built-in user is neo4j/neo4j with "change required"; embedded transactions run
        // without auth, so set the real password here before any client can see the server.
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", password));
        } catch (RuntimeException sameAsBefore) { // "neo4j", or a restart with the same password
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(60_000);

        // Port actually bound by the Bolt server.
        int boltPort = ((GraphDatabaseAPI) system).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT).getPort();
        try (Socket s = new Socket()) { // sanity check: Bolt really accepts TCP connections
            s.connect(new InetSocketAddress("127.0.0.1", boltPort), 5_000);
        }
        uriOut.println("bolt://127.0.0.1:" + boltPort);

        stopped.await(); // until the shutdown hook has run
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
