package io.mopao.world;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.Topic;
import io.mopao.events.story.TranscriptShared;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes records to mopao.story.events on the real broker, as story-engine would. */
final class StoryEvents {

    static final String BOOTSTRAP = System.getenv().getOrDefault("MOPAO_KAFKA_BOOTSTRAP", "127.0.0.1:9092");

    private static final KafkaProducer<String, byte[]> PRODUCER = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));

    private StoryEvents() {
    }

    /** A share by {@code ownerSub} with a fresh share id and session id. */
    static TranscriptShared share(String ownerSub, String ownerName, String title) {
        String session = "session-" + UUID.randomUUID();
        return share(ownerSub, ownerName, title, "share-" + UUID.randomUUID(), session);
    }

    static TranscriptShared share(String ownerSub, String ownerName, String title, String shareId, String sessionId) {
        Instant now = Instant.now();
        return new TranscriptShared(shareId, sessionId, ownerSub, ownerName, title, "caption", null, List.of("char-1"), "m3", "teen",
            List.of(new TranscriptShared.SharedMessage("m1", "user", ownerName, null, "Hello? 有人吗？", now),
                new TranscriptShared.SharedMessage("m2", "assistant", "Lin", "char-1", "Who goes there?", now.plusSeconds(1)),
                new TranscriptShared.SharedMessage("m3", "user", ownerName, null, "A friend.", now.plusSeconds(2))),
            now);
    }

    static EventEnvelope<TranscriptShared> envelope(TranscriptShared shared) {
        return EventEnvelope.of("/mopao/story-engine", shared, null);
    }

    static void send(EventEnvelope<?> envelope) {
        sendRaw(envelope.key(), EventSerde.get().toBytes(envelope));
    }

    static void sendRaw(String key, String value) {
        sendRaw(key, value.getBytes(StandardCharsets.UTF_8));
    }

    static void sendRaw(String key, byte[] value) {
        try {
            PRODUCER.send(new ProducerRecord<>(Topic.STORY_EVENTS.topicName(), key, value)).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + BOOTSTRAP + " (run ./mopao infra up)", e);
        }
    }

    static Duration patience() {
        return Duration.ofSeconds(60);
    }
}
