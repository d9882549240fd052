package dev.tributary.runtime.internal.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tributary.dsl.Windowed;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowPropertiesTest {
    private final SinkTranslator.WindowProperties windows = new SinkTranslator.WindowProperties();

    private static Map<String, String> bounds(long start, long end) {
        return Map.of(Windowed.START_PROPERTY, Long.toString(start), Windowed.END_PROPERTY, Long.toString(end));
    }

    @Test
    void eachResultCarriesItsOwnWindowWhenWindowsAlternate() {
        for (int i = 0; i < 3; i++) {
            assertEquals(bounds(0, 60_000), windows.of(new Windowed<>("a", 0, 60_000), Map.of()));
            assertEquals(bounds(30_000, 90_000), windows.of(new Windowed<>("a", 30_000, 90_000), Map.of()));
            assertEquals(bounds(0, 30_000), windows.of(new Windowed<>("b", 0, 30_000), Map.of()), "same start, other end");
        }
    }

    @Test
    void aResultsOwnPropertiesAreKeptBesideTheBounds() {
        Map<String, String> properties = windows.of(new Windowed<>("a", 0, 60_000), Map.of("trace", "t1"));
        assertEquals(Map.of("trace", "t1", Windowed.START_PROPERTY, "0", Windowed.END_PROPERTY, "60000"), properties);
        assertEquals(bounds(0, 60_000), windows.of(new Windowed<>("a", 0, 60_000), Map.of()),
                "the next result of the window does not inherit them");
    }
}
