package dev.tributary.runtime.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.tributary.dsl.plan.StoreSpec;
import dev.tributary.runtime.internal.ownership.Membership;
import dev.tributary.runtime.query.QueryableStoreType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /stores/{store}/keys?from=&to=}, {@code ?prefix=}, {@code ?limit=}: a key-value store's
 * entries over every instance. Each instance reads the key groups running there and says which they
 * were; the one asked merges the parts in the order of the encoded keys.
 */
final class RangeQuery {
    private static final Logger LOG = LoggerFactory.getLogger(RangeQuery.class);
    private static final int DEFAULT_LIMIT = 1_000;
    private static final int MAX_LIMIT = 10_000;

    private final LocalStores stores;
    private final Membership membership;
    private final String instanceId;
    private final Peers peers;
    private final ObjectMapper json;
    private final Answer.Errors errors;

    RangeQuery(LocalStores stores, Membership membership, String instanceId, Peers peers, ObjectMapper json,
               Answer.Errors errors) {
        this.stores = stores;
        this.membership = membership;
        this.instanceId = instanceId;
        this.peers = peers;
        this.json = json;
        this.errors = errors;
    }

    /**
     * Entries of a key-value store in a key range (or with a key prefix), in the order of their encoded
     * keys: this instance's key groups, and unless asked by another instance, every other instance's,
     * merged. A key group no instance could answer for makes it 503.
     */
    Answer answer(StoreSpec spec, Map<String, String> query, boolean forwarded, HttpExchange exchange) {
        if (LocalStores.kindOf(spec) != QueryableStoreType.Kind.KEY_VALUE) {
            return errors.answer(400, "store '" + spec.name() + "' is a " + LocalStores.describe(LocalStores.kindOf(spec))
                    + ": ask for one key's windows at /stores/" + spec.name() + "/keys/{key}?from=&to=", 0);
        }
        int limit;
        try {
            limit = Math.min(MAX_LIMIT, Integer.parseInt(query.getOrDefault("limit", Integer.toString(DEFAULT_LIMIT))));
        } catch (NumberFormatException e) {
            return errors.answer(400, "'limit' must be a whole number, not '" + query.get("limit") + "'", 0);
        }
        if (limit <= 0) {
            return errors.answer(400, "'limit' must be at least 1, not " + limit, 0);
        }
        Object from;
        Object to;
        Object prefix;
        try {
            from = query.containsKey("from") ? KeyText.parse(spec.keySchema(), query.get("from")) : null;
            to = query.containsKey("to") ? KeyText.parse(spec.keySchema(), query.get("to")) : null;
            prefix = query.containsKey("prefix") ? KeyText.parse(spec.keySchema(), query.get("prefix")) : null;
        } catch (IllegalArgumentException e) {
            return errors.answer(400, e.getMessage(), 0);
        }
        if ((from == null) != (to == null)) {
            return errors.answer(400, "give both 'from' and 'to', or neither", 0);
        }
        @SuppressWarnings("unchecked")
        org.apache.pulsar.client.api.Schema<Object> keySchema = (org.apache.pulsar.client.api.Schema<Object>) spec.keySchema();
        @SuppressWarnings("unchecked")
        org.apache.pulsar.client.api.Schema<Object> valueSchema =
                (org.apache.pulsar.client.api.Schema<Object>) spec.valueSchema();
        byte[] low = prefix != null ? keySchema.encode(prefix) : from != null ? keySchema.encode(from) : null;
        byte[] high = to != null ? keySchema.encode(to) : null;
        if (prefix != null) {
            high = dev.tributary.state.KeyRanges.prefixEnd(low);
        }
        // The key groups read are exactly the ones this answer claims to cover.
        BitSet covered = (BitSet) stores.state().queryable().clone();
        ChunkedScan scan = new ChunkedScan(stores.state().reads(spec.name()), covered, low, high);
        List<Entry> entries = new ArrayList<>();
        while (scan.hasNext() && entries.size() <= limit) {
            var next = scan.next().entry();
            entries.add(new Entry(next.key(), json.valueToTree(keySchema.decode(next.key())),
                    json.valueToTree(valueSchema.decode(next.value()))));
        }
        BitSet answered = (BitSet) covered.clone();
        if (!forwarded) {
            for (String member : membership.members()) {
                String endpoint = membership.endpointOf(member);
                if (member.equals(instanceId) || endpoint == null) {
                    continue;
                }
                try {
                    Peers.Reply reply = peers.ask(endpoint, exchange);
                    if (reply.status() != 200) {
                        continue;
                    }
                    JsonNode part = json.readTree(reply.body());
                    for (JsonNode group : part.path("keyGroups")) {
                        answered.set(group.asInt());
                    }
                    for (JsonNode entry : part.path("entries")) {
                        entries.add(new Entry(Base64.getDecoder().decode(entry.path("encodedKey").asText()),
                                entry.get("key"), entry.get("value")));
                    }
                } catch (IOException e) {
                    LOG.debug("Instance '{}' did not answer a range query: {}", member, e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return errors.answer(503, "interrupted while gathering the range", 1);
                }
            }
            int count = stores.state().keyGroups().count();
            if (answered.cardinality() < count) {
                BitSet missing = new BitSet();
                missing.set(0, count);
                missing.andNot(answered);
                ObjectNode body = errors.body("store '" + spec.name() + "': key groups " + missing + " are restoring or"
                        + " moving between instances, so a range cannot be answered whole now");
                body.put("reason", "MOVING");
                return new Answer(503, body, 1);
            }
        }
        entries.sort((a, b) -> Arrays.compareUnsigned(a.encodedKey, b.encodedKey));
        // A key group in the middle of a hand-over may have been read on both sides of it.
        for (int i = entries.size() - 1; i > 0; i--) {
            if (Arrays.equals(entries.get(i).encodedKey, entries.get(i - 1).encodedKey)) {
                entries.remove(i);
            }
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("entries");
        for (Entry entry : entries.subList(0, Math.min(limit, entries.size()))) {
            ObjectNode node = list.addObject();
            node.set("key", entry.key);
            node.set("value", entry.value);
            if (forwarded) {
                node.put("encodedKey", Base64.getEncoder().encodeToString(entry.encodedKey));
            }
        }
        body.put("truncated", entries.size() > limit);
        if (forwarded) {
            ArrayNode groups = body.putArray("keyGroups");
            covered.stream().forEach(groups::add);
        }
        return new Answer(200, body, 0);
    }

    private record Entry(byte[] encodedKey, JsonNode key, JsonNode value) {
    }
}
