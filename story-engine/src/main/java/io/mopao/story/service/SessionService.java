package io.mopao.story.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mopao.events.EventSerde;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.outbox.HibernateOutbox;
import io.mopao.events.story.TranscriptShared;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxConfig;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.story.config.StoryConfig;
import io.mopao.story.prompt.Macros;
import io.mopao.story.prompt.PromptAssembler;
import io.mopao.story.repository.MessageRepository;
import io.mopao.story.repository.MessageRow;
import io.mopao.story.repository.SessionRepository;
import io.mopao.story.repository.SessionRow;
import io.mopao.story.repository.SharedTranscriptEntity;
import io.mopao.story.repository.TurnRepository;
import io.mopao.story.repository.TurnRow;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Sessions and their message trees: create, read, edit, delete, branch, switch, share, fork. Owners only. Reads run in
 * a Hibernate Reactive session ({@code @WithSession}), changes in one transaction each ({@code @WithTransaction}).
 */
@ApplicationScoped
public class SessionService {

    /** Most characters in one scene. */
    public static final int MAX_CAST = 8;

    private final SessionRepository sessions;
    private final MessageRepository messages;
    private final TurnRepository turns;
    private final ReadModels readModels;
    private final StoryConfig config;
    private final OutboxPublisher publisher;
    private final HibernateOutbox outbox;

    public SessionService(SessionRepository sessions, MessageRepository messages, TurnRepository turns, ReadModels readModels,
        StoryConfig config, OutboxPublisher publisher, OutboxConfig outboxConfig) {
        this.sessions = sessions;
        this.messages = messages;
        this.turns = turns;
        this.readModels = readModels;
        this.config = config;
        this.publisher = publisher;
        this.outbox = new HibernateOutbox(outboxConfig.source());
    }

    /** The player. */
    public record Player(String userId, String name) {
    }

    /**
     * A new session.
     *
     * @param characterIds the cast (1 to 8)
     * @param worldId optional world
     * @param greetingIndex 0 = the card's first message, n = its n-th alternate greeting (all are kept as swipes)
     * @param openingSceneId optional opening scene of the world (narration before the greeting)
     * @param storylineId optional storyline of the world
     * @param playerName the name the characters call the player (default: the account's display name)
     * @param playerPersona optional persona description
     * @param speakerPolicy group scenes: manual, mention, talkativeness, round_robin
     * @param autoContinue group scenes: replies in a row after the player's message (capped)
     */
    public record CreateSession(List<String> characterIds, String worldId, Integer greetingIndex, String openingSceneId,
        String storylineId, String title, String playerName, String playerPersona, String speakerPolicy, Integer autoContinue) {
    }

    /** Session settings a player may change. */
    public record UpdateSession(String title, String playerPersona, String speakerPolicy, Integer autoContinue) {
    }

