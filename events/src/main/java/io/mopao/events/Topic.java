package io.mopao.events;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The topic catalogue: every Kafka topic Mopao uses, with its key, partitioning and retention. Code, the
 * {@code ./mopao infra} script (through {@link TopicCatalogue}) and the Kubernetes manifests all read it from here.
 */
public enum Topic {
    /** Current state of every character (compacted; key {@code character:<id>}). */
    CHARACTERS("mopao.characters", "character:<characterId>", 6, CleanupPolicy.COMPACT, null),
    /** Current state of worlds, lorebooks and storylines (compacted; key {@code world:<id>}, {@code lorebook:<id>}, ...). */
    WORLDS("mopao.worlds", "<kind>:<id>", 6, CleanupPolicy.COMPACT, null),
    /** GenerateTurn requests to the runtime pool, keyed by session id so one session's turns stay in order. */
    DIALOGUE_REQUESTS("mopao.dialogue.requests", "<sessionId>", 12, CleanupPolicy.DELETE, Duration.ofDays(1)),
    /** TokenChunk and TurnCompleted from the runtime pool, keyed by session id. */
    DIALOGUE_EVENTS("mopao.dialogue.events", "<sessionId>", 12, CleanupPolicy.DELETE, Duration.ofDays(1)),
    /** TurnCancelled: stop requests read by every runtime worker (each worker uses its own group). */
    DIALOGUE_CONTROL("mopao.dialogue.control", "<sessionId>", 3, CleanupPolicy.DELETE, Duration.ofHours(1)),
    /** Story-level facts from story-engine: TranscriptShared, TurnRecorded. */
    STORY_EVENTS("mopao.story.events", "<sessionId>", 6, CleanupPolicy.DELETE, Duration.ofDays(7)),
    /** Dead letters of the dialogue-requests topic, with the reason in headers. */
    DIALOGUE_REQUESTS_DLQ("mopao.dialogue.requests.dlq", "<original key>", 1, CleanupPolicy.DELETE, Duration.ofDays(14)),
    /** Dead letters of the story-events topic. */
    STORY_EVENTS_DLQ("mopao.story.events.dlq", "<original key>", 1, CleanupPolicy.DELETE, Duration.ofDays(14)),
    /** Dead letters of the characters topic. */
    CHARACTERS_DLQ("mopao.characters.dlq", "<original key>", 1, CleanupPolicy.DELETE, Duration.ofDays(14)),
    /** Dead letters of the worlds topic. */
    WORLDS_DLQ("mopao.worlds.dlq", "<original key>", 1, CleanupPolicy.DELETE, Duration.ofDays(14));

    /** Kafka cleanup policy. */
    public enum CleanupPolicy {
        DELETE("delete"), COMPACT("compact");

        private final String kafkaName;

        CleanupPolicy(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        public String kafkaName() {
            return kafkaName;
        }
    }

    /** Header naming why a record went to a dead-letter topic. */
    public static final String DEAD_LETTER_REASON_HEADER = "mopao-dead-letter-reason";
    /** Header naming the topic a dead-lettered record came from. */
    public static final String DEAD_LETTER_TOPIC_HEADER = "mopao-dead-letter-topic";

    private final String topicName;
    private final String keyDescription;
    private final int partitions;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;

    Topic(String topicName, String keyDescription, int partitions, CleanupPolicy cleanupPolicy, Duration retention) {
        this.topicName = topicName;
        this.keyDescription = keyDescription;
        this.partitions = partitions;
        this.cleanupPolicy = cleanupPolicy;
        this.retention = retention;
    }

    /** The Kafka topic name. */
    public String topicName() {
        return topicName;
    }

    /** What the record key is, for documentation. */
    public String keyDescription() {
        return keyDescription;
    }

    public int partitions() {
        return partitions;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /** Retention of a delete-policy topic; empty for compacted topics (kept forever). */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /** Retention in milliseconds as Kafka wants it ({@code -1} = forever). */
    public long retentionMs() {
        return retention == null ? -1 : retention.toMillis();
    }

    /** The dead-letter topic of this topic, if it has one. */
    public Optional<Topic> deadLetterTopic() {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(topicName + ".dlq")).findFirst();
    }

    /** Looks a topic up by its Kafka name. */
    public static Optional<Topic> byName(String name) {
        return Arrays.stream(values()).filter(t -> t.topicName.equals(name)).findFirst();
    }

    /** Every topic, in catalogue order. */
    public static List<Topic> all() {
        return List.of(values());
    }
}
