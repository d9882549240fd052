package dev.tributary.runtime.internal.translate;

import dev.tributary.dsl.plan.ProcessNode;
import dev.tributary.dsl.processor.Cancellable;
import dev.tributary.dsl.processor.Processor;
import dev.tributary.dsl.processor.ProcessorContext;
import dev.tributary.dsl.processor.PunctuationType;
import dev.tributary.dsl.processor.Punctuator;
import dev.tributary.dsl.processor.Record;
import dev.tributary.dsl.state.KeyValueStore;
import dev.tributary.runtime.internal.compile.NodeTranslator;
import dev.tributary.runtime.internal.compile.TranslationContext;
import dev.tributary.runtime.internal.core.Forward;
import dev.tributary.runtime.internal.core.ProcessingException;
import dev.tributary.runtime.internal.state.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/** Runs a user's processor with a context bound to its task: its stores, clocks and downstream. */
public final class ProcessTranslator implements NodeTranslator<ProcessNode> {
    private final LongSupplier wallClock;

    public ProcessTranslator() {
        this(System::currentTimeMillis);
    }

    /** @param wallClock the clock processors see; virtual in the test driver */
    public ProcessTranslator(LongSupplier wallClock) {
        this.wallClock = wallClock;
    }

    @Override
    public Class<ProcessNode> nodeType() {
        return ProcessNode.class;
    }

    @Override
    public dev.tributary.runtime.internal.core.Processor translate(ProcessNode node, TranslationContext context) {
        dev.tributary.runtime.internal.core.Processor next = Forward.to(context.children());
        Processor<Object, Object, Object, Object> processor = node.supplier().get();
        if (processor == null) {
            throw new ProcessingException(node.name(), new NullPointerException("the processor supplier returned null"));
        }
        TaskState state = context.state();
        String name = node.name();
        String applicationId = context.compile().applicationId();
        List<String> stores = node.stores();
        ProcessorContext<Object, Object> processorContext = new ProcessorContext<>() {
            @Override
            @SuppressWarnings("unchecked")
            public void forward(Record<?, ?> record) {
                next.process((Record<Object, Object>) record);
            }

            @Override
            @SuppressWarnings("unchecked")
            public <K, V> KeyValueStore<K, V> getStateStore(String store) {
                if (!stores.contains(store)) {
                    throw new IllegalArgumentException("processor '" + name + "' is not connected to store '" + store
                            + "'; name it in process(supplier, storeNames...)");
                }
                return (KeyValueStore<K, V>) state.store(store);
            }

            @Override
            @SuppressWarnings("unchecked")
            public <K, V> dev.tributary.dsl.state.WindowStore<K, V> getWindowStore(String store) {
                if (!stores.contains(store)) {
                    throw new IllegalArgumentException("processor '" + name + "' is not connected to store '" + store
                            + "'; name it in process(supplier, storeNames...)");
                }
                return (dev.tributary.dsl.state.WindowStore<K, V>) (dev.tributary.dsl.state.WindowStore<?, ?>)
                        state.windowStore(store, true);
            }

            @Override
            public Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator) {
                Punctuator guarded = timestamp -> {
                    try {
                        punctuator.punctuate(timestamp);
                    } catch (RuntimeException e) {
                        throw new ProcessingException(name, e);
                    }
                };
                return state.punctuations().schedule(interval, type, guarded, wallClock.getAsLong());
            }

            @Override
            public long currentStreamTimeMs() {
                return state.punctuations().streamTime();
            }

            @Override
            public long currentSystemTimeMs() {
                return wallClock.getAsLong();
            }

            @Override
            public String applicationId() {
                return applicationId;
            }
        };
        try {
            processor.init(processorContext);
        } catch (RuntimeException e) {
            throw new ProcessingException(name, e);
        }
        state.onClose(processor::close);
        return record -> {
            try {
                processor.process(record);
            } catch (ProcessingException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ProcessingException(name, e);
            }
        };
    }
}