    @WithTransaction
    public Uni<SessionRow> create(Player player, CreateSession request) {
        List<String> ids = request.characterIds() == null ? List.of() : request.characterIds().stream().distinct().toList();
        if (ids.isEmpty() || ids.size() > MAX_CAST) {
            return Uni.createFrom().failure(ApiException.invalid("a session needs 1 to " + MAX_CAST + " characters"));
        }
        String policy = request.speakerPolicy() == null ? "round_robin" : request.speakerPolicy();
        if (!SpeakerSelector.POLICIES.contains(policy)) {
            return Uni.createFrom().failure(ApiException.invalid("speakerPolicy must be one of " + SpeakerSelector.POLICIES));
        }
        String playerName = request.playerName() == null || request.playerName().isBlank() ? player.name() : request.playerName().strip();
        if (playerName.length() > 64) {
            return Uni.createFrom().failure(ApiException.invalid("playerName is longer than 64 characters"));
        }
        if (request.playerPersona() != null && request.playerPersona().length() > config.maxMessageChars()) {
            return Uni.createFrom().failure(new ApiException(413, "payload_too_large", "the persona is too long"));
        }
        return readModels.characters(ids).flatMap(cast -> {
            if (cast.size() != ids.size() || cast.stream().anyMatch(c -> !ReadModels.playable(c.ownerId(), c.visibility(), c.hidden(),
                player.userId()))) {
                throw ApiException.notFound("character");
            }
            return readModels.world(request.worldId()).flatMap(world -> {
                if (request.worldId() != null && (world.isEmpty() || !ReadModels.playable(world.get().ownerId(), world.get().visibility(),
                    world.get().hidden(), player.userId()))) {
                    throw ApiException.notFound("world");
                }
                return readModels.storyline(request.storylineId()).flatMap(storyline -> {
                    if (request.storylineId() != null && (storyline.isEmpty() || world.isEmpty()
                        || !world.get().id().equals(storyline.get().worldId()))) {
                        throw ApiException.notFound("storyline");
                    }
                    String title = request.title() != null && !request.title().isBlank() ? request.title().strip()
                        : world.map(WorldSnapshot::title).orElse(cast.getFirst().name());
                    int auto = Math.max(0, Math.min(request.autoContinue() == null ? 0 : request.autoContinue(), config.autoContinueCap()));
                    SessionRow session = new SessionRow(UUID.randomUUID(), player.userId(), title, request.worldId(), ids, playerName,
                        request.playerPersona(), null, policy, auto, null, 0, request.storylineId(),
                        storyline.map(StorylineSnapshot::startBeatId).orElse(null), 0, false, null, null, null);
                    List<MessageRow> opening = openingMessages(session, cast, world.orElse(null), request);
                    return sessions.insert(session)
                        .flatMap(v -> insertAll(opening))
                        .flatMap(leaf -> sessions.setActiveLeaf(session.id(), leaf))
                        .flatMap(v -> sessions.owned(session.id(), player.userId()))
                        .map(Optional::orElseThrow);
                });
            });
        });
    }

    /** Opening narration (optional), then the greeting(s): alternates as siblings; the chosen one is the active leaf (last). */
    private List<MessageRow> openingMessages(SessionRow session, List<CharacterSnapshot> cast, WorldSnapshot world, CreateSession request) {
        List<MessageRow> messages = new ArrayList<>();
        UUID parent = null;
        if (request.openingSceneId() != null) {
            WorldSnapshot.OpeningScene scene = world == null ? null : world.openingScenes().stream()
                .filter(s -> s.id().equals(request.openingSceneId())).findFirst().orElse(null);
            if (scene == null) {
                throw ApiException.notFound("opening scene");
            }
            MessageRow narration = message(session, parent, "narrator", null, "Narrator",
                Macros.expand(scene.text(), PromptAssembler.charName(cast.getFirst()), session.playerName()));
            messages.add(narration);
            parent = narration.id();
        }
        if (cast.size() == 1) {
            CharacterSnapshot c = cast.getFirst();
            List<String> greetings = new ArrayList<>();
            if (c.firstMessage() != null && !c.firstMessage().isBlank()) {
                greetings.add(c.firstMessage());
            }
            greetings.addAll(c.alternateGreetings().stream().filter(g -> g != null && !g.isBlank()).toList());
            int index = request.greetingIndex() == null ? 0 : request.greetingIndex();
            if (index < 0 || (index > 0 && index >= greetings.size())) {
                throw ApiException.invalid("greetingIndex must be between 0 and " + Math.max(0, greetings.size() - 1));
            }
            MessageRow chosen = null;
            List<MessageRow> others = new ArrayList<>();
            for (int i = 0; i < greetings.size(); i++) {
                MessageRow greeting = message(session, parent, "assistant", c.id(), PromptAssembler.charName(c),
                    Macros.expand(greetings.get(i), PromptAssembler.charName(c), session.playerName()));
                if (i == index) {
                    chosen = greeting;
                } else {
                    others.add(greeting);
                }
            }
            messages.addAll(others);
            if (chosen != null) {
                messages.add(chosen);
            }
            return messages;
        }
        for (CharacterSnapshot c : cast) {
            String greeting = !c.groupOnlyGreetings().isEmpty() ? c.groupOnlyGreetings().getFirst() : c.firstMessage();
            if (greeting != null && !greeting.isBlank()) {
                MessageRow m = message(session, parent, "assistant", c.id(), PromptAssembler.charName(c),
                    Macros.expand(greeting, PromptAssembler.charName(c), session.playerName()));
                messages.add(m);
                parent = m.id();
            }
        }
        return messages;
    }

