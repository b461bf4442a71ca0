package io.mopao.runtime.worker;

import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.FinishReason;
import io.mopao.engine.serving.GenerationListener;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.RequestHandle;
import io.mopao.engine.serving.RequestRejectedException;
import io.mopao.engine.serving.TokenEvent;
import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MalformedEventException;
import io.mopao.events.MopaoEvent;
import io.mopao.events.Topic;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.metrics.RuntimeMetrics;
import io.mopao.runtime.prompt.SamplingMapper;
import io.mopao.runtime.prompt.TurnPrompt;
import io.mopao.runtime.prompt.UnservableRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * A runtime worker: one member of the pool's consumer group on the requests topic. Threads:
 * <ul>
 *   <li>the <b>consumer thread</b> owns the {@link KafkaConsumer}: polls GenerateTurn records, admits them into the
 *   engines' continuous batches (parse, template, tokenize and submit happen here, never on the inference thread),
 *   pauses every assigned partition while the batch or the KV pool is full (backpressure: at most one poll's worth of
 *   records is buffered), and commits per partition up to the lowest offset not yet completed, with the completed
 *   offsets above it in the commit metadata ({@link PartitionOffsets});</li>
 *   <li>each model's <b>inference thread</b> (inside the engine) calls back with tokens: they are cut into chunks
 *   (the first at once, then at most {@code chunkTokens} tokens or {@code chunkInterval} of waiting) and handed over;</li>
 *   <li>the <b>publisher thread</b> sends chunks and completions in order; a completion's acknowledgement releases its
 *   offset for the commit;</li>
 *   <li>the <b>control thread</b> ({@link ControlListener}) reads cancellations.</li>
 * </ul>
 * On a rebalance, turns of revoked partitions are abandoned (cancelled in the engine, KV freed, nothing more published)
 * after what is done has been committed; the new owner regenerates the rest under a new attempt id. A dead worker
 * commits nothing more, so its unfinished turns are regenerated the same way.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    /** The {@code source} of the events this runtime publishes. */
    public static final String SOURCE = "/mopao/gpu-runtime";
    /** Header carrying W3C trace context. */
    public static final String TRACEPARENT = "traceparent";
    /** Header with the partition and offset of a dead-lettered record. */
    public static final String DEAD_LETTER_ORIGIN_HEADER = "mopao-dead-letter-origin";
    private static final String PATH = "kafka";
    private static final int REMEMBERED = 10_000;
    private static final long CANCEL_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final java.util.regex.Pattern TRACEPARENT_FORMAT =
        java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private final WorkerSettings settings;
    private final ModelRegistry models;
    private final RuntimeMetrics metrics;
    private final WorkerHooks hooks;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledThreadPoolExecutor publisher;
    private final ControlListener control;
    private final Thread consumerThread;
    private final long chunkNanos;

    // shared between threads
    private final ConcurrentHashMap<String, TurnRun> running = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> cancelled = java.util.Collections.synchronizedMap(lru());
    private final AtomicInteger awaitingAck = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile int pendingCount;
    private volatile Set<TopicPartition> pausedView = Set.of();
    private volatile boolean stopping;
    private volatile boolean killed;
    private volatile long startedAt;

    // consumer thread only
    private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();
    private final ArrayDeque<Polled> pending = new ArrayDeque<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Map<String, Boolean> seenEnvelopes = lru();

    /** A request record and when the poll that brought it returned ({@link System#nanoTime()}). */
    private record Polled(ConsumerRecord<String, byte[]> record, long at) {
    }

    /** A record whose outcome is published (or dead-lettered): its offset may be committed. */
    private record Finished(TopicPartition partition, PartitionOffsets offsets, long offset) {
    }

    /**
     * Creates a worker; {@link #start()} joins the group.
     *
     * @param settings Kafka and chunking settings
     * @param models   the served models
     * @param metrics  where to record metrics
     * @param hooks    observation points ({@link WorkerHooks#NONE} in production)
     */
    public WorkerPool(WorkerSettings settings, ModelRegistry models, RuntimeMetrics metrics, WorkerHooks hooks) {
        this.settings = settings;
        this.models = models;
        this.metrics = metrics;
        this.hooks = hooks;
        this.chunkNanos = settings.chunkInterval().toNanos();
        this.producer = new KafkaProducer<>(producerConfig(settings.bootstrap(), settings.workerId() + "-events"));
        this.publisher = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, settings.workerId() + "-publisher");
            t.setDaemon(true);
            return t;
        });
        this.publisher.setRemoveOnCancelPolicy(true);
        this.control = new ControlListener(settings.bootstrap(), settings.controlTopic(), settings.workerId(), this::cancel);
        this.consumerThread = new Thread(this::consume, settings.workerId() + "-requests");
        this.consumerThread.setDaemon(true);
        if (metrics != null) {
            metrics.gauge("mopao.runtime.worker.inflight", running::size);
            metrics.gauge("mopao.runtime.worker.pending", () -> pendingCount);
        }
    }

    /**
     * The events producer's settings (also what the hop benchmark measures).
     *
     * @param bootstrap Kafka bootstrap servers
     * @param clientId  the producer's client id
     * @return producer configuration
     */
    public static Map<String, Object> producerConfig(String bootstrap, String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // latency over throughput: send each chunk at once (Kafka 4's default linger.ms is 5), uncompressed (chunks are a
        // few hundred bytes); acks=all costs nothing extra on a single-replica topic and keeps completions durable
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** Starts reading cancellations (positioned at the end before this returns), then joins the consumer group. */
    public void start() {
        startControl();
        join();
    }

    /**
     * Checks that the topics the worker writes to exist, then starts reading cancellations and returns once positioned
     * at the end of the control topic.
     *
     * @throws IllegalStateException when the events or dead-letter topic does not exist, or the control topic does not
     *                               exist or cannot be read within 60 s (a worker that cannot publish or cannot see
     *                               cancellations refuses to run)
     */
    public void startControl() {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("events topic", settings.eventsTopic());
        outputs.put("dead-letter topic", settings.deadLetterTopic());
        WorkerTopics.requireExisting(settings.bootstrap(), outputs);
        // fetched now, the first turn's first chunk does not wait for the events topic's metadata
        producer.partitionsFor(settings.eventsTopic());
        control.start(Duration.ofSeconds(60));
    }

    /** Joins the consumer group: from now on turns are polled and admitted. Call {@link #startControl()} first. */
    public void join() {
        startedAt = System.nanoTime();
        consumerThread.start();
        LOG.infof("worker %s: consuming %s in group %s, serving %s", settings.workerId(), settings.requestsTopic(), settings.groupId(),
            models.names());
    }

    /** @return when the worker joined its group ({@link #join()}, {@link System#nanoTime()}), 0 before */
    public long startedAtNanos() {
        return startedAt;
    }

    /** @return partitions of the requests topic assigned to this worker now */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** @return turn ids admitted and not completed */
    public Set<String> runningTurns() {
        return Set.copyOf(running.keySet());
    }

    /**
     * @param turnId a turn
     * @return whether a cancellation of it reached this worker
     */
    public boolean cancellationSeen(String turnId) {
        return cancelled.containsKey(turnId);
    }

    /** @return partitions paused for backpressure (the batch or the KV pool is full) */
    public Set<TopicPartition> pausedPartitions() {
        return pausedView;
    }

    /** @return records polled but not yet admitted (at most one poll's worth) */
    public int pendingRecords() {
        return pendingCount;
    }

    /** @return whether the consumer and control threads run */
    public boolean isAlive() {
        return consumerThread.isAlive() && control.isAlive();
    }

    /** @return the settings */
    public WorkerSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- consumer thread

    private Map<String, Object> consumerProps() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.workerId() + "-requests");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxInFlight()));
        // a fetch returns as soon as one request record is there (the broker holds an empty fetch up to fetch.max.wait.ms)
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private void consume() {
        long drainUntil = Long.MAX_VALUE;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps())) {
            consumer = c;
            c.subscribe(List.of(settings.requestsTopic()), new Rebalance());
            while (!killed) {
                applyFinished();
                commit();
                if (stopping) {
                    if (drainUntil == Long.MAX_VALUE) {
                        drainUntil = System.nanoTime() + settings.drainTimeout().toNanos();
                        pending.clear();
                        pendingCount = 0;
                    }
                    if (running.isEmpty() && awaitingAck.get() == 0) {
                        break;
                    }
                    if (System.nanoTime() > drainUntil) {
                        LOG.warnf("worker %s: %d turns still running after the drain timeout; handing them back", settings.workerId(),
                            running.size());
                        running.values().forEach(this::abandon);
                        break;
                    }
                } else {
                    admit();
                }
                backpressure(c);
                ConsumerRecords<String, byte[]> records;
                try {
                    records = c.poll(Duration.ofMillis(100));
                } catch (WakeupException e) {
                    continue;
                }
                long polledAt = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    PartitionOffsets po = partitions.get(new TopicPartition(r.topic(), r.partition()));
                    if (po == null) {
                        continue;
                    }
                    if (stopping) {
                        continue;
                    }
                    if (po.start(r.offset())) {
                        pending.add(new Polled(r, polledAt));
                    } else {
                        LOG.debugf("skipping %s-%d@%d: completed by the previous owner", r.topic(), r.partition(), r.offset());
                    }
                }
                // admit what this poll brought now, not after the next poll returns (up to its timeout later)
                if (!stopping && !records.isEmpty()) {
                    admit();
                }
                pendingCount = pending.size();
            }
            if (!killed) {
                applyFinished();
                Map<TopicPartition, OffsetAndMetadata> points = commitPoints();
                if (!points.isEmpty()) {
                    c.commitSync(points);
                }
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "worker %s: the request consumer failed", settings.workerId());
        } finally {
            running.values().forEach(this::abandon);
            assignment = Set.of();
            stopped.countDown();
        }
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            if (partitions.get(f.partition()) == f.offsets()) {
                f.offsets().finish(f.offset());
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> commitPoints() {
        Map<TopicPartition, OffsetAndMetadata> points = new HashMap<>();
        partitions.forEach((tp, po) -> {
            OffsetAndMetadata point = po.commitPoint();
            if (point != null) {
                points.put(tp, point);
            }
        });
        return points;
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> points = commitPoints();
        if (points.isEmpty()) {
            return;
        }
        points.forEach((tp, point) -> partitions.get(tp).committed(point));
        consumer.commitAsync(points, (offsets, error) -> {
            if (error != null) {
                LOG.warnf("worker %s: commit of %s failed (%s); retrying", settings.workerId(), offsets, error.toString());
                offsets.keySet().forEach(tp -> {
                    PartitionOffsets po = partitions.get(tp);
                    if (po != null) {
                        po.committed(null);
                    }
                });
            }
        });
    }

    private boolean hasCapacity() {
        if (running.size() >= settings.maxInFlight()) {
            return false;
        }
        if (running.isEmpty()) {
            return true; // nothing of ours runs (the engine's stats may still show our last turns for a moment)
        }
        for (ServedModel m : models.all()) {
            var s = m.engine().stats();
            double used = s.totalBlocks() == 0 ? 0 : 1.0 - (double) s.freeBlocks() / s.totalBlocks();
            if (s.waiting() > 0 && used >= settings.kvHighWatermark()) {
                return false;
            }
        }
        return true;
    }

    private void admit() {
        while (!pending.isEmpty() && hasCapacity()) {
            admit(pending.poll());
        }
        pendingCount = pending.size();
    }

    private void backpressure(KafkaConsumer<String, byte[]> c) {
        boolean full = stopping || !pending.isEmpty() || !hasCapacity();
        Set<TopicPartition> assigned = c.assignment();
        if (full) {
            Set<TopicPartition> toPause = new HashSet<>(assigned);
            toPause.removeAll(paused);
            if (!toPause.isEmpty()) {
                c.pause(toPause);
                paused.addAll(toPause);
            }
        } else if (!paused.isEmpty()) {
            paused.retainAll(assigned);
            c.resume(paused);
            paused.clear();
        }
        pausedView = Set.copyOf(paused);
    }

    /** Parses, checks and submits one record. Runs on the consumer thread. */
    private void admit(Polled polled) {
        ConsumerRecord<String, byte[]> r = polled.record();
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        PartitionOffsets po = partitions.get(tp);
        EventEnvelope<GenerateTurn> env;
        try {
            env = EventSerde.get().parse(r.value(), GenerateTurn.class);
            GenerateTurn t = env.data();
            if (t.turnId() == null || t.turnId().isBlank()) {
                throw new MalformedEventException("GenerateTurn has no turnId");
            }
        } catch (MalformedEventException e) {
            deadLetter(r, tp, po, e.getMessage());
            return;
        }
        GenerateTurn t = env.data();
        String trace = childTraceparent(header(r, TRACEPARENT) != null ? header(r, TRACEPARENT) : env.traceparent());
        try (TurnMdc mdc = TurnMdc.open(t.turnId(), t.sessionId(), null, t.model(), trace)) {
            if (seenEnvelopes.put(env.id(), Boolean.TRUE) != null || running.containsKey(t.turnId())) {
                LOG.infof("turn %s: duplicate request (event %s) at %s@%d; ignored", t.turnId(), env.id(), tp, r.offset());
                finishedNow(tp, po, r.offset());
                return;
            }
            TurnRun run = new TurnRun(tp, po, r.offset(), t, UUID.randomUUID().toString(), trace, t.model(), env.id(), polled.at());
            mdc.attempt(run.attemptId);
            if (isCancelled(t.turnId())) {
                completeWithoutRunning(run, "cancelled", null);
                return;
            }
            if (t.deadline() != null && !t.deadline().isAfter(Instant.now())) {
                completeWithoutRunning(run, "timeout", null);
                return;
            }
            ServedModel model = models.find(t.model()).orElse(null);
            if (model == null) {
                completeWithoutRunning(run, "error", "model '" + t.model() + "' is not served by this pool (it serves "
                    + String.join(", ", models.names()) + ")");
                return;
            }
            GenerationRequest request;
            try {
                TurnPrompt.Rendered rendered = TurnPrompt.render(model, run.attemptId, t.segments(), t.speakerName(), t.continuation(),
                    SamplingMapper.toParams(t.sampling()));
                request = rendered.request().withPriority(t.priority()).withDeadline(t.deadline());
                if (rendered.droppedSegments() > 0) {
                    LOG.infof("turn %s: dropped %d prompt segments to fit the context", t.turnId(), rendered.droppedSegments());
                }
            } catch (UnservableRequestException e) {
                completeWithoutRunning(run, "error", e.getMessage());
                return;
            }
            running.put(t.turnId(), run);
            hooks.polled(t.turnId(), run.attemptId, polled.at());
            hooks.admitted(t.turnId(), run.attemptId, System.nanoTime());
            try {
                run.handle = model.engine().submit(request, listener(run));
            } catch (RequestRejectedException e) {
                running.remove(t.turnId(), run);
                completeWithoutRunning(run, "error", e.getMessage());
                return;
            }
            if (run.abandoned || isCancelled(t.turnId())) {
                run.handle.cancel();
            }
            LOG.infof("turn %s admitted from %s@%d as attempt %s (%d prompt tokens)", t.turnId(), tp, r.offset(), run.attemptId,
                request.promptTokens().length);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, TopicPartition tp, PartitionOffsets po, String reason) {
        try (TurnMdc mdc = TurnMdc.open(null, r.key(), null, null, header(r, TRACEPARENT))) {
            LOG.warnf("dead-lettering %s@%d: %s", tp, r.offset(), reason);
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            headers.add(h);
        }
        headers.add(Topic.DEAD_LETTER_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(Topic.DEAD_LETTER_TOPIC_HEADER, r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DEAD_LETTER_ORIGIN_HEADER, (r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
        awaitingAck.incrementAndGet();
        producer.send(new ProducerRecord<>(settings.deadLetterTopic(), null, r.key(), r.value(), headers), (md, error) -> {
            awaitingAck.decrementAndGet();
            if (error != null) {
                LOG.errorf("could not dead-letter %s@%d (%s): it stays uncommitted and is retried after a restart", tp, r.offset(),
                    error.toString());
                return;
            }
            if (metrics != null) {
                metrics.deadLetter();
            }
            finishedNow(tp, po, r.offset());
        });
    }

    private void finishedNow(TopicPartition tp, PartitionOffsets po, long offset) {
        finished.add(new Finished(tp, po, offset));
        wakeup();
    }

    private void wakeup() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null && Thread.currentThread() != consumerThread) {
            c.wakeup();
        }
    }

    /** Turns of partitions this worker no longer owns: stop them, free their KV, publish nothing more. */
    private void release(Collection<TopicPartition> parts) {
        for (TopicPartition tp : parts) {
            partitions.remove(tp);
            paused.remove(tp);
            pending.removeIf(p -> p.record().partition() == tp.partition() && p.record().topic().equals(tp.topic()));
            for (TurnRun run : running.values()) {
                if (run.partition.equals(tp)) {
                    try (TurnMdc mdc = TurnMdc.open(run)) {
                        LOG.infof("turn %s: partition %s revoked; attempt %s abandoned (the new owner regenerates it)", run.turn.turnId(),
                            tp, run.attemptId);
                    }
                    abandon(run);
                    seenEnvelopes.remove(run.envelopeId);
                }
            }
        }
        pendingCount = pending.size();
    }

    private void abandon(TurnRun run) {
        run.abandoned = true;
        running.remove(run.turn.turnId(), run);
        RequestHandle h = run.handle;
        if (h != null) {
            h.cancel();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            if (!killed) {
                applyFinished();
                Map<TopicPartition, OffsetAndMetadata> points = new HashMap<>();
                for (TopicPartition tp : revoked) {
                    PartitionOffsets po = partitions.get(tp);
                    OffsetAndMetadata point = po == null ? null : po.commitPoint();
                    if (point != null) {
                        points.put(tp, point);
                    }
                }
                if (!points.isEmpty()) {
                    try {
                        consumer.commitSync(points);
                    } catch (RuntimeException e) {
                        LOG.warnf("worker %s: commit on revocation failed (%s); the new owner may repeat finished turns",
                            settings.workerId(), e.toString());
                    }
                }
            }
            release(revoked);
            assignment = Set.copyOf(consumer.assignment().stream().filter(tp -> !revoked.contains(tp)).toList());
            LOG.infof("worker %s: revoked %s", settings.workerId(), revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            release(lost);
            assignment = Set.of();
            LOG.warnf("worker %s: lost %s", settings.workerId(), lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (!assigned.isEmpty()) {
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
                for (TopicPartition tp : assigned) {
                    partitions.put(tp, new PartitionOffsets(committed.get(tp)));
                }
                LOG.infof("worker %s: assigned %s", settings.workerId(), assigned);
            }
            assignment = Set.copyOf(consumer.assignment());
        }
    }

    // ---------------------------------------------------------------- cancellations (control thread)

    private void cancel(TurnCancelled c) {
        if (c.turnId() == null) {
            return;
        }
        long now = System.nanoTime();
        cancelled.put(c.turnId(), now);
        TurnRun run = running.get(c.turnId());
        if (run != null && run.handle != null) {
            run.handle.cancel(); // first: the engine stops the turn at its next step, whatever the log line costs
            try (TurnMdc mdc = TurnMdc.open(run)) {
                LOG.infof("turn %s: cancelled (%s)", c.turnId(), c.reason());
            }
        }
    }

    private boolean isCancelled(String turnId) {
        Long at = cancelled.get(turnId);
        return at != null && System.nanoTime() - at < CANCEL_MEMORY_NANOS;
    }

    // ---------------------------------------------------------------- inference thread

    private GenerationListener listener(TurnRun run) {
        return new GenerationListener() {
            @Override
            public void onToken(TokenEvent e) {
                if (run.abandoned) {
                    return;
                }
                long now = System.nanoTime();
                boolean first = run.firstTokenNanos < 0;
                if (first) {
                    run.firstTokenNanos = now;
                    if (metrics != null) {
                        metrics.timeToFirstToken(run.model, PATH, Duration.ofNanos(now - run.polledNanos));
                    }
                } else if (metrics != null) {
                    metrics.interTokenLatency(run.model, PATH, now - run.lastTokenNanos);
                }
                run.lastTokenNanos = now;
                synchronized (run) {
                    run.append(e.text(), now);
                    boolean due = run.hasText() && (run.noChunkYet() || now - run.bufferSince() >= chunkNanos);
                    if (due || run.bufferedTokens() >= settings.chunkTokens()) {
                        TokenChunk chunk = run.cut(now);
                        submit(run, () -> sendChunk(run, chunk, now));
                    } else if (!run.timerArmed && run.hasBuffered()) {
                        run.timerArmed = true;
                        schedule(run, () -> flushIfDue(run), chunkNanos);
                    }
                }
                if (first) {
                    hooks.afterFirstToken(run.turn.turnId(), run.attemptId);
                }
            }

            @Override
            public void onComplete(Completion c) {
                if (run.abandoned) {
                    return;
                }
                long now = System.nanoTime();
                synchronized (run) {
                    run.ended = true;
                    if (run.hasBuffered()) {
                        TokenChunk chunk = run.cut(now);
                        submit(run, () -> sendChunk(run, chunk, now));
                    }
                    int chunks = run.chunkCount();
                    submit(run, () -> publishCompletion(run, c, chunks));
                }
            }
        };
    }

    /** Runs a task of the turn on the publisher thread, in the turn's logging context. */
    private void submit(TurnRun run, Runnable task) {
        try {
            publisher.execute(inContext(run, task));
        } catch (RejectedExecutionException e) {
            LOG.debug("publisher stopped; dropping output of an abandoned turn");
        }
    }

    private void schedule(TurnRun run, Runnable task, long nanos) {
        try {
            publisher.schedule(inContext(run, task), nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("publisher stopped");
        }
    }

    private static Runnable inContext(TurnRun run, Runnable task) {
        return () -> {
            try (TurnMdc mdc = TurnMdc.open(run)) {
                task.run();
            }
        };
    }

    // ---------------------------------------------------------------- publisher thread

    private void flushIfDue(TurnRun run) {
        synchronized (run) {
            run.timerArmed = false;
            if (run.ended || run.abandoned || !run.hasBuffered()) {
                return;
            }
            long now = System.nanoTime();
            long waited = now - run.bufferSince();
            if (waited >= chunkNanos) {
                TokenChunk chunk = run.cut(now);
                submit(run, () -> sendChunk(run, chunk, now));
            } else {
                run.timerArmed = true;
                schedule(run, () -> flushIfDue(run), chunkNanos - waited);
            }
        }
    }

    private void sendChunk(TurnRun run, TokenChunk chunk, long created) {
        if (run.abandoned) {
            return;
        }
        producer.send(record(run, chunk), (md, error) -> {
            if (error != null) {
                try (TurnMdc mdc = TurnMdc.open(run)) {
                    LOG.warnf("turn %s: chunk %d of attempt %s not published: %s", chunk.turnId(), chunk.seq(), chunk.attemptId(),
                        error.toString());
                }
            }
        });
        hooks.chunkSent(chunk, created);
    }

    private void publishCompletion(TurnRun run, Completion c, int chunks) {
        if (run.abandoned) {
            return;
        }
        running.remove(run.turn.turnId(), run);
        String reason = finishReason(c.reason());
        long tokens = c.usage().completionTokens();
        double totalSeconds = c.timings().totalNanos() / 1e9;
        TurnCompleted.Timings timings = new TurnCompleted.Timings(TimeUnit.NANOSECONDS.toMillis(c.timings().queuedNanos()),
            c.timings().firstTokenNanos() < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(c.timings().firstTokenNanos()),
            TimeUnit.NANOSECONDS.toMillis(c.timings().totalNanos()), totalSeconds > 0 ? tokens / totalSeconds : 0);
        TurnCompleted done = new TurnCompleted(run.turn.turnId(), run.turn.sessionId(), run.attemptId, chunks, reason,
            c.text() == null ? "" : c.text(), c.reason() == FinishReason.ERROR ? c.error() : null,
            new TurnCompleted.Usage(c.usage().promptTokens(), c.usage().completionTokens(), c.usage().cachedTokens()), timings,
            settings.workerId(), run.model);
        if (metrics != null) {
            metrics.tokens(run.model, PATH, c.usage().completionTokens());
        }
        sendCompletion(run, done);
    }

    private void completeWithoutRunning(TurnRun run, String reason, String error) {
        TurnCompleted done = new TurnCompleted(run.turn.turnId(), run.turn.sessionId(), run.attemptId, 0, reason, "", error,
            new TurnCompleted.Usage(0, 0, 0), new TurnCompleted.Timings(0, -1, 0, 0), settings.workerId(), run.model);
        if ("error".equals(reason)) {
            LOG.warnf("turn %s: not served: %s", run.turn.turnId(), error);
        } else {
            LOG.infof("turn %s: completed as %s without running", run.turn.turnId(), reason);
        }
        submit(run, () -> sendCompletion(run, done));
    }

    private void sendCompletion(TurnRun run, TurnCompleted done) {
        if (run.abandoned) {
            return;
        }
        awaitingAck.incrementAndGet();
        if (metrics != null) {
            metrics.turn(run.model, PATH, done.finishReason());
        }
        producer.send(record(run, done), (md, error) -> {
            awaitingAck.decrementAndGet();
            if (error != null) {
                try (TurnMdc mdc = TurnMdc.open(run)) {
                    LOG.errorf("turn %s: completion of attempt %s not published (%s); its offset stays uncommitted", done.turnId(),
                        done.attemptId(), error.toString());
                }
                return;
            }
            finishedNow(run.partition, run.offsets, run.offset);
        });
        LOG.infof("turn %s: %s after %d chunks, %d tokens (attempt %s)", done.turnId(), done.finishReason(), done.chunkCount(),
            done.usage().completionTokens(), done.attemptId());
    }

    private ProducerRecord<String, byte[]> record(TurnRun run, MopaoEvent event) {
        EventEnvelope<MopaoEvent> env = EventEnvelope.of(SOURCE, event, run.traceparent);
        ProducerRecord<String, byte[]> rec = new ProducerRecord<>(settings.eventsTopic(), event.key(), EventSerde.get().toBytes(env));
        if (run.traceparent != null) {
            rec.headers().add(TRACEPARENT, run.traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return rec;
    }

    static String finishReason(FinishReason r) {
        return switch (r) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED -> "cancelled";
            case DEADLINE -> "timeout";
            case ERROR -> "error";
            default -> "error";
        };
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * A child of the caller's W3C trace context (same trace, new span), or a new trace when there is none.
     *
     * @param parent the incoming traceparent, or null
     * @return the traceparent of this turn's work
     */
    static String childTraceparent(String parent) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String span = HEX.toHexDigits(rnd.nextLong() | 1L);
        if (parent != null && TRACEPARENT_FORMAT.matcher(parent).matches()) {
            return "00-" + parent.substring(3, 35) + "-" + span + "-" + parent.substring(53);
        }
        return "00-" + HEX.toHexDigits(rnd.nextLong()) + HEX.toHexDigits(rnd.nextLong() | 1L) + "-" + span + "-01";
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    // ---------------------------------------------------------------- stopping

    /**
     * Graceful stop: stops taking turns, lets in-flight turns finish (up to the drain timeout; the rest are handed
     * back), commits, leaves the group, then stops publishing and reading cancellations.
     */
    @Override
    public void close() {
        stopping = true;
        wakeup();
        await();
        publisher.shutdown();
        try {
            publisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
        control.close();
        LOG.infof("worker %s stopped", settings.workerId());
    }

    /**
     * Dies as a crashed worker would, mid-turn: abandons every running turn, publishes nothing more, commits nothing
     * more, and leaves the group so that another worker takes its partitions and regenerates what was not completed.
     */
    public void kill() {
        killed = true;
        stopping = true;
        running.values().forEach(this::abandon);
        publisher.shutdownNow();
        wakeup();
        await();
        producer.close(Duration.ZERO);
        control.close();
        LOG.warnf("worker %s killed", settings.workerId());
    }

    private void await() {
        if (!consumerThread.isAlive() && stopped.getCount() > 0 && consumer == null) {
            return;
        }
        try {
            stopped.await(settings.drainTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
