package io.mopao.story.repository;

import io.smallrye.mutiny.Uni;
import jakarta.persistence.LockModeType;
import org.hibernate.reactive.mutiny.Mutiny;

/** Row locks through the Hibernate Reactive session. */
final class Locks {

    private Locks() {
    }

    /**
     * Loads an entity and locks its row ({@code SELECT ... FOR UPDATE}) until the transaction ends, with the state as
     * committed when the lock was granted. {@code find} with a lock mode would not re-read an entity that this session
     * already holds (it would only lock the row), so the entity is refreshed under the lock instead. Repositories flush
     * every change right away, so a refresh never discards pending changes.
     */
    static <T> Uni<T> forUpdate(Mutiny.Session session, Class<T> type, Object id) {
        return session.find(type, id).chain(entity -> entity == null ? Uni.createFrom().<T>nullItem()
            : session.refresh(entity, LockModeType.PESSIMISTIC_WRITE).replaceWith(entity));
    }
}
