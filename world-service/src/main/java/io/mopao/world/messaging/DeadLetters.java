package io.mopao.world.messaging;

import io.mopao.events.Topic;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Writes a rejected record to its topic's dead-letter topic ({@code <topic>.dlq}) through an idempotent producer, with
 * the original key, value and headers plus the reason, source topic, partition and offset. The consumer acknowledges
 * the original only after the dead letter was acknowledged by the broker, so a record is never lost; the consumer group
 * is named in a header, as every group that reads a poison record rejects it.
 */
@Startup
@Singleton
public class DeadLetters {

    /** Header with the original partition. */
    public static final String PARTITION_HEADER = "mopao-dead-letter-partition";
    /** Header with the original offset. */
    public static final String OFFSET_HEADER = "mopao-dead-letter-offset";
    /** Header naming the consumer group that rejected the record (each group that reads a poison record rejects it). */
    public static final String CONSUMER_HEADER = "mopao-dead-letter-consumer";

    private final Producer<String, byte[]> producer;
    private final String group;

    public DeadLetters(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
        @ConfigProperty(name = "mp.messaging.incoming.story-events.group.id") String group) {
        this.group = group;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "world-service-dead-letters");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(config);
    }

    /** Sends the dead letter; completes when the broker acknowledged it. */
    public Uni<Void> send(Topic source, Message<byte[]> message, String reason) {
        Topic target = source.deadLetterTopic().orElseThrow(() -> new IllegalArgumentException(source + " has no dead-letter topic"));
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Object key = meta == null ? null : meta.getKey();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(target.topicName(), key == null ? null : key.toString(),
            message.getPayload());
        if (meta != null) {
            for (Header header : meta.getHeaders()) {
                record.headers().add(header);
            }
            record.headers().add(PARTITION_HEADER, utf8(Integer.toString(meta.getPartition())));
            record.headers().add(OFFSET_HEADER, utf8(Long.toString(meta.getOffset())));
        }
        record.headers().add(Topic.DEAD_LETTER_REASON_HEADER, utf8(reason));
        record.headers().add(Topic.DEAD_LETTER_TOPIC_HEADER, utf8(source.topicName()));
        record.headers().add(CONSUMER_HEADER, utf8(group));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                sent.completeExceptionally(error);
            } else {
                sent.complete(null);
            }
        });
        return Uni.createFrom().completionStage(sent);
    }

    void close(@Observes ShutdownEvent event) {
        producer.close(java.time.Duration.ofSeconds(5));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
