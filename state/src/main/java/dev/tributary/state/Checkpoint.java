package dev.tributary.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The file that records, per key group, the changelog position a store's local files reflect. It
 * is replaced atomically and carries a checksum, so a torn or edited file is detected and the store
 * rebuilt from its changelog rather than trusted.
 */
public final class Checkpoint {
    private static final String HEADER = "tributary-checkpoint 1";

    private Checkpoint() {
    }

    /**
     * Reads a checkpoint.
     *
     * @param file the file
     * @return the positions by key group, or empty if there is no file
     * @throws CorruptCheckpointException if the file exists but cannot be trusted
     */
    public static Optional<Map<Integer, byte[]>> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CorruptCheckpointException(file, "unreadable: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new CorruptCheckpointException(file, "not text: " + e.getMessage());
        }
        if (lines.size() < 2 || !HEADER.equals(lines.get(0))) {
            throw new CorruptCheckpointException(file, "no valid header");
        }
        String last = lines.get(lines.size() - 1);
        CRC32 crc = new CRC32();
        Map<Integer, byte[]> positions = new TreeMap<>();
        try {
            for (String line : lines.subList(0, lines.size() - 1)) {
                crc.update((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (!last.equals("crc " + crc.getValue())) {
                throw new CorruptCheckpointException(file, "checksum mismatch");
            }
            for (String line : lines.subList(1, lines.size() - 1)) {
                String[] parts = line.split(" ");
                positions.put(Integer.parseInt(parts[0]), Base64.getDecoder().decode(parts[1]));
            }
        } catch (RuntimeException e) {
            if (e instanceof CorruptCheckpointException corrupt) {
                throw corrupt;
            }
            throw new CorruptCheckpointException(file, "malformed line: " + e.getMessage());
        }
        return Optional.of(positions);
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the file
     * @param positions the positions by key group
     */
    public static void write(Path file, Map<Integer, byte[]> positions) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<Integer, byte[]> entry : new TreeMap<>(positions).entrySet()) {
            text.append(entry.getKey()).append(' ').append(Base64.getEncoder().encodeToString(entry.getValue()))
                    .append('\n');
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.UTF_8));
        text.append("crc ").append(crc.getValue()).append('\n');
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StateException("cannot write checkpoint " + file + ": " + e, e);
        }
    }

    /** A checkpoint file exists but cannot be trusted. */
    public static final class CorruptCheckpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptCheckpointException(Path file, String reason) {
            super("checkpoint " + file + " is corrupt (" + reason + ")");
        }
    }
}
