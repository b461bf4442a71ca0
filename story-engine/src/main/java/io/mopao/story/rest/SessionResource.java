package io.mopao.story.rest;

import io.mopao.events.story.TranscriptShared;
import io.mopao.service.error.ApiException;
import io.mopao.story.repository.SessionRow;
import io.mopao.story.repository.TurnRow;
import io.mopao.story.service.MessageView;
import io.mopao.story.service.SessionService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Play sessions and their message trees. A player sees only their own sessions (anyone else's id is 404). */
@Path("/api/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionResource {

    private final SessionService service;
    private final SecurityIdentity identity;

    public SessionResource(SessionService service, SecurityIdentity identity) {
        this.service = service;
        this.identity = identity;
    }

    /** A session as the API shows it. */
    public record SessionView(UUID id, String title, String worldId, List<String> characterIds, String playerName, String playerPersona,
        UUID activeLeafId, String speakerPolicy, int autoContinue, String storylineId, String forkedFrom, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

        static SessionView of(SessionRow s) {
            return new SessionView(s.id(), s.title(), s.worldId(), s.characterIds(), s.playerName(), s.playerPersona(), s.activeLeafId(),
                s.speakerPolicy(), s.autoContinue(), s.storylineId(), s.forkedFrom(), s.createdAt(), s.updatedAt());
        }
    }

    /** A turn as the API shows it (the prompt is at its own endpoint). */
    public record TurnView(UUID id, String kind, String status, String speakerName, String characterId, UUID parentMessageId,
        UUID replyMessageId, String finishReason, String error, OffsetDateTime createdAt, OffsetDateTime completedAt, Integer promptTokens,
        Integer completionTokens) {

        static TurnView of(TurnRow t) {
            return new TurnView(t.id(), t.kind(), t.status(), t.speakerName(), t.characterId(), t.parentMessageId(), t.replyMessageId(),
                t.finishReason(), t.error(), t.createdAt(), t.completedAt(), t.promptTokens(), t.completionTokens());
        }
    }

    /** Body of a start-from-share request. */
    public record ForkRequest(UUID shareId, String fromMessageId, String playerName) {
    }

    /** Body of a message edit. */
    public record EditRequest(String content) {
    }

    /** Body of a branch switch. */
    public record SelectRequest(UUID messageId, Boolean descend) {
    }

    /** Body of a share. */
    public record ShareRequest(String title, String caption, UUID leafMessageId) {
    }

    /** Memory of a session. */
    public record MemoryView(String summary, int summaryThrough) {
    }

    @POST
    public Uni<Response> create(SessionService.CreateSession request) {
        if (request == null) {
            throw ApiException.invalid("a JSON body is required");
        }
        return service.create(Players.of(identity), request)
            .map(s -> Response.status(201).header("Location", "/api/sessions/" + s.id()).entity(SessionView.of(s)).build());
    }

    /** "Play from here": a new session from a shared transcript. */
    @POST
    @Path("/from-share")
    public Uni<Response> fork(ForkRequest request) {
        if (request == null || request.shareId() == null) {
            throw ApiException.invalid("shareId is required");
        }
        return service.fork(Players.of(identity), request.shareId(), request.fromMessageId(), request.playerName())
            .map(s -> Response.status(201).header("Location", "/api/sessions/" + s.id()).entity(SessionView.of(s)).build());
    }

    @GET
    public Uni<List<SessionView>> list() {
        return service.list(Players.of(identity)).map(list -> list.stream().map(SessionView::of).toList());
    }

    @GET
    @Path("/{id}")
    public Uni<SessionView> get(@PathParam("id") UUID id) {
        return service.get(Players.of(identity), id).map(SessionView::of);
    }

    @PATCH
    @Path("/{id}")
    public Uni<SessionView> update(@PathParam("id") UUID id, SessionService.UpdateSession update) {
        if (update == null) {
            throw ApiException.invalid("a JSON body is required");
        }
        return service.update(Players.of(identity), id, update).map(SessionView::of);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(Players.of(identity), id).replaceWith(Response.noContent().build());
    }

    /** The active branch, oldest first. */
    @GET
    @Path("/{id}/messages")
    public Uni<List<MessageView>> history(@PathParam("id") UUID id) {
        return service.history(Players.of(identity), id);
    }

    /** Every message of the tree. */
    @GET
    @Path("/{id}/tree")
    public Uni<List<MessageView>> tree(@PathParam("id") UUID id) {
        return service.tree(Players.of(identity), id);
    }

    @PATCH
    @Path("/{id}/messages/{messageId}")
    public Uni<MessageView> edit(@PathParam("id") UUID id, @PathParam("messageId") UUID messageId, EditRequest request) {
        return service.edit(Players.of(identity), id, messageId, request == null ? null : request.content());
    }

    @DELETE
    @Path("/{id}/messages/{messageId}")
    public Uni<SessionView> deleteMessage(@PathParam("id") UUID id, @PathParam("messageId") UUID messageId) {
        return service.deleteMessage(Players.of(identity), id, messageId).map(SessionView::of);
    }

    /** Branch from a message: it becomes the active leaf, and the next message forks there. */
    @POST
    @Path("/{id}/messages/{messageId}/branch")
    @Consumes(MediaType.WILDCARD)
    public Uni<SessionView> branch(@PathParam("id") UUID id, @PathParam("messageId") UUID messageId) {
        return service.select(Players.of(identity), id, messageId, false).map(SessionView::of);
    }

    /** Switch branches (or swipes): {@code descend} (default true) follows the newest replies below the message. */
    @PUT
    @Path("/{id}/active-leaf")
    public Uni<SessionView> select(@PathParam("id") UUID id, SelectRequest request) {
        if (request == null || request.messageId() == null) {
            throw ApiException.invalid("messageId is required");
        }
        return service.select(Players.of(identity), id, request.messageId(), request.descend() == null || request.descend())
            .map(SessionView::of);
    }

    @GET
    @Path("/{id}/turns")
    public Uni<List<TurnView>> turns(@PathParam("id") UUID id) {
        return service.turns(Players.of(identity), id).map(list -> list.stream().map(TurnView::of).toList());
    }

    /** The exact prompt (segments, activated lore, estimate) that was sent for a turn. */
    @GET
    @Path("/{id}/turns/{turnId}/prompt")
    public Uni<Response> prompt(@PathParam("id") UUID id, @PathParam("turnId") UUID turnId) {
        return service.turn(Players.of(identity), id, turnId).map(t -> Response.ok(t.prompt(), MediaType.APPLICATION_JSON).build());
    }

    @GET
    @Path("/{id}/storyline")
    public Uni<SessionService.StorylineProgress> storyline(@PathParam("id") UUID id) {
        return service.storyline(Players.of(identity), id).map(p -> p.orElseThrow(() -> ApiException.notFound("storyline")));
    }

    @GET
    @Path("/{id}/memory")
    public Uni<MemoryView> memory(@PathParam("id") UUID id) {
        return service.get(Players.of(identity), id).map(s -> new MemoryView(s.summary(), s.summaryThrough()));
    }

    /** Shares a branch to the feed (TranscriptShared through the outbox). */
    @POST
    @Path("/{id}/share")
    public Uni<Response> share(@PathParam("id") UUID id, ShareRequest request) {
        if (request == null) {
            throw ApiException.invalid("a JSON body is required");
        }
        return service.share(Players.of(identity), id, request.title(), request.caption(), request.leafMessageId())
            .map((TranscriptShared s) -> Response.status(201).entity(s).build());
    }
}
