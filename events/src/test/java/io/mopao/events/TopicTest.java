package io.mopao.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicTest {

    @Test
    void everyEventTypeIsPublishedToACatalogueTopic() {
        for (EventType type : EventType.values()) {
            assertTrue(Topic.byName(type.topic().topicName()).isPresent(), type.name());
        }
    }

    @Test
    void compactedTopicsKeepDataForeverAndOthersExpire() {
        for (Topic topic : Topic.values()) {
            if (topic.cleanupPolicy() == Topic.CleanupPolicy.COMPACT) {
                assertEquals(-1, topic.retentionMs(), topic.name());
            } else {
                assertTrue(topic.retentionMs() > 0, topic.name());
            }
        }
    }

    @Test
    void everyConsumedTopicHasADeadLetterTopic() {
        for (Topic topic : Set.of(Topic.CHARACTERS, Topic.WORLDS, Topic.DIALOGUE_REQUESTS, Topic.STORY_EVENTS)) {
            assertEquals(topic.topicName() + ".dlq", topic.deadLetterTopic().orElseThrow().topicName());
        }
    }

    @Test
    void topicNamesAreUnique() {
        Set<String> names = new HashSet<>();
        for (Topic topic : Topic.values()) {
            assertTrue(names.add(topic.topicName()), topic.topicName());
        }
    }
}
