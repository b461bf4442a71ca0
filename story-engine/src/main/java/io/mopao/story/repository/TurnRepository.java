package io.mopao.story.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Turns. The partial unique index {@code turn_one_running_per_session} allows one running chat turn per session. */
@ApplicationScoped
public class TurnRepository {

    /** SQLSTATE of a unique violation. */
    public static final String UNIQUE_VIOLATION = "23505";

    public Uni<Void> insert(SqlClient client, TurnRow t) {
        return client.preparedQuery("INSERT INTO turn (id, session_id, user_id, kind, status, parent_message_id, base_message_id, "
            + "reply_message_id, character_id, speaker_name, prompt, continuation, deadline, auto_remaining, judged) "
            + "VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
            .execute(Tuple.from(Arrays.asList(t.id(), t.sessionId(), t.userId(), t.kind(), t.parentMessageId(), t.baseMessageId(),
                t.replyMessageId(), t.characterId(), t.speakerName(), t.prompt(), t.continuation(), t.deadline(), t.autoRemaining(),
                t.judged())))
            .replaceWithVoid();
    }

    public Uni<Optional<TurnRow>> find(SqlClient client, UUID turnId) {
        return client.preparedQuery("SELECT * FROM turn WHERE id = $1").execute(Tuple.of(turnId)).map(TurnRepository::first);
    }

    /** The running chat turn of a session, if any (after expiring turns past their deadline). */
    public Uni<Optional<TurnRow>> running(SqlClient client, UUID sessionId) {
        return client.preparedQuery("UPDATE turn SET status = 'timeout', finish_reason = 'timeout', completed_at = now() "
            + "WHERE session_id = $1 AND status = 'running' AND deadline < now()").execute(Tuple.of(sessionId))
            .flatMap(ignored -> client.preparedQuery("SELECT * FROM turn WHERE session_id = $1 "
                + "AND status = 'running' AND kind NOT IN ('summary', 'judge')")
                .execute(Tuple.of(sessionId)))
            .map(TurnRepository::first);
    }

    /**
     * Records that a new attempt of a running turn started (the runtime restarted it on another worker): the previous
     * attempt is superseded and its late chunks or completion are ignored. No-op for a superseded or finished attempt.
     */
    public Uni<Boolean> recordAttempt(SqlClient client, UUID turnId, String attemptId) {
        return client.preparedQuery("UPDATE turn SET superseded = CASE WHEN attempt_id IS NOT NULL AND attempt_id <> $2 "
            + "THEN array_append(superseded, attempt_id) ELSE superseded END, attempt_id = $2 "
            + "WHERE id = $1 AND status = 'running' AND attempt_id IS DISTINCT FROM $2 AND NOT ($2 = ANY(superseded))")
            .execute(Tuple.of(turnId, attemptId)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Finishes a running turn exactly once: emits the finished row, or empty when it was already finished (by this or
     * another replica) or the attempt was superseded.
     */
    public Uni<Optional<TurnRow>> finish(SqlClient client, UUID turnId, String attemptId, String status, String finishReason, String text,
        String error, Integer promptTokens, Integer completionTokens) {
        return client.preparedQuery("UPDATE turn SET status = $3, finish_reason = $4, reply_text = $5, error = $6, completed_at = now(), "
            + "prompt_tokens = $7, completion_tokens = $8, "
            + "superseded = CASE WHEN attempt_id IS NOT NULL AND attempt_id <> $2 THEN array_append(superseded, attempt_id) "
            + "ELSE superseded END, attempt_id = $2 "
            + "WHERE id = $1 AND status = 'running' AND NOT ($2 = ANY(superseded)) RETURNING *")
            .execute(Tuple.from(Arrays.asList(turnId, attemptId, status, finishReason, text, error, promptTokens, completionTokens)))
            .map(TurnRepository::first);
    }

    /** Recent turns of a session, newest first. */
    public Uni<List<TurnRow>> list(SqlClient client, UUID sessionId, int limit) {
        return client.preparedQuery("SELECT * FROM turn WHERE session_id = $1 ORDER BY created_at DESC LIMIT $2")
            .execute(Tuple.of(sessionId, limit))
            .map(rows -> {
                List<TurnRow> turns = new ArrayList<>();
                for (Row row : rows) {
                    turns.add(TurnRow.from(row));
                }
                return turns;
            });
    }

    /** A deadline {@code seconds} from now, as PostgreSQL sees it. */
    public static OffsetDateTime deadlineIn(java.time.Duration duration) {
        return OffsetDateTime.now().plus(duration);
    }

    private static Optional<TurnRow> first(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(TurnRow.from(rows.iterator().next()));
    }
}
