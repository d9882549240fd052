package dev.tributary.testkit.pulsar;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.zookeeper.LocalBookkeeperEnsemble;

/**
 * A Pulsar broker in a JVM of its own, for tests that kill the broker with SIGKILL and start it again
 * while jobs run. As in a real cluster the broker keeps nothing itself: its metadata (ZooKeeper) and
 * its ledgers (one bookie) run in a second process that stays up, so a killed broker comes back on
 * the same data, and its ledgers left open are recovered by the new broker the way BookKeeper
 * recovers any crashed writer's. {@link #main} runs either process.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final int START_ATTEMPTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private final Path dataDirectory;
    private final Path log;
    private final int zooKeeperPort;
    private final int bookiePort;
    private final int brokerPort;
    private final int webPort;
    private Process storage;
    private Process broker;
    private PulsarAdmin admin;

    private BrokerProcess(Path dataDirectory, Path log) throws IOException {
        this.dataDirectory = dataDirectory;
        this.log = log;
        this.zooKeeperPort = freePort();
        this.bookiePort = freePort();
        this.brokerPort = freePort();
        this.webPort = freePort();
    }

    /**
     * Runs until the process is killed: {@code storage <dir> <zooKeeperPort> <bookiePort>} runs ZooKeeper
     * and one bookie; {@code broker <dir> <zooKeeperPort> <brokerPort> <webPort>} runs the broker on them.
     *
     * @param args the arguments
     * @throws Exception if the process cannot start
     */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[1]);
        int zooKeeper = Integer.parseInt(args[2]);
        if (args[0].equals("storage")) {
            LocalBookkeeperEnsemble ensemble = new LocalBookkeeperEnsemble(1, zooKeeper, Integer.parseInt(args[3]),
                    directory.resolve("zookeeper").toString(), directory.resolve("bookkeeper").toString(), false,
                    "127.0.0.1");
            ensemble.startStandalone(EmbeddedPulsar.bookieConfiguration(directory), false);
            System.out.println("STORAGE READY");
        } else {
            // Short pings: a paused client loses its consumers within seconds, as soaks and tests want.
            EmbeddedPulsar pulsar;
            try {
                pulsar = EmbeddedPulsar.builder().dataDirectory(directory.resolve("broker"))
                        .keepAliveInterval(Duration.ofSeconds(5)).zooKeeper(zooKeeper)
                        .brokerPort(Integer.parseInt(args[3])).webPort(Integer.parseInt(args[4]))
                        .build().start();
            } catch (Throwable e) {
                // The broker's client threads would keep a JVM whose start failed alive, serving nothing.
                System.out.println("BROKER FAILED " + e);
                e.printStackTrace(System.out);
                System.out.flush();
                Runtime.getRuntime().halt(1);
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close));
            System.out.println("BROKER READY " + pulsar.serviceUrl() + " " + pulsar.httpUrl());
        }
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /**
     * Starts the storage process and the broker process on free ports and waits until the broker serves.
     *
     * @param dataDirectory where the processes keep their data, kept across restarts
     * @param log where both processes' output goes (appended)
     * @return the running broker
     * @throws Exception if the storage does not serve within two minutes, or the broker after three starts
     */
    public static BrokerProcess start(Path dataDirectory, Path log) throws Exception {
        BrokerProcess process = new BrokerProcess(dataDirectory, log);
        try {
            process.storage = process.spawn("storage", Integer.toString(process.bookiePort));
            Await.until("ZooKeeper and the bookie to serve (log " + log.toAbsolutePath() + ")", Duration.ofMinutes(2),
                    () -> process.alive(process.storage, "storage") && LocalBookkeeperEnsemble.waitForServerUp(
                            "127.0.0.1:" + process.zooKeeperPort, 1000) && process.logSays("STORAGE READY"));
            process.startBroker();
            return process;
        } catch (Exception | Error e) {
            process.close();
            throw e;
        }
    }

    /**
     * Starts the broker process, and starts it again when it fails or does not serve within 90 s, as a
     * supervisor would: a start that meets its own predecessor's leftovers (its metadata session not yet
     * expired, say) can fail where the next one succeeds. The jobs under test wait through all of it.
     */
    private void startBroker() throws Exception {
        if (admin == null) {
            admin = PulsarAdmin.builder().serviceHttpUrl(httpUrl()).build();
        }
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            long logFrom = Files.exists(log) ? Files.size(log) : 0;
            broker = spawn("broker", Integer.toString(brokerPort), Integer.toString(webPort));
            String failure = awaitServing();
            if (failure == null) {
                return;
            }
            failures.add("attempt " + attempt + ": " + failure + "; its log says: " + logErrors(logFrom));
            System.out.println("BrokerProcess: broker start " + failures.get(failures.size() - 1));
            kill(broker);
        }
        throw new AssertionError("the broker process did not serve after " + START_ATTEMPTS + " starts (log "
                + log.toAbsolutePath() + "):\n" + String.join("\n", failures));
    }

    /** @return null once the broker serves, else why not */
    private String awaitServing() throws Exception {
        // Short timeouts: a request accepted while the broker is still starting must not hold the probe.
        try (PulsarAdmin probe = PulsarAdmin.builder().serviceHttpUrl(httpUrl())
                .connectionTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS)
                .requestTimeout(5, TimeUnit.SECONDS).build()) {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    return "the process exited with " + broker.exitValue();
                }
                try {
                    if (probe.namespaces().getNamespaces("public").contains("public/default")) {
                        return null;
                    }
                } catch (Exception e) {
                    // not serving yet
                }
                Thread.sleep(200);
            }
            return "not serving after " + START_TIMEOUT;
        }
    }

    /** The error lines the log gained since {@code from}, the last 20 of them. */
    private String logErrors(long from) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            String since = new String(bytes, (int) Math.min(from, bytes.length), (int) Math.max(0, bytes.length - from),
                    java.nio.charset.StandardCharsets.UTF_8);
            List<String> errors = since.lines().filter(line -> line.contains("ERROR") || line.contains("FAILED")
                    || line.contains("Exception")).toList();
            return errors.isEmpty() ? "(no error lines)"
                    : String.join("\n    ", errors.subList(Math.max(0, errors.size() - 20), errors.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void kill(Process process) throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private Process spawn(String role, String... ports) throws IOException {
        Files.createDirectories(dataDirectory);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "--add-opens", "java.base/jdk.internal.platform=ALL-UNNAMED",
                "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                "-cp", classpath, BrokerProcess.class.getName(), role, dataDirectory.toString(),
                Integer.toString(zooKeeperPort)));
        command.addAll(List.of(ports));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private boolean logSays(String line) {
        try {
            return Files.readString(log).contains(line);
        } catch (IOException e) {
            return false;
        }
    }

    private boolean alive(Process process, String role) {
        if (!process.isAlive()) {
            throw new IllegalStateException("the " + role + " process exited with " + process.exitValue() + "; see "
                    + log.toAbsolutePath());
        }
        return true;
    }

    /**
     * Kills the broker with SIGKILL and waits for the process to end; its storage stays up.
     *
     * @throws Exception if it does not end
     */
    public void kill9() throws Exception {
        new ProcessBuilder(List.of("kill", "-9", Long.toString(broker.pid()))).start().waitFor();
        if (!broker.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker process did not die of SIGKILL");
        }
    }

    /**
     * Starts the broker again on its storage and ports.
     *
     * @throws Exception if it does not come back after three starts of up to 90 s each
     */
    public void restart() throws Exception {
        startBroker();
    }

    /** @return the broker's binary protocol URL, the same across restarts */
    public String serviceUrl() {
        return "pulsar://127.0.0.1:" + brokerPort;
    }

    /** @return the broker's HTTP URL, the same across restarts */
    public String httpUrl() {
        return "http://127.0.0.1:" + webPort;
    }

    /** @return an admin client of the broker, usable across restarts */
    public PulsarAdmin admin() {
        return admin;
    }

    /** Stops the broker process, then the storage process (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        stop(broker);
        stop(storage);
    }

    private static void stop(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
