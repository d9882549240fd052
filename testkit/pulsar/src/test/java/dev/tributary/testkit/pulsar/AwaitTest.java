package dev.tributary.testkit.pulsar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration EVERY = Duration.ofMillis(1);

    @Test
    void returnsOnceTheCheckFindsNothingWrong() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Await.untilNoProblem(Duration.ofSeconds(10), EVERY,
                () -> looks.incrementAndGet() < 3 ? "only " + looks.get() + " looks" : null, problem -> false);
        assertEquals(3, looks.get());
    }

    @Test
    void aProblemStillThereAtTheDeadlineIsNamed() {
        AtomicInteger looks = new AtomicInteger();
        AssertionError error = assertThrows(AssertionError.class, () -> Await.untilNoProblem(Duration.ofMillis(50),
                EVERY, () -> "k" + looks.incrementAndGet() + " missing", problem -> false));
        assertTrue(error.getMessage().endsWith(": k" + looks.get() + " missing"),
                "the last problem seen, got " + error.getMessage());
    }

    @Test
    void aLastingProblemFailsAtOnce() {
        AtomicInteger looks = new AtomicInteger();
        AssertionError error = assertThrows(AssertionError.class, () -> Await.untilNoProblem(Duration.ofSeconds(10),
                EVERY, () -> looks.incrementAndGet() < 2 ? "gap" : "duplicate k1", problem -> problem.startsWith("duplicate")));
        assertEquals("duplicate k1", error.getMessage());
        assertEquals(2, looks.get(), "no look after the lasting problem");
    }
}
