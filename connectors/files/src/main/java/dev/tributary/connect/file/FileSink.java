package dev.tributary.connect.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.Sink;
import dev.tributary.dsl.connect.SinkContext;
import dev.tributary.dsl.connect.SinkRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records as lines to rolling files: {@code <prefix>-<instance>-<time>-<n>.<ext>.inprogress}
 * while written, renamed without {@code .inprogress} once rolled (by size or age) or closed, so that
 * readers of the directory take only finished files. A batch is forced to disk before the write
 * returns, so what is acknowledged is on disk; a crash can repeat the records of the last commit.
 */
public final class FileSink implements Sink<Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Where files go. */
    public static final ConfigOption<String> DIRECTORY = ConfigOption.key("directory").stringType().required()
            .description("The directory the files are written to; created if missing.");
    /** File name prefix. */
    public static final ConfigOption<String> PREFIX = ConfigOption.key("prefix").stringType()
            .description("The start of file names; by default the connector's name.");
    /** How values become lines. */
    public static final ConfigOption<FileFormat> FORMAT = ConfigOption.key("format").enumType(FileFormat.class)
            .defaultValue(FileFormat.LINES)
            .description("lines (the value's text) or json_lines (the value as JSON; text values are taken as JSON).");
    /** Roll by size. */
    public static final ConfigOption<Long> MAX_BYTES = ConfigOption.key("roll.max-bytes").longType()
            .defaultValue(128L * 1024 * 1024).check(n -> n > 0, "must be positive")
            .description("A file is finished once it holds this many bytes.");
    /** Roll by age. */
    public static final ConfigOption<Duration> MAX_AGE = ConfigOption.key("roll.max-age").durationType()
            .defaultValue(Duration.ofHours(1)).check(d -> d.toMillis() > 0, "must be positive")
            .description("A file is finished once it is this old (checked at each write).");

    private Path directory;
    private String prefix;
    private String instance;
    private FileFormat format;
    private long maxBytes;
    private long maxAgeMillis;
    private FileChannel current;
    private Path currentPath;
    private long currentBytes;
    private long openedAt;
    private int sequence;
    private ConnectorMetrics.Counter files;

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(DIRECTORY, PREFIX, FORMAT, MAX_BYTES, MAX_AGE);
    }

    @Override
    public void open(SinkContext context) throws IOException {
        Configuration config = context.config();
        directory = Path.of(config.get(DIRECTORY)).toAbsolutePath();
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new IOException("connector." + context.name() + ".directory '" + directory + "' is not writable");
        }
        prefix = config.get(PREFIX) != null ? config.get(PREFIX) : context.name();
        instance = context.instanceId().replaceAll("[^A-Za-z0-9._-]", "_");
        format = config.get(FORMAT);
        maxBytes = config.get(MAX_BYTES);
        maxAgeMillis = config.get(MAX_AGE).toMillis();
        files = context.metrics().counter("file.files.finished");
    }

    @Override
    public void write(List<SinkRecord<Object, Object>> records) throws IOException {
        if (current != null && System.currentTimeMillis() - openedAt >= maxAgeMillis) {
            roll();
        }
        StringBuilder text = new StringBuilder();
        for (SinkRecord<Object, Object> record : records) {
            Object value = record.value();
            if (value == null) {
                // A deletion has no line in an append-only file.
                continue;
            }
            String line;
            if (format == FileFormat.LINES || value instanceof String) {
                line = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
            } else {
                try {
                    line = JSON.writeValueAsString(value);
                } catch (IOException e) {
                    record.fail(new IllegalArgumentException("cannot write the value as JSON: " + e.getMessage(), e));
                    continue;
                }
            }
            if (line.indexOf('\n') >= 0) {
                line = line.replace("\n", "\\n");
            }
            text.append(line).append('\n');
        }
        if (text.length() == 0) {
            return;
        }
        if (current == null) {
            start();
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        currentBytes += bytes.remaining();
        while (bytes.hasRemaining()) {
            current.write(bytes);
        }
        current.force(false);
        if (currentBytes >= maxBytes) {
            roll();
        }
    }

    private void start() throws IOException {
        String name = prefix + "-" + instance + "-" + STAMP.format(java.time.Instant.now()) + "-" + (sequence++) + "."
                + (format == FileFormat.JSON_LINES ? "jsonl" : "txt");
        currentPath = directory.resolve(name + ".inprogress");
        current = FileChannel.open(currentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        currentBytes = current.size();
        openedAt = System.currentTimeMillis();
    }

    private void roll() throws IOException {
        if (current == null) {
            return;
        }
        current.force(true);
        current.close();
        String finished = currentPath.getFileName().toString().replace(".inprogress", "");
        Files.move(currentPath, currentPath.resolveSibling(finished), StandardCopyOption.ATOMIC_MOVE);
        LOG.info("File sink finished {} ({} bytes)", finished, currentBytes);
        files.increment();
        current = null;
    }

    @Override
    public void close() throws IOException {
        roll();
    }
}
