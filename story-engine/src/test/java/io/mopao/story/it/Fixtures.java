package io.mopao.story.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.testing.KeycloakTokens;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.events.world.WorldUpserted;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test data published the way the other services publish it (real Kafka), plus REST shortcuts. */
public final class Fixtures {

    private static KafkaProducer<String, byte[]> producer;
    private static FakeRuntimeWorker worker;

    private Fixtures() {
    }

    /** The shared fake runtime worker (started once per test JVM). */
    public static synchronized FakeRuntimeWorker worker() {
        if (worker == null) {
            worker = new FakeRuntimeWorker();
            Runtime.getRuntime().addShutdownHook(new Thread(worker::close));
        }
        return worker;
    }

    static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("mopao.kafka.bootstrap", "127.0.0.1:9092"));
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    /** Publishes an event as its owning service would (envelope, topic and key from the catalogue). */
    public static EventEnvelope<MopaoEvent> publish(MopaoEvent event) {
        EventEnvelope<MopaoEvent> envelope = EventEnvelope.of("/mopao/test", event, null);
        publishEnvelope(envelope);
        return envelope;
    }

    public static void publishEnvelope(EventEnvelope<?> envelope) {
        publishRaw(envelope.eventType().topic().topicName(), envelope.key(), EventSerde.get().toBytes(envelope));
    }

    public static void publishRaw(String topic, String key, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    public static CharacterSnapshot character(String name, long version, String visibility, Lorebook book) {
        return character(UUID.randomUUID().toString(), name, version, visibility, book);
    }

    public static CharacterSnapshot character(String id, String name, long version, String visibility, Lorebook book) {
        return new CharacterSnapshot(id, version, "owner-of-" + name, "bob", visibility, "general", false, name, null,
            name + " keeps the lighthouse on Fog Isle.", "calm, curious", "{{user}} arrives at dusk.",
            "*" + name + " looks up.* Welcome, {{user}}.", List.of("Another greeting for {{user}}.", "A third greeting."), List.of(),
            "<START>\n{{user}}: Hi\n{{char}}: Hello.", null, "Stay brief.", "creator notes stay out of prompts", Map.of(), List.of(),
            "bob", "1", 0.5, book, null, JsonNodeFactory.instance.objectNode(), Instant.parse("2026-11-28T08:00:00Z"));
    }

    /** Publishes a character and waits until the read model has that version. */
    public static CharacterSnapshot givenCharacter(ReadModelRepository readModels, CharacterSnapshot character) {
        publish(new CharacterUpserted(character));
        awaitVersion(readModels, ReadModelRepository.CHARACTER, character.id(), character.version());
        return character;
    }

    public static WorldSnapshot world(String storylineId, String lorebookId) {
        String id = UUID.randomUUID().toString();
        return new WorldSnapshot(id, 1, "owner-w", "bob", "public", "general", false, "Fog Isle", "An island in fog.", "No phones.",
            "eerie", List.of(new WorldSnapshot.Location("Lighthouse", "A white tower.")), List.of(),
            List.of(new WorldSnapshot.OpeningScene("arrival", "Arrival", "You step off the ferry, {{user}}.", "Lighthouse")),
            lorebookId == null ? List.of() : List.of(lorebookId), storylineId == null ? List.of() : List.of(storylineId), List.of(), null,
            Instant.parse("2026-11-28T08:00:00Z"));
    }

    public static WorldSnapshot givenWorld(ReadModelRepository readModels, WorldSnapshot world) {
        publish(new WorldUpserted(world));
        awaitVersion(readModels, ReadModelRepository.WORLD, world.id(), world.version());
        return world;
    }

    public static StorylineSnapshot storyline(String worldId) {
        StorylineSnapshot.Condition keyword = new StorylineSnapshot.Condition("keyword", List.of("lamp", "灯"), null, null, "b2");
        StorylineSnapshot.Beat first = new StorylineSnapshot.Beat("b1", "The dark lamp", "Learn why the lamp is dark",
            "Hint that the lamp went dark the night the keeper's brother vanished.", List.of(keyword), List.of("b2"), false);
        StorylineSnapshot.Beat second = new StorylineSnapshot.Beat("b2", "Relight", "Relight the lamp", "The fog begins to lift.",
            List.of(new StorylineSnapshot.Condition("turns", List.of(), 2, null, null)), List.of(), true);
        return new StorylineSnapshot(UUID.randomUUID().toString(), worldId, 1, "The Dark Lamp", "A short mystery", "b1",
            List.of(new StorylineSnapshot.Chapter("c1", "Chapter one", List.of(first, second))));
    }

    public static StorylineSnapshot givenStoryline(ReadModelRepository readModels, StorylineSnapshot storyline) {
        publish(new StorylineUpserted(storyline));
        awaitVersion(readModels, ReadModelRepository.STORYLINE, storyline.id(), storyline.version());
        return storyline;
    }

    public static Lorebook lorebook() {
        LoreEntry lamp = new LoreEntry(1, List.of("lamp"), List.of(), null, false, false, true, 100, LoreEntry.Position.AFTER_CHARACTER,
            0, null, null, null, null, 100, false, false, false, false, "label", "The lamp burns whale oil.");
        return new Lorebook(UUID.randomUUID().toString(), "Card book", null, 2, 200, false, List.of(lamp));
    }

    public static void awaitVersion(ReadModelRepository readModels, String kind, String id, long version) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> inSession(() -> readModels.version(kind, id)).orElse(-1L) >= version);
    }

    /** Runs repository calls in a Hibernate Reactive session on a Vert.x context (as the application does) and waits. */
    public static <T> T inSession(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(work::get));
        } catch (Throwable e) {
            throw new IllegalStateException("repository call failed", e);
        }
    }

    /** Runs a service call on a Vert.x context (the service opens its own session) and waits. */
    public static <T> T onVertx(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (Throwable e) {
            throw new IllegalStateException("service call failed", e);
        }
    }

    /** Like {@link #inSession}, in a transaction. */
    public static <T> T inTransaction(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work::get));
        } catch (Throwable e) {
            throw new IllegalStateException("repository call failed", e);
        }
    }

    public static String token(String user) {
        return KeycloakTokens.accessToken(user);
    }

    /** Creates a session through the API; returns its JSON. */
    public static Response createSession(String user, String body) {
        return given().auth().oauth2(token(user)).contentType(ContentType.JSON).body(body).post("/api/sessions");
    }

    /** Starting a session with a (deleted) character is refused as not found. */
    public static void newSessionFails(String characterId) {
        createSession("alice", "{\"characterIds\":[\"" + characterId + "\"]}").then().statusCode(404);
    }

    public static String newSession(String user, String characterId) {
        return createSession(user, "{\"characterIds\":[\"" + characterId + "\"]}").then().statusCode(201).extract().path("id");
    }
}
