package dev.tributary.bench;

import dev.tributary.dsl.config.Configuration;
import dev.tributary.testkit.pulsar.EmbeddedPulsar;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Cost as work grows: B3 (a keyed count) and B7 (a restore) at growing key counts, each beside its raw
 * baseline in the same pass, with the job's heap and local disk; prints a Markdown table of the medians
 * and draws them in a PNG.
 *
 * <p>{@code --largest-passes} runs the largest size fewer times than the others, where one pass of it
 * takes most of the run.
 *
 * <p>B3 at a key count draws that many uniform keys for {@code max(keys, --min-records)} records, so that
 * a small key space still runs long enough to measure; B7 restores a changelog of exactly that many
 * keys.
 */
final class Growth {
    /** One size's figures from one pass. */
    record Row(long keys, long countRecords, double rawCount, double count, long heapBytes, long diskBytes,
               long changelogBytes, long restoreRecords, double rawRestoreSeconds, double restoreSeconds) {
    }

    private Growth() {
    }

    static void main(String[] args) throws Exception {
        List<Long> sizes = List.of(10_000L, 100_000L, 1_000_000L, 10_000_000L);
        int passes = 3;
        int largestPasses = -1;
        long minRecords = 500_000;
        Path plot = Path.of("cost-as-work-grows.png");
        Configuration settings = Configuration.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).map(s -> Long.parseLong(s.trim())).toList();
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--largest-passes" -> largestPasses = Integer.parseInt(args[++i]);
                case "--min-records" -> minRecords = Long.parseLong(args[++i]);
                case "--plot" -> plot = Path.of(args[++i]);
                case "--set" -> {
                    String setting = args[++i];
                    int at = setting.indexOf('=');
                    if (at <= 0) {
                        usage();
                    }
                    settings = settings.with(setting.substring(0, at), setting.substring(at + 1));
                }
                default -> usage();
            }
        }
        long largest = sizes.stream().mapToLong(Long::longValue).max().orElse(0);
        int passesAtLargest = largestPasses < 0 ? passes : largestPasses;
        Path work = WorkDirectories.create("tributary-growth-");
        List<Row> rows = new ArrayList<>();
        try (BenchBroker pulsar = BenchBroker.embedded(
                EmbeddedPulsar.builder().dataDirectory(work.resolve("broker")).build().start())) {
            PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
            for (int pass = 1; pass <= passes; pass++) {
                for (long keys : sizes) {
                    if (keys == largest && pass > passesAtLargest) {
                        continue;
                    }
                    Row row = measure(pulsar, quiet, work, settings, keys, Math.max(keys, minRecords));
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "pass %d, %,d keys: count %,.0f/s (raw %,.0f/s), heap +%.0f MB,"
                                    + " disk %.1f MB; changelog %.1f MB, restore of %,d records %.1f s (raw %.1f s)%n", pass, keys,
                            row.count(), row.rawCount(), mb(row.heapBytes()), mb(row.diskBytes()), mb(row.changelogBytes()),
                            row.restoreRecords(), row.restoreSeconds(), row.rawRestoreSeconds());
                }
            }
        }
        System.out.println();
        System.out.print(table(rows, sizes));
        draw(rows, sizes, plot);
        System.out.println("plot: " + plot.toAbsolutePath());
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: java -jar tributary-bench.jar growth [--sizes 10000,100000,1000000,10000000]"
                + " [--passes 3] [--largest-passes N] [--min-records 500000] [--plot FILE.png] [--set job.setting=value ...]");
        System.exit(2);
    }

    private static Row measure(BenchBroker pulsar, PrintStream quiet, Path work, Configuration settings, long keys,
                               long countRecords) throws Exception {
        Bench bench = new Bench(pulsar, quiet, countRecords, 1, work, settings);
        KeyedState.Count count = KeyedState.count(bench, pulsar, countRecords, work, Keys.uniform(Math.toIntExact(keys)));
        KeyedState.Restore restore = KeyedState.restore(bench, pulsar, keys, work);
        return new Row(keys, countRecords, count.raw().perSecond(), count.tributary().perSecond(),
                count.tributary().heapBytes(), count.stateBytes(), restore.changelogBytes(),
                restore.tributary().records(), restore.raw().nanos() / 1e9, restore.tributary().nanos() / 1e9);
    }

    private static double mb(long bytes) {
        return bytes / (double) (1 << 20);
    }

    private static double median(List<Row> rows, long keys, ToDoubleFunction<Row> figure) {
        double[] values = rows.stream().filter(r -> r.keys() == keys).mapToDouble(figure).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }

    static String table(List<Row> rows, List<Long> sizes) {
        StringBuilder out = new StringBuilder();
        out.append("| keys | B3 records | B3 raw loop (records/s) | B3 Tributary (records/s) | ratio | heap | local state"
                + " | B7 changelog on the broker | B7 raw restore | B7 Tributary restore | restore ratio |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (long keys : sizes) {
            double raw = median(rows, keys, Row::rawCount);
            double job = median(rows, keys, Row::count);
            double rawRestore = median(rows, keys, Row::rawRestoreSeconds);
            double restore = median(rows, keys, Row::restoreSeconds);
            long countRecords = rows.stream().filter(r -> r.keys() == keys).findFirst().map(Row::countRecords).orElse(0L);
            out.append(String.format(Locale.ROOT, "| %,d | %,d | %,.0f | %,.0f | %.2f | +%.0f MB | %.1f MB | %.1f MB"
                            + " | %.1f s | %.1f s | %.2f |%n", keys, countRecords, raw, job, job / raw, mb((long) median(rows,
                            keys, Row::heapBytes)), mb((long) median(rows, keys, Row::diskBytes)), mb((long) median(rows,
                            keys, Row::changelogBytes)), rawRestore, restore,
                    rawRestore / restore));
        }
        return out.toString();
    }

    /** Three plots over one logarithmic key axis: throughput, restore time, and memory and disk. */
    static void draw(List<Row> rows, List<Long> sizes, Path file) throws java.io.IOException {
        System.setProperty("java.awt.headless", "true");
        LogAxis keysAxis = new LogAxis("keys");
        keysAxis.setBase(10);
        keysAxis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
        keysAxis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(keysAxis);
        combined.setGap(12);
        combined.add(plot("records/s", rows, sizes, List.of(
                new Line("B3 count, raw loop", Row::rawCount), new Line("B3 count, Tributary", Row::count),
                new Line("B7 restore, raw reader", r -> r.restoreRecords() / r.rawRestoreSeconds()),
                new Line("B7 restore, Tributary", r -> r.restoreRecords() / r.restoreSeconds()))), 2);
        combined.add(plot("restore (s, log scale)", rows, sizes, List.of(
                new Line("B7 restore time, raw reader", Row::rawRestoreSeconds),
                new Line("B7 restore time, Tributary", Row::restoreSeconds))), 1);
        combined.add(plot("MB", rows, sizes, List.of(
                new Line("B3 job heap", r -> mb(r.heapBytes())), new Line("B3 local state on disk", r -> mb(r.diskBytes())),
                new Line("B7 changelog on the broker", r -> mb(r.changelogBytes())))),
                1);
        JFreeChart chart = new JFreeChart("Tributary: cost as work grows (medians)", JFreeChart.DEFAULT_TITLE_FONT,
                combined, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 900);
    }

    /** A series; the raw baselines are dashed, Tributary's solid, a scenario's pair in one colour. */
    private record Line(String name, ToDoubleFunction<Row> figure) {
        boolean baseline() {
            return name.contains("raw");
        }
    }

    private static final Color[] COLOURS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    private static XYPlot plot(String label, List<Row> rows, List<Long> sizes, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            XYSeries series = new XYSeries(line.name());
            for (long keys : sizes) {
                double value = median(rows, keys, line.figure());
                if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                    series.add(keys, value);
                }
            }
            data.addSeries(series);
        }
        org.jfree.chart.axis.ValueAxis axis;
        if (label.contains("log scale")) {
            // Restore time spans from a start's fixed cost to minutes: only a log scale shows both.
            LogAxis log = new LogAxis(label);
            log.setBase(10);
            log.setSmallestValue(0.1);
            log.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
            axis = log;
        } else {
            NumberAxis linear = new NumberAxis(label);
            linear.setAutoRangeIncludesZero(true);
            axis = linear;
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int colour = 0;
        for (int i = 0; i < lines.size(); i++) {
            boolean dashed = lines.get(i).baseline();
            renderer.setSeriesStroke(i, dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(2.5f));
            renderer.setSeriesPaint(i, COLOURS[colour % COLOURS.length]);
            if (!dashed || i + 1 < lines.size() && lines.get(i + 1).baseline()) {
                colour++;
            }
        }
        XYPlot plot = new XYPlot(data, null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
