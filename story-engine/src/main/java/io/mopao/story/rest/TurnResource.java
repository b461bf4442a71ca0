package io.mopao.story.rest;

import io.mopao.service.error.ApiException;
import io.mopao.story.service.Frames;
import io.mopao.story.service.SessionService;
import io.mopao.story.service.StreamRegistry;
import io.mopao.story.service.TurnService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The HTTP alternative to the WebSocket: start and stop turns with POST, receive the same frames over Server-Sent
 * Events ({@code GET /api/sessions/{id}/events}).
 */
@Path("/api/sessions")
@Authenticated
public class TurnResource {

    private final TurnService turns;
    private final SessionService sessions;
    private final StreamRegistry streams;
    private final SecurityIdentity identity;

    public TurnResource(TurnService turns, SessionService sessions, StreamRegistry streams, SecurityIdentity identity) {
        this.turns = turns;
        this.sessions = sessions;
        this.streams = streams;
        this.identity = identity;
    }

    /** Body of a stop request. */
    public record StopRequest(UUID turnId) {
    }

    /** Starts a turn: {@code {"type":"say","text":"..."}}, regenerate, continue or impersonate. 202 with the turn id. */
    @POST
    @Path("/{id}/turns")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> start(@PathParam("id") UUID id, TurnService.Command command) {
        if (command == null) {
            throw ApiException.invalid("a JSON body is required");
        }
        return turns.start(Players.of(identity).userId(), id, command)
            .map(started -> Response.status(started.duplicate() ? 200 : 202).entity(started).build());
    }

    /** Stops the running turn (or {@code turnId}): publishes TurnCancelled; the runtime completes the turn as cancelled. */
    @POST
    @Path("/{id}/turns/stop")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> stop(@PathParam("id") UUID id, StopRequest request) {
        return turns.stop(Players.of(identity).userId(), id, request == null ? null : request.turnId())
            .map(turnId -> Response.accepted().entity(new StopRequest(turnId)).build());
    }

    /** Server-Sent Events: one JSON frame per event, the same frames as the WebSocket. */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events(@PathParam("id") UUID id) {
        return sessions.get(Players.of(identity), id).onItem().transformToMulti(session -> Multi.createFrom().<String>emitter(emitter -> {
            StreamRegistry.Sink sink = json -> {
                emitter.emit(json);
                return Uni.createFrom().voidItem();
            };
            streams.add(id, sink);
            emitter.onTermination(() -> streams.remove(id, sink));
            emitter.emit(streams.json(new Frames.Subscribed(id)));
        }));
    }
}
