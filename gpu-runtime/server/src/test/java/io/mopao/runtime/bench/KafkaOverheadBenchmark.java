package io.mopao.runtime.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.chat.ChatTemplates;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.GenerationListener;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.TokenEvent;
import io.mopao.events.EventSerde;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.engine.Warmup;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.Turns;
import io.mopao.runtime.worker.WorkerHooks;
import io.mopao.runtime.worker.WorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Time to first token and per-chunk latency through Kafka (GenerateTurn published → first TokenChunk consumed) against
 * calling the engine in-process (submit → first token with text), same model, same engine, same 16 concurrent sessions,
 * alternating rounds. Run with {@code -Dmopao.bench=true}; results go to {@code target/kafka-overhead.txt} and
 * gpu-runtime/BENCHMARKS.md. Skipped otherwise: it measures, it asserts nothing.
 */
class KafkaOverheadBenchmark {
    static final int SESSIONS = Integer.getInteger("mopao.bench.sessions", 16);
    static final int ROUNDS = Integer.getInteger("mopao.bench.rounds", 20);
    static final int WARMUP = Integer.getInteger("mopao.bench.warmup-rounds", 10);
    /** The worker's start-up warm-up ({@code mopao.runtime.engine.warmup-turns}, 32 by default), before any round. */
    static final int WORKER_WARMUP = Integer.getInteger("mopao.bench.worker-warmup-turns", 32);
    static final int MAX_TOKENS = 64;

    @Test
    void kafkaAddsLittleToTimeToFirstToken() throws Exception {
        assumeTrue(Boolean.getBoolean("mopao.bench"), "benchmark: run with -Dmopao.bench=true");
        Map<String, Long> chunkCreated = new ConcurrentHashMap<>();
        Map<String, Long> admittedAt = new ConcurrentHashMap<>();
        Map<String, Long> polledAt = new ConcurrentHashMap<>();
        Map<String, Long> firstTokenAt = new ConcurrentHashMap<>();
        try (KafkaTestTopics topics = new KafkaTestTopics(12); ModelRegistry models = Turns.registry()) {
            ServedModel model = models.find(Turns.MODEL).orElseThrow();
            Warmup.Report warm = Warmup.run(model, WORKER_WARMUP, 16, Duration.ofSeconds(60));
            WorkerPool worker = new WorkerPool(Turns.settings(topics, "bench"), models, Turns.metrics(), new WorkerHooks() {
                @Override
                public void chunkSent(TokenChunk chunk, long nanoTime) {
                    chunkCreated.put(chunk.attemptId() + "/" + chunk.seq(), nanoTime);
                }

                @Override
                public void polled(String turnId, String attemptId, long nanoTime) {
                    polledAt.put(turnId, nanoTime);
                }

                @Override
                public void admitted(String turnId, String attemptId, long nanoTime) {
                    admittedAt.put(turnId, nanoTime);
                }

                @Override
                public void afterFirstToken(String turnId, String attemptId) {
                    firstTokenAt.put(turnId, System.nanoTime());
                }
            });
            Receiver receiver = new Receiver(topics.events);
            try {
                worker.start();
                while (worker.assignment().size() < 12) {
                    Thread.sleep(100);
                }
                List<Double> ttftDirect = new ArrayList<>();
                List<Double> ttftKafka = new ArrayList<>();
                List<Double> chunkKafka = new ArrayList<>();
                List<Double> gapDirect = new ArrayList<>();
                List<Double> gapKafka = new ArrayList<>();
                List<Double> overheadKafka = new ArrayList<>();
                List<Double> requestHop = new ArrayList<>();
                List<Double> sentPolled = new ArrayList<>();
                List<Double> polledAdmitted = new ArrayList<>();
                List<String> turnRows = new ArrayList<>(List.of(
                    "sent_utc,round,turn,ttft_ms,sent_polled_ms,polled_admitted_ms,admitted_first_token_ms,first_token_chunk_ms"));
                List<Double> coldDirect = new ArrayList<>();
                List<Double> coldKafka = new ArrayList<>();
                for (int round = -WARMUP; round < ROUNDS; round++) { // warm-up rounds are dropped
                    boolean keep = round >= 0;
                    List<Double> td = new ArrayList<>();
                    List<Double> gd = new ArrayList<>();
                    direct(model, round, td, gd);
                    List<Double> tk = new ArrayList<>();
                    List<Double> ck = new ArrayList<>();
                    List<Double> gk = new ArrayList<>();
                    List<Double> ok = new ArrayList<>();
                    List<Double> rk = new ArrayList<>();
                    List<Double> sp = new ArrayList<>();
                    List<Double> pa = new ArrayList<>();
                    List<String> tr = new ArrayList<>();
                    kafka(topics, receiver, new Marks(chunkCreated, polledAt, admittedAt, firstTokenAt), round,
                        new Samples(tk, ck, gk, ok, rk, sp, pa, tr));
                    if (keep) {
                        ttftDirect.addAll(td);
                        gapDirect.addAll(gd);
                        ttftKafka.addAll(tk);
                        chunkKafka.addAll(ck);
                        gapKafka.addAll(gk);
                        overheadKafka.addAll(ok);
                        requestHop.addAll(rk);
                        sentPolled.addAll(sp);
                        polledAdmitted.addAll(pa);
                        turnRows.addAll(tr);
                    } else {
                        coldDirect.addAll(td);
                        coldKafka.addAll(tk);
                        turnRows.addAll(tr);
                    }
                }
                String report = String.format(Locale.ROOT, """
                    stories260K, %d concurrent sessions, %d rounds after %d warm-up rounds, max_tokens %d, greedy, %d CPUs
                    worker start-up warm-up: %d turns, %d tokens in %d ms
                    time to first token, in-process (ms): p50 %.2f  p99 %.2f  (n=%d)
                    time to first token, via Kafka  (ms): p50 %.2f  p99 %.2f  (n=%d)
                    Kafka adds to TTFT              (ms): p50 %.2f  p99 %.2f  (difference of the two distributions)
                    Kafka+worker per turn           (ms): p50 %.2f  p99 %.2f  (n=%d; TTFT via Kafka - the same turn's engine TTFT)
                    of which request sent->admitted (ms): p50 %.2f  p99 %.2f  (producer, broker, poll, parse, template, tokenize)
                      request sent->polled         (ms): p50 %.2f  p99 %.2f  (producer, broker, the worker's fetch)
                      polled->admitted             (ms): p50 %.2f  p99 %.2f  (the worker's admission queue within a poll)
                    chunk publish->consume latency  (ms): p50 %.2f  p99 %.2f  (n=%d)
                    inter-chunk gap in-process      (ms): p50 %.2f  p99 %.2f
                    inter-chunk gap via Kafka       (ms): p50 %.2f  p99 %.2f
                    warm-up rounds (not counted above, JIT still compiling):
                    time to first token, in-process (ms): p50 %.2f  p99 %.2f  (n=%d)
                    time to first token, via Kafka  (ms): p50 %.2f  p99 %.2f  (n=%d)
                    """, SESSIONS, ROUNDS, WARMUP, MAX_TOKENS, Runtime.getRuntime().availableProcessors(),
                    warm.turns(), warm.tokens(), warm.took().toMillis(),
                    p(ttftDirect, 50), p(ttftDirect, 99), ttftDirect.size(), p(ttftKafka, 50), p(ttftKafka, 99), ttftKafka.size(),
                    p(ttftKafka, 50) - p(ttftDirect, 50), p(ttftKafka, 99) - p(ttftDirect, 99),
                    p(overheadKafka, 50), p(overheadKafka, 99), overheadKafka.size(), p(requestHop, 50), p(requestHop, 99),
                    p(sentPolled, 50), p(sentPolled, 99), p(polledAdmitted, 50), p(polledAdmitted, 99),
                    p(chunkKafka, 50), p(chunkKafka, 99), chunkKafka.size(), p(gapDirect, 50), p(gapDirect, 99), p(gapKafka, 50),
                    p(gapKafka, 99), p(coldDirect, 50), p(coldDirect, 99), coldDirect.size(), p(coldKafka, 50), p(coldKafka, 99),
                    coldKafka.size());
                System.out.println(report);
                Files.writeString(Path.of("target/kafka-overhead.txt"), report);
                // one row per Kafka turn, wall-clock stamped, to line the slow ones up with GC logs of this JVM and the broker
                Files.write(Path.of("target/kafka-overhead-turns.csv"), turnRows);
            } finally {
                receiver.close();
                worker.close();
            }
        }
    }

