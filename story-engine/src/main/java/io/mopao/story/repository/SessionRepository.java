package io.mopao.story.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Sessions and their message trees. Every method runs on the client it is given (a pool or a transaction). */
@ApplicationScoped
public class SessionRepository {

    private static final String PATH = "WITH RECURSIVE path AS (SELECT m.*, 0 AS depth FROM message m WHERE m.id = $1 "
        + "AND m.session_id = $2 "
        + "UNION ALL SELECT p.*, path.depth + 1 FROM message p JOIN path ON p.id = path.parent_id) SELECT * FROM path ORDER BY depth DESC";

    /** Inserts a session. */
    public Uni<Void> insert(SqlClient client, SessionRow s) {
        return client.preparedQuery("INSERT INTO play_session (id, owner_id, title, world_id, character_ids, player_name, player_persona, "
            + "speaker_policy, auto_continue, storyline_id, beat_id, forked_from) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
            .execute(Tuple.from(Arrays.asList(s.id(), s.ownerId(), s.title(), s.worldId(), s.characterIds().toArray(new String[0]),
                s.playerName(), s.playerPersona(), s.speakerPolicy(), s.autoContinue(), s.storylineId(), s.beatId(), s.forkedFrom())))
            .replaceWithVoid();
    }

    /** A session of an owner; another owner's session is absent. */
    public Uni<Optional<SessionRow>> find(SqlClient client, UUID id, String ownerId) {
        return client.preparedQuery("SELECT * FROM play_session WHERE id = $1 AND owner_id = $2").execute(Tuple.of(id, ownerId))
            .map(rows -> rows.size() == 0 ? Optional.<SessionRow>empty() : Optional.of(SessionRow.from(rows.iterator().next())));
    }

    /** A session by id, locked for update (turn bookkeeping). */
    public Uni<Optional<SessionRow>> lock(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT * FROM play_session WHERE id = $1 FOR UPDATE").execute(Tuple.of(id))
            .map(rows -> rows.size() == 0 ? Optional.<SessionRow>empty() : Optional.of(SessionRow.from(rows.iterator().next())));
    }

    public Uni<List<SessionRow>> list(SqlClient client, String ownerId, int limit) {
        return client.preparedQuery("SELECT * FROM play_session WHERE owner_id = $1 ORDER BY updated_at DESC LIMIT $2")
            .execute(Tuple.of(ownerId, limit))
            .map(rows -> {
                List<SessionRow> sessions = new ArrayList<>();
                for (Row row : rows) {
                    sessions.add(SessionRow.from(row));
                }
                return sessions;
            });
    }

    public Uni<Void> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM play_session WHERE id = $1").execute(Tuple.of(id)).replaceWithVoid();
    }

    public Uni<Void> setActiveLeaf(SqlClient client, UUID sessionId, UUID leafId) {
        return client.preparedQuery("UPDATE play_session SET active_leaf_id = $2, updated_at = now() WHERE id = $1")
            .execute(Tuple.of(sessionId, leafId)).replaceWithVoid();
    }

