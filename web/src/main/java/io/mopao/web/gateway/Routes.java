package io.mopao.web.gateway;

import io.mopao.web.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Resolves a browser path to an upstream URL through the configured routing table (longest prefix wins). */
@ApplicationScoped
public class Routes {

    /** A resolved target: the upstream URL (with the query string) and the route it came from. */
    public record Target(String url, GatewayConfig.Route route) {
    }

    private final List<GatewayConfig.Route> routes;

    public Routes(GatewayConfig config) {
        this.routes = config.routes().values().stream()
            .sorted(Comparator.comparingInt((GatewayConfig.Route r) -> r.prefix().length()).reversed())
            .toList();
    }

    /**
     * Whether a path could leave its route upstream: dot segments and empty segments, and also a dot, slash or backslash
     * written percent-encoded, since Vert.x normalises only what is written plainly while the service behind decodes
     * and normalises again ({@code /api/characters/%2e%2e/q/metrics} would reach the service's {@code /q/metrics}).
     */
    static boolean escapes(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return path.contains("..") || path.contains("//") || path.indexOf('\\') >= 0
            || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c");
    }

    /**
     * The upstream for a path, if a route of the wanted kind matches it. A prefix matches the whole path or a path
     * that continues with {@code /} (so {@code /api/posts} does not match {@code /api/postsX}).
     *
     * @param path the request path, already normalised by Vert.x
     * @param query the raw query string or null
     * @param websocket true to look only at WebSocket routes, false for HTTP routes
     */
    public Optional<Target> resolve(String path, String query, boolean websocket) {
        if (escapes(path)) {
            return Optional.empty();
        }
        for (GatewayConfig.Route r : routes) {
            if (r.websocket() != websocket) {
                continue;
            }
            String prefix = r.prefix();
            if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                String rest = path.substring(prefix.length());
                String url = r.upstream() + rest + (query == null || query.isEmpty() ? "" : "?" + query);
                return Optional.of(new Target(url, r));
            }
        }
        return Optional.empty();
    }
}
