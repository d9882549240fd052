package dev.tributary.connect.http;

/** Topic names in the forms users write them, without the broker's libraries. */
final class Topics {
    private Topics() {
    }

    /** {@code events}, {@code tenant/ns/events} or a full name, as {@code persistent://tenant/ns/events}. */
    static String normalize(String topic) {
        if (topic.contains("://")) {
            return topic;
        }
        String[] parts = topic.split("/");
        if (parts.length == 1) {
            return "persistent://public/default/" + topic;
        }
        if (parts.length == 3) {
            return "persistent://" + topic;
        }
        throw new IllegalArgumentException("'" + topic + "' is not a topic name (topic, tenant/namespace/topic, or"
                + " persistent://tenant/namespace/topic)");
    }

    /** The last part of a full name. */
    static String localName(String topic) {
        return topic.substring(topic.lastIndexOf('/') + 1);
    }

    /** {@code tenant/ns/topic} of a full name. */
    static String path(String topic) {
        return topic.substring(topic.indexOf("://") + 3);
    }
}
