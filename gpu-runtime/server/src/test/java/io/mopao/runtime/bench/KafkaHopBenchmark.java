package io.mopao.runtime.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.worker.WorkerPool;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * One Kafka hop on this machine, without the engine: a record produced with the worker's producer settings
 * ({@link WorkerPool#producerConfig}: acks=all, idempotent, linger.ms=0) until a consumer's poll returns it, one record
 * every 5 ms, first on idle cores, then with {@code n} threads spinning in this JVM (as many as the engine's compute
 * threads; they never sleep, like the engine during a round). Separates what the broker path costs from what sharing the
 * cores with inference costs. Run with {@code -Dmopao.bench=true} ({@code gpu-runtime/scripts/bench-kafka.sh --hop});
 * results in {@code target/kafka-hop.txt}.
 */
class KafkaHopBenchmark {
    static final int RECORDS = Integer.getInteger("mopao.bench.hop-records", 400);
    static final int SPINNERS = Integer.getInteger("mopao.bench.engine-threads", 2);
    static volatile long sink;

    @Test
    void oneHopIdleAndWithBusyCores() throws Exception {
        assumeTrue(Boolean.getBoolean("mopao.bench"), "benchmark: run with -Dmopao.bench=true");
        try (KafkaTestTopics topics = new KafkaTestTopics(1)) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestTopics.BOOTSTRAP);
            c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
            c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(WorkerPool.producerConfig(KafkaTestTopics.BOOTSTRAP, "hop-bench"));
                 KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
                TopicPartition tp = new TopicPartition(topics.requests, 0);
                consumer.assign(List.of(tp));
                consumer.seekToEnd(List.of(tp));
                consumer.position(tp);
                Thread reader = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            var records = consumer.poll(Duration.ofMillis(100));
                            long now = System.nanoTime();
                            for (ConsumerRecord<String, byte[]> r : records) {
                                latencies.add((now - ByteBuffer.wrap(r.value()).getLong()) / 1e6);
                            }
                        }
                    } catch (WakeupException e) {
                        // done
                    }
                }, "hop-reader");
                reader.start();
                StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                    "one Kafka hop (produce, acks=all, linger.ms=0 -> poll returns), %d records every 5 ms, %d CPUs%n", RECORDS,
                    Runtime.getRuntime().availableProcessors()));
                for (int spinners : new int[] {0, SPINNERS}) {
                    List<Thread> load = new ArrayList<>();
                    for (int i = 0; i < spinners; i++) {
                        Thread t = new Thread(() -> {
                            long x = 1;
                            while (!Thread.currentThread().isInterrupted()) {
                                for (int k = 0; k < 100_000; k++) {
                                    x = x * 6364136223846793005L + 1442695040888963407L;
                                }
                                sink = x;
                            }
                        }, "hop-spinner-" + i);
                        t.setDaemon(true);
                        t.start();
                        load.add(t);
                    }
                    latencies.clear();
                    for (int i = 0; i < RECORDS + 50; i++) {
                        producer.send(new ProducerRecord<>(tp.topic(), "k",
                            ByteBuffer.allocate(8).putLong(System.nanoTime()).array()));
                        Thread.sleep(5);
                    }
                    Thread.sleep(500);
                    load.forEach(Thread::interrupt);
                    List<Double> kept;
                    synchronized (latencies) {
                        kept = new ArrayList<>(latencies.subList(Math.min(50, latencies.size()), latencies.size()));
                    }
                    report.append(String.format(Locale.ROOT, "%d spinning threads: p50 %.2f  p90 %.2f  p99 %.2f ms  (n=%d)%n", spinners,
                        KafkaOverheadBenchmark.p(kept, 50), KafkaOverheadBenchmark.p(kept, 90), KafkaOverheadBenchmark.p(kept, 99),
                        kept.size()));
                }
                consumer.wakeup();
                reader.join(5_000);
                System.out.println(report);
                Files.writeString(Path.of("target/kafka-hop.txt"), report.toString());
            }
        }
    }
}
