package dev.tributary.runtime.internal.faults;

import java.util.Locale;

/**
 * Crash points for fault tests. A job JVM started with {@code -Dtributary.crash.at=POINT:N} halts the
 * N-th time it reaches POINT, as {@code kill -9} would stop it: no shutdown hook runs and nothing is
 * flushed or closed. Without the property a call costs one comparison with a constant.
 */
public final class CrashPoints {
    /** The system property naming the point and the count. */
    public static final String PROPERTY = "tributary.crash.at";
    /** The exit code of a halt at a crash point, the one a SIGKILL gives. */
    public static final int EXIT_CODE = 137;

    /** The places where a commit or a restore can be cut short. */
    public enum Point {
        /** Outputs and changelog writes confirmed (or in the open transaction), input not yet acknowledged. */
        AFTER_OUTPUTS_FLUSHED,
        /** Input acknowledged (or the transaction committed), local state and checkpoint not yet updated. */
        AFTER_COMMIT,
        /** Part of a key group's changelog written to the local store, the restore not finished. */
        DURING_RESTORE;

        /** @return the point's name in the property, such as {@code after-commit} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final Point ARMED;
    private static final java.util.concurrent.atomic.AtomicInteger REMAINING = new java.util.concurrent.atomic.AtomicInteger();

    static {
        String setting = System.getProperty(PROPERTY);
        Point armed = null;
        if (setting != null && !setting.isBlank()) {
            String[] parts = setting.trim().split(":");
            for (Point point : Point.values()) {
                if (point.label().equals(parts[0])) {
                    armed = point;
                }
            }
            if (armed == null) {
                throw new IllegalArgumentException(PROPERTY + "=" + setting + ": no such crash point; one of "
                        + java.util.Arrays.stream(Point.values()).map(Point::label).toList());
            }
            REMAINING.set(parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
        }
        ARMED = armed;
    }

    private CrashPoints() {
    }

    /**
     * Halts the JVM if this is the armed point's N-th reach.
     *
     * @param point the point reached
     */
    public static void reached(Point point) {
        if (point == ARMED && REMAINING.decrementAndGet() == 0) {
            System.out.println("CRASH POINT " + point.label() + ": halting");
            System.out.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
