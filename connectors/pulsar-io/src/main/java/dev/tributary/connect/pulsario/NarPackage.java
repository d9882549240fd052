package dev.tributary.connect.pulsario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pulsar.common.nar.NarClassLoader;
import org.apache.pulsar.common.nar.NarClassLoaderBuilder;

/**
 * A Pulsar IO connector package (NAR) as Pulsar ships it: its classes and
 * {@code META-INF/bundled-dependencies/} in a class loader of its own (Pulsar's
 * {@link NarClassLoader}, which unpacks it once), and {@code META-INF/services/pulsar-io.yaml}
 * naming its source and sink classes. One class loader per file and process: a source and a sink
 * of the same package share their classes.
 */
final class NarPackage {
    private static final Map<Path, NarPackage> OPEN = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path file;
    private final NarClassLoader loader;
    private final Map<String, Object> definition;

    private NarPackage(Path file, NarClassLoader loader, Map<String, Object> definition) {
        this.file = file;
        this.loader = loader;
        this.definition = definition;
    }

    /**
     * @throws IllegalArgumentException naming the file if it is not a readable connector package
     */
    static NarPackage open(Path file) {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("the connector package " + path + " cannot be read");
        }
        return OPEN.computeIfAbsent(path, NarPackage::load);
    }

    @SuppressWarnings("unchecked")
    private static NarPackage load(Path path) {
        NarClassLoader loader;
        try {
            loader = NarClassLoaderBuilder.builder().narFile(path.toFile())
                    .parentClassLoader(new SharedApi(NarPackage.class.getClassLoader())).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot open " + path + " as a Pulsar IO connector package (NAR): "
                    + e.getMessage(), e);
        }
        String yaml;
        try {
            yaml = loader.getServiceDefinition("pulsar-io.yaml");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " is not a Pulsar IO connector package: it has no"
                    + " META-INF/services/pulsar-io.yaml", e);
        }
        try {
            return new NarPackage(path, loader, YAML.readValue(yaml, Map.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("META-INF/services/pulsar-io.yaml of " + path + " is not valid YAML: "
                    + e.getMessage(), e);
        }
    }

    /**
     * What a package sees of the job: the JDK, and the Pulsar IO, Functions and client APIs and SLF4J
     * from the job, so that its classes implement the interfaces the adapter calls and log to the
     * job's log. Everything else it brings itself: a job's own libraries (its Guava, Jackson, Avro, a
     * test's broker) must not stand in for the versions the package bundles, which a parent-first
     * class loader over the whole job would let them do.
     */
    static final class SharedApi extends ClassLoader {
        private static final String[] SHARED = {"org.apache.pulsar.io.core.", "org.apache.pulsar.functions.api.",
            "org.apache.pulsar.client.api.", "org.apache.pulsar.common.io.", "org.apache.pulsar.common.schema.",
            "org.apache.pulsar.common.functions.", "org.apache.pulsar.common.classification.",
            "org.apache.pulsar.common.api.", "org.slf4j."};

        private final ClassLoader job;

        SharedApi(ClassLoader job) {
            super("tributary-pulsar-io-api", ClassLoader.getPlatformClassLoader());
            this.job = job;
        }

        static boolean shared(String name) {
            for (String prefix : SHARED) {
                if (name.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return shared(name) ? job.loadClass(name) : super.loadClass(name, resolve);
        }

        @Override
        public java.net.URL getResource(String name) {
            return shared(name.replace('/', '.')) ? job.getResource(name) : super.getResource(name);
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) throws IOException {
            return shared(name.replace('/', '.')) ? job.getResources(name) : super.getResources(name);
        }
    }

    /** The connector's name in its definition, or the file's name. */
    String name() {
        Object name = definition.get("name");
        return name == null ? file.getFileName().toString() : name.toString();
    }

    ClassLoader loader() {
        return loader;
    }

    /**
     * Creates the package's source ({@code sourceClass}) or sink ({@code sinkClass}), or the class
     * named instead.
     *
     * @param kind {@code sourceClass} or {@code sinkClass}
     * @param override a class named in the settings, or null
     */
    <T> T instantiate(String kind, String override, Class<T> type, String connector) {
        Object declared = definition.get(kind);
        String className = override != null ? override : declared == null ? null : declared.toString();
        if (className == null) {
            throw new IllegalArgumentException("connector '" + connector + "': the package " + file + " ('" + name()
                    + "') declares no " + kind + " in META-INF/services/pulsar-io.yaml");
        }
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return IoContext.instantiate(className, type, connector);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** Runs a call into the connector with its package's class loader as the thread's context class loader. */
    static <T> T within(ClassLoader loader, IoCall<T> call) throws Exception {
        if (loader == null) {
            return call.run();
        }
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** A call into a connector. */
    interface IoCall<T> {
        T run() throws Exception;
    }

    /** Reads a connector configuration file, YAML or JSON: pulsar-admin's format, or the bare map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> configFile(Path path) {
        Map<String, Object> file;
        try {
            // YAML is a superset of JSON: one parser reads both.
            file = YAML.readValue(Files.readString(path), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the connector configuration " + path + ": " + e.getMessage(), e);
        }
        if (file == null) {
            return new java.util.HashMap<>();
        }
        // pulsar-admin sources create --source-config-file puts the connector's own settings under "configs".
        Object configs = file.get("configs");
        return configs instanceof Map<?, ?> map ? new java.util.HashMap<>((Map<String, Object>) map)
                : new java.util.HashMap<>(file);
    }
}
