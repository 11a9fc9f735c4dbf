// A Neo4j 5.26 for refnet's tests, in process from neo4j-harness, run without a build:
//   java -cp 'LIB/*' Server.java LIB DATA_DIR PASSWORD [PAGE_CACHE_MB]
// Bolt on a free loopback port (port 0: the OS picks it, so two runs never collide),
// authentication on as in production, the Graph Data Science procedures (on the
// classpath) unrestricted. The harness registers no procedure found on the classpath, so
// the OpenGDS procedure jars are also linked into its plugins folder: their classes still
// load from the classpath (parent first), where the GDS extension lives too. Prints "bolt://127.0.0.1:PORT" once it answers; stops when
// its standard input closes, so a test run that dies takes its server with it.
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

public class Server {
    public static void main(String[] args) throws Exception {
        Path lib = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        String password = args[2];
        long pageCacheMb = args.length > 3 ? Long.parseLong(args[3]) : 256;
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (var jars = Files.newDirectoryStream(lib, "org.neo4j.gds.*proc*.jar")) {
            for (Path jar : jars) {
                Path link = plugins.resolve(jar.getFileName());
                if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, jar.toAbsolutePath());
                }
            }
        }
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(dir)
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"))
                .withConfig(GraphDatabaseSettings.plugin_dir, plugins)
                .withConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMb << 20)
                .build();
        // The harness starts with the default user; give it the generated password.
        neo4j.databaseManagementService().database("system").executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                java.util.Map.of("password", password));
        System.out.println(neo4j.boltURI());
        System.out.flush();
        try {
            while (System.in.read() != -1) { /* wait for the parent to go */ }
        } finally {
            neo4j.close();
        }
    }
}
