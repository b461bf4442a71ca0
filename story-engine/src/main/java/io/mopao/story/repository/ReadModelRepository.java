package io.mopao.story.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Local copies of other services' data (characters, worlds, lorebooks, storylines), fed by the compacted topics. Each
 * row is the latest snapshot JSON of one entity; writes are ordered by the entity's version, so replays, duplicates and
 * out-of-order deliveries converge to the same state. Every method runs on the current Hibernate Reactive session.
 */
@ApplicationScoped
public class ReadModelRepository implements PanacheRepositoryBase<ReadModelEntity, ReadModelEntity.Key> {

    /** Read model kinds. */
    public static final String CHARACTER = "character";
    public static final String WORLD = "world";
    public static final String LOREBOOK = "lorebook";
    public static final String STORYLINE = "storyline";

    // Upserts are native statements: INSERT ... ON CONFLICT ... WHERE version decides in one atomic statement, under the
    // row's lock, whether a delivery is newer than what is stored. Two replicas (or a replay racing a live delivery)
    // inserting the same new entity cannot both succeed with load-then-persist; the conflict clause makes it converge.
    private static final String UPSERT = "INSERT INTO read_model (kind, id, version, deleted, owner_id, visibility, payload, updated_at) "
        + "VALUES (?1, ?2, ?3, false, ?4, ?5, ?6, now()) ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version, deleted = false, "
        + "owner_id = EXCLUDED.owner_id, visibility = EXCLUDED.visibility, payload = EXCLUDED.payload, updated_at = now() "
        + "WHERE read_model.version < EXCLUDED.version";
    private static final String DELETE = "INSERT INTO read_model (kind, id, version, deleted, updated_at) VALUES (?1, ?2, ?3, true, now()) "
        + "ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version, deleted = true, payload = NULL, updated_at = now() "
        + "WHERE read_model.version <= EXCLUDED.version";
    /** Stores a snapshot unless a newer (or the same) version is already there; emits whether it changed anything. */
    public Uni<Boolean> upsert(String kind, String id, long version, String ownerId, String visibility, String payload) {
        return getSession().chain(session -> session.createNativeQuery(UPSERT).setParameter(1, kind).setParameter(2, id)
            .setParameter(3, version).setParameter(4, ownerId).setParameter(5, visibility).setParameter(6, payload).executeUpdate())
            .map(count -> count == 1);
    }

    /** Marks an entity deleted as of a version (a later upsert with a higher version brings it back). */
    public Uni<Boolean> tombstoneAt(String kind, String id, long version) {
        return getSession().chain(session -> session.createNativeQuery(DELETE).setParameter(1, kind).setParameter(2, id)
            .setParameter(3, version).executeUpdate())
            .map(count -> count == 1);
    }

    /** A Kafka tombstone (null value on the compacted topic): the entity is gone whatever its version. */
    public Uni<Void> tombstone(String kind, String id) {
        return update("deleted = true, payload = null, updatedAt = current_timestamp where key.kind = ?1 and key.id = ?2", kind, id)
            .replaceWithVoid();
    }

    /** The live snapshot JSON of an entity. */
    public Uni<Optional<String>> find(String kind, String id) {
        return findById(new ReadModelEntity.Key(kind, id)).map(e -> e == null || e.deleted ? Optional.<String>empty()
            : Optional.of(e.payload));
    }

    /** Live snapshots of several entities, in the order of {@code ids} (missing ones skipped). */
    public Uni<List<String>> findAll(String kind, List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("key.kind = ?1 and key.id in ?2 and deleted = false", kind, ids).map(rows -> {
            Map<String, String> byId = new HashMap<>();
            for (ReadModelEntity row : rows) {
                byId.put(row.key.id(), row.payload);
            }
            List<String> ordered = new ArrayList<>();
            for (String id : ids) {
                if (byId.containsKey(id)) {
                    ordered.add(byId.get(id));
                }
            }
            return ordered;
        });
    }

    /**
     * Lorebook events (LorebookUpserted JSON) by id or attached to one of the characters or the world. A native query: a
     * containment test on the snapshot JSON ({@code jsonb_exists}/{@code jsonb_exists_any} are the functions behind the
     * {@code ?} and {@code ?|} operators, which would clash with JDBC-style parameters).
     */
    public Uni<List<String>> lorebooksFor(List<String> lorebookIds, String worldId, List<String> characterIds) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(worldId == null ? "" : worldId);
        StringBuilder sql = new StringBuilder("SELECT payload FROM read_model WHERE kind = 'lorebook' AND NOT deleted AND ("
            + "jsonb_exists(CAST(payload AS jsonb) -> 'worldIds', ?1)");
        if (!lorebookIds.isEmpty()) {
            sql.append(" OR id IN (").append(placeholders(parameters, lorebookIds)).append(')');
        }
        if (!characterIds.isEmpty()) {
            sql.append(" OR jsonb_exists_any(CAST(payload AS jsonb) -> 'characterIds', CAST(ARRAY[")
                .append(placeholders(parameters, characterIds)).append("] AS text[]))");
        }
        sql.append(") ORDER BY id");
        return getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), String.class);
            for (int i = 0; i < parameters.size(); i++) {
                query.setParameter(i + 1, parameters.get(i));
            }
            return query.getResultList();
        });
    }

    /** Appends the values to the parameters; returns their placeholders ({@code ?n, ?n+1, ...}). */
    private static String placeholders(List<Object> parameters, List<String> values) {
        StringBuilder list = new StringBuilder();
        for (String value : values) {
            parameters.add(value);
            list.append(list.isEmpty() ? "" : ", ").append('?').append(parameters.size());
        }
        return list.toString();
    }

    /** Current version of an entity (deleted or not), for tests and diagnostics. */
    public Uni<Optional<Long>> version(String kind, String id) {
        return findById(new ReadModelEntity.Key(kind, id)).map(e -> Optional.ofNullable(e).map(r -> r.version));
    }
}
