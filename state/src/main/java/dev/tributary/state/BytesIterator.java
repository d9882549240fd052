package dev.tributary.state;

import java.util.Iterator;

/** Iterates over encoded entries in unsigned byte order of their keys; close it after use. */
public interface BytesIterator extends Iterator<BytesEntry>, AutoCloseable {
    @Override
    void close();
}
