package io.mopao.story.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Message trees. Every method runs on the current Hibernate Reactive session; inserts and edits are flushed at once, so
 * the branch queries that follow in the same transaction see them.
 */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<MessageEntity, UUID> {

    /**
     * The branch from the root to a leaf. A native query: a recursive CTE walks the parent links in one round trip
     * (HQL has no portable equivalent that maps back onto the entity).
     */
    private static final String PATH = "WITH RECURSIVE path AS (SELECT m.*, 0 AS depth FROM message m WHERE m.id = ?1 "
        + "AND m.session_id = ?2 "
        + "UNION ALL SELECT p.*, path.depth + 1 FROM message p JOIN path ON p.id = path.parent_id) "
        + "SELECT id, session_id, parent_id, role, character_id, speaker_name, content, turn_id, client_message_id, created_at, edited_at "
        + "FROM path ORDER BY depth DESC";

    public Uni<Void> insert(MessageRow m) {
        return persistAndFlush(m.toEntity()).replaceWithVoid();
    }

    /** A message of a session (absent when it belongs to another one). */
    public Uni<Optional<MessageRow>> inSession(UUID sessionId, UUID messageId) {
        return find("id = ?1 and sessionId = ?2", messageId, sessionId).firstResult()
            .map(e -> Optional.ofNullable(e).map(MessageRow::from));
    }

    public Uni<Optional<MessageRow>> byClientId(UUID sessionId, String clientMessageId) {
        return find("sessionId = ?1 and clientMessageId = ?2", sessionId, clientMessageId).firstResult()
            .map(e -> Optional.ofNullable(e).map(MessageRow::from));
    }

    /** Every message of a session, oldest first. */
    public Uni<List<MessageRow>> all(UUID sessionId) {
        return list("sessionId = ?1 order by createdAt, id", sessionId).map(list -> list.stream().map(MessageRow::from).toList());
    }

    /** Edits a message in place; emits the edited message. */
    public Uni<MessageRow> edit(MessageRow message, String content) {
        return findById(message.id()).chain(e -> {
            e.content = content;
            e.editedAt = OffsetDateTime.now();
            return flush().replaceWith(MessageRow.from(e));
        });
    }

    /** Deletes a message; the database deletes its whole subtree ({@code ON DELETE CASCADE} on the parent link). */
    public Uni<Void> remove(UUID messageId) {
        return delete("id", messageId).replaceWithVoid();
    }

    /** The path from the root to {@code leafId}, oldest first (empty when the leaf is null or not in the session). */
    public Uni<List<MessageRow>> path(UUID sessionId, UUID leafId) {
        if (leafId == null) {
            return Uni.createFrom().item(List.of());
        }
        return getSession().chain(session -> session.flush().chain(() -> session.createNativeQuery(PATH, MessageEntity.class)
            .setParameter(1, leafId).setParameter(2, sessionId).getResultList()))
            .map(list -> list.stream().map(MessageRow::from).toList());
    }

    /** The tree's shape: every message's id and parent, in creation order (for sibling counts and branch descent). */
    public Uni<Tree> tree(UUID sessionId) {
        return getSession().chain(session -> session.createSelectionQuery(
                "select m.id, m.parentId from MessageEntity m where m.sessionId = ?1 order by m.createdAt, m.id", Object[].class)
            .setParameter(1, sessionId).getResultList())
            .map(rows -> {
                Map<UUID, List<UUID>> children = new HashMap<>();
                Map<UUID, UUID> parents = new HashMap<>();
                for (Object[] row : rows) {
                    UUID id = (UUID) row[0];
                    UUID parent = (UUID) row[1];
                    parents.put(id, parent);
                    children.computeIfAbsent(parent, p -> new ArrayList<>()).add(id);
                }
                return new Tree(children, parents);
            });
    }

    /** Shape of a message tree; children lists are in creation order (null key = roots). */
    public record Tree(Map<UUID, List<UUID>> children, Map<UUID, UUID> parents) {

        /** Siblings of a message, itself included, oldest first. */
        public List<UUID> siblings(UUID id) {
            return children.getOrDefault(parents.get(id), List.of());
        }

        public boolean contains(UUID id) {
            return parents.containsKey(id);
        }

        /** Follows the newest child from {@code id} down to a leaf. */
        public UUID newestLeafUnder(UUID id) {
            UUID current = id;
            while (true) {
                List<UUID> kids = children.get(current);
                if (kids == null || kids.isEmpty()) {
                    return current;
                }
                current = kids.getLast();
            }
        }

        /** Whether {@code id} is {@code ancestor} or below it. */
        public boolean isWithin(UUID id, UUID ancestor) {
            UUID current = id;
            while (current != null) {
                if (current.equals(ancestor)) {
                    return true;
                }
                current = parents.get(current);
            }
            return false;
        }

        /** The newest root (a tree has several roots when greetings are alternatives). */
        public Optional<UUID> newestRoot() {
            List<UUID> roots = children.getOrDefault(null, List.of());
            return roots.isEmpty() ? Optional.empty() : Optional.of(roots.getLast());
        }
    }
}
