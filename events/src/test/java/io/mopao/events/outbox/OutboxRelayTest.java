package io.mopao.events.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.Topic;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.testing.KafkaBrokerProcess;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox against the real PostgreSQL ({@code mopao_events_test}) and real Kafka brokers. */
class OutboxRelayTest {

    static final String SHARED_BROKER = System.getProperty("mopao.kafka.bootstrap", "127.0.0.1:9092");
    static final Duration FAST_TIMEOUT = Duration.ofSeconds(6);

    /** A schema of its own, so builds running side by side (every module's build runs these tests) never collide. */
    static final String SCHEMA = "outbox_test_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime());
    static final long LOCK_ID = SCHEMA.hashCode();

    static Vertx vertx;
    static Pool pool;
    final Outbox outbox = new Outbox("/mopao/events-test");

    @BeforeAll
    static void connect() throws IOException {
        vertx = Vertx.vertx();
        PgConnectOptions options = new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setDatabase("mopao_events_test")
            .setUser("mopao_events").setPassword("mopao_events");
        Pool admin = PgBuilder.pool().connectingTo(options).using(vertx).build();
        admin.query("CREATE SCHEMA " + SCHEMA).execute().await().atMost(Duration.ofSeconds(10));
        admin.closeAndAwait();
        options.setProperties(Map.of("search_path", SCHEMA));
        pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(options).using(vertx).build();
        try (InputStream in = Outbox.class.getResourceAsStream("/db/mopao/R__mopao_outbox_inbox.sql")) {
            String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            pool.query(ddl).execute().await().atMost(Duration.ofSeconds(30));
        }
        pool.query("CREATE TABLE IF NOT EXISTS demo_state (id TEXT PRIMARY KEY, value INT NOT NULL)").execute()
            .await().atMost(Duration.ofSeconds(10));
    }

