package dev.tributary.runtime.internal.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A query's answer: its status, JSON body, and the seconds to wait before asking again (503), else 0. */
record Answer(int status, JsonNode body, int retryAfterSeconds) {
    /** The outcome the metric counts it under. */
    String outcome(boolean forwarded) {
        if (forwarded && status != 503) {
            return "forwarded";
        }
        return switch (status) {
            case 200 -> "answered";
            case 404 -> "not-found";
            case 503 -> "unavailable";
            case 400, 405 -> "bad-request";
            case 401 -> "unauthorized";
            default -> "failed";
        };
    }

    /** Error answers and bodies, each naming the instance that gave it. */
    static final class Errors {
        private final ObjectMapper json;
        private final String instanceId;

        Errors(ObjectMapper json, String instanceId) {
            this.json = json;
            this.instanceId = instanceId;
        }

        ObjectNode body(String message) {
            ObjectNode body = json.createObjectNode();
            body.put("error", message);
            body.put("instance", instanceId);
            return body;
        }

        Answer answer(int status, String message, int retryAfter) {
            return new Answer(status, body(message), retryAfter);
        }
    }
}