    private static MessageRow message(SessionRow session, UUID parent, String role, String characterId, String speaker, String content) {
        return new MessageRow(UUID.randomUUID(), session.id(), parent, role, characterId, speaker, content, null, null, null, null);
    }

    /** Inserts messages in order; emits the id of the last (null when none). */
    private Uni<UUID> insertAll(List<MessageRow> rows) {
        Uni<UUID> chain = Uni.createFrom().nullItem();
        for (MessageRow m : rows) {
            chain = chain.flatMap(v -> messages.insert(m)).replaceWith(m.id());
        }
        return chain;
    }

    @WithSession
    public Uni<SessionRow> get(Player player, UUID id) {
        return sessions.owned(id, player.userId()).map(found -> found.orElseThrow(() -> ApiException.notFound("session")));
    }

    @WithSession
    public Uni<List<SessionRow>> list(Player player) {
        return sessions.list(player.userId(), 100);
    }

    @WithTransaction
    public Uni<SessionRow> update(Player player, UUID id, UpdateSession update) {
        return get(player, id).flatMap(s -> {
            String policy = update.speakerPolicy() == null ? s.speakerPolicy() : update.speakerPolicy();
            if (!SpeakerSelector.POLICIES.contains(policy)) {
                throw ApiException.invalid("speakerPolicy must be one of " + SpeakerSelector.POLICIES);
            }
            int auto = update.autoContinue() == null ? s.autoContinue() : Math.max(0, Math.min(update.autoContinue(),
                config.autoContinueCap()));
            String title = update.title() == null || update.title().isBlank() ? s.title() : update.title().strip();
            String persona = update.playerPersona() == null ? s.playerPersona() : update.playerPersona();
            return sessions.updateSettings(id, title, persona, policy, auto).flatMap(v -> get(player, id));
        });
    }

    @WithTransaction
    public Uni<Void> delete(Player player, UUID id) {
        return get(player, id).flatMap(s -> sessions.remove(id));
    }

    /** The active branch, oldest first, with each message's position among its siblings. */
    @WithSession
    public Uni<List<MessageView>> history(Player player, UUID id) {
        return get(player, id).flatMap(s -> messages.path(id, s.activeLeafId()).flatMap(path -> messages.tree(id)
            .map(tree -> path.stream().map(m -> {
                List<UUID> siblings = tree.siblings(m.id());
                return MessageView.of(m, Math.max(0, siblings.indexOf(m.id())), Math.max(1, siblings.size()));
            }).toList())));
    }

    /** Every message of the session (the whole tree), oldest first. */
    @WithSession
    public Uni<List<MessageView>> tree(Player player, UUID id) {
        return get(player, id).flatMap(s -> messages.all(id).flatMap(all -> messages.tree(id).map(tree -> all.stream().map(m -> {
            List<UUID> siblings = tree.siblings(m.id());
            return MessageView.of(m, siblings.indexOf(m.id()), siblings.size());
        }).toList())));
    }

    /** Edits a message in place (the tree keeps its shape). */
    @WithTransaction
    public Uni<MessageView> edit(Player player, UUID id, UUID messageId, String content) {
        if (content == null || content.isBlank()) {
            return Uni.createFrom().failure(ApiException.invalid("content must not be empty"));
        }
        if (content.length() > config.maxMessageChars()) {
            return Uni.createFrom().failure(new ApiException(413, "message_too_large", "at most " + config.maxMessageChars()
                + " characters are allowed"));
        }
        return get(player, id).flatMap(s -> messages.inSession(id, messageId)
            .map(found -> found.orElseThrow(() -> ApiException.notFound("message")))
            .flatMap(m -> messages.edit(m, content)).map(MessageView::of));
    }

