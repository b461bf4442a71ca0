package io.mopao.story.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jboss.logging.Logger;

/** The streams (WebSocket connections, SSE subscribers) this replica holds, by session. */
@ApplicationScoped
public class StreamRegistry {

    /** Something frames can be written to. */
    public interface Sink {
        Uni<Void> send(String json);
    }

    private static final Logger LOG = Logger.getLogger(StreamRegistry.class);

    private final Map<UUID, Set<Sink>> sinks = new ConcurrentHashMap<>();
    private final ObjectMapper mapper;

    public StreamRegistry(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void add(UUID sessionId, Sink sink) {
        sinks.computeIfAbsent(sessionId, id -> new CopyOnWriteArraySet<>()).add(sink);
    }

    public void remove(UUID sessionId, Sink sink) {
        sinks.computeIfPresent(sessionId, (id, set) -> {
            set.remove(sink);
            return set.isEmpty() ? null : set;
        });
    }

    /** Whether this replica holds a stream of the session. */
    public boolean holds(UUID sessionId) {
        return sinks.containsKey(sessionId);
    }

    public String json(Frames.Frame frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write frame " + frame.type(), e);
        }
    }

    /** Sends a frame to every stream of the session on this replica; completes when all writes completed. */
    public Uni<Void> broadcast(UUID sessionId, Frames.Frame frame) {
        Set<Sink> targets = sinks.get(sessionId);
        if (targets == null || targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return broadcastJson(sessionId, json(frame));
    }

    /** Sends a frame already written as JSON to every stream of the session on this replica. */
    public Uni<Void> broadcastJson(UUID sessionId, String json) {
        Set<Sink> targets = sinks.get(sessionId);
        if (targets == null || targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>();
        for (Sink sink : targets) {
            sends.add(sink.send(json).onFailure().invoke(e -> LOG.debugf("dropping a closed stream of session %s: %s", sessionId,
                e.getMessage())).onFailure().recoverWithNull());
        }
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }
}
