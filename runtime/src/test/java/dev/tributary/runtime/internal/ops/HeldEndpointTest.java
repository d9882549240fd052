package dev.tributary.runtime.internal.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The limit of GET /held. */
class HeldEndpointTest {
    @Test
    void theLimitRunsFromOneToAHundredAndIsTwentyWhenNotGiven() {
        assertEquals(HeldEndpoint.DEFAULT_LIMIT, HeldEndpoint.limit(null));
        assertEquals(HeldEndpoint.DEFAULT_LIMIT, HeldEndpoint.limit("other=1"));
        assertEquals(1, HeldEndpoint.limit("limit=1"));
        assertEquals(100, HeldEndpoint.limit("x=y&limit=100"));
        for (String bad : new String[] {"limit=0", "limit=101", "limit=ten", "limit="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeldEndpoint.limit(bad));
            assertEquals(true, e.getMessage().startsWith("limit must be a whole number from 1 to 100"), e.getMessage());
        }
    }
}
