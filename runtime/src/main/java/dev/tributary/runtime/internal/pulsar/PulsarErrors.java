package dev.tributary.runtime.internal.pulsar;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pulsar.client.api.PulsarClientException;

/** Turns the layered exceptions of the Pulsar clients into one readable reason. */
public final class PulsarErrors {
    private PulsarErrors() {
    }

    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** The innermost meaningful message on one line, with the exception's simple name. */
    public static String reason(Throwable error) {
        Throwable current = unwrap(error);
        Throwable root = current;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = current.getMessage();
        if (root != current && root.getMessage() != null
                && (message == null || !message.contains(root.getMessage()))) {
            message = (message == null ? "" : message + ": ") + root.getMessage();
        }
        String text = current.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replaceAll("\\s+", " ").trim();
    }

    /**
     * Whether an operation that failed this way may succeed if simply tried again later: false for
     * refusals that hold until someone changes something (a terminated topic, a refused schema, a
     * message too large, missing permissions).
     */
    public static boolean retriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectorRejection rejection) {
                return rejection.retriable();
            }
            if (t instanceof PulsarClientException.TopicTerminatedException
                    || t instanceof PulsarClientException.NotAllowedException
                    || t instanceof PulsarClientException.IncompatibleSchemaException
                    || t instanceof PulsarClientException.InvalidMessageException
                    || t instanceof PulsarClientException.AuthorizationException
                    || t instanceof PulsarClientException.AuthenticationException
                    || t instanceof PulsarClientException.InvalidTopicNameException
                    || t instanceof PulsarClientException.NotSupportedException
                    || t instanceof PulsarClientException.ProducerFencedException
                    || t instanceof org.apache.pulsar.client.api.SchemaSerializationException) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a transactional write was refused because its transaction had ended (a zombie's client
     * resending after a pause does that). Pulsar 4.0.7's topic transaction buffer then refuses every
     * later transactional write to the topic with the same error, whatever its transaction, until the
     * topic is loaded again: {@link #unloadStuckTopic} does that.
     */
    public static boolean endedTransaction(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("has been ended. Please use a new transaction")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Loads a topic again on its broker, which starts its transaction buffer afresh; best effort.
     *
     * @param why what the topic did, for the log
     */
    public static void unloadStuckTopic(org.apache.pulsar.client.admin.PulsarAdmin admin, String topic, String why) {
        try {
            // Bounded: an instance cut off from its broker must not stall its commits on the admin API.
            admin.topics().unloadAsync(topic).get(5, java.util.concurrent.TimeUnit.SECONDS);
            org.slf4j.LoggerFactory.getLogger(PulsarErrors.class).warn("Topic '{}' {} (Pulsar 4.0.7 broker faults that"
                    + " persist until the topic is loaded again); unloaded it", topic, why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(PulsarErrors.class).warn("Topic '{}' {}, and unloading it failed ({});"
                    + " if this repeats, unload it with pulsar-admin topics unload", topic, why, reason(e));
        }
    }
}
