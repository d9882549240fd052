package dev.tributary.runtime.internal.pulsar;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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
}
