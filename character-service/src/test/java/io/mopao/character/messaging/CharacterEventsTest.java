package io.mopao.character.messaging;

import static io.mopao.character.Api.as;
import static io.mopao.character.Api.character;
import static io.mopao.character.Api.create;
import static io.mopao.character.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.character.Api;
import io.mopao.character.PrivateKafka;
import io.mopao.character.card.TestCards;
import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.mopao.events.Topic;
import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.lore.LoreEntry;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Every change reaches the compacted characters topic through the outbox: once, in order, with the full snapshot, even
 * when the broker is down at the time of the change and comes back later.
 */
@QuarkusTest
class CharacterEventsTest {

    /**
     * Events for one character key: everything the topic held when called, read from the start by a consumer that
     * assigns itself every partition (no group to join, so a slow join can never end the read early).
     */
    static List<EventEnvelope<? extends MopaoEvent>> eventsFor(String id) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, PrivateKafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<EventEnvelope<? extends MopaoEvent>> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.CHARACTERS.topicName(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topic.CHARACTERS.topicName() + " up to " + end + " in 30 s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (("character:" + id).equals(r.key())) {
                        events.add(EventSerde.get().parse(new String(r.value(), StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        return events;
    }

    static List<String> versions(List<EventEnvelope<? extends MopaoEvent>> events) {
        return events.stream().map(e -> switch (e.data()) {
            case CharacterUpserted u -> "upsert:" + u.character().version();
            case CharacterDeleted d -> "delete:" + d.version();
            default -> "other";
        }).toList();
    }

    private static void update(String id, long version, String scenario) {
        ObjectNode body = character("Evented", "public").put("scenario", scenario);
        as("bob").contentType("application/json").header("If-Match", "\"" + version + "\"").body(body.toString())
            .put("/characters/" + id).then().statusCode(200);
    }

    @Test
    void changesMadeWhileTheBrokerIsDownArriveOnceAndInOrderWhenItReturns() throws Exception {
        String id = create("bob", character(unique("Evented"), "public"));
        await().atMost(Duration.ofSeconds(60)).until(() -> versions(eventsFor(id)).equals(List.of("upsert:1")));

        PrivateKafka.broker().kill();
        try {
            update(id, 1, "v2 while the broker is down");
            update(id, 2, "v3 while the broker is down");
        } finally {
            PrivateKafka.restart();
        }
        update(id, 3, "v4 after the broker came back");
        as("bob").header("If-Match", "\"4\"").delete("/characters/" + id).then().statusCode(204);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
            .until(() -> eventsFor(id).size() >= 5);
        List<EventEnvelope<? extends MopaoEvent>> events = eventsFor(id);
        assertEquals(List.of("upsert:1", "upsert:2", "upsert:3", "upsert:4", "delete:4"), versions(events));
        assertEquals(5, events.stream().map(EventEnvelope::id).distinct().count(), "no event delivered twice");
        CharacterSnapshot v3 = ((CharacterUpserted) events.get(2).data()).character();
        assertEquals("v3 while the broker is down", v3.scenario());
    }

    @Test
    void upsertCarriesEverythingStoryEngineNeedsIncludingTheCharacterBook() throws Exception {
        ObjectNode card = TestCards.v3(unique("Lore keeper"));
        String id = as("bob").contentType("application/json").queryParam("visibility", "public").body(card.toString())
            .post("/characters/import").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> !eventsFor(id).isEmpty());
        CharacterSnapshot s = ((CharacterUpserted) eventsFor(id).getFirst().data()).character();
        JsonNode data = card.get("data");
        assertEquals(Api.subject("bob"), s.ownerId());
        assertEquals("public", s.visibility());
        assertEquals(data.get("name").asText(), s.name());
        assertEquals("Lin", s.nickname());
        assertEquals(data.get("first_mes").asText(), s.firstMessage());
        assertEquals(List.of("Hello, everyone."), s.groupOnlyGreetings());
        assertEquals(data.get("system_prompt").asText(), s.systemPrompt());
        assertEquals(data.get("post_history_instructions").asText(), s.postHistoryInstructions());
        assertEquals(0.6, s.talkativeness());
        assertEquals(data.get("extensions"), s.extensions());
        assertNotNull(s.characterBook());
        assertEquals("Fog Isle lore", s.characterBook().name());
        assertEquals(512, s.characterBook().tokenBudget());
        LoreEntry entry = s.characterBook().entries().getFirst();
        assertEquals(List.of("灯塔", "lighthouse"), entry.keys());
        assertEquals(LoreEntry.Position.AT_DEPTH, entry.position());
        assertEquals(2, entry.depth());
        assertEquals(LoreEntry.SelectiveLogic.NOT_ANY, entry.selectiveLogic());
        assertEquals(80, entry.probability());
        assertEquals(true, entry.preventRecursion());
    }
}
