package dev.tributary.bench;

import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.functions.ConsumerConfig;
import org.apache.pulsar.common.functions.FunctionConfig;
import org.apache.pulsar.functions.LocalRunner;
import org.apache.pulsar.functions.api.Context;
import org.apache.pulsar.functions.api.Function;

/**
 * The same job as a Pulsar Function, run by {@code LocalRunner} in the thread runtime: at-least-once
 * (acknowledged once the output is sent), key order kept (a Key_Shared subscription).
 */
final class Functions {
    private Functions() {
    }

    /** B1 as a function: the value unchanged; the runtime keeps the message key. */
    public static final class PassThrough implements Function<String, String> {
        @Override
        public String process(String input, Context context) {
            return input;
        }
    }

    static Result run(String scenario, String serviceUrl, PulsarAdmin admin, String input, String output, long records,
                      Class<? extends Function<?, ?>> function) throws Exception {
        String name = "bench-function-" + System.nanoTime();
        FunctionConfig config = new FunctionConfig();
        config.setTenant("public");
        config.setNamespace("default");
        config.setName(name);
        config.setClassName(function.getName());
        config.setRuntime(FunctionConfig.Runtime.JAVA);
        config.setInputSpecs(java.util.Map.of(input, ConsumerConfig.builder().build()));
        config.setOutput(output);
        config.setProcessingGuarantees(FunctionConfig.ProcessingGuarantees.ATLEAST_ONCE);
        config.setRetainKeyOrdering(true);
        config.setSubName(name);
        config.setParallelism(1);
        config.setCleanupSubscription(true);
        // Functions start at the latest message by default; the input is published before.
        config.setSubscriptionPosition(org.apache.pulsar.client.api.SubscriptionInitialPosition.Earliest);
        Cpu cpu = new Cpu(thread -> thread.contains(name) || thread.startsWith("pulsar-client")
                || thread.startsWith("pulsar-external"));
        LocalRunner runner = LocalRunner.builder().functionConfig(config).brokerServiceUrl(serviceUrl)
                .runtimeEnv(LocalRunner.RuntimeEnv.THREAD).build();
        runner.start(false);
        long started = System.nanoTime();
        try {
            long first = 0;
            long firstCount = 0;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60 + records / 5_000);
            while (true) {
                long count = admin.topics().getStats(output).getMsgInCounter();
                long now = System.nanoTime();
                if (first == 0 && count > 0) {
                    first = now;
                    firstCount = count;
                }
                if (count >= records) {
                    // Timed from its first output, like the others from their first record: the rate over the
                    // records written after that, unless nearly all came in the first poll.
                    long nanos = firstCount * 10 > records ? now - started
                            : (long) ((now - first) * (double) records / (records - firstCount));
                    return new Result(scenario, "Pulsar Function (LocalRunner, thread runtime)", false, records, nanos,
                            cpu.nanos());
                }
                if (now > deadline) {
                    throw new IllegalStateException("the function wrote " + count + " of " + records + " records");
                }
                cpu.sample();
                Thread.sleep(20);
            }
        } finally {
            runner.stop();
        }
    }
}
