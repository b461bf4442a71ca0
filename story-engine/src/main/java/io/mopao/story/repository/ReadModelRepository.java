package io.mopao.story.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Local copies of other services' data (characters, worlds, lorebooks, storylines), fed by the compacted topics. Each
 * row is the latest snapshot JSON of one entity; writes are ordered by the entity's version, so replays, duplicates and
 * out-of-order deliveries converge to the same state.
 */
@ApplicationScoped
public class ReadModelRepository {

    /** Read model kinds. */
    public static final String CHARACTER = "character";
    public static final String WORLD = "world";
    public static final String LOREBOOK = "lorebook";
    public static final String STORYLINE = "storyline";

    private static final String UPSERT = "INSERT INTO read_model (kind, id, version, deleted, owner_id, visibility, payload, updated_at) "
        + "VALUES ($1, $2, $3, false, $4, $5, $6, now()) ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version, deleted = false, "
        + "owner_id = EXCLUDED.owner_id, visibility = EXCLUDED.visibility, payload = EXCLUDED.payload, updated_at = now() "
        + "WHERE read_model.version < EXCLUDED.version";
    private static final String DELETE = "INSERT INTO read_model (kind, id, version, deleted, updated_at) VALUES ($1, $2, $3, true, now()) "
        + "ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version, deleted = true, payload = NULL, updated_at = now() "
        + "WHERE read_model.version <= EXCLUDED.version";
    private static final String TOMBSTONE = "UPDATE read_model SET deleted = true, payload = NULL, updated_at = now() "
        + "WHERE kind = $1 AND id = $2";

    private final Pool pool;

    public ReadModelRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores a snapshot unless a newer (or the same) version is already there; emits whether it changed anything. */
    public Uni<Boolean> upsert(SqlClient client, String kind, String id, long version, String ownerId, String visibility, String payload) {
        return client.preparedQuery(UPSERT).execute(Tuple.from(java.util.Arrays.asList(kind, id, version, ownerId, visibility, payload)))
            .map(rows -> rows.rowCount() == 1);
    }

    /** Marks an entity deleted as of a version (a later upsert with a higher version brings it back). */
    public Uni<Boolean> delete(SqlClient client, String kind, String id, long version) {
        return client.preparedQuery(DELETE).execute(Tuple.of(kind, id, version)).map(rows -> rows.rowCount() == 1);
    }

    /** A Kafka tombstone (null value on the compacted topic): the entity is gone whatever its version. */
    public Uni<Void> tombstone(SqlClient client, String kind, String id) {
        return client.preparedQuery(TOMBSTONE).execute(Tuple.of(kind, id)).replaceWithVoid();
    }

    /** The live snapshot JSON of an entity. */
    public Uni<Optional<String>> find(String kind, String id) {
        return pool.preparedQuery("SELECT payload FROM read_model WHERE kind = $1 AND id = $2 AND NOT deleted")
            .execute(Tuple.of(kind, id))
            .map(rows -> rows.size() == 0 ? Optional.<String>empty() : Optional.of(rows.iterator().next().getString(0)));
    }

    /** Live snapshots of several entities, in the order of {@code ids} (missing ones skipped). */
    public Uni<List<String>> findAll(String kind, List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("SELECT id, payload FROM read_model WHERE kind = $1 AND id = ANY($2) AND NOT deleted")
            .execute(Tuple.of(kind, ids.toArray(new String[0])))
            .map(rows -> {
                java.util.Map<String, String> byId = new java.util.HashMap<>();
                for (Row row : rows) {
                    byId.put(row.getString("id"), row.getString("payload"));
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

    /** Lorebook events (LorebookUpserted JSON) by id or attached to one of the characters or the world. */
    public Uni<List<String>> lorebooksFor(List<String> lorebookIds, String worldId, List<String> characterIds) {
        String sql = "SELECT payload FROM read_model WHERE kind = 'lorebook' AND NOT deleted AND (id = ANY($1) "
            + "OR (payload::jsonb -> 'worldIds') ? $2 OR (payload::jsonb -> 'characterIds') ?| $3) ORDER BY id";
        return pool.preparedQuery(sql)
            .execute(Tuple.of(lorebookIds.toArray(new String[0]), worldId == null ? "" : worldId, characterIds.toArray(new String[0])))
            .map(rows -> {
                List<String> payloads = new ArrayList<>();
                for (Row row : rows) {
                    payloads.add(row.getString(0));
                }
                return payloads;
            });
    }

    /** Current version of an entity (deleted or not), for tests and diagnostics. */
    public Uni<Optional<Long>> version(String kind, String id) {
        return pool.preparedQuery("SELECT version FROM read_model WHERE kind = $1 AND id = $2").execute(Tuple.of(kind, id))
            .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong(0)));
    }
}
