package dev.tributary.runtime.internal.pulsar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.dsl.config.Configuration;
import dev.tributary.dsl.config.Secret;
import dev.tributary.runtime.JobStartException;
import dev.tributary.runtime.RuntimeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Turns the broker's refusal of an operation at start into one line that names the role, the
 * namespace and the permission it lacks, with the command that grants it. The broker's own
 * messages name an operation code at best, and the namespace only for some operations.
 */
public final class Permissions {
    private static final Pattern NAMESPACE = Pattern.compile("namespace \\[([^\\]]+)]");
    private static final Pattern TOPIC = Pattern.compile("(?:non-)?persistent://([^/\\s'\"]+)/([^/\\s'\"]+)/");
    private static final Pattern OPERATION = Pattern.compile("operation \\[([A-Z_]+)]");

    private Permissions() {
    }

    /**
     * @param error what stopped the start
     * @return a {@link JobStartException} saying which permission is missing where, or the error
     *     itself if the broker refused nothing
     */
    public static RuntimeException explain(RuntimeException error, Configuration config) {
        Throwable refusal = refusal(error);
        if (refusal == null) {
            return error;
        }
        String text = chain(error);
        String namespace = namespace(text);
        String operation = find(OPERATION, text);
        String role = role(config);
        String roleText = role == null ? "the job's role" : "role '" + role + "'";
        String needs;
        String grant;
        String where = namespace == null ? "its namespace" : "namespace '" + namespace + "'";
        // The job creates its own topics in the internal namespace, which only the tenant's admins may do.
        boolean internal = namespace != null && namespace.equals(config.get(RuntimeOptions.INTERNAL_NAMESPACE));
        if (internal || "CREATE_TOPIC".equals(operation) || "DELETE_TOPIC".equals(operation)) {
            String tenant = namespace == null ? "<tenant>" : namespace.substring(0, namespace.indexOf('/'));
            needs = "must administer tenant '" + tenant + "' to create the job's topics in " + where
                    + " (changelogs, repartition and membership topics are created there)";
            grant = "pulsar-admin tenants update " + tenant + " --admin-roles " + (role == null ? "<role>" : role)
                    + " (keeping its other admins), or set internal.topics.namespace to a namespace of a tenant it"
                    + " administers";
        } else {
            // Listing and reading a namespace's topics takes consume or produce; the job reads its inputs.
            String action = operation == null && text.toLowerCase(java.util.Locale.ROOT).contains("produc")
                    ? "produce" : "consume";
            needs = "needs the '" + action + "' permission on " + where + (operation == null ? ""
                    : " (the broker refused " + operation + ")");
            grant = "pulsar-admin namespaces grant-permission " + (namespace == null ? "<tenant/namespace>" : namespace)
                    + " --role " + (role == null ? "<role>" : role) + " --actions " + action;
        }
        return new JobStartException(roleText + " is not allowed to do what the job needs in " + where + ": it "
                + needs + ". Grant it with: " + grant + ". (" + PulsarErrors.reason(error).replace('\n', ' ') + ")",
                error);
    }

    private static Throwable refusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PulsarAdminException.NotAuthorizedException
                    || t instanceof PulsarClientException.AuthorizationException) {
                return t;
            }
        }
        return null;
    }

    private static String chain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t.getMessage()).append(' ');
        }
        return text.toString();
    }

    private static String namespace(String text) {
        String named = find(NAMESPACE, text);
        if (named != null) {
            return named;
        }
        Matcher topic = TOPIC.matcher(text);
        return topic.find() ? topic.group(1) + "/" + topic.group(2) : null;
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }

    /** The role a token carries (its subject), read without checking the signature: only to name it. */
    static String role(Configuration config) {
        try {
            String token;
            Secret secret = config.get(RuntimeOptions.AUTH_TOKEN);
            if (secret != null) {
                token = secret.reveal();
            } else if (config.get(RuntimeOptions.AUTH_TOKEN_FILE) != null) {
                token = Files.readString(Path.of(config.get(RuntimeOptions.AUTH_TOKEN_FILE))).trim();
            } else {
                return null;
            }
            String[] parts = token.split("\\.");
            if (parts.length < 2) {
                return null;
            }
            JsonNode claims = new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            return claims.hasNonNull("sub") ? claims.get("sub").asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
