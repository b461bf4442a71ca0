package io.mopao.story.rest;

import io.mopao.story.service.SessionService;
import io.mopao.story.websocket.StreamPaths;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Looks the session of {@code GET /api/sessions/{id}/events} up before the event stream starts: once a Server-Sent Events
 * response has begun its status is 200, so a session that is not the caller's (or does not exist) would be an empty
 * stream instead of the 404 every other session endpoint answers.
 */
public class SessionEventsAccess {

    private final SessionService sessions;
    private final SecurityIdentity identity;

    public SessionEventsAccess(SessionService sessions, SecurityIdentity identity) {
        this.sessions = sessions;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Void> sessionIsTheCallers(ContainerRequestContext request) {
        if (!"GET".equals(request.getMethod()) || !StreamPaths.isEvents(request.getUriInfo().getPath()) || identity.isAnonymous()) {
            return Uni.createFrom().voidItem(); // anonymous: the resource's @Authenticated answers 401
        }
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        UUID session;
        try {
            session = id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem(); // the resource answers a malformed id as it always has
        }
        return session == null ? Uni.createFrom().voidItem() : sessions.get(Players.of(identity), session).replaceWithVoid();
    }
}