    /**
     * Deletes a message and everything below it. If the active branch ran through it, the branch moves to the newest
     * remaining leaf under its parent (or under the newest root).
     */
    @WithTransaction
    public Uni<SessionRow> deleteMessage(Player player, UUID id, UUID messageId) {
        return get(player, id).flatMap(s -> sessions.lock(id)).flatMap(locked -> messages.tree(id).flatMap(tree -> {
            if (!tree.contains(messageId)) {
                throw ApiException.notFound("message");
            }
            UUID parent = tree.parents().get(messageId);
            UUID activeLeaf = locked.map(SessionRow::activeLeafId).orElse(null);
            boolean activeInside = activeLeaf != null && tree.isWithin(activeLeaf, messageId);
            return messages.remove(messageId).flatMap(v -> messages.tree(id)).flatMap(after -> {
                if (!activeInside) {
                    return Uni.createFrom().voidItem();
                }
                UUID leaf = parent != null ? after.newestLeafUnder(parent)
                    : after.newestRoot().map(after::newestLeafUnder).orElse(null);
                return sessions.setActiveLeaf(id, leaf);
            });
        })).flatMap(v -> get(player, id));
    }

    /**
     * Switches branches: the active leaf becomes {@code messageId} ({@code descend}: the newest leaf below it, which is
     * how a swipe to a sibling continues that sibling's branch). Branching from a message = making it the leaf; the
     * next message then forks there.
     */
    @WithTransaction
    public Uni<SessionRow> select(Player player, UUID id, UUID messageId, boolean descend) {
        return get(player, id).flatMap(s -> messages.tree(id).flatMap(tree -> {
            if (messageId == null || !tree.contains(messageId)) {
                throw ApiException.notFound("message");
            }
            return sessions.setActiveLeaf(id, descend ? tree.newestLeafUnder(messageId) : messageId);
        })).flatMap(v -> get(player, id));
    }

    /** Recent turns. */
    @WithSession
    public Uni<List<TurnRow>> turns(Player player, UUID id) {
        return get(player, id).flatMap(s -> turns.recent(id, 50));
    }

    /** One turn of the session. */
    @WithSession
    public Uni<TurnRow> turn(Player player, UUID id, UUID turnId) {
        return get(player, id).flatMap(s -> turns.byId(turnId))
            .map(t -> t.filter(x -> x.sessionId().equals(id)).orElseThrow(() -> ApiException.notFound("turn")));
    }

    /**
     * Shares the branch ending at {@code leafMessageId} (default: the active leaf): a TranscriptShared event through the
     * outbox plus a local copy for "play from here", in one transaction; the relay is woken after the commit.
     */
    public Uni<TranscriptShared> share(Player player, UUID id, String title, String caption, UUID leafMessageId) {
        if (title == null || title.isBlank() || title.length() > 200) {
            return Uni.createFrom().failure(ApiException.invalid("a share needs a title of at most 200 characters"));
        }
        return Panache.withTransaction(() -> shareInTx(player, id, title, caption, leafMessageId)).invoke(publisher::wakeUp);
    }

    private Uni<TranscriptShared> shareInTx(Player player, UUID id, String title, String caption, UUID leafMessageId) {
        return get(player, id).flatMap(s -> {
            UUID leaf = leafMessageId != null ? leafMessageId : s.activeLeafId();
            return messages.path(id, leaf).flatMap(path -> {
                if (path.isEmpty()) {
                    throw ApiException.notFound("message");
                }
                return readModels.characters(s.characterIds()).flatMap(cast -> readModels.world(s.worldId()).flatMap(world -> {
                    String rating = world.map(WorldSnapshot::contentRating).orElse("general");
                    for (CharacterSnapshot c : cast) {
                        rating = stricter(rating, c.contentRating());
                    }
                    List<TranscriptShared.SharedMessage> messages = path.stream().map(m -> new TranscriptShared.SharedMessage(
                        m.id().toString(), m.role(), m.speakerName(), m.characterId(), m.content(),
                        m.createdAt() == null ? Instant.now() : m.createdAt().toInstant())).toList();
                    TranscriptShared shared = new TranscriptShared(UUID.randomUUID().toString(), id.toString(), player.userId(),
                        player.name(), title.strip(), caption, s.worldId(), s.characterIds(), leaf.toString(), rating, messages,
                        Instant.now());
                    SharedTranscriptEntity copy = new SharedTranscriptEntity();
                    copy.id = UUID.fromString(shared.shareId());
                    copy.sessionId = id;
                    copy.ownerId = player.userId();
                    copy.payload = EventSerde.get().mapper().valueToTree(shared).toString();
                    copy.createdAt = OffsetDateTime.now();
                    return Panache.getSession().flatMap(session -> outbox.append(session, shared, null)
                        .flatMap(v -> session.persist(copy)).flatMap(v -> session.flush()))
                        .replaceWith(shared);
                }));
            });
        });
    }

