package dev.tributary.testkit.pulsar;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that shares one {@link EmbeddedPulsar} per test JVM.
 *
 * <p>The first test class that uses it starts the broker; every later class in the same JVM gets
 * the same broker; it is closed when the whole test run ends. Test methods and constructors receive
 * it as a parameter:
 *
 * <pre>{@code
 * @ExtendWith(PulsarExtension.class)
 * class MyJobTest {
 *     @Test
 *     void runs(EmbeddedPulsar pulsar) { ... }
 * }
 * }</pre>
 *
 * <p>Tests that share the broker should use topic names of their own (for example with a random
 * suffix) so that they do not see each other's data.
 */
public final class PulsarExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PulsarExtension.class);

    /** Creates the extension; JUnit calls this. */
    public PulsarExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shared(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedPulsar.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return shared(context);
    }

    private static EmbeddedPulsar shared(ExtensionContext context) {
        // The root context's store lives for the whole run and closes its resources at the end.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, k -> new SharedBroker(), SharedBroker.class)
                .broker;
    }

    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource {
        private final EmbeddedPulsar broker = EmbeddedPulsar.builder().build().start();

        @Override
        public void close() {
            broker.close();
        }
    }
}
