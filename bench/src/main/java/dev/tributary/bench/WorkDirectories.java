package dev.tributary.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The benchmark's scratch directories: a run writes gigabytes (the broker's ledgers, the jobs' state),
 * and leaving them behind filled the disk until the bookie stopped. Each is deleted when the JVM ends,
 * however it ends short of a kill -9.
 */
final class WorkDirectories {
    private WorkDirectories() {
    }

    /** A new temporary directory, deleted with everything in it when the JVM exits. */
    static Path create(String prefix) throws IOException {
        Path directory = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The embedded broker may still write files while the JVM ends: a walk that meets a new one
            // fails, so it is tried again a few times.
            for (int attempt = 1; ; attempt++) {
                try {
                    delete(directory);
                    return;
                } catch (IOException | UncheckedIOException e) {
                    if (attempt == 5) {
                        System.err.println("cannot delete the benchmark's directory " + directory + ": " + e.getMessage());
                        return;
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "tributary-bench-cleanup"));
        return directory;
    }

    /** Deletes a directory and everything in it, if it exists. */
    static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
