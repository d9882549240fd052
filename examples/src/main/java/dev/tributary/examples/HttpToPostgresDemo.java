package dev.tributary.examples;

import dev.tributary.connect.http.HttpIngestSource;
import dev.tributary.connect.jdbc.JdbcUpsertSink;
import dev.tributary.dsl.Topology;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.examples.orders.OrderTotals;
import dev.tributary.runtime.JobRunner;
import dev.tributary.runtime.JobState;
import dev.tributary.runtime.RuntimeOptions;
import dev.tributary.runtime.launcher.CommandLine;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The end-to-end connector example: an embedded broker and an embedded PostgreSQL, orders posted over
 * HTTP by concurrent clients, totals per customer upserted into a table, and the table checked
 * against what was posted.
 */
final class HttpToPostgresDemo {
    static final String NAME = "http-to-postgres";
    private static final String[] ITEMS = {"lamp", "mug", "chair", "book", "pen"};

    private final PrintStream out;
    private final PrintStream err;

    HttpToPostgresDemo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(CommandLine args) throws Exception {
        int orders = Integer.parseInt(args.get("records", "2000"));
        out.println("Starting an embedded Pulsar broker and an embedded PostgreSQL...");
        try (EmbeddedPulsar pulsar = EmbeddedPulsar.builder().build().start();
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String topic = "persistent://public/default/orders";
            pulsar.admin().topics().createNonPartitionedTopic(topic);
            execute(postgres, OrderTotals.TABLE_DDL);
            HttpIngestSource ingest = new HttpIngestSource();
            Topology topology = OrderTotals.topology(ingest, new JdbcUpsertSink(), topic);
            out.println(topology.describe());
            Configuration config = Configuration.empty()
                    .with(RuntimeOptions.APPLICATION_ID, "order-totals")
                    .with(RuntimeOptions.SERVICE_URL, pulsar.serviceUrl())
                    .with(RuntimeOptions.ADMIN_URL, pulsar.httpUrl())
                    .with(RuntimeOptions.STATE_DIR, pulsar.dataDirectory().resolve("job-state").toString())
                    .with("connector.ingest.port", "0")
                    .with("connector.ingest.key-field", "customer")
                    .with("connector.totals.url", postgres.getJdbcUrl("postgres", "postgres"))
                    .with("connector.totals.user", "postgres")
                    .with("connector.totals.table", "customer_totals")
                    .with("connector.totals.key-columns", "customer");
            try (JobRunner job = new JobRunner(topology, config).start()) {
                String url = "http://127.0.0.1:" + ingest.port() + "/topics/orders";
                out.println("HTTP bridge on " + url);
                Map<String, long[]> expected = post(url, orders);
                HttpResponse<String> bad = send(url, "{\"customer\":\"c1\",\"amountCents\":\"lots\"}");
                out.println("A malformed order is refused: " + bad.statusCode() + " " + bad.body());
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                Map<String, long[]> table = Map.of();
                while (System.nanoTime() < deadline && job.state() == JobState.RUNNING) {
                    table = table(postgres);
                    if (same(expected, table)) {
                        break;
                    }
                    Thread.sleep(200);
                }
                if (job.state() != JobState.RUNNING) {
                    err.println("error: job failed: " + job.failure().map(Throwable::getMessage).orElse("?"));
                    return Examples.FAILED;
                }
                out.println("Table customer_totals, first rows (customer, orders, total cents):");
                table.entrySet().stream().limit(5).forEach(e -> out.println("  " + e.getKey() + " " + e.getValue()[0]
                        + " " + e.getValue()[1]));
                boolean match = same(expected, table);
                out.println(orders + " orders posted for " + expected.size() + " customers; the table's " + table.size()
                        + " rows " + (match ? "match" : "DO NOT match") + " the orders.");
                return match ? Examples.OK : Examples.FAILED;
            }
        }
    }

    /** Posts the orders from four clients, ten per request; returns orders and cents per customer. */
    private Map<String, long[]> post(String url, int orders) throws Exception {
        Random random = new Random(7);
        Map<String, long[]> expected = new TreeMap<>();
        List<String> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < orders; i++) {
            String customer = "c" + random.nextInt(100);
            long cents = 100 + random.nextInt(10_000);
            body.append(body.length() == 0 ? "[" : ",").append("{\"customer\":\"").append(customer)
                    .append("\",\"amountCents\":").append(cents).append(",\"item\":\"")
                    .append(ITEMS[random.nextInt(ITEMS.length)]).append("\"}");
            long[] total = expected.computeIfAbsent(customer, c -> new long[2]);
            total[0]++;
            total[1] += cents;
            if ((i + 1) % 10 == 0 || i == orders - 1) {
                bodies.add(body.append("]").toString());
                body.setLength(0);
            }
        }
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (String request : bodies) {
                statuses.add(clients.submit(() -> send(url, request).statusCode()));
            }
            int accepted = 0;
            for (Future<Integer> status : statuses) {
                if (status.get() == 202) {
                    accepted++;
                }
            }
            out.println("Posted " + orders + " orders in " + bodies.size() + " requests: " + accepted + " answered 202.");
        } finally {
            clients.shutdown();
        }
        return expected;
    }

    private static HttpResponse<String> send(String url, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean same(Map<String, long[]> expected, Map<String, long[]> table) {
        if (!expected.keySet().equals(table.keySet())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), table.get(e.getKey())));
    }

    private static void execute(EmbeddedPostgres postgres, String sql) throws Exception {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Map<String, long[]> table(EmbeddedPostgres postgres) throws Exception {
        Map<String, long[]> rows = new TreeMap<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT customer, orders, total_cents FROM customer_totals")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return rows;
    }
}