    private static String user(int round, int session) {
        return "Tell me what Max did on day " + round + " with friend " + session + ".";
    }

    /** In-process: submit the 16 requests at once; first token with text; gaps between 16-token chunks as the worker cuts them. */
    private static void direct(ServedModel model, int round, List<Double> ttft, List<Double> gaps) throws Exception {
        CountDownLatch done = new CountDownLatch(SESSIONS);
        List<Double> t = Collections.synchronizedList(ttft);
        List<Double> g = Collections.synchronizedList(gaps);
        for (int s = 0; s < SESSIONS; s++) {
            var prompt = ChatTemplates.rolePlay().render(List.of(ChatMessage.system(Turns.SYSTEM), ChatMessage.user(user(round, s))), true);
            long start = System.nanoTime();
            GenerationRequest req = GenerationRequest.ofChat("d" + round + "-" + s, prompt, model.tokenizer(),
                SamplingParams.greedy().withMaxTokens(MAX_TOKENS));
            model.engine().submit(req, new GenerationListener() {
                long first = -1;
                long lastCut = -1;
                int tokens;

                @Override
                public void onToken(TokenEvent e) {
                    long now = System.nanoTime();
                    tokens++;
                    if (first < 0 && e.text() != null && !e.text().isEmpty()) {
                        first = now;
                        lastCut = now;
                        tokens = 0;
                        t.add((now - start) / 1e6);
                    } else if (first >= 0 && tokens >= 16) {
                        g.add((now - lastCut) / 1e6);
                        lastCut = now;
                        tokens = 0;
                    }
                }

                @Override
                public void onComplete(Completion c) {
                    done.countDown();
                }
            });
        }
        done.await(300, TimeUnit.SECONDS);
    }

