package dev.tributary.connect.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.config.ConfigOption;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.connect.ConnectorMetrics;
import dev.tributary.dsl.connect.Source;
import dev.tributary.dsl.connect.SourceContext;
import dev.tributary.dsl.connect.SourceRecord;
import dev.tributary.dsl.connect.SourceWriteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads lines or JSON lines from a file or the files of a directory, in name order, and follows them
 * as they grow. The position in each file (a byte offset after the last complete line dealt with) is
 * committed once the lines before it are stored in the topic, so a restarted job resumes where it
 * was: after a clean stop without reading a line twice or skipping one; after a crash at most the
 * lines of the last {@code position-interval} are read again. A line is complete at its newline; a
 * last line without one waits until it is finished. A file that shrinks below its position was
 * replaced and is read again from the start.
 */
public final class FileSource implements Source<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file or directory to read. */
    public static final ConfigOption<String> PATH = ConfigOption.key("path").stringType().required()
            .description("The file, or the directory whose files are read in name order.");
    /** Which files of a directory. */
    public static final ConfigOption<String> PATTERN = ConfigOption.key("pattern").stringType().defaultValue("*")
            .description("A glob choosing the files of the directory, such as *.jsonl.");
    /** The format of the lines. */
    public static final ConfigOption<FileFormat> FORMAT = ConfigOption.key("format").enumType(FileFormat.class)
            .defaultValue(FileFormat.LINES)
            .description("lines (each line a UTF-8 value) or json_lines (each line a JSON document).");
    /** Where keys come from. */
    public static final ConfigOption<String> KEY_FIELD = ConfigOption.key("key-field").stringType()
            .description("For json_lines: the top-level field whose value becomes the message key.");
    /** How often to look for new data. */
    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOption.key("poll-interval").durationType()
            .defaultValue(Duration.ofSeconds(1)).check(d -> d.toMillis() >= 10, "must be at least 10 ms")
            .description("How long to wait before looking again when every file is read to its end.");
    /** Lines emitted before waiting for their receipts. */
    public static final ConfigOption<Integer> CHUNK_LINES = ConfigOption.key("chunk-lines").intType()
            .defaultValue(1000).check(n -> n > 0, "must be positive")
            .description("Lines emitted before the source waits for them to be stored and commits the position.");

    private Path path;
    private String pattern;
    private FileFormat format;
    private String keyField;
    private long pollMillis;
    private int chunkLines;
    private ConnectorMetrics.Counter linesRead;
    private ConnectorMetrics.Counter linesRejected;

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(PATH, PATTERN, FORMAT, KEY_FIELD, POLL_INTERVAL, CHUNK_LINES);
    }

    @Override
    public void open(SourceContext<Object> context) throws IOException {
        Configuration config = context.config();
        path = Path.of(config.get(PATH)).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "connector." + context.name() + ".path names no file"
                    + " or directory");
        }
        pattern = config.get(PATTERN);
        format = config.get(FORMAT);
        keyField = config.get(KEY_FIELD);
        pollMillis = config.get(POLL_INTERVAL).toMillis();
        chunkLines = config.get(CHUNK_LINES);
        linesRead = context.metrics().counter("file.lines.read");
        linesRejected = context.metrics().counter("file.lines.rejected");
        LOG.info("File source '{}' reads {} ({}){}", context.name(), path, format,
                Files.isDirectory(path) ? " matching " + pattern : "");
    }

    @Override
    public void run(SourceContext<Object> context) throws Exception {
        while (!context.stopping()) {
            boolean progressed = false;
            for (Path file : files()) {
                if (context.stopping()) {
                    return;
                }
                progressed |= readNew(context, file);
            }
            if (!progressed) {
                context.awaitStop(pollMillis);
            }
        }
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.exists(path) ? List.of(path) : List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path, pattern)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** Reads the complete lines after the file's position, chunk by chunk; returns whether any were read. */
    private boolean readNew(SourceContext<Object> context, Path file) throws Exception {
        String partition = file.toString();
        long position = context.position(partition).map(Long::parseLong).orElse(0L);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (size < position) {
            LOG.warn("File {} is shorter ({} bytes) than its position {}: it was replaced; reading it from the start",
                    file, size, position);
            position = 0;
        }
        if (size == position) {
            return false;
        }
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        long offset = position;
        long committed = position;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(position);
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (!context.stopping() && channel.read(buffer) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    offset++;
                    if (b != '\n') {
                        partial.write(b);
                        continue;
                    }
                    byte[] line = partial.toByteArray();
                    partial.reset();
                    if (line.length > 0 && line[line.length - 1] == '\r') {
                        line = java.util.Arrays.copyOf(line, line.length - 1);
                    }
                    lines.add(line);
                    if (lines.size() >= chunkLines) {
                        if (!emitChunk(context, partition, lines)) {
                            return true;
                        }
                        context.commitPosition(partition, Long.toString(offset));
                        committed = offset;
                        lines.clear();
                    }
                }
                buffer.clear();
            }
        }
        // The bytes after the last newline are an unfinished line: it is read again once complete.
        if (!lines.isEmpty() && emitChunk(context, partition, lines)) {
            context.commitPosition(partition, Long.toString(offset - partial.size()));
        }
        return committed != position || !lines.isEmpty();
    }

    /**
     * Emits a chunk and waits until every line is stored or dead-lettered.
     *
     * @return false if the job stopped before that (the position is then not moved past the chunk)
     */
    private boolean emitChunk(SourceContext<Object> context, String partition, List<byte[]> lines) throws Exception {
        List<byte[]> pending = new ArrayList<>(lines);
        long backoff = 100;
        while (!pending.isEmpty()) {
            List<CompletableFuture<?>> futures = new ArrayList<>(pending.size());
            List<byte[]> emitted = new ArrayList<>(pending.size());
            for (byte[] line : pending) {
                SourceRecord<Object> record = toRecord(context, partition, line);
                if (record != null) {
                    futures.add(context.emit(record));
                    emitted.add(line);
                }
            }
            List<byte[]> retry = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                    linesRead.increment();
                } catch (ExecutionException | CompletionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof SourceWriteException write && !write.retriable()) {
                        reject(context, partition, emitted.get(i), write.getMessage());
                    } else {
                        retry.add(emitted.get(i));
                    }
                }
            }
            if (!retry.isEmpty()) {
                LOG.warn("File source '{}': {} line(s) of {} were not stored; writing them again in {} ms", context.name(),
                        retry.size(), partition, backoff);
                if (context.awaitStop(backoff)) {
                    return false;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
            pending = retry;
        }
        return true;
    }

    private SourceRecord<Object> toRecord(SourceContext<Object> context, String partition, byte[] line) throws Exception {
        if (format == FileFormat.LINES) {
            return SourceRecord.encoded(line);
        }
        if (line.length == 0 || new String(line, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            reject(context, partition, line, "not a JSON document: " + e.getOriginalMessage());
            return null;
        }
        SourceRecord<Object> record = SourceRecord.encoded(line);
        if (keyField != null) {
            JsonNode key = node.get(keyField);
            if (key == null || key.isNull() || key.isContainerNode()) {
                reject(context, partition, line, "key field '" + keyField + "' is missing or not a plain value");
                return null;
            }
            record.key(key.asText());
        }
        return record;
    }

    private void reject(SourceContext<Object> context, String partition, byte[] line, String reason) throws Exception {
        linesRejected.increment();
        context.reject(line, partition, reason).get();
    }

    @Override
    public void close() {
    }
}
