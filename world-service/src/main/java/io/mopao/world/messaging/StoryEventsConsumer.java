package io.mopao.world.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MalformedEventException;
import io.mopao.events.MopaoEvent;
import io.mopao.events.Topic;
import io.mopao.events.story.TranscriptShared;
import io.mopao.world.service.FeedService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code mopao.story.events}: each TranscriptShared becomes one post (idempotent on the event id and the share
 * id); other story events are acknowledged and ignored. A record that is not a valid event goes to
 * {@code mopao.story.events.dlq} with the reason in the {@link Topic#DEAD_LETTER_REASON_HEADER} header, and the
 * partition moves on.
 */
@ApplicationScoped
public class StoryEventsConsumer {

    /** Channel name (also in application.properties). */
    public static final String CHANNEL = "story-events";

    private static final Logger LOG = Logger.getLogger(StoryEventsConsumer.class);

    private final FeedService feed;
    private final Counter deadLetters;
    private final DeadLetters deadLetterTopic;

    public StoryEventsConsumer(FeedService feed, DeadLetters deadLetterTopic, MeterRegistry metrics) {
        this.feed = feed;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetters = Counter.builder("mopao.story.events.dead.letters").description("records sent to mopao.story.events.dlq")
            .register(metrics);
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(Message<byte[]> message) {
        EventEnvelope<MopaoEvent> envelope;
        try {
            envelope = EventSerde.get().parse(message.getPayload());
            if (envelope.data() instanceof TranscriptShared shared) {
                feed.check(shared);
            }
        } catch (MalformedEventException e) {
            return deadLetter(message, e.getMessage(), e);
        }
        if (!(envelope.data() instanceof TranscriptShared shared)) {
            return Uni.createFrom().completionStage(message.ack());
        }
        String eventId = envelope.id();
        return feed.publishShared(eventId, shared)
            .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(5)
            .onItemOrFailure().transformToUni((created, failure) -> {
                if (failure != null) {
                    return deadLetter(message, "processing failed after retries: " + failure, failure);
                }
                if (!created) {
                    LOG.debugf("TranscriptShared %s (share %s) already processed", eventId, shared.shareId());
                }
                return Uni.createFrom().completionStage(message.ack());
            });
    }

    private Uni<Void> deadLetter(Message<byte[]> message, String reason, Throwable cause) {
        deadLetters.increment();
        String where = message.getMetadata(IncomingKafkaRecordMetadata.class)
            .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("?");
        LOG.warnf("rejecting record %s to %s: %s", where, Topic.STORY_EVENTS_DLQ.topicName(), reason);
        return deadLetterTopic.send(Topic.STORY_EVENTS, message, reason)
            .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).atMost(5)
            .chain(() -> Uni.createFrom().completionStage(message.ack()))
            // the dead-letter topic is unreachable: leave it to the connector's failure strategy (also dead-letter-queue)
            .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(message.nack(cause)));
    }
}