    /** Moves the active leaf only if it still is {@code expected} (or {@code alsoExpected}): a branch switch meanwhile wins. */
    public Uni<Boolean> advanceLeaf(SqlClient client, UUID sessionId, UUID expected, UUID alsoExpected, UUID leafId) {
        return client.preparedQuery("UPDATE play_session SET active_leaf_id = $4, updated_at = now() WHERE id = $1 "
            + "AND (active_leaf_id IS NOT DISTINCT FROM $2 OR active_leaf_id IS NOT DISTINCT FROM $3)")
            .execute(Tuple.of(sessionId, expected, alsoExpected, leafId)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> updateSummary(SqlClient client, UUID sessionId, String summary, int through) {
        return client.preparedQuery("UPDATE play_session SET summary = $2, summary_through = $3 WHERE id = $1")
            .execute(Tuple.of(sessionId, summary, through)).replaceWithVoid();
    }

    public Uni<Void> updateStoryline(SqlClient client, UUID sessionId, String beatId, int beatTurns, boolean done) {
        return client.preparedQuery("UPDATE play_session SET beat_id = $2, beat_turns = $3, storyline_done = $4 WHERE id = $1")
            .execute(Tuple.of(sessionId, beatId, beatTurns, done)).replaceWithVoid();
    }

    public Uni<Void> updateSettings(SqlClient client, UUID sessionId, String title, String playerPersona, String speakerPolicy,
        int autoContinue) {
        return client.preparedQuery("UPDATE play_session SET title = $2, player_persona = $3, speaker_policy = $4, auto_continue = $5, "
            + "updated_at = now() WHERE id = $1")
            .execute(Tuple.from(Arrays.asList(sessionId, title, playerPersona, speakerPolicy, autoContinue))).replaceWithVoid();
    }

    public Uni<Void> insertMessage(SqlClient client, MessageRow m) {
        return client.preparedQuery("INSERT INTO message (id, session_id, parent_id, role, character_id, speaker_name, content, turn_id, "
            + "client_message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .execute(Tuple.from(Arrays.asList(m.id(), m.sessionId(), m.parentId(), m.role(), m.characterId(), m.speakerName(), m.content(),
                m.turnId(), m.clientMessageId())))
            .replaceWithVoid();
    }

    public Uni<Optional<MessageRow>> findMessage(SqlClient client, UUID sessionId, UUID messageId) {
        return client.preparedQuery("SELECT * FROM message WHERE id = $1 AND session_id = $2").execute(Tuple.of(messageId, sessionId))
            .map(rows -> rows.size() == 0 ? Optional.<MessageRow>empty() : Optional.of(MessageRow.from(rows.iterator().next())));
    }

    public Uni<Optional<MessageRow>> findByClientId(SqlClient client, UUID sessionId, String clientMessageId) {
        return client.preparedQuery("SELECT * FROM message WHERE session_id = $1 AND client_message_id = $2")
            .execute(Tuple.of(sessionId, clientMessageId))
            .map(rows -> rows.size() == 0 ? Optional.<MessageRow>empty() : Optional.of(MessageRow.from(rows.iterator().next())));
    }

    public Uni<Void> editMessage(SqlClient client, UUID messageId, String content) {
        return client.preparedQuery("UPDATE message SET content = $2, edited_at = now() WHERE id = $1").execute(Tuple.of(messageId,
            content))
            .replaceWithVoid();
    }

    /** Deletes a message and its whole subtree. */
    public Uni<Void> deleteMessage(SqlClient client, UUID messageId) {
        return client.preparedQuery("DELETE FROM message WHERE id = $1").execute(Tuple.of(messageId)).replaceWithVoid();
    }

    /** The path from the root to {@code leafId}, oldest first (empty when the leaf is null or not in the session). */
    public Uni<List<MessageRow>> path(SqlClient client, UUID sessionId, UUID leafId) {
        if (leafId == null) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery(PATH).execute(Tuple.of(leafId, sessionId)).map(rows -> {
            List<MessageRow> path = new ArrayList<>();
            for (Row row : rows) {
                path.add(MessageRow.from(row));
            }
            return path;
        });
    }

    /** The tree's shape: every message's id, parent and creation time (for sibling counts and branch descent). */
    public Uni<Tree> tree(SqlClient client, UUID sessionId) {
        return client.preparedQuery("SELECT id, parent_id, created_at FROM message WHERE session_id = $1 ORDER BY created_at, id")
            .execute(Tuple.of(sessionId))
            .map(rows -> {
                Map<UUID, List<UUID>> children = new HashMap<>();
                Map<UUID, UUID> parents = new HashMap<>();
                for (Row row : rows) {
                    UUID id = row.getUUID("id");
                    UUID parent = row.getUUID("parent_id");
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
