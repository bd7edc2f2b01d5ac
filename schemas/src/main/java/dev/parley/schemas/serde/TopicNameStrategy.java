package dev.parley.schemas.serde;

import java.util.Objects;

/** Confluent's default subject naming: {@code <topic>-key} and {@code <topic>-value}. */
public final class TopicNameStrategy {

    private TopicNameStrategy() {
    }

    /** The subject under which the key or value schema of {@code topic} is registered. */
    public static String subject(String topic, boolean isKey) {
        Objects.requireNonNull(topic, "topic: TopicNameStrategy needs the topic name");
        return topic + (isKey ? "-key" : "-value");
    }
}
