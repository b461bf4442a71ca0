package io.mopao.web.gateway;

import io.mopao.web.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
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
     * The upstream for a path, if a route of the wanted kind matches it. A prefix matches the whole path or a path
     * that continues with {@code /} (so {@code /api/posts} does not match {@code /api/postsX}).
     *
     * @param path the request path, already normalised by Vert.x
     * @param query the raw query string or null
     * @param websocket true to look only at WebSocket routes, false for HTTP routes
     */
    public Optional<Target> resolve(String path, String query, boolean websocket) {
        if (path.contains("..") || path.contains("//")) {
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
