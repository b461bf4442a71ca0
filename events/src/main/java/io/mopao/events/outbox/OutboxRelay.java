package io.mopao.events.outbox;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in commit order and marks them published.
 *
 * <ul>
 *   <li>One relay per database is active at a time: it holds a PostgreSQL advisory lock on a dedicated connection, so
 *   several replicas of a service can run a relay and exactly one publishes (order is kept).</li>
 *   <li>Rows are sent in {@code seq} order, at most one record per key in flight at a time: a pass sends waves made
 *   of the oldest pending row of each key, waits for the broker, and marks what was acknowledged. A key whose send
 *   failed is held back until the next pass, and the producer is thrown away with whatever it still had queued, so a
 *   record given up on can never reach the broker after the records behind it. A broker outage therefore delays events
 *   but never loses or reorders them per key (a retried record may appear twice in a row: consumers are idempotent on
 *   the event id, and a compacted topic still ends on the newest value). State lives in the table: restarts
 *   resume.</li>
 *   <li>Published rows are purged after {@link Settings#keepPublished()}.</li>
 * </ul>
 */
public final class OutboxRelay implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private static final String SELECT_PENDING = "SELECT seq, event_id, topic, record_key, event_type, payload, traceparent "
        + "FROM mopao_outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1";
    private static final String MARK_PUBLISHED = "UPDATE mopao_outbox SET published_at = now(), attempts = attempts + 1 "
        + "WHERE seq = ANY($1)";
    private static final String MARK_FAILED = "UPDATE mopao_outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1";
    private static final String PURGE = "DELETE FROM mopao_outbox WHERE published_at < now() - make_interval(secs => $1)";

    /**
     * Relay settings.
     *
     * @param batchSize rows read per pass
     * @param pollInterval pause when nothing is pending
     * @param maxBackoff longest pause after repeated failures
     * @param sendTimeout how long to wait for the broker to acknowledge one batch
     * @param keepPublished how long published rows are kept before purging
     * @param lockId advisory lock id that elects the active relay of a database
     */
    public record Settings(int batchSize, Duration pollInterval, Duration maxBackoff, Duration sendTimeout, Duration keepPublished,
        long lockId) {

        public static Settings defaults() {
            return new Settings(500, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(24),
                0x4D6F70616FL);
        }
    }

    private final Pool pool;
    private final Supplier<Producer<String, byte[]>> producerFactory;
    private Producer<String, byte[]> producer;
    private final Settings settings;
    private final AtomicLong published = new AtomicLong();
    /** Set by {@link #wakeUp()}, cleared before each pass reads the table: a wake-up during a pass is not lost. */
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private volatile boolean running;
    private volatile Thread thread;
    private SqlConnection leaderConnection;
    private long lastPurgeNanos;

    /**
     * @param producerFactory makes a producer; called again after a failed send, once the old one has been closed with
     *     its queued records dropped
     */
    public OutboxRelay(Pool pool, Supplier<Producer<String, byte[]>> producerFactory, Settings settings) {
        this.pool = pool;
        this.producerFactory = producerFactory;
        this.settings = settings;
    }

    /** A relay with its own idempotent producer. */
    public static OutboxRelay create(Pool pool, String bootstrapServers, String clientId, Settings settings) {
        Map<String, Object> config = producerConfig(bootstrapServers, clientId, settings);
        return new OutboxRelay(pool, () -> new KafkaProducer<>(config), settings);
    }

    /** Producer settings that keep per-key order through retries and fail a send within the relay's timeout. */
    public static Map<String, Object> producerConfig(String bootstrapServers, String clientId, Settings settings) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(settings.sendTimeout().toMillis(), 10_000));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.sendTimeout().toMillis());
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** Starts the background loop (a daemon thread; it never runs on an event loop). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("mopao-outbox-relay").start(this::loop);
    }

    /**
     * Wakes the loop up, e.g. right after a transaction that wrote events committed: the relay reads the table again
     * without waiting for the poll interval, also when the call comes while a pass is under way (that pass may have
     * read the table before the commit). It does not cut short the back-off after a failed send.
     */
    public void wakeUp() {
        wakeRequested.set(true);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Events published since start. */
    public long publishedCount() {
        return published.get();
    }

    private void loop() {
        long backoffMs = settings.pollInterval().toMillis();
        while (running) {
            try {
                if (!holdsLeadership()) {
                    pause(settings.maxBackoff().toMillis(), false);
                    continue;
                }
                wakeRequested.set(false);
                int count = publishPending();
                purgeNow(false);
                backoffMs = settings.pollInterval().toMillis();
                if (count < settings.batchSize()) {
                    pause(settings.pollInterval().toMillis(), true);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                LOG.warnf("outbox relay: %s; retrying in %d ms", describe(e), backoffMs);
                pause(backoffMs, false);
                backoffMs = Math.min(backoffMs * 2, settings.maxBackoff().toMillis());
            }
        }
    }

    private boolean holdsLeadership() {
        if (leaderConnection != null) {
            return true;
        }
        SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        Boolean locked = connection.preparedQuery("SELECT pg_try_advisory_lock($1)")
            .execute(Tuple.of(settings.lockId()))
            .await().atMost(Duration.ofSeconds(10))
            .iterator().next().getBoolean(0);
        if (Boolean.TRUE.equals(locked)) {
            connection.exceptionHandler(e -> dropLeadership());
            connection.closeHandler(this::dropLeadership);
            leaderConnection = connection;
            LOG.info("outbox relay: this instance publishes the outbox");
            return true;
        }
        connection.closeAndAwait();
        return false;
    }

    private synchronized void dropLeadership() {
        leaderConnection = null;
    }

    /**
     * One pass: publishes up to a batch of pending rows in order and marks the acknowledged prefix. Blocking; call it
     * only from a worker thread. Returns how many rows were published.
     */
    public int publishPending() {
        SqlConnection connection = leaderConnection;
        if (connection == null) {
            throw new IllegalStateException("this relay does not hold the outbox lock");
        }
        RowSet<Row> rows = connection.preparedQuery(SELECT_PENDING).execute(Tuple.of(settings.batchSize()))
            .await().atMost(Duration.ofSeconds(30));
        if (rows.size() == 0) {
            return 0;
        }
        List<Row> remaining = new ArrayList<>(rows.size());
        rows.forEach(remaining::add);
        Set<String> heldBack = new HashSet<>();
        List<Long> acknowledged = new ArrayList<>(remaining.size());
        Exception failure = null;
        Long failedSeq = null;
        while (!remaining.isEmpty()) {
            // one wave: the oldest pending row of every key that is not held back
            Set<String> keysInWave = new HashSet<>();
            List<Row> wave = new ArrayList<>();
            List<Row> later = new ArrayList<>();
            for (Row row : remaining) {
                String key = row.getString("record_key");
                if (heldBack.contains(key)) {
                    continue;
                }
                if (keysInWave.add(key)) {
                    wave.add(row);
                } else {
                    later.add(row);
                }
            }
            if (wave.isEmpty()) {
                break;
            }
            List<Future<RecordMetadata>> sends = new ArrayList<>(wave.size());
            for (Row row : wave) {
                try {
                    sends.add(producer().send(toRecord(row)));
                } catch (RuntimeException e) {
                    sends.add(java.util.concurrent.CompletableFuture.failedFuture(e));
                }
            }
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            List<Long> waveAcknowledged = new ArrayList<>(wave.size());
            for (int i = 0; i < wave.size(); i++) {
                Row row = wave.get(i);
                try {
                    sends.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    waveAcknowledged.add(row.getLong("seq"));
                } catch (ExecutionException | TimeoutException | InterruptedException e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    heldBack.add(row.getString("record_key"));
                    if (failure == null) {
                        failure = e;
                        failedSeq = row.getLong("seq");
                    }
                }
            }
            if (!waveAcknowledged.isEmpty()) {
                connection.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(waveAcknowledged.toArray(new Long[0])))
                    .await().atMost(Duration.ofSeconds(30));
                published.addAndGet(waveAcknowledged.size());
                acknowledged.addAll(waveAcknowledged);
            }
            if (failure != null) {
                discardProducer();
            }
            remaining = later;
        }
        if (failure != null) {
            String reason = describe(failure);
            connection.preparedQuery(MARK_FAILED).execute(Tuple.of(failedSeq, reason)).await().atMost(Duration.ofSeconds(30));
            throw new IllegalStateException("publishing outbox row " + failedSeq + " failed (" + acknowledged.size()
                + " others acknowledged in this pass): " + reason, failure);
        }
        return acknowledged.size();
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            producer = producerFactory.get();
        }
        return producer;
    }

    /** Closes the producer at once, failing (never sending) whatever it still holds; the next send makes a new one. */
    private void discardProducer() {
        Producer<String, byte[]> p = producer;
        producer = null;
        if (p != null) {
            try {
                p.close(Duration.ZERO);
            } catch (RuntimeException e) {
                LOG.debugf("closing a failed producer: %s", describe(e));
            }
        }
    }

    /** Deletes rows published longer ago than {@link Settings#keepPublished()}; {@code force} ignores the once-a-minute pace. */
    public void purgeNow(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPurgeNanos < TimeUnit.MINUTES.toNanos(1)) {
            return;
        }
        lastPurgeNanos = now;
        SqlConnection connection = leaderConnection;
        if (connection != null) {
            connection.preparedQuery(PURGE).execute(Tuple.of((double) settings.keepPublished().toSeconds()))
                .await().atMost(Duration.ofSeconds(30));
        }
    }

    private static ProducerRecord<String, byte[]> toRecord(Row row) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.getString("topic"), row.getString("record_key"),
            row.getString("payload").getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", row.getUUID("event_id").toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", row.getString("event_type").getBytes(StandardCharsets.UTF_8));
        String traceparent = row.getString("traceparent");
        if (traceparent != null) {
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Waits {@code millis}, or less when the relay is closed or, if {@code wakeable}, when {@link #wakeUp()} was called. */
    private void pause(long millis, boolean wakeable) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left = until - System.nanoTime();
        while (running && left > 0 && !(wakeable && wakeRequested.get())) {
            LockSupport.parkNanos(left);
            left = until - System.nanoTime();
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SqlConnection connection = leaderConnection;
        leaderConnection = null;
        if (connection != null) {
            try {
                // a pooled connection outlives close(): release the session-level lock explicitly
                connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(settings.lockId()))
                    .await().atMost(Duration.ofSeconds(5));
                connection.closeAndAwait();
            } catch (RuntimeException ignored) {
                // the connection is already gone; the advisory lock went with it
            }
        }
        Producer<String, byte[]> p = producer;
        producer = null;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