    /** "Play from here": a new session of the caller with a shared branch copied up to {@code fromMessageId} (default: its end). */
    @WithTransaction
    public Uni<SessionRow> fork(Player player, UUID shareId, String fromMessageId, String playerName) {
        return Panache.getSession().flatMap(session -> session.find(SharedTranscriptEntity.class, shareId)).flatMap(stored -> {
            if (stored == null) {
                throw ApiException.notFound("shared transcript");
            }
            TranscriptShared shared;
            try {
                shared = EventSerde.get().mapper().readValue(stored.payload, TranscriptShared.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored share is unreadable", e);
            }
            List<TranscriptShared.SharedMessage> messages = new ArrayList<>();
            boolean found = fromMessageId == null;
            for (TranscriptShared.SharedMessage m : shared.messages()) {
                messages.add(m);
                if (m.id().equals(fromMessageId)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                throw ApiException.notFound("message");
            }
            return readModels.characters(shared.characterIds()).flatMap(cast -> {
                if (cast.size() != shared.characterIds().size() || cast.stream().anyMatch(c -> !ReadModels.playable(c.ownerId(),
                    c.visibility(), c.hidden(), player.userId()))) {
                    throw ApiException.notFound("character");
                }
                String name = playerName == null || playerName.isBlank() ? player.name() : playerName.strip();
                SessionRow session = new SessionRow(UUID.randomUUID(), player.userId(), shared.title(), shared.worldId(),
                    shared.characterIds(), name, null, null, "round_robin", 0, null, 0, null, null, 0, false, "share:" + shareId, null,
                        null);
                List<MessageRow> copies = new ArrayList<>();
                UUID parent = null;
                for (TranscriptShared.SharedMessage m : messages) {
                    MessageRow copy = new MessageRow(UUID.randomUUID(), session.id(), parent, m.role(), m.characterId(),
                        "user".equals(m.role()) ? name : m.speakerName(), m.content(), null, null, OffsetDateTime.now(), null);
                    copies.add(copy);
                    parent = copy.id();
                }
                return sessions.insert(session).flatMap(v -> insertAll(copies))
                    .flatMap(leaf -> sessions.setActiveLeaf(session.id(), leaf))
                    .flatMap(v -> sessions.owned(session.id(), player.userId())).map(Optional::orElseThrow);
            });
        });
    }

    /** Storyline progress of a session. */
    @WithSession
    public Uni<Optional<StorylineProgress>> storyline(Player player, UUID id) {
        return get(player, id).flatMap(s -> readModels.storyline(s.storylineId()).map(storyline -> storyline.map(st -> {
            Optional<StorylineSnapshot.Beat> beat = Storylines.beat(st, s.beatId());
            return new StorylineProgress(st.id(), st.title(), Storylines.chapter(st, s.beatId()).map(StorylineSnapshot.Chapter::title)
                .orElse(null), s.beatId(), beat.map(StorylineSnapshot.Beat::title).orElse(null),
                beat.map(StorylineSnapshot.Beat::goal).orElse(null), s.beatTurns(), s.storylineDone());
        })));
    }

    /** Where a session stands in its storyline. */
    public record StorylineProgress(String storylineId, String title, String chapter, String beatId, String beatTitle, String goal,
        int beatTurns, boolean done) {
    }

    private static String stricter(String a, String b) {
        List<String> order = List.of("general", "teen", "mature");
        int ia = Math.max(0, order.indexOf(a));
        int ib = Math.max(0, order.indexOf(b));
        return order.get(Math.max(ia, ib));
    }
}
