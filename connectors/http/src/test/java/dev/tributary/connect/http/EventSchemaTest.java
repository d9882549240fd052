package dev.tributary.connect.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.apache.pulsar.client.api.Schema;
import org.junit.jupiter.api.Test;

class EventSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An order with nested and repeated fields. */
    public static final class Order {
        public String id;
        public int quantity;
        public double price;
        public boolean gift;
        public List<String> tags;
        public Address shipTo;
    }

    /** A nested record. */
    public static final class Address {
        public String city;
        public int zip;
    }

    @Test
    void jsonEventsBecomeAvroBinaryThatTheTopicSchemaDecodes() throws Exception {
        EventSchema schema = EventSchema.of("orders", Schema.AVRO(Order.class).getSchemaInfo(), true);
        byte[] bytes = schema.encode(JSON.readTree("{\"id\":\"o1\",\"quantity\":3,\"price\":9.5,\"gift\":true,"
                + "\"tags\":[\"a\",\"b\"],\"shipTo\":{\"city\":\"Oslo\",\"zip\":150}}"));
        Order order = Schema.AVRO(Order.class).decode(bytes);
        assertEquals("o1", order.id);
        assertEquals(3, order.quantity);
        assertEquals(9.5, order.price);
        assertTrue(order.gift);
        assertEquals(List.of("a", "b"), order.tags);
        assertEquals("Oslo", order.shipTo.city);
        assertEquals(150, order.shipTo.zip);
    }

    @Test
    void mismatchesNameTheFieldAndWhatItMustBe() {
        EventSchema schema = EventSchema.of("orders", Schema.AVRO(Order.class).getSchemaInfo(), true);
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> schema.encode(JSON.readTree(
                "{\"id\":\"o1\",\"quantity\":3,\"price\":1,\"gift\":false,\"shipTo\":{\"city\":\"Oslo\",\"zip\":\"x\"}}")));
        assertEquals("field 'shipTo.zip' must be a 32-bit integer, not string \"x\"", nested.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> schema.encode(JSON.readTree(
                "{\"id\":\"o1\",\"quantity\":3000000000,\"price\":1,\"gift\":false}")));
        assertTrue(big.getMessage().startsWith("field 'quantity' must be a 32-bit integer"), big.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> schema.encode(
                JSON.readTree("{\"id\":\"o1\",\"price\":1,\"gift\":false}")));
        assertEquals("missing field 'quantity' (int)", missing.getMessage());
        IllegalArgumentException notRecord = assertThrows(IllegalArgumentException.class, () -> schema.encode(
                JSON.readTree("[1]")));
        assertEquals("the event must be an object, not array", notRecord.getMessage());
    }

    @Test
    void topicsWhoseSchemaCannotCarryJsonEventsAreRefusedAtOpen() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EventSchema.of("counts", Schema.INT64.getSchemaInfo(), true));
        assertTrue(e.getMessage().contains("topic 'counts' has a INT64 schema"), e.getMessage());
    }
}
