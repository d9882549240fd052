package dev.tributary.runtime.internal.task;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;

/** Input positions as {@link RedeliveryGuard} keeps them, and their stored form. */
final class InputPositions {
    private InputPositions() {
    }

    /** A position in one topic (partition): ledger, entry, index in the batch (-1 for none). */
    record Position(long ledger, long entry, int batchIndex) implements Comparable<Position> {
        static Position of(Message<?> message) {
            MessageIdAdv id = (MessageIdAdv) message.getMessageId();
            return new Position(id.getLedgerId(), id.getEntryId(), id.getBatchIndex());
        }

        @Override
        public int compareTo(Position other) {
            int byLedger = Long.compare(ledger, other.ledger);
            if (byLedger != 0) {
                return byLedger;
            }
            int byEntry = Long.compare(entry, other.entry);
            return byEntry != 0 ? byEntry : Integer.compare(batchIndex, other.batchIndex);
        }

        @Override
        public String toString() {
            return ledger + ":" + entry + (batchIndex >= 0 ? ":" + batchIndex : "");
        }
    }

    /** One key's last positions, by topic: usually one, more when several inputs share a key. */
    static final class Positions {
        private final List<String> topics = new ArrayList<>(1);
        private final List<Position> positions = new ArrayList<>(1);

        /** Keeps the later position of each topic of both; true if any of the other's was later. */
        boolean putAllIfLater(Positions other) {
            boolean moved = false;
            for (int i = 0; i < other.topics.size(); i++) {
                moved |= putIfLater(other.topics.get(i), other.positions.get(i));
            }
            return moved;
        }

        Position get(String topic) {
            int at = topics.indexOf(topic);
            return at < 0 ? null : positions.get(at);
        }

        /** Keeps the later of the known position and this one; true if this one was later. */
        boolean putIfLater(String topic, Position position) {
            Position known = get(topic);
            if (known != null && known.compareTo(position) >= 0) {
                return false;
            }
            put(topic, position);
            return true;
        }

        void put(String topic, Position position) {
            int at = topics.indexOf(topic);
            if (at < 0) {
                topics.add(topic);
                positions.add(position);
            } else {
                positions.set(at, position);
            }
        }

        /**
         * The format {@link DataOutputStream} gives (a count, then per topic its name in modified UTF-8 and
         * the position), written from names encoded once: a commit encodes a position per key it moved.
         */
        byte[] encode(TopicNames known) {
            byte[][] names = new byte[topics.size()][];
            int size = 2;
            for (int i = 0; i < names.length; i++) {
                names[i] = known.encoded(topics.get(i));
                size += names[i].length + 20;
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.putShort((short) names.length);
            for (int i = 0; i < names.length; i++) {
                Position position = positions.get(i);
                out.put(names[i]).putLong(position.ledger()).putLong(position.entry()).putInt(position.batchIndex());
            }
            return out.array();
        }

        static Positions decode(byte[] encoded, TopicNames known) {
            Positions decoded = new Positions();
            try {
                ByteBuffer in = ByteBuffer.wrap(encoded);
                int count = Short.toUnsignedInt(in.getShort());
                for (int i = 0; i < count; i++) {
                    String topic = known.decode(in);
                    decoded.put(topic, new Position(in.getLong(), in.getLong(), in.getInt()));
                }
            } catch (RuntimeException e) {
                throw new UncheckedIOException("unreadable input positions of a key", new IOException(e));
            }
            return decoded;
        }
    }

    /**
     * Topic names in modified UTF-8 with their length, as {@link DataOutputStream#writeUTF} writes them,
     * each encoded once: a guard reads and writes the few topics of its inputs over and over.
     */
    static final class TopicNames {
        private final List<String> names = new ArrayList<>();
        private final List<byte[]> encoded = new ArrayList<>();

        byte[] encoded(String topic) {
            int at = names.indexOf(topic);
            if (at >= 0) {
                return encoded.get(at);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(topic.length() + 2);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(topic);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            names.add(topic);
            encoded.add(bytes.toByteArray());
            return encoded.get(encoded.size() - 1);
        }

        /** Reads a name, taking the known String for bytes seen before rather than decoding them again. */
        String decode(ByteBuffer in) {
            int length = Short.toUnsignedInt(in.getShort(in.position())) + 2;
            int from = in.arrayOffset() + in.position();
            byte[] array = in.array();
            for (int i = 0; i < encoded.size(); i++) {
                byte[] name = encoded.get(i);
                if (name.length == length && java.util.Arrays.equals(array, from, from + length, name, 0, length)) {
                    in.position(in.position() + length);
                    return names.get(i);
                }
            }
            String topic;
            try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(array, from, length))) {
                topic = data.readUTF();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            in.position(in.position() + length);
            names.add(topic);
            encoded.add(java.util.Arrays.copyOfRange(array, from, from + length));
            return topic;
        }
    }
}
