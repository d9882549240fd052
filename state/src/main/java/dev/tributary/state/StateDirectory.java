package dev.tributary.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The local directory of one job's state, locked by one process at a time: a second process on the
 * same directory would corrupt the stores, so it fails at start instead.
 */
public final class StateDirectory implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Creates and locks a job's state directory.
     *
     * @param root the directory, created if missing
     * @return the locked directory
     * @throws StateException if another process holds it, naming that process
     */
    public static StateDirectory lock(Path root) {
        try {
            Files.createDirectories(root);
            Path lockFile = root.resolve(".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
                channel.close();
                throw new StateException("the state directory " + root + " is in use by another process"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; give each instance its own state.dir", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new StateDirectory(root, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the state directory " + root, e);
        }
    }

    /** @return the directory */
    public Path root() {
        return root;
    }

    /**
     * @param store a store's name
     * @return the store's directory
     */
    public Path storeDirectory(String store) {
        return root.resolve(store);
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + root, e);
        }
    }
}
