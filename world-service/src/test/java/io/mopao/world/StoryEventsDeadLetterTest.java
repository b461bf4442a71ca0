package io.mopao.world;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.Topic;
import io.mopao.events.story.TranscriptShared;
import io.mopao.world.messaging.DeadLetters;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StoryEventsDeadLetterTest {

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithAReasonAndThePartitionMovesOn() {
        String key = "session-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> dlq = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StoryEvents.BOOTSTRAP,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            List<TopicPartition> partitions = dlq.partitionsFor(Topic.STORY_EVENTS_DLQ.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            dlq.assign(partitions);
            dlq.seekToEnd(partitions);
            partitions.forEach(dlq::position);

            StoryEvents.sendRaw(key, "this is not JSON {");
            StoryEvents.sendRaw(key, "{\"specversion\": \"1.0\", \"id\": \"x\", \"type\": \"io.mopao.nope\"}");
            String title = "After the poison " + UUID.randomUUID();
            TranscriptShared valid = StoryEvents.share(Api.sub("bob"), "bob", title, "share-" + UUID.randomUUID(), key);
            StoryEvents.send(StoryEvents.envelope(valid));

            SocialFeedTest.awaitPost("bob", title);

            List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
            await().atMost(StoryEvents.patience()).until(() -> {
                dlq.poll(Duration.ofMillis(500)).forEach(r -> {
                    // other consumer groups (a world-service run locally) reject the same records: count this app's only
                    if (key.equals(r.key()) && "world-service-test".equals(header(r, DeadLetters.CONSUMER_HEADER))) {
                        dead.add(r);
                    }
                });
                return dead.size() >= 2;
            });
            assertEquals(2, dead.size());
            assertEquals("this is not JSON {", new String(dead.get(0).value(), StandardCharsets.UTF_8));
            String notJson = header(dead.get(0), Topic.DEAD_LETTER_REASON_HEADER);
            String notEnvelope = header(dead.get(1), Topic.DEAD_LETTER_REASON_HEADER);
            assertTrue(notJson.contains("not valid JSON"), notJson);
            assertFalse(notEnvelope.isBlank());
            assertTrue(notEnvelope.contains("missing required attribute") || notEnvelope.contains("unknown event type"), notEnvelope);
            assertEquals(Topic.STORY_EVENTS.topicName(), header(dead.get(1), Topic.DEAD_LETTER_TOPIC_HEADER));
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
