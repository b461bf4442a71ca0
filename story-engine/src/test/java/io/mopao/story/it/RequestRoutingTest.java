package io.mopao.story.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.dialogue.DialogueRouting;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.service.outbox.OutboxConfig;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.story.messaging.TurnRequestOutbox;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** GenerateTurn requests go to the requests topic of the runtime pool that serves their model (per-model routing). */
@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class RequestRoutingTest {

    @Inject
    OutboxPublisher publisher;

    @Inject
    OutboxConfig outboxConfig;

    @Inject
    TurnRequestOutbox configured;

    @Test
    void aModelWithAPoolOfItsOwnGetsItsOwnRequestsTopicThroughTheOutbox() {
        // the test configuration names no dedicated models: everything goes to the default pool
        assertEquals("mopao.dialogue.requests", configured.topic("default"));

        TurnRequestOutbox routed = new TurnRequestOutbox(DialogueRouting.catalogue(Set.of("big-model")), outboxConfig.source());
        assertEquals("mopao.dialogue.requests", routed.topic("default"));
        String topic = routed.topic("big-model");
        assertEquals("mopao.dialogue.requests.big-model", topic);

        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("mopao.kafka.bootstrap"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "routing-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            String sessionId = UUID.randomUUID().toString();
            GenerateTurn turn = new GenerateTurn(UUID.randomUUID().toString(), sessionId, "user-1", "big-model", List.of(), null, "Lin",
                null, 0, Instant.now().plusSeconds(60), Instant.now());
            Fixtures.inTransaction(() -> routed.append(turn));
            publisher.wakeUp();

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (sessionId.equals(record.key())) {
                        EventEnvelope<?> envelope = EventSerde.get().parse(record.value());
                        assertEquals("/mopao/story-engine", envelope.source());
                        GenerateTurn received = (GenerateTurn) envelope.data();
                        assertEquals(turn.turnId(), received.turnId());
                        assertEquals("big-model", received.model());
                        return;
                    }
                }
            }
            throw new AssertionError("the request did not reach " + topic);
        }
    }
}
