package io.mopao.story.messaging;

import io.mopao.events.EventSerde;
import io.mopao.events.MalformedEventException;
import io.mopao.events.MopaoEvent;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.story.repository.TurnRow;
import io.mopao.story.service.Frames;
import io.mopao.story.service.StreamRegistry;
import io.mopao.story.service.TurnService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads the runtime's TokenChunk and TurnCompleted events (keyed by session id, so one session's events arrive in
 * order) on two channels:
 * <ul>
 *   <li>{@value #RELAY}: every replica has its own consumer group and relays events of the sessions whose streams it
 *   holds. Attempts: the first attempt seen is current; a chunk of a new attempt supersedes it (the client gets a
 *   {@code restart} frame), and late events of a superseded attempt are dropped. On a completion the replica persists
 *   it (idempotent) and sends {@code done}.</li>
 *   <li>{@value #PERSIST}: one group shared by all replicas persists every completion, so replies are stored even when
 *   no stream is open; it records new attempts in the turn row.</li>
 * </ul>
 * The reply is stored exactly once: {@link TurnService#complete} finishes a turn under its row lock, only while it runs.
 * Both channels run on the connector's Vert.x context; the service opens a Hibernate Reactive session per call.
 */
@ApplicationScoped
public class DialogueEventsConsumer {

    public static final String RELAY = "dialogue-relay";
    public static final String PERSIST = "dialogue-persist";

    private static final Logger LOG = Logger.getLogger(DialogueEventsConsumer.class);
    private static final int TRACKED_TURNS = 10_000;

    private final TurnService turns;
    private final StreamRegistry streams;
    /** Relay state of each turn this replica streams. */
    private final Map<UUID, RelayState> relayed = Collections.synchronizedMap(lru());
    /** Kinds of turns (summary turns are not streamed); absent = not a turn of ours. */
    private final Map<UUID, String> kinds = Collections.synchronizedMap(lru());
    /** Latest attempt the persisting consumer recorded per turn. */
    private final Map<UUID, String> recordedAttempts = Collections.synchronizedMap(lru());

    public DialogueEventsConsumer(TurnService turns, StreamRegistry streams) {
        this.turns = turns;
        this.streams = streams;
    }

    /** Which attempt of a turn is current, and the last chunk relayed of it. */
    static final class RelayState {
        String attemptId;
        int lastSeq = -1;
        boolean finished;
        final Set<String> superseded = new HashSet<>();
    }

    @Incoming(RELAY)
    public Uni<Void> relay(ConsumerRecord<String, byte[]> record) {
        Optional<MopaoEvent> event = parse(record);
        if (event.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return switch (event.get()) {
            case TokenChunk chunk -> relayChunk(chunk);
            case TurnCompleted completed -> relayCompletion(completed);
            default -> Uni.createFrom().voidItem();
        };
    }

    @Incoming(PERSIST)
    public Uni<Void> persist(ConsumerRecord<String, byte[]> record) {
        Optional<MopaoEvent> event = parse(record);
        if (event.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return switch (event.get()) {
            case TokenChunk chunk -> {
                UUID turnId = uuid(chunk.turnId());
                if (turnId == null || chunk.attemptId() == null || chunk.attemptId().equals(recordedAttempts.get(turnId))) {
                    yield Uni.createFrom().voidItem();
                }
                yield turns.recordAttempt(turnId, chunk.attemptId()).invoke(() -> recordedAttempts.put(turnId, chunk.attemptId()))
                    .replaceWithVoid();
            }
            case TurnCompleted completed -> turns.complete(completed).replaceWithVoid();
            default -> Uni.createFrom().voidItem();
        };
    }

    private Uni<Void> relayChunk(TokenChunk chunk) {
        UUID sessionId = uuid(chunk.sessionId());
        UUID turnId = uuid(chunk.turnId());
        if (sessionId == null || turnId == null || !streams.holds(sessionId)) {
            return Uni.createFrom().voidItem();
        }
        return kind(turnId).flatMap(kind -> {
            if (kind.isEmpty() || !TurnService.streamed(kind.get())) {
                return Uni.createFrom().voidItem();
            }
            List<Frames.Frame> frames = new ArrayList<>();
            RelayState state = relayed.computeIfAbsent(turnId, id -> new RelayState());
            synchronized (state) {
                if (state.finished || state.superseded.contains(chunk.attemptId())) {
                    return Uni.createFrom().voidItem();
                }
                if (!chunk.attemptId().equals(state.attemptId)) {
                    if (state.attemptId != null) {
                        state.superseded.add(state.attemptId);
                        frames.add(new Frames.Restart(turnId, chunk.attemptId()));
                    }
                    state.attemptId = chunk.attemptId();
                    state.lastSeq = -1;
                }
                if (chunk.seq() <= state.lastSeq) {
                    return Uni.createFrom().voidItem();
                }
                state.lastSeq = chunk.seq();
                frames.add(new Frames.Chunk(turnId, chunk.attemptId(), chunk.seq(), chunk.text()));
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Frames.Frame frame : frames) {
                chain = chain.flatMap(v -> streams.broadcast(sessionId, frame));
            }
            return chain;
        });
    }

    private Uni<Void> relayCompletion(TurnCompleted completed) {
        UUID sessionId = uuid(completed.sessionId());
        UUID turnId = uuid(completed.turnId());
        if (sessionId == null || turnId == null || !streams.holds(sessionId)) {
            return Uni.createFrom().voidItem();
        }
        RelayState state = relayed.computeIfAbsent(turnId, id -> new RelayState());
        synchronized (state) {
            if (state.finished || state.superseded.contains(completed.attemptId())) {
                return Uni.createFrom().voidItem();
            }
        }
        return turns.complete(completed)
            .flatMap(ignored -> turns.find(turnId))
            .flatMap(found -> {
                if (found.isEmpty() || "running".equals(found.get().status())
                    || !completed.attemptId().equals(found.get().attemptId())) {
                    return Uni.createFrom().voidItem();
                }
                TurnRow turn = found.get();
                synchronized (state) {
                    // late chunks or completions of this turn (a dead attempt) are dropped from now on
                    state.finished = true;
                }
                if (!TurnService.streamed(turn.kind())) {
                    return Uni.createFrom().voidItem();
                }
                return turns.replyOf(turn).flatMap(reply -> streams.broadcast(sessionId, new Frames.Done(turnId, turn.kind(),
                    turn.finishReason(), reply.map(m -> m.id()).orElse(null), turn.replyText(), turn.error())));
            });
    }

    private Uni<Optional<String>> kind(UUID turnId) {
        String known = kinds.get(turnId);
        if (known != null) {
            return Uni.createFrom().item(Optional.of(known));
        }
        return turns.find(turnId).map(turn -> {
            turn.ifPresent(t -> kinds.put(turnId, t.kind()));
            return turn.map(TurnRow::kind);
        });
    }

    private static Optional<MopaoEvent> parse(ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(EventSerde.get().parse(record.value()).data());
        } catch (MalformedEventException e) {
            LOG.warnf("skipping an unreadable dialogue event at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                e.getMessage());
            return Optional.empty();
        }
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static <V> Map<UUID, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, V> eldest) {
                return size() > TRACKED_TURNS;
            }
        };
    }
}
