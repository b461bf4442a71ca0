package io.mopao.runtime.testing;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A private set of dialogue topics on the real local broker (requests, events, control, dead letters) with a unique
 * suffix, so that tests never see other services' turns; a producer for requests and control records; and a collector
 * that reads the events and dead-letter topics from the start. Deletes the topics on close.
 */
public final class KafkaTestTopics implements AutoCloseable {
    public static final String BOOTSTRAP = System.getenv().getOrDefault("MOPAO_KAFKA_BOOTSTRAP", "127.0.0.1:9092");

    public final String requests;
    public final String events;
    public final String control;
    public final String deadLetters;
    public final String group;
    /** Events read from {@link #events}, in arrival order. */
    public final List<EventEnvelope<MopaoEvent>> received = new CopyOnWriteArrayList<>();
    /** Records read from {@link #events}, as they came (headers included), in arrival order. */
    public final List<ConsumerRecord<String, byte[]>> rawEvents = new CopyOnWriteArrayList<>();
    /** Records read from {@link #deadLetters}. */
    public final List<ConsumerRecord<String, byte[]>> deadLettered = new CopyOnWriteArrayList<>();

    private final Admin admin;
    private final boolean owned;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> collector;
    private final Thread thread;
    private volatile boolean closing;

    /** @param requestPartitions partitions of the requests and events topics, created now with a random suffix */
    public KafkaTestTopics(int requestPartitions) {
        this(UUID.randomUUID().toString().substring(0, 8), requestPartitions, true);
    }

    /**
     * @param suffix            what makes the names unique
     * @param requestPartitions partitions of the requests and events topics
     * @return topics created now, deleted on close
     */
    public static KafkaTestTopics create(String suffix, int requestPartitions) {
        return new KafkaTestTopics(suffix, requestPartitions, true);
    }

    /**
     * @param suffix the suffix another {@link #create} used (e.g. a Quarkus test resource, before the application started)
     * @return a producer and collector on those topics, which close leaves in place
     */
    public static KafkaTestTopics attach(String suffix) {
        return new KafkaTestTopics(suffix, 0, false);
    }

    /**
     * Waits until the broker's metadata lists the new topics: a worker asks for the control topic's partitions at start
     * and refuses to start on an empty answer, which a broker can give for a moment after the creation returned.
     */
    private void awaitMetadata(List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                    || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private KafkaTestTopics(String suffix, int requestPartitions, boolean owned) {
        this.owned = owned;
        requests = "test.gpu-runtime." + suffix + ".requests";
        events = "test.gpu-runtime." + suffix + ".events";
        control = "test.gpu-runtime." + suffix + ".control";
        deadLetters = requests + ".dlq";
        group = "test-gpu-runtime-" + suffix;
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        admin = Admin.create(a);
        try {
            if (!owned) {
                admin.describeTopics(List.of(requests, events, control, deadLetters)).allTopicNames().get(60, TimeUnit.SECONDS);
            } else {
                admin.createTopics(List.of(new NewTopic(requests, requestPartitions, (short) 1), new NewTopic(events, requestPartitions,
                    (short) 1), new NewTopic(control, 1, (short) 1), new NewTopic(deadLetters, 1, (short) 1))).all()
                    .get(60, TimeUnit.SECONDS);
                awaitMetadata(List.of(requests, events, control, deadLetters));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test topics on " + BOOTSTRAP + " (is `./mopao infra up` running?)", e);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        collector = new KafkaConsumer<>(c);
        thread = new Thread(this::collect, "test-events-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void collect() {
        try {
            List<TopicPartition> parts = new java.util.ArrayList<>();
            for (String t : List.of(events, deadLetters)) {
                collector.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            collector.assign(parts);
            collector.seekToBeginning(parts);
            while (!closing) {
                for (ConsumerRecord<String, byte[]> r : collector.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(deadLetters)) {
                        deadLettered.add(r);
                    } else {
                        rawEvents.add(r);
                        received.add(EventSerde.get().parse(r.value()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            collector.close(Duration.ZERO);
        }
    }

    /**
     * @param event a request or control event
     * @param topic where to send it
     * @return where it landed
     */
    public RecordMetadata send(String topic, MopaoEvent event) {
        return sendRaw(topic, event.key(), EventSerde.get().toBytes(EventEnvelope.of("/mopao/test", event,
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
    }

    /**
     * Sends with W3C trace context only in the Kafka {@code traceparent} header (the envelope has none).
     *
     * @param topic       where
     * @param event       the event
     * @param traceparent the header's value
     * @return where it landed
     */
    public RecordMetadata sendWithTraceHeader(String topic, MopaoEvent event, String traceparent) {
        ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, event.key(), EventSerde.get().toBytes(EventEnvelope.of(
            "/mopao/test", event, null)));
        rec.headers().add("traceparent", traceparent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            return producer.send(rec).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /**
     * Sends without waiting for the acknowledgement.
     *
     * @param topic where
     * @param event the event
     */
    public void sendAsync(String topic, MopaoEvent event) {
        producer.send(new ProducerRecord<>(topic, event.key(), EventSerde.get().toBytes(EventEnvelope.of("/mopao/test", event, null))));
    }

    /**
     * @param topic where
     * @param key   key
     * @param value raw value
     * @return where it landed
     */
    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    /**
     * @param partition a requests partition
     * @return the offset the pool's group committed for it, or -1
     */
    public long committed(int partition) {
        try {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = m.get(new TopicPartition(requests, partition));
            return o == null ? -1 : o.offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param type event class
     * @param <T>  its type
     * @return received events of that class, in order
     */
    public <T extends MopaoEvent> List<T> of(Class<T> type) {
        return received.stream().map(EventEnvelope::data).filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() {
        closing = true;
        collector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        try {
            if (!owned) {
                admin.close(Duration.ofSeconds(5));
                return;
            }
            admin.deleteTopics(List.of(requests, events, control, deadLetters)).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: test topics are uniquely named
        }
        admin.close(Duration.ofSeconds(5));
    }
}
