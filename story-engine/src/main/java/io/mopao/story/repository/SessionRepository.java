package io.mopao.story.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Play sessions. Every method runs on the current Hibernate Reactive session (the caller's {@code @WithSession} or
 * {@code @WithTransaction}); changes lock the row first and are flushed at once, so statements reach the database in
 * the order the service makes them and no change is written from a stale copy.
 */
@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<SessionEntity, UUID> {

    /** Inserts a session. */
    public Uni<Void> insert(SessionRow s) {
        return persistAndFlush(s.toEntity(OffsetDateTime.now())).replaceWithVoid();
    }

    /** A session of an owner; another owner's session is absent. */
    public Uni<Optional<SessionRow>> owned(UUID id, String ownerId) {
        return find("id = ?1 and ownerId = ?2", id, ownerId).firstResult().map(e -> Optional.ofNullable(e).map(SessionRow::from));
    }

    /** A session by id, locked for update until the transaction ends (turn bookkeeping), as committed. */
    public Uni<Optional<SessionRow>> lock(UUID id) {
        return locked(id).map(e -> Optional.ofNullable(e).map(SessionRow::from));
    }

    private Uni<SessionEntity> locked(UUID id) {
        return getSession().chain(session -> Locks.forUpdate(session, SessionEntity.class, id));
    }

    /** The owner's sessions, most recently active first. */
    public Uni<List<SessionRow>> list(String ownerId, int limit) {
        return find("ownerId", Sort.descending("updatedAt"), ownerId).page(Page.ofSize(limit)).list()
            .map(list -> list.stream().map(SessionRow::from).toList());
    }

    /** Deletes a session; the database cascades to its messages and turns. */
    public Uni<Void> remove(UUID id) {
        return delete("id", id).replaceWithVoid();
    }

    public Uni<Void> setActiveLeaf(UUID sessionId, UUID leafId) {
        return change(sessionId, s -> {
            s.activeLeafId = leafId;
            s.updatedAt = OffsetDateTime.now();
        });
    }

    /** Moves the active leaf only if it still is {@code expected} (or {@code alsoExpected}): a branch switch meanwhile wins. */
    public Uni<Boolean> advanceLeaf(UUID sessionId, UUID expected, UUID alsoExpected, UUID leafId) {
        return locked(sessionId).chain(s -> {
            if (s == null || !(Objects.equals(s.activeLeafId, expected) || Objects.equals(s.activeLeafId, alsoExpected))) {
                return Uni.createFrom().item(false);
            }
            s.activeLeafId = leafId;
            s.updatedAt = OffsetDateTime.now();
            return flush().replaceWith(true);
        });
    }

    public Uni<Void> updateSummary(UUID sessionId, String summary, int through) {
        return change(sessionId, s -> {
            s.summary = summary;
            s.summaryThrough = through;
        });
    }

    public Uni<Void> updateStoryline(UUID sessionId, String beatId, int beatTurns, boolean done) {
        return change(sessionId, s -> {
            s.beatId = beatId;
            s.beatTurns = beatTurns;
            s.storylineDone = done;
        });
    }

    public Uni<Void> updateSettings(UUID sessionId, String title, String playerPersona, String speakerPolicy, int autoContinue) {
        return change(sessionId, s -> {
            s.title = title;
            s.playerPersona = playerPersona;
            s.speakerPolicy = speakerPolicy;
            s.autoContinue = autoContinue;
            s.updatedAt = OffsetDateTime.now();
        });
    }

    /** Locks the row, applies the change to the entity and flushes it (a no-op for a session that is gone). */
    private Uni<Void> change(UUID sessionId, Consumer<SessionEntity> change) {
        return locked(sessionId).chain(s -> {
            if (s == null) {
                return Uni.createFrom().voidItem();
            }
            change.accept(s);
            return flush();
        });
    }
}
