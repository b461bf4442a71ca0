package io.mopao.world;

import static io.mopao.world.Api.as;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.mopao.events.Topic;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldDeleted;
import io.mopao.events.world.WorldUpserted;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WorldEventsTest {

    @Test
    void worldLorebookAndStorylineChangesArePublishedToTheWorldsTopicThroughTheOutbox() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StoryEvents.BOOTSTRAP,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.WORLDS.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            String world = Api.createWorld("bob", "Evented world " + UUID.randomUUID(), "public");
            String book = as("bob").body(Map.of("name", "Evented lore", "worldIds", List.of(world),
                    "entries", List.of(Map.of("keys", List.of("k"), "content", "v"))))
                .post("/api/lorebooks").then().statusCode(201).extract().path("id");
            String storyline = as("bob").body(StorylineApiTest.storyline("b2")).post("/api/worlds/" + world + "/storylines").then()
                .statusCode(201).extract().path("id");
            as("bob").delete("/api/worlds/" + world).then().statusCode(204);

            List<EventEnvelope<MopaoEvent>> seen = new ArrayList<>();
            await().atMost(StoryEvents.patience()).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (List.of("world:" + world, "lorebook:" + book, "storyline:" + storyline).contains(r.key())) {
                        seen.add(EventSerde.get().parse(r.value()));
                    }
                });
                return seen.stream().anyMatch(e -> e.data() instanceof WorldDeleted);
            });
            List<MopaoEvent> worldEvents = seen.stream().map(EventEnvelope::data).filter(d -> d.key().equals("world:" + world)).toList();
            WorldUpserted created = (WorldUpserted) worldEvents.getFirst();
            assertEquals("bob", created.world().ownerName());
            assertEquals(List.of("mystery", "悬疑"), created.world().tags());
            assertTrue(worldEvents.stream().anyMatch(e -> e instanceof WorldUpserted u && u.world().lorebookIds().contains(book)));
            assertTrue(worldEvents.stream().anyMatch(e -> e instanceof WorldUpserted u && u.world().storylineIds().contains(storyline)));
            assertTrue(worldEvents.getLast() instanceof WorldDeleted);
            LorebookUpserted lore = (LorebookUpserted) seen.stream().map(EventEnvelope::data).filter(d -> d instanceof LorebookUpserted)
                .findFirst().orElseThrow();
            assertEquals(List.of(world), lore.worldIds());
            assertEquals("v", lore.lorebook().entries().getFirst().content());
            StorylineUpserted story = (StorylineUpserted) seen.stream().map(EventEnvelope::data)
                .filter(d -> d instanceof StorylineUpserted).findFirst().orElseThrow();
            assertEquals("b1", story.storyline().startBeatId());
            seen.forEach(e -> assertEquals("/mopao/world-service", e.source()));
        }
    }
}
