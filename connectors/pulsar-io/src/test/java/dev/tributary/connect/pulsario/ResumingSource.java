package dev.tributary.connect.pulsario;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.functions.api.Record;
import org.apache.pulsar.io.core.Source;
import org.apache.pulsar.io.core.SourceContext;

/**
 * A Pulsar IO pull source that keeps where it is with putState, counts its opens with a counter, and
 * sends every tenth number to an audit topic with newOutputMessage, as published connectors do.
 */
public class ResumingSource implements Source<String> {
    static final List<MessageId> AUDITED = new CopyOnWriteArrayList<>();
    static volatile long opensSeen;
    private SourceContext context;
    private int next;
    private int until;
    private String audit;

    @Override
    public void open(Map<String, Object> config, SourceContext context) {
        this.context = context;
        this.until = ((Number) config.get("until")).intValue();
        this.audit = (String) config.get("audit");
        ByteBuffer stored = context.getState("next");
        this.next = stored == null ? 0 : stored.getInt();
        context.incrCounter("opens", 1);
        opensSeen = context.getCounter("opens");
    }

    @Override
    public Record<String> read() throws Exception {
        if (next >= until) {
            Thread.sleep(20);
            return null;
        }
        int n = next++;
        if (n % 10 == 0) {
            AUDITED.add(context.newOutputMessage(audit, Schema.INT32).key("audit").value(n).send());
        }
        context.putState("next", ByteBuffer.wrap(ByteBuffer.allocate(Integer.BYTES).putInt(next).array()));
        return new Record<>() {
            @Override
            public Optional<String> getKey() {
                return Optional.of("k" + (n % 7));
            }

            @Override
            public String getValue() {
                return "n" + n;
            }
        };
    }

    @Override
    public void close() {
    }
}
