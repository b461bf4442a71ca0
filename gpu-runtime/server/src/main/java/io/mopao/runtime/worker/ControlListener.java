package io.mopao.runtime.worker;

import io.mopao.events.EventSerde;
import io.mopao.events.MalformedEventException;
import io.mopao.events.dialogue.TurnCancelled;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every partition of the control topic from the latest offset, without a consumer group (each worker must see
 * every cancellation, and a cancellation is only useful while its turn may still run), on its own thread.
 */
final class ControlListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlListener.class);

    private final String topic;
    private final Consumer<TurnCancelled> onCancel;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile RuntimeException startFailure;

    ControlListener(String bootstrap, String topic, String clientId, Consumer<TurnCancelled> onCancel) {
        this.topic = topic;
        this.onCancel = onCancel;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-control");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // a missing control topic is a deployment error to report, not something to create with broker defaults
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.thread = new Thread(this::run, clientId + "-control");
        this.thread.setDaemon(true);
    }

    /** Starts reading and waits until every partition is positioned at its end (later cancellations are seen). */
    void start(Duration timeout) {
        thread.start();
        try {
            if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the control topic " + topic + " could not be read within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the control listener", e);
        }
        if (startFailure != null) {
            throw startFailure;
        }
    }

    private void run() {
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            if (parts.isEmpty()) {
                // a worker that cannot see cancellations would run stopped turns to the end: refuse to start
                startFailure = new IllegalStateException("the control topic " + topic + " does not exist on the broker;"
                    + " create the catalogue topics first (./mopao infra topics, or the KafkaTopic manifests in k8s/)");
                ready.countDown();
                return;
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            ready.countDown();
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        if (EventSerde.get().parse(r.value()).data() instanceof TurnCancelled c) {
                            onCancel.accept(c);
                        }
                    } catch (MalformedEventException e) {
                        LOG.warnf("skipping an unreadable control record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                LOG.error("control listener woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("control listener failed: cancellations are no longer seen by this worker", e);
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    /** @return whether the listener thread runs */
    boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
