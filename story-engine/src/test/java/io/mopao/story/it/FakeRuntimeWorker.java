package io.mopao.story.it;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.mopao.events.Topic;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the gpu-runtime worker over the real broker, following its contract: consumes GenerateTurn from
 * {@code mopao.dialogue.requests}, publishes TokenChunk and TurnCompleted to {@code mopao.dialogue.events} keyed by
 * session id, and honours TurnCancelled from {@code mopao.dialogue.control}. It answers only sessions a test registered,
 * so it never answers anyone else's requests on the shared broker.
 */
public final class FakeRuntimeWorker implements AutoCloseable {

    /** How the worker answers a session's turns. */
    public enum Mode {
        /** "Echo: <last player message>" in three chunks, then stop */
        ECHO,
        /** a chunk every 100 ms until cancelled (at most 200) */
        SLOW,
        /** receive and never answer */
        HOLD,
        /** attempt A sends two chunks and dies; attempt B answers fully; then A's late chunk and completion arrive */
        RESTART,
        /** never answer; the test completes the turn itself */
        MANUAL
    }

    private static final String BOOTSTRAP = System.getProperty("mopao.kafka.bootstrap", "127.0.0.1:9092");

    private final Map<String, Mode> sessions = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final List<GenerateTurn> requests = new CopyOnWriteArrayList<>();
    private final List<TurnCancelled> cancellations = new CopyOnWriteArrayList<>();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;

    public FakeRuntimeWorker() {
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(producerConfig);
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "story-engine-test-worker-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(consumerConfig);
        consumer.subscribe(List.of(Topic.DIALOGUE_REQUESTS.topicName(), Topic.DIALOGUE_CONTROL.topicName()));
        thread = Thread.ofPlatform().daemon().name("fake-runtime-worker").start(this::loop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!assigned && System.nanoTime() < deadline) {
            sleep(50);
        }
        if (!assigned) {
            throw new IllegalStateException("the fake worker got no partitions of the dialogue topics");
        }
    }

    /** Answers this session's turns in the given way. */
    public void serve(String sessionId, Mode mode) {
        sessions.put(sessionId, mode);
    }

    public List<GenerateTurn> requests(String sessionId) {
        return requests.stream().filter(r -> r.sessionId().equals(sessionId)).toList();
    }

    public List<TurnCancelled> cancellations(String sessionId) {
        return cancellations.stream().filter(c -> c.sessionId().equals(sessionId)).toList();
    }

    private void loop() {
        while (running) {
            try {
                var records = consumer.poll(Duration.ofMillis(100));
                if (!consumer.assignment().isEmpty()) {
                    if (!assigned) {
                        consumer.assignment().forEach(tp -> consumer.position(tp));
                    }
                    assigned = true;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    handle(record);
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("fake worker: " + e);
                }
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || !sessions.containsKey(record.key())) {
            return;
        }
        MopaoEvent event;
        try {
            event = EventSerde.get().parse(record.value()).data();
        } catch (RuntimeException e) {
            return;
        }
        if (event instanceof TurnCancelled cancel) {
            cancellations.add(cancel);
            cancelled.add(cancel.turnId());
            return;
        }
        if (!(event instanceof GenerateTurn turn)) {
            return;
        }
        requests.add(turn);
        Mode mode = sessions.get(turn.sessionId());
        String attempt = "attempt-" + UUID.randomUUID();
        switch (mode) {
            case ECHO -> {
                String reply = reply(turn);
                List<String> parts = split(reply, 3);
                for (int i = 0; i < parts.size(); i++) {
                    send(new TokenChunk(turn.turnId(), turn.sessionId(), attempt, i, parts.get(i), 2));
                }
                complete(turn, attempt, parts.size(), "stop", reply);
            }
            case SLOW -> slow(turn, attempt, 0, new StringBuilder());
            case RESTART -> {
                String dead = "attempt-dead-" + UUID.randomUUID();
                send(new TokenChunk(turn.turnId(), turn.sessionId(), dead, 0, "Lost ", 1));
                send(new TokenChunk(turn.turnId(), turn.sessionId(), dead, 1, "words ", 1));
                String reply = reply(turn);
                List<String> parts = split(reply, 2);
                for (int i = 0; i < parts.size(); i++) {
                    send(new TokenChunk(turn.turnId(), turn.sessionId(), attempt, i, parts.get(i), 2));
                }
                complete(turn, attempt, parts.size(), "stop", reply);
                send(new TokenChunk(turn.turnId(), turn.sessionId(), dead, 2, "zombie ", 1));
                complete(turn, dead, 3, "stop", "Lost words zombie");
            }
            default -> {
                // HOLD and MANUAL: the test decides
            }
        }
    }

    private void slow(GenerateTurn turn, String attempt, int seq, StringBuilder text) {
        if (cancelled.contains(turn.turnId()) || seq >= 200) {
            complete(turn, attempt, seq, cancelled.contains(turn.turnId()) ? "cancelled" : "length", text.toString());
            return;
        }
        String piece = "word" + seq + " ";
        text.append(piece);
        send(new TokenChunk(turn.turnId(), turn.sessionId(), attempt, seq, piece, 1));
        scheduler.schedule(() -> slow(turn, attempt, seq + 1, text), 100, TimeUnit.MILLISECONDS);
    }

    /** Publishes a completion as the runtime would. */
    public void complete(GenerateTurn turn, String attempt, int chunks, String finishReason, String text) {
        send(completion(turn, attempt, chunks, finishReason, text));
    }

    public static TurnCompleted completion(GenerateTurn turn, String attempt, int chunks, String finishReason, String text) {
        return new TurnCompleted(turn.turnId(), turn.sessionId(), attempt, chunks, finishReason, text, null,
            new TurnCompleted.Usage(100, 5, 80), new TurnCompleted.Timings(1, 5, 20, 50.0), "fake-worker", turn.model());
    }

    /**
     * The reply text: "Echo: " + the last player message, a summary for summary turns, and for judge turns (speaker
     * "Referee") "yes" when the story shows the player "found the key", else "no".
     */
    public static String reply(GenerateTurn turn) {
        if ("Referee".equals(turn.speakerName())) {
            return turn.segments().stream().anyMatch(s -> "history".equals(s.kind()) && s.content().contains("found the key")) ? "yes"
                : "no";
        }
        PromptSegment last = turn.segments().getLast();
        if ("post_history".equals(last.kind()) && "summary".equals(last.name())) {
            return "SUMMARY of " + turn.segments().stream().filter(s -> "history".equals(s.kind())).count() + " messages";
        }
        String said = "";
        for (PromptSegment segment : turn.segments()) {
            if ("history".equals(segment.kind()) && "user".equals(segment.role())) {
                said = segment.content();
            }
        }
        return "Echo: " + said;
    }

    private static List<String> split(String text, int parts) {
        int size = Math.max(1, (text.length() + parts - 1) / parts);
        List<String> pieces = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }

    /** Publishes an event like the runtime does (keyed by session id, to the event's topic). */
    public void send(MopaoEvent event) {
        EventEnvelope<MopaoEvent> envelope = EventEnvelope.of("/mopao/test-runtime-worker", event, null);
        try {
            producer.send(new ProducerRecord<>(envelope.eventType().topic().topicName(), envelope.key(),
                EventSerde.get().toBytes(envelope)))
                .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + event.getClass().getSimpleName(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // short timeouts: at JVM exit the private broker is already gone, and the default close waits 30 s for it
        consumer.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(2));
        scheduler.shutdownNow();
    }
}
