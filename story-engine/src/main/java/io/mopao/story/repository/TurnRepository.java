package io.mopao.story.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns. The partial unique index {@code turn_one_running_per_session} allows one running chat turn per session.
 * Every method runs on the current Hibernate Reactive session; changes are flushed at once (the insert of a new
 * running turn must reach the database after the expiry of an old one, and Hibernate's own flush order puts inserts
 * before updates).
 */
@ApplicationScoped
public class TurnRepository implements PanacheRepositoryBase<TurnEntity, UUID> {

    /** SQLSTATE of a unique violation. */
    public static final String UNIQUE_VIOLATION = "23505";

    public Uni<Void> insert(TurnRow t) {
        return persistAndFlush(t.toRunningEntity()).replaceWithVoid();
    }

    public Uni<Optional<TurnRow>> byId(UUID turnId) {
        return findById(turnId).map(e -> Optional.ofNullable(e).map(TurnRow::from));
    }

    /** The running chat turn of a session, if any (after expiring its turns past their deadline). */
    public Uni<Optional<TurnRow>> running(UUID sessionId) {
        return list("sessionId = ?1 and status = 'running'", sessionId).chain(running -> {
            OffsetDateTime now = OffsetDateTime.now();
            boolean expired = false;
            TurnEntity chat = null;
            for (TurnEntity t : running) {
                if (t.deadline.isBefore(now)) {
                    t.status = "timeout";
                    t.finishReason = "timeout";
                    t.completedAt = now;
                    expired = true;
                } else if (!"summary".equals(t.kind) && !"judge".equals(t.kind)) {
                    chat = t;
                }
            }
            Optional<TurnRow> result = Optional.ofNullable(chat).map(TurnRow::from);
            return expired ? flush().replaceWith(result) : Uni.createFrom().item(result);
        });
    }

    /**
     * Records that a new attempt of a running turn started (the runtime restarted it on another worker): the previous
     * attempt is superseded and its late chunks or completion are ignored. No-op for a superseded or finished attempt.
     * The row is locked, so concurrent attempts and completions of one turn serialise.
     */
    public Uni<Boolean> recordAttempt(UUID turnId, String attemptId) {
        return getSession().chain(session -> Locks.forUpdate(session, TurnEntity.class, turnId)).chain(t -> {
            if (t == null || !"running".equals(t.status) || attemptId.equals(t.attemptId) || superseded(t, attemptId)) {
                return Uni.createFrom().item(false);
            }
            switchAttempt(t, attemptId);
            return flush().replaceWith(true);
        });
    }

    /**
     * Finishes a running turn exactly once: emits the finished row, or empty when it was already finished (by this or
     * another replica) or the attempt was superseded. The row is locked first ({@code SELECT ... FOR NO KEY UPDATE}, read as
     * committed when the lock is granted), so of two replicas finishing the same turn the second sees it finished.
     */
    public Uni<Optional<TurnRow>> finish(UUID turnId, String attemptId, String status, String finishReason, String text, String error,
        Integer promptTokens, Integer completionTokens) {
        return getSession().chain(session -> Locks.forUpdate(session, TurnEntity.class, turnId)).chain(t -> {
            if (t == null || !"running".equals(t.status) || superseded(t, attemptId)) {
                return Uni.createFrom().item(Optional.<TurnRow>empty());
            }
            switchAttempt(t, attemptId);
            t.status = status;
            t.finishReason = finishReason;
            t.replyText = text;
            t.error = error;
            t.completedAt = OffsetDateTime.now();
            t.promptTokens = promptTokens;
            t.completionTokens = completionTokens;
            return flush().replaceWith(Optional.of(TurnRow.from(t)));
        });
    }

    /** Recent turns of a session, newest first. */
    public Uni<List<TurnRow>> recent(UUID sessionId, int limit) {
        return find("sessionId", Sort.descending("createdAt"), sessionId).page(Page.ofSize(limit)).list()
            .map(list -> list.stream().map(TurnRow::from).toList());
    }

    private static boolean superseded(TurnEntity t, String attemptId) {
        return Arrays.asList(t.superseded).contains(attemptId);
    }

    /** Makes {@code attemptId} current; the previous attempt, if any, becomes superseded. */
    private static void switchAttempt(TurnEntity t, String attemptId) {
        if (t.attemptId != null && !t.attemptId.equals(attemptId)) {
            String[] superseded = Arrays.copyOf(t.superseded, t.superseded.length + 1);
            superseded[t.superseded.length] = t.attemptId;
            t.superseded = superseded;
        }
        t.attemptId = attemptId;
    }
}