    @AfterAll
    static void disconnect() {
        pool.query("DROP SCHEMA " + SCHEMA + " CASCADE").execute().await().atMost(Duration.ofSeconds(10));
        pool.closeAndAwait();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void emptyTables() {
        pool.query("TRUNCATE mopao_outbox, demo_state").execute().await().atMost(Duration.ofSeconds(10));
    }

    /** Writes the state row and its event in one transaction; commits or rolls back. */
    private EventEnvelope<TokenChunk> change(String session, int seq, boolean commit) {
        EventEnvelope<TokenChunk> envelope = outbox.envelope(new TokenChunk("turn", session, "a1", seq, "t" + seq, 1), null);
        pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO demo_state (id, value) VALUES ($1, $2)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(session + "/" + seq, seq))
                .chain(() -> outbox.append(tx, envelope))
                .chain(() -> commit ? io.smallrye.mutiny.Uni.createFrom().voidItem()
                    : io.smallrye.mutiny.Uni.createFrom().failure(new IllegalStateException("rolled back on purpose"))))
            .onFailure(IllegalStateException.class).recoverWithNull()
            .await().atMost(Duration.ofSeconds(10));
        return envelope;
    }

    private long pendingRows() {
        return pool.query("SELECT count(*) FROM mopao_outbox WHERE published_at IS NULL").execute()
            .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    @Test
    void committedEventsArePublishedInOrderAndRolledBackOnesNever() {
        String sessionA = "s-" + UUID.randomUUID();
        String sessionB = "s-" + UUID.randomUUID();
        String topic = Topic.DIALOGUE_EVENTS.topicName();
        Map<TopicPartition, Long> start = endOffsets(SHARED_BROKER, topic);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add(change(sessionA, i, true).id());
            expected.add(change(sessionB, i, true).id());
            change(sessionA, 1000 + i, false);
        }
        long stateRows = pool.query("SELECT count(*) FROM demo_state").execute().await().atMost(Duration.ofSeconds(5))
            .iterator().next().getLong(0);
        assertEquals(40, stateRows, "rolled-back transactions left no state");

        try (OutboxRelay relay = OutboxRelay.create(pool, SHARED_BROKER, "outbox-test", settings())) {
            relay.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingRows() == 0);
        }

        List<EventEnvelope<TokenChunk>> received = readFrom(SHARED_BROKER, topic, start, Set.of(sessionA, sessionB), 40);
        assertEquals(40, received.size());
        for (String session : List.of(sessionA, sessionB)) {
            List<Integer> seqs = received.stream().filter(e -> e.data().sessionId().equals(session)).map(e -> e.data().seq()).toList();
            assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), seqs, "per-key order of " + session);
        }
        assertEquals(Set.copyOf(expected), Set.copyOf(received.stream().map(EventEnvelope::id).toList()));
        assertTrue(received.stream().noneMatch(e -> e.data().seq() >= 1000), "no event of a rolled-back transaction");
    }

    @Test
    void brokerKilledMidStreamLosesNothingAndKeepsOrder(@TempDir Path dir) throws Exception {
        String session = "s-" + UUID.randomUUID();
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.onFreePorts(Files.createDirectories(dir.resolve("kafka")))) {
            broker.start();
            List<String> expected = new ArrayList<>();
            OutboxRelay relay = OutboxRelay.create(pool, broker.bootstrapServers(), "outbox-kill-test", settings());
            try {
                relay.start();
                for (int i = 0; i < 30; i++) {
                    expected.add(change(session, i, true).id());
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> pendingRows() == 0);

                broker.kill();
                for (int i = 30; i < 60; i++) {
                    expected.add(change(session, i, true).id());
                }
                await().atMost(Duration.ofSeconds(45)).until(() -> pool.query(
                    "SELECT count(*) FROM mopao_outbox WHERE last_error IS NOT NULL AND published_at IS NULL").execute()
                    .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0) > 0);
                assertTrue(pendingRows() > 0, "nothing can be published while the broker is down");
            } finally {
                relay.close();
            }

            broker.start();
            try (OutboxRelay restarted = OutboxRelay.create(pool, broker.bootstrapServers(), "outbox-kill-test-2", settings())) {
                restarted.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> pendingRows() == 0);
            }

            List<EventEnvelope<TokenChunk>> received = readFrom(broker.bootstrapServers(), Topic.DIALOGUE_EVENTS.topicName(), Map.of(),
                Set.of(session), 60);
            // a resent record may follow itself, but nothing may arrive out of order: collapsing immediate repeats
            // must leave exactly the commit order (a compacted topic then ends on the newest value)
            Set<String> distinctInOrder = new LinkedHashSet<>();
            List<Integer> firstSeen = new ArrayList<>();
            String previous = null;
            for (EventEnvelope<TokenChunk> e : received) {
                if (!e.id().equals(previous)) {
                    firstSeen.add(e.data().seq());
                }
                distinctInOrder.add(e.id());
                previous = e.id();
            }
            assertEquals(Set.copyOf(expected), distinctInOrder, "every committed event arrived; end offsets "
                + endOffsets(broker.bootstrapServers(), Topic.DIALOGUE_EVENTS.topicName()) + ", received " + received.size());
            assertEquals(java.util.stream.IntStream.range(0, 60).boxed().toList(), firstSeen, "in commit order");
        }
    }

    @Test
    void onlyOneRelayPerDatabasePublishes() {
        String session = "s-" + UUID.randomUUID();
        Map<TopicPartition, Long> start = endOffsets(SHARED_BROKER, Topic.DIALOGUE_EVENTS.topicName());
        for (int i = 0; i < 25; i++) {
            change(session, i, true);
        }
        try (OutboxRelay first = OutboxRelay.create(pool, SHARED_BROKER, "outbox-a", settings());
            OutboxRelay second = OutboxRelay.create(pool, SHARED_BROKER, "outbox-b", settings())) {
            first.start();
            second.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.publishedCount() + second.publishedCount() >= 25);
            assertEquals(0, pendingRows());
            assertEquals(25, first.publishedCount() + second.publishedCount());
            assertFalse(first.publishedCount() > 0 && second.publishedCount() > 0, "exactly one relay published");
        }
        List<EventEnvelope<TokenChunk>> received = readFrom(SHARED_BROKER, Topic.DIALOGUE_EVENTS.topicName(), start, Set.of(session), 25);
        assertEquals(25, received.size(), "no duplicates from a second relay");
    }

    @Test
    void aCommitWhileAPassIsUnderWayIsPublishedWithoutWaitingForThePollInterval() {
        String session = "s-" + UUID.randomUUID();
        change(session, 0, true);
        OutboxRelay.Settings d = settings();
        // an hour between polls: only the wake-up can get the second event out within the test's wait
        OutboxRelay.Settings hourly = new OutboxRelay.Settings(d.batchSize(), Duration.ofHours(1), d.maxBackoff(), d.sendTimeout(),
            d.keepPublished(), d.lockId());
        Map<String, Object> config = OutboxRelay.producerConfig(SHARED_BROKER, "outbox-wake", hourly);
        AtomicReference<OutboxRelay> relay = new AtomicReference<>();
        AtomicBoolean first = new AtomicBoolean(true);
        Supplier<Producer<String, byte[]>> producers = () -> new KafkaProducer<>(config) {
            @Override
            public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
                if (first.getAndSet(false)) {
                    // the pass has read the table; another transaction commits now and wakes the relay, as services do
                    change(session, 1, true);
                    relay.get().wakeUp();
                }
                return super.send(record);
            }
        };
        try (OutboxRelay r = new OutboxRelay(pool, producers, hourly)) {
            relay.set(r);
            r.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> pendingRows() == 0);
            assertEquals(2, r.publishedCount());
        }
    }

    private static OutboxRelay.Settings settings() {
        OutboxRelay.Settings d = OutboxRelay.Settings.defaults();
        return new OutboxRelay.Settings(50, Duration.ofMillis(50), Duration.ofMillis(500), FAST_TIMEOUT, d.keepPublished(), LOCK_ID);
    }

    private static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(90)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(90));
        }
    }

    /** Reads the topic from the given offsets (0 where absent) until {@code atLeast} events of the sessions arrived. */
    private static List<EventEnvelope<TokenChunk>> readFrom(String bootstrap, String topic, Map<TopicPartition, Long> start,
        Set<String> sessions, int atLeast) {
        List<EventEnvelope<TokenChunk>> received = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(90)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> from = new HashMap<>();
            partitions.forEach(p -> from.put(p, start.getOrDefault(p, 0L)));
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received.size() < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    // the shared topic also carries other modules' test traffic: keep only this test's chunks
                    EventEnvelope<io.mopao.events.MopaoEvent> any;
                    try {
                        any = EventSerde.get().parse(record.value());
                    } catch (io.mopao.events.MalformedEventException e) {
                        continue;
                    }
                    if (!(any.data() instanceof TokenChunk chunk) || !sessions.contains(chunk.sessionId())) {
                        continue;
                    }
                    EventEnvelope<TokenChunk> envelope = EventSerde.get().parse(record.value(), TokenChunk.class);
                    {
                        assertEquals(envelope.key(), record.key(), "record key is the event key");
                        received.add(envelope);
                    }
                }
            }
        }
        return received;
    }
}
