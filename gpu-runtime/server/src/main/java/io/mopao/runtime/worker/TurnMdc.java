package io.mopao.runtime.worker;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * The logging context of one turn: its turn, session and attempt ids, the model and the W3C trace and span ids, put
 * into the MDC of the current thread while the turn is being worked on, so that every log line about it carries them
 * (the text format prints them; the JSON format has them under {@code mdc}). Closing restores what the thread had
 * before, so scopes nest and a pooled thread never carries one turn's ids into the next.
 */
public final class TurnMdc implements AutoCloseable {
    /** MDC key of the turn id. */
    public static final String TURN = "turnId";
    /** MDC key of the session id. */
    public static final String SESSION = "sessionId";
    /** MDC key of the attempt id. */
    public static final String ATTEMPT = "attemptId";
    /** MDC key of the model name. */
    public static final String MODEL = "model";
    /** MDC key of the W3C trace id. */
    public static final String TRACE = "traceId";
    /** MDC key of the W3C span id of this runtime's work on the turn. */
    public static final String SPAN = "spanId";

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private TurnMdc() {
    }

    /**
     * @param turnId      the turn, or null
     * @param sessionId   its session, or null
     * @param attemptId   this worker's attempt, or null while not yet known
     * @param model       the model the turn names, or null
     * @param traceparent W3C traceparent of the work on the turn, or null
     * @return the scope; close it when the work on the turn ends
     */
    public static TurnMdc open(String turnId, String sessionId, String attemptId, String model, String traceparent) {
        TurnMdc scope = new TurnMdc();
        scope.put(TURN, turnId);
        scope.put(SESSION, sessionId);
        scope.put(ATTEMPT, attemptId);
        scope.put(MODEL, model);
        scope.traceparent(traceparent);
        return scope;
    }

    static TurnMdc open(TurnRun run) {
        return open(run.turn.turnId(), run.turn.sessionId(), run.attemptId, run.model, run.traceparent);
    }

    /**
     * @param attemptId the attempt, once known
     * @return this scope
     */
    public TurnMdc attempt(String attemptId) {
        put(ATTEMPT, attemptId);
        return this;
    }

    /**
     * @param traceparent the W3C traceparent of the work (its trace and span ids go into the MDC)
     * @return this scope
     */
    public TurnMdc traceparent(String traceparent) {
        String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
        put(TRACE, parts.length == 4 ? parts[1] : null);
        put(SPAN, parts.length == 4 ? parts[2] : null);
        return this;
    }

    private void put(String key, String value) {
        if (!previous.containsKey(key)) {
            previous.put(key, MDC.get(key));
        }
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** Restores the MDC keys this scope set to what they were before it opened. */
    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