    /** When the worker cut each chunk, admitted each turn into the engine, and got each turn's first token. */
    private record Marks(Map<String, Long> chunkCreated, Map<String, Long> polled, Map<String, Long> admitted,
                         Map<String, Long> firstToken) {
    }

    /** What one Kafka round measured. */
    private record Samples(List<Double> ttft, List<Double> chunkLatency, List<Double> gaps, List<Double> overhead,
                           List<Double> requestHop, List<Double> sentPolled, List<Double> polledAdmitted, List<String> turnRows) {
    }

    /** {@link System#nanoTime()} as wall-clock time, for lining samples up with log files. */
    private static final long EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L - System.nanoTime();


    /**
     * Through Kafka: 16 GenerateTurns at once; TTFT = sent → chunk 0 consumed; per turn, what Kafka and the worker add =
     * that TTFT minus the same turn's time in the engine before its first token (admitted → first token), which removes
     * the engine's queueing behind the other sessions' prefills (the part that depends on the arrival pattern).
     */
    private static void kafka(KafkaTestTopics topics, Receiver receiver, Marks marks, int round, Samples out) throws Exception {
        Map<String, Long> created = marks.chunkCreated();
        List<Double> ttft = out.ttft();
        List<Double> chunkLatency = out.chunkLatency();
        List<Double> gaps = out.gaps();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<String> turnIds = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            GenerateTurn turn = new GenerateTurn(UUID.randomUUID().toString(), "bench-" + round + "-" + s, "u", Turns.MODEL,
                List.of(new PromptSegment("system", "system", null, Turns.SYSTEM, 100, false),
                    new PromptSegment("history", "user", null, user(round, s), 10, true)), null, null,
                SamplingSettings.greedy(MAX_TOKENS), 0, null, Instant.now());
            turnIds.add(turn.turnId());
            sent.put(turn.turnId(), System.nanoTime());
            topics.sendAsync(topics.requests, turn);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!receiver.completed.keySet().containsAll(turnIds) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        for (String id : turnIds) {
            List<Received> chunks = receiver.chunks.getOrDefault(id, List.of());
            long prev = -1;
            for (Received r : chunks) {
                TokenChunk c = (TokenChunk) r.event;
                if (c.seq() == 0) {
                    ttft.add((r.at - sent.get(id)) / 1e6);
                    Long admitted = marks.admitted().get(id);
                    Long first = marks.firstToken().get(id);
                    if (admitted != null && first != null) {
                        out.overhead().add(((r.at - sent.get(id)) - (first - admitted)) / 1e6);
                        out.requestHop().add((admitted - sent.get(id)) / 1e6);
                        Long polled = marks.polled().get(id);
                        if (polled != null) {
                            out.sentPolled().add((polled - sent.get(id)) / 1e6);
                            out.polledAdmitted().add((admitted - polled) / 1e6);
                            Long cut = created.get(c.attemptId() + "/0");
                            out.turnRows().add(String.format(Locale.ROOT, "%s,%d,%s,%.3f,%.3f,%.3f,%.3f,%.3f",
                                Instant.ofEpochSecond(0, EPOCH_NANOS + sent.get(id)), round, id, (r.at - sent.get(id)) / 1e6,
                                (polled - sent.get(id)) / 1e6, (admitted - polled) / 1e6, (first - admitted) / 1e6,
                                cut == null ? Double.NaN : (r.at - cut) / 1e6));
                        }
                    }
                }
                Long made = created.get(c.attemptId() + "/" + c.seq());
                if (made != null) {
                    chunkLatency.add((r.at - made) / 1e6);
                }
                if (prev >= 0 && c.seq() > 1) {
                    gaps.add((r.at - prev) / 1e6);
                }
                prev = r.at;
            }
        }
    }

    static double p(List<Double> xs, int pct) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(pct / 100.0 * s.size()) - 1));
    }

    private record Received(Object event, long at) {
    }

    /** Reads the events topic on its own thread and timestamps each record when the poll that returned it did. */
    private static final class Receiver implements AutoCloseable {
        final Map<String, List<Received>> chunks = new ConcurrentHashMap<>();
        final Map<String, Long> completed = new ConcurrentHashMap<>();
        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private volatile boolean closing;

        Receiver(String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestTopics.BOOTSTRAP);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            thread = new Thread(this::run, "bench-receiver");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!closing) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    // every record of a batch reached this consumer when the poll returned: stamping each after parsing
                    // the ones before it would count this reader's own JSON work as transport latency
                    long at = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        Object e = EventSerde.get().parse(r.value()).data();
                        if (e instanceof TokenChunk c) {
                            chunks.computeIfAbsent(c.turnId(), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(new Received(c, at));
                        } else if (e instanceof TurnCompleted c) {
                            completed.put(c.turnId(), at);
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close(Duration.ZERO);
            }
        }

        @Override
        public void close() {
            closing = true;
            consumer.wakeup();
        }
    }
}
