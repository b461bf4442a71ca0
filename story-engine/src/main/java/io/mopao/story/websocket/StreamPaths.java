package io.mopao.story.websocket;

/** The HTTP paths of the stream endpoints, for the filters that act on their requests before the endpoints run. */
public final class StreamPaths {
    private static final String SESSIONS = "/api/sessions/";

    private StreamPaths() {
    }

    /**
     * @param normalizedPath the request's normalised path
     * @return whether it is a session's WebSocket stream ({@code /api/sessions/{id}/stream})
     */
    static boolean isSocket(String normalizedPath) {
        return normalizedPath.startsWith(SESSIONS) && normalizedPath.endsWith("/stream");
    }

    /**
     * @param normalizedPath the request's normalised path
     * @return whether it is a session's Server-Sent Events stream ({@code /api/sessions/{id}/events})
     */
    public static boolean isEvents(String normalizedPath) {
        return normalizedPath.startsWith(SESSIONS) && normalizedPath.endsWith("/events");
    }

    /**
     * @param normalizedPath the request's normalised path
     * @return whether it is a session's WebSocket stream or a turn's event stream ({@code …/events})
     */
    static boolean isStream(String normalizedPath) {
        return isSocket(normalizedPath) || isEvents(normalizedPath);
    }
}
