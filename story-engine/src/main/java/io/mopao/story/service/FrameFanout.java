package io.mopao.story.service;

import io.mopao.story.config.StoryConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Frames that a replica creates itself ({@code message_saved}, {@code turn_started}) rather than relays from the
 * dialogue events: they go to the streams this replica holds and, through the Redis channel {@value #CHANNEL}, to the
 * streams of every other replica. (Chunks and {@code done} reach every replica through its own relay consumer group.)
 * A message is {@code <origin replica>\n<session id>\n<frame JSON>}; a replica ignores its own.
 */
@ApplicationScoped
public class FrameFanout {

    static final String CHANNEL = "mopao:story:frames";

    private static final Logger LOG = Logger.getLogger(FrameFanout.class);

    private final StreamRegistry streams;
    private final ReactivePubSubCommands<String> pubsub;
    private final String replicaId;
    private volatile Cancellable subscription;

    public FrameFanout(StreamRegistry streams, ReactiveRedisDataSource redis, StoryConfig config) {
        this.streams = streams;
        this.pubsub = redis.pubsub(String.class);
        this.replicaId = config.replicaId();
    }

    void start(@Observes StartupEvent event) {
        subscription = pubsub.subscribe(CHANNEL)
            .onFailure().invoke(e -> LOG.warnf("frame fan-out channel failed, retrying: %s", e.getMessage()))
            .onFailure().retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)).indefinitely()
            .subscribe().with(this::deliver);
    }

    void stop(@Observes ShutdownEvent event) {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Sends a frame to the session's streams on this replica and on the others. */
    public Uni<Void> send(UUID sessionId, Frames.Frame frame) {
        String json = streams.json(frame);
        return streams.broadcastJson(sessionId, json)
            .flatMap(v -> pubsub.publish(CHANNEL, replicaId + "\n" + sessionId + "\n" + json))
            .onFailure().invoke(e -> LOG.warnf("frame %s of session %s not fanned out to other replicas: %s", frame.type(), sessionId,
                e.getMessage()))
            .onFailure().recoverWithNull();
    }

    private void deliver(String message) {
        String[] parts = message.split("\n", 3);
        if (parts.length < 3 || parts[0].equals(replicaId)) {
            return;
        }
        UUID sessionId;
        try {
            sessionId = UUID.fromString(parts[1]);
        } catch (IllegalArgumentException e) {
            return;
        }
        if (streams.holds(sessionId)) {
            streams.broadcastJson(sessionId, parts[2]).subscribe().with(v -> { }, e -> LOG.debugf("fan-out frame dropped: %s",
                e.getMessage()));
        }
    }
}
