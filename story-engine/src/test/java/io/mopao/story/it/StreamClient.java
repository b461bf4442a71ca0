package io.mopao.story.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client of the stream endpoint that collects every frame. */
public final class StreamClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final WebSocket socket;
    private volatile boolean closed;

    private StreamClient(URI uri, String authorization, List<String> subprotocols) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    /** Connects with the token in the {@code access_token} query parameter (as a browser would). */
    public static StreamClient queryToken(int port, String sessionId, String token) {
        return new StreamClient(URI.create("ws://127.0.0.1:" + port + "/api/sessions/" + sessionId + "/stream?access_token=" + token),
            null, List.of());
    }

    /** Connects with the token in the Sec-WebSocket-Protocol carrier. */
    public static StreamClient subprotocolToken(int port, String sessionId, String token) {
        return new StreamClient(URI.create("ws://127.0.0.1:" + port + "/api/sessions/" + sessionId + "/stream"), null,
            List.of("bearer-token-carrier", java.net.URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token,
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")));
    }

    /** Connects with an Authorization header. */
    public static StreamClient header(int port, String sessionId, String token) {
        return new StreamClient(URI.create("ws://127.0.0.1:" + port + "/api/sessions/" + sessionId + "/stream"), "Bearer " + token,
            List.of());
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    /** Waits for the next frame that matches, keeping every frame seen. */
    public JsonNode await(Predicate<JsonNode> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            for (JsonNode frame : seen) {
                if (matcher.test(frame)) {
                    seen.remove(frame);
                    return frame;
                }
            }
        }
        while (System.nanoTime() < deadline) {
            JsonNode frame;
            try {
                frame = frames.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                continue;
            }
            if (matcher.test(frame)) {
                return frame;
            }
            synchronized (seen) {
                seen.add(frame);
            }
        }
        throw new AssertionError("no matching frame within " + timeout + "; unmatched frames: " + seen);
    }

    public JsonNode await(String type) {
        return await(f -> type.equals(f.path("type").asText()), Duration.ofSeconds(30));
    }

    /** Every frame received so far that no await consumed, plus what is queued now. */
    public List<JsonNode> drain() {
        List<JsonNode> all;
        synchronized (seen) {
            all = new ArrayList<>(seen);
            seen.clear();
        }
        frames.drainTo(all);
        return all;
    }

    public boolean closed() {
        return closed;
    }

    /** The subprotocol the server selected in its handshake answer ({@code ""} when none). */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    public void close() {
        if (!closed) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            return null;
        }
    }
}
