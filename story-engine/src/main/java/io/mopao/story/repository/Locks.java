package io.mopao.story.repository;

import io.smallrye.mutiny.Uni;
import jakarta.persistence.LockModeType;
import org.hibernate.reactive.mutiny.Mutiny;

/** Row locks through the Hibernate Reactive session. */
final class Locks {

    private Locks() {
    }

    /**
     * Loads an entity with its row locked until the transaction ends ({@code SELECT ... FOR NO KEY UPDATE}, which
     * PostgreSQL grants one transaction at a time), with the state as committed when the lock was granted.
     *
     * <p>{@code find} with a lock mode re-reads only an entity the session does not hold yet; for one it holds (read
     * earlier in the same session, e.g. the ownership check before a turn) it would lock the row and keep the stale
     * copy, and refreshing a held entity under a lock goes through a path Hibernate 7 deprecates. So the session is
     * flushed and cleared first: repositories flush every change right away and hand services records, never entities,
     * so nothing is lost and no caller holds a managed entity that would be detached.
     */
    static <T> Uni<T> forUpdate(Mutiny.Session session, Class<T> type, Object id) {
        return session.flush().chain(() -> {
            session.clear();
            return session.find(type, id, LockModeType.PESSIMISTIC_WRITE);
        });
    }
}
