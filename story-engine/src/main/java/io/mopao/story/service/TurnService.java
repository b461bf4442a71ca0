package io.mopao.story.service;

import io.mopao.events.EventSerde;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.events.outbox.HibernateOutbox;
import io.mopao.events.story.TurnRecorded;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxConfig;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.story.config.StoryConfig;
import io.mopao.story.messaging.TurnRequestOutbox;
import io.mopao.story.prompt.PromptRequest;
import io.mopao.story.repository.MessageRepository;
import io.mopao.story.repository.MessageRow;
import io.mopao.story.repository.SessionRepository;
import io.mopao.story.repository.SessionRow;
import io.mopao.story.repository.TurnRepository;
import io.mopao.story.repository.TurnRow;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/**
 * The dialogue turn: checks (rate limit, size, ownership, one running turn per session), the player's message, the
 * prompt and the {@link GenerateTurn} are written in one transaction (the request goes out through the outbox, so
 * neither is half-written); completions are persisted exactly once per turn id, whichever replica sees them first.
 *
 * <p>Storage goes through Hibernate Reactive: each public method opens its session or transaction with
 * {@code Panache.withSession}/{@code Panache.withTransaction} around the database part only (the rate limit in Redis
 * and the announcements after the commit stay outside), on the caller's Vert.x context (HTTP, WebSocket or the Kafka
 * connector's).
 */
@ApplicationScoped
public class TurnService {

    /** Turn kinds. */
    public static final String REPLY = "reply";
    public static final String REGENERATE = "regenerate";
    public static final String CONTINUE = "continue";
    public static final String IMPERSONATE = "impersonate";
    public static final String SUMMARY = "summary";
    public static final String JUDGE = "judge";

    private static final Logger LOG = Logger.getLogger(TurnService.class);

    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final TurnRepository turns;
    private final PromptService prompts;
    private final ReadModels readModels;
    private final RateLimiter limiter;
    private final FrameFanout fanout;
    private final OutboxPublisher publisher;
    private final TurnRequestOutbox requests;
    private final StoryConfig config;
    private final HibernateOutbox outbox;

    public TurnService(SessionRepository sessions, MessageRepository messages, TurnRepository turns, PromptService prompts,
        ReadModels readModels, RateLimiter limiter, FrameFanout fanout, OutboxPublisher publisher, TurnRequestOutbox requests,
        StoryConfig config, OutboxConfig outboxConfig) {
        this.sessions = sessions;
        this.messages = messages;
        this.turns = turns;
        this.prompts = prompts;
        this.readModels = readModels;
        this.limiter = limiter;
        this.fanout = fanout;
        this.publisher = publisher;
        this.requests = requests;
        this.config = config;
        this.outbox = new HibernateOutbox(outboxConfig.source());
    }

    /**
     * A client's request.
     *
     * @param type say, regenerate, continue or impersonate
     * @param text the player's message (say)
     * @param clientMessageId optional idempotency key of a say
     * @param messageId the message to regenerate or continue (default: the active leaf)
     * @param speaker character id that should speak (group scenes)
     */
    public record Command(String type, String text, String clientMessageId, UUID messageId, String speaker) {
    }

    /** A started turn (or, for a repeated clientMessageId, the message stored the first time and no new turn). */
    public record Started(UUID turnId, String kind, MessageView message, String speaker, String characterId, boolean duplicate) {
    }

    /** A finished turn and the turns it started (group auto-continue, memory summary). */
    public record Finished(TurnRow turn, UUID messageId, List<Started> followUps) {
    }

