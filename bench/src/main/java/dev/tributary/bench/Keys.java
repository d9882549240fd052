package dev.tributary.bench;

import java.util.Arrays;
import java.util.Random;

/** Keys from a fixed seed: uniform over a key space, or Zipf-skewed (a few keys take most records). */
final class Keys {
    private final int count;
    private final double[] cumulative;
    private final Random random = new Random(42);

    private Keys(int count, double[] cumulative) {
        this.count = count;
        this.cumulative = cumulative;
    }

    static Keys uniform(int count) {
        return new Keys(count, null);
    }

    /** Zipf with exponent 1: key k is drawn with probability proportional to 1/k. */
    static Keys zipf(int count) {
        double[] cumulative = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++) {
            sum += 1.0 / (k + 1);
            cumulative[k] = sum;
        }
        for (int k = 0; k < count; k++) {
            cumulative[k] /= sum;
        }
        return new Keys(count, cumulative);
    }

    String next() {
        if (cumulative == null) {
            return "key-" + random.nextInt(count);
        }
        int at = Arrays.binarySearch(cumulative, random.nextDouble());
        return "key-" + Math.min(count - 1, at >= 0 ? at : -at - 1);
    }

    String describe() {
        return String.format(java.util.Locale.ROOT, "%,d keys%s", count, cumulative == null ? "" : " Zipf");
    }
}
