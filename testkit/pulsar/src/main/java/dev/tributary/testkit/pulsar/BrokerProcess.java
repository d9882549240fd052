package dev.tributary.testkit.pulsar;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;

/**
 * An {@link EmbeddedPulsar} broker in a JVM of its own, for tests that kill the broker with SIGKILL
 * and start it again on its data and ports while jobs run. {@link #main} runs the broker; the
 * instance methods start, kill and restart that process.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dataDirectory;
    private final Path log;
    private final int brokerPort;
    private final int webPort;
    private Process process;
    private PulsarAdmin admin;

    private BrokerProcess(Path dataDirectory, Path log, int brokerPort, int webPort) {
        this.dataDirectory = dataDirectory;
        this.log = log;
        this.brokerPort = brokerPort;
        this.webPort = webPort;
    }

    /**
     * Runs a broker until the process is killed. Arguments: data directory, broker port, HTTP port.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        EmbeddedPulsar pulsar = EmbeddedPulsar.builder().dataDirectory(Path.of(args[0]))
                .brokerPort(Integer.parseInt(args[1])).webPort(Integer.parseInt(args[2])).build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(pulsar::close));
        System.out.println("BROKER READY " + pulsar.serviceUrl() + " " + pulsar.httpUrl());
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Starts a broker process on free ports and waits until it serves.
     *
     * @param dataDirectory where the broker keeps its data, kept across restarts
     * @param log where the process's output goes (appended)
     * @return the running broker
     * @throws Exception if it does not start within two minutes
     */
    public static BrokerProcess start(Path dataDirectory, Path log) throws Exception {
        BrokerProcess broker = new BrokerProcess(dataDirectory, log, freePort(), freePort());
        broker.launch();
        return broker;
    }

    private void launch() throws Exception {
        Files.createDirectories(dataDirectory);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx768m", "-cp", classpath, BrokerProcess.class.getName(),
                dataDirectory.toString(), Integer.toString(brokerPort), Integer.toString(webPort));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        if (admin == null) {
            admin = PulsarAdmin.builder().serviceHttpUrl(httpUrl()).build();
        }
        Await.until("the broker process to serve (log " + log.toAbsolutePath() + ")", Duration.ofMinutes(2), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker process exited with " + process.exitValue() + "; see "
                        + log.toAbsolutePath());
            }
            try {
                return admin.namespaces().getNamespaces("public").contains("public/default");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /**
     * Kills the broker with SIGKILL and waits for the process to end.
     *
     * @throws Exception if it does not end
     */
    public void kill9() throws Exception {
        new ProcessBuilder(List.of("kill", "-9", Long.toString(process.pid()))).start().waitFor();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker process did not die of SIGKILL");
        }
    }

    /**
     * Starts the broker again on its data and ports.
     *
     * @throws Exception if it does not come back within two minutes
     */
    public void restart() throws Exception {
        launch();
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

    /** @return whether the broker process is running */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the broker process (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        if (process != null && process.isAlive()) {
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
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