    public Uni<Started> start(String userId, UUID sessionId, Command command) {
        String kind = kindOf(command.type());
        if (REPLY.equals(kind)) {
            validateText(command.text());
        }
        return limiter.acquire(userId)
            .invoke(wait -> wait.ifPresent(d -> {
                throw new ApiException(429, "rate_limited", "too many turns; try again in " + Math.max(1, d.toSeconds()) + " s",
                    List.of(), d);
            }))
            .flatMap(ignored -> Panache.withSession(() -> sessions.owned(sessionId, userId)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("session")))
                .flatMap(session -> prompts.scene(session)
                    .flatMap(scene -> Panache.withTransaction(() -> startInTx(userId, sessionId, scene, kind, command))))))
            .onFailure(TurnService::storageFailure).transform(TurnService::translate)
            .call(started -> started.duplicate() ? Uni.createFrom().voidItem() : announce(sessionId, started));
    }

    private Uni<Started> startInTx(String userId, UUID sessionId, PromptService.Scene scene, String kind, Command command) {
        return sessions.lock(sessionId)
            .map(found -> found.orElseThrow(() -> ApiException.notFound("session")))
            .flatMap(session -> turns.running(sessionId).flatMap(running -> {
                if (running.isPresent()) {
                    throw busy(running.get());
                }
                if (REPLY.equals(kind) && command.clientMessageId() != null) {
                    return messages.byClientId(sessionId, command.clientMessageId()).flatMap(existing -> existing.isPresent()
                        ? Uni.createFrom().item(new Started(existing.get().turnId(), kind, MessageView.of(existing.get()), null, null,
                            true))
                        : plan(userId, session, scene, kind, command));
                }
                return plan(userId, session, scene, kind, command);
            }));
    }

    private Uni<Started> plan(String userId, SessionRow session, PromptService.Scene scene, String kind, Command command) {
        UUID turnId = UUID.randomUUID();
        long seed = turnId.getMostSignificantBits();
        return switch (kind) {
            case REPLY -> messages.path(session.id(), session.activeLeafId()).flatMap(path -> {
                MessageRow userMessage = new MessageRow(UUID.randomUUID(), session.id(), session.activeLeafId(), "user", null,
                    session.playerName(), command.text().strip(), null, command.clientMessageId(), OffsetDateTime.now(), null);
                List<MessageRow> history = new ArrayList<>(path);
                history.add(userMessage);
                CharacterSnapshot speaker = SpeakerSelector.choose(session.speakerPolicy(), scene.cast(), command.speaker(),
                    lastSpeaker(path), command.text(), seed);
                int auto = scene.cast().size() > 1 ? Math.min(session.autoContinue(), config.autoContinueCap()) : 0;
                return messages.insert(userMessage)
                    .flatMap(v -> sessions.setActiveLeaf(session.id(), userMessage.id()))
                    .flatMap(v -> request(userId, session, scene, turnId, kind, speaker, history, userMessage.id(), null, null,
                        PromptRequest.Mode.REPLY, auto))
                    .map(started -> new Started(started.turnId(), kind, MessageView.of(userMessage), started.speaker(),
                        started.characterId(), false));
            });
            case REGENERATE, CONTINUE -> target(session, command.messageId()).flatMap(target -> {
                if (CONTINUE.equals(kind) && !"assistant".equals(target.role())) {
                    throw ApiException.invalid("only a character's reply can be continued");
                }
                if ("narrator".equals(target.role())) {
                    throw ApiException.invalid("the opening narration cannot be regenerated");
                }
                boolean assistant = "assistant".equals(target.role());
                UUID parent = assistant ? target.parentId() : target.id();
                return messages.path(session.id(), parent).flatMap(history -> {
                    CharacterSnapshot speaker = assistant && command.speaker() == null
                        ? scene.member(target.characterId()).orElse(scene.cast().getFirst())
                        : SpeakerSelector.choose(session.speakerPolicy(), scene.cast(), command.speaker(), lastSpeaker(history),
                            lastUserText(history), seed);
                    return request(userId, session, scene, turnId, kind, speaker, history, parent, assistant ? target.id() : null,
                        CONTINUE.equals(kind) ? target.content() : null,
                        CONTINUE.equals(kind) ? PromptRequest.Mode.CONTINUE : PromptRequest.Mode.REPLY, 0);
                });
            });
            case IMPERSONATE -> messages.path(session.id(), session.activeLeafId()).flatMap(history -> {
                CharacterSnapshot speaker = scene.member(lastSpeaker(history)).orElse(scene.cast().getFirst());
                return request(userId, session, scene, turnId, kind, speaker, history, session.activeLeafId(), null, null,
                    PromptRequest.Mode.IMPERSONATE, 0);
            });
            default -> throw ApiException.invalid("unknown turn type");
        };
    }

    /** Assembles the prompt, stores the running turn and appends the GenerateTurn to the outbox. */
    private Uni<Started> request(String userId, SessionRow session, PromptService.Scene scene, UUID turnId, String kind,
        CharacterSnapshot speaker, List<MessageRow> history, UUID parent, UUID base, String continuation, PromptRequest.Mode mode,
        int autoRemaining) {
        PromptService.Built built = prompts.build(scene, session, speaker, history, mode, lastUserText(history),
            turnId.getMostSignificantBits());
        String speakerName = mode == PromptRequest.Mode.IMPERSONATE ? session.playerName()
            : mode == PromptRequest.Mode.SUMMARY ? "Summary" : io.mopao.story.prompt.PromptAssembler.charName(speaker);
        Instant deadline = Instant.now().plus(config.turnDeadline());
        String promptJson = EventSerde.get().mapper().valueToTree(built.prompt()).toString();
        TurnRow turn = new TurnRow(turnId, session.id(), userId, kind, "running", parent, base, UUID.randomUUID(), speaker.id(),
            speakerName, promptJson, continuation, deadline.atOffset(java.time.ZoneOffset.UTC), null, null, null, null, autoRemaining, null,
            null, null, null, null);
        GenerateTurn event = new GenerateTurn(turnId.toString(), session.id().toString(), userId, config.model(), built.prompt().segments(),
            continuation, speakerName, built.sampling(), SUMMARY.equals(kind) ? -1 : 0, deadline, Instant.now());
        return turns.insert(turn)
            .flatMap(v -> requests.append(event))
            .replaceWith(new Started(turnId, kind, null, speakerName, speaker.id(), false));
    }

    /** Asks the runtime to stop the running turn (or the given one); the runtime completes it as {@code cancelled}. */
    public Uni<UUID> stop(String userId, UUID sessionId, UUID turnId) {
        return Panache.withTransaction(() -> sessions.owned(sessionId, userId)
            .map(found -> found.orElseThrow(() -> ApiException.notFound("session")))
            .flatMap(session -> turnId == null ? turns.running(sessionId)
                : turns.byId(turnId).map(t -> t.filter(x -> x.sessionId().equals(sessionId) && "running".equals(x.status()))))
            .map(running -> running.orElseThrow(() -> new ApiException(409, "no_running_turn", "no turn is running in this session")))
            .flatMap(turn -> Panache.getSession().flatMap(session -> outbox.append(session,
                new TurnCancelled(turn.id().toString(), sessionId.toString(), "stopped by the player"), null)).replaceWith(turn.id())))
            .invoke(publisher::wakeUp);
    }

    /** Records a new generation attempt of a turn (the persisting consumer calls this once per attempt it sees). */
    public Uni<Boolean> recordAttempt(UUID turnId, String attemptId) {
        return Panache.withTransaction(() -> turns.recordAttempt(turnId, attemptId));
    }

    /**
     * Persists a completion exactly once: emits the finished turn (and its stored message id) to the one caller that
     * finished it; empty to everyone else (already finished, superseded attempt, unknown turn).
     */
    public Uni<Optional<Finished>> complete(TurnCompleted completed) {
        UUID turnId = uuid(completed.turnId());
        if (turnId == null || completed.attemptId() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        String status = switch (completed.finishReason() == null ? "error" : completed.finishReason()) {
            case "stop", "length" -> "completed";
            case "cancelled" -> "cancelled";
            case "timeout" -> "timeout";
            default -> "failed";
        };
        TurnCompleted.Usage usage = completed.usage();
        return Panache.withTransaction(() -> turns.finish(turnId, completed.attemptId(), status, completed.finishReason(),
                completed.text(), completed.error(), usage == null ? null : usage.promptTokens(),
                usage == null ? null : usage.completionTokens())
                .flatMap(finished -> finished.isEmpty() ? Uni.createFrom().item(Optional.<Finished>empty())
                    : afterFinish(finished.get(), completed).map(Optional::of)))
            .onFailure(TurnService::storageFailure).transform(TurnService::translate)
            .call(result -> {
                if (result.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                publisher.wakeUp();
                List<Uni<Void>> announcements = new ArrayList<>();
                for (Started followUp : result.get().followUps()) {
                    announcements.add(announce(result.get().turn().sessionId(), followUp));
                }
                return announcements.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(announcements).andFailFast().replaceWithVoid();
            });
    }

    private Uni<Finished> afterFinish(TurnRow turn, TurnCompleted completed) {
        String text = completed.text() == null ? "" : completed.text();
        if (SUMMARY.equals(turn.kind())) {
            if ("completed".equals(turn.status()) && !text.isBlank()) {
                return sessions.updateSummary(turn.sessionId(), text.strip(), turn.autoRemaining())
                    .replaceWith(new Finished(turn, null, List.of()));
            }
            return Uni.createFrom().item(new Finished(turn, null, List.of()));
        }
        if (JUDGE.equals(turn.kind())) {
            return "completed".equals(turn.status()) && Judge.yes(text) ? applyVerdict(turn).replaceWith(new Finished(turn, null,
                List.of())) : Uni.createFrom().item(new Finished(turn, null, List.of()));
        }
        if (!turn.producesMessage() || text.isBlank()) {
            return Uni.createFrom().item(new Finished(turn, null, List.of()));
        }
        String content = (turn.continuation() == null ? "" : turn.continuation()) + text;
        MessageRow reply = new MessageRow(turn.replyMessageId(), turn.sessionId(), turn.parentMessageId(), "assistant", turn.characterId(),
            turn.speakerName(), content, turn.id(), null, OffsetDateTime.now(), null);
        TurnRecorded recorded = new TurnRecorded(turn.sessionId().toString(), turn.id().toString(), reply.id().toString(),
            turn.characterId(), completed.finishReason(), completed.usage() == null ? 0 : completed.usage().completionTokens(),
            Instant.now());
        return messages.insert(reply)
            .flatMap(v -> sessions.advanceLeaf(turn.sessionId(), turn.parentMessageId(), turn.baseMessageId(), reply.id()))
            .flatMap(v -> Panache.getSession().flatMap(session -> outbox.append(session, recorded, null)))
            .flatMap(v -> "completed".equals(turn.status()) ? afterReply(turn, reply) : Uni.createFrom().item(List.<Started>of()))
            .map(followUps -> new Finished(turn, reply.id(), followUps));
    }

    /** Storyline progress, memory summary scheduling and group auto-continue after a completed reply. */
    private Uni<List<Started>> afterReply(TurnRow turn, MessageRow reply) {
        return sessions.lock(turn.sessionId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(List.<Started>of());
            }
            SessionRow session = found.get();
            return messages.path(session.id(), reply.id()).flatMap(path -> readModels.storyline(session.storylineId())
                .flatMap(storyline -> advanceStoryline(session, storyline.orElse(null), path, reply)
                    .flatMap(progress -> judge(turn, session, storyline.orElse(null), progress, path)))
                .flatMap(v -> prompts.scene(session).onFailure(ApiException.class).recoverWithNull())
                .flatMap(scene -> {
                    if (scene == null) {
                        return Uni.createFrom().item(List.<Started>of());
                    }
                    List<Started> followUps = new ArrayList<>();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    long replies = path.stream().filter(m -> "assistant".equals(m.role())).count();
                    if (config.summaryEvery() > 0 && replies % config.summaryEvery() == 0 && replies > session.summaryThrough()) {
                        chain = chain.flatMap(v -> request(turn.userId(), session, scene, UUID.randomUUID(), SUMMARY,
                            scene.member(turn.characterId()).orElse(scene.cast().getFirst()), path, reply.id(), null, null,
                            PromptRequest.Mode.SUMMARY, (int) replies)
                            .flatMap(started -> sessions.updateSummary(session.id(), session.summary(), (int) replies)));
                    }
                    if (scene.cast().size() > 1 && turn.autoRemaining() > 0 && REPLY.equals(turn.kind())) {
                        UUID next = UUID.randomUUID();
                        String policy = "round_robin".equals(session.speakerPolicy()) ? "round_robin" : "talkativeness";
                        CharacterSnapshot speaker = SpeakerSelector.choose(policy, scene.cast(), null, turn.characterId(), null,
                            next.getMostSignificantBits());
                        chain = chain.flatMap(v -> request(turn.userId(), session, scene, next, REPLY, speaker, path, reply.id(), null,
                            null, PromptRequest.Mode.REPLY, turn.autoRemaining() - 1).invoke(followUps::add).replaceWithVoid());
                    }
                    return chain.replaceWith(followUps);
                }));
        });
    }

    private Uni<Storylines.Progress> advanceStoryline(SessionRow session, StorylineSnapshot storyline,
        List<MessageRow> path, MessageRow reply) {
        if (storyline == null || session.beatId() == null) {
            return Uni.createFrom().nullItem();
        }
        Storylines.Progress progress = Storylines.afterReply(storyline, session.beatId(), session.beatTurns(), session.storylineDone(),
            lastUserText(path), reply.content());
        return sessions.updateStoryline(session.id(), progress.beatId(), progress.beatTurns(), progress.done()).replaceWith(progress);
    }

    /**
     * When the beat did not move on by keyword or turn count, asks the runtime to judge each of its {@code judged}
     * conditions on the latest messages (one judge turn per condition; never streamed, never blocking the player).
     */
    private Uni<Void> judge(TurnRow turn, SessionRow session, StorylineSnapshot storyline, Storylines.Progress progress,
        List<MessageRow> path) {
        if (progress == null || progress.advanced() || progress.done()) {
            return Uni.createFrom().voidItem();
        }
        List<StorylineSnapshot.Condition> conditions = Storylines.beat(storyline, progress.beatId())
            .map(StorylineSnapshot.Beat::advanceWhen).orElse(List.of());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < conditions.size(); i++) {
            StorylineSnapshot.Condition condition = conditions.get(i);
            if (!"judged".equals(condition.kind()) || condition.judgePrompt() == null || condition.judgePrompt().isBlank()) {
                continue;
            }
            UUID id = UUID.randomUUID();
            List<io.mopao.events.dialogue.PromptSegment> segments = Judge.prompt(condition.judgePrompt(), path);
            Instant deadline = Instant.now().plus(config.turnDeadline());
            String promptJson = EventSerde.get().mapper().valueToTree(new io.mopao.story.prompt.AssembledPrompt(segments, List.of(), 0, 0,
                0)).toString();
            TurnRow row = new TurnRow(id, session.id(), turn.userId(), JUDGE, "running", turn.replyMessageId(), null, UUID.randomUUID(),
                turn.characterId(), Judge.REFEREE, promptJson, null, deadline.atOffset(java.time.ZoneOffset.UTC), null, null, null, null, 0,
                null, null, null, null, progress.beatId() + "#" + i);
            GenerateTurn event = new GenerateTurn(id.toString(), session.id().toString(), turn.userId(), config.model(), segments, null,
                Judge.REFEREE, Judge.SAMPLING, -1, deadline, Instant.now());
            chain = chain.flatMap(v -> turns.insert(row)).flatMap(v -> requests.append(event))
                .replaceWithVoid();
        }
        return chain;
    }

    /** A judge said yes: the session moves on if it is still in the judged beat. */
    private Uni<Void> applyVerdict(TurnRow judge) {
        String judged = judge.judged() == null ? "" : judge.judged();
        int hash = judged.lastIndexOf('#');
        if (hash < 0) {
            return Uni.createFrom().voidItem();
        }
        String beatId = judged.substring(0, hash);
        int index = Integer.parseInt(judged.substring(hash + 1));
        return sessions.lock(judge.sessionId()).flatMap(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            SessionRow session = found.get();
            return readModels.storyline(session.storylineId()).flatMap(storyline -> {
                if (storyline.isEmpty() || session.beatId() == null) {
                    return Uni.createFrom().voidItem();
                }
                Storylines.Progress progress = Storylines.afterVerdict(storyline.get(), session.beatId(), session.beatTurns(),
                    session.storylineDone(), beatId, index);
                return progress.advanced() ? sessions.updateStoryline(session.id(), progress.beatId(), progress.beatTurns(),
                    progress.done()) : Uni.createFrom().voidItem();
            });
        });
    }

    /** Whether a turn kind is streamed to players (summary and judge turns run in the background). */
    public static boolean streamed(String kind) {
        return !SUMMARY.equals(kind) && !JUDGE.equals(kind);
    }

    /** The turn's state after a completion, for the done frame. */
    public Uni<Optional<TurnRow>> find(UUID turnId) {
        return Panache.withSession(() -> turns.byId(turnId));
    }

    /** The message stored for a turn, if any. */
    public Uni<Optional<MessageRow>> replyOf(TurnRow turn) {
        return Panache.withSession(() -> messages.inSession(turn.sessionId(), turn.replyMessageId()));
    }

    private Uni<Void> announce(UUID sessionId, Started started) {
        Uni<Void> saved = started.message() == null ? Uni.createFrom().voidItem()
            : fanout.send(sessionId, new Frames.MessageSaved(started.turnId(), started.message()));
        return saved.flatMap(v -> !streamed(started.kind()) ? Uni.createFrom().voidItem()
            : fanout.send(sessionId, new Frames.TurnStarted(started.turnId(), started.kind(), started.speaker(),
                started.characterId())))
            .invoke(publisher::wakeUp);
    }

    private Uni<MessageRow> target(SessionRow session, UUID messageId) {
        UUID id = messageId != null ? messageId : session.activeLeafId();
        if (id == null) {
            return Uni.createFrom().failure(ApiException.invalid("the session has no message yet"));
        }
        return messages.inSession(session.id(), id).map(found -> found.orElseThrow(() -> ApiException.notFound("message")));
    }

    private void validateText(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.invalid("the message is empty");
        }
        if (text.length() > config.maxMessageChars()) {
            throw new ApiException(413, "message_too_large", "the message has " + text.length() + " characters; at most "
                + config.maxMessageChars() + " are allowed");
        }
    }

    private static ApiException busy(TurnRow running) {
        return new ApiException(409, "turn_in_progress", "a reply is still being generated in this session; wait for it or stop it first",
            List.of("running turn " + running.id()), null);
    }

    /** Failures of the storage layer (anything but the service's own refusals). */
    private static boolean storageFailure(Throwable failure) {
        return !(failure instanceof ApiException);
    }

    /**
     * A unique violation (a concurrent turn won the "one running turn per session" index, or a concurrent duplicate)
     * becomes a 409. Hibernate Reactive reports it as a {@link ConstraintViolationException} (its cause a
     * {@link SQLException} with the SQLSTATE); a failure outside Hibernate may carry the driver's {@link PgException}.
     */
    private static Throwable translate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String state = switch (cause) {
                case ConstraintViolationException violation -> violation.getSQLState();
                case SQLException sql -> sql.getSQLState();
                case PgException pg -> pg.getSqlState();
                default -> null;
            };
            if (TurnRepository.UNIQUE_VIOLATION.equals(state)) {
                String constraint = cause instanceof ConstraintViolationException violation ? violation.getConstraintName() : null;
                if (String.valueOf(constraint).contains("turn_one_running_per_session")
                    || String.valueOf(cause.getMessage()).contains("turn_one_running_per_session")) {
                    return new ApiException(409, "turn_in_progress",
                        "a reply is still being generated in this session; wait for it or stop it first");
                }
                return new ApiException(409, "conflict", "a concurrent change won; reload and try again");
            }
        }
        LOG.error("turn storage failed", failure);
        return failure;
    }

    static String lastSpeaker(List<MessageRow> path) {
        for (int i = path.size() - 1; i >= 0; i--) {
            if ("assistant".equals(path.get(i).role())) {
                return path.get(i).characterId();
            }
        }
        return null;
    }

    static String lastUserText(List<MessageRow> path) {
        for (int i = path.size() - 1; i >= 0; i--) {
            if ("user".equals(path.get(i).role())) {
                return path.get(i).content();
            }
        }
        return "";
    }

    private static String kindOf(String type) {
        if (type == null) {
            throw ApiException.invalid("the turn type is missing (say, regenerate, continue or impersonate)");
        }
        return switch (type) {
            case "say" -> REPLY;
            case "regenerate" -> REGENERATE;
            case "continue" -> CONTINUE;
            case "impersonate" -> IMPERSONATE;
            default -> throw ApiException.invalid("unknown turn type '" + type + "' (say, regenerate, continue or impersonate)");
        };
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
