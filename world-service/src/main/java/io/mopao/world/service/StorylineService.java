package io.mopao.world.service;

import io.mopao.events.world.StorylineSnapshot.Beat;
import io.mopao.events.world.StorylineSnapshot.Chapter;
import io.mopao.events.world.StorylineSnapshot.Condition;
import io.mopao.service.error.ApiException;
import io.mopao.service.outbox.OutboxPublisher;
import io.mopao.world.config.WorldConfig;
import io.mopao.world.mapping.StorylineDtos.StorylineInput;
import io.mopao.world.mapping.StorylineDtos.StorylineView;
import io.mopao.world.repository.StorylineEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Storylines of a world: chapters of beats with goals, narrator direction and advance conditions (keywords, turn counts
 * or a judged condition) branching to next beats until an ending. Readable with the world; changed by its owner.
 */
@ApplicationScoped
public class StorylineService {

    private static final Set<String> KINDS = Set.of("keyword", "turns", "judged");

    private final WorldService worlds;
    private final WorldEvents events;
    private final OutboxPublisher publisher;
    private final WorldConfig.Limits limits;

    public StorylineService(WorldService worlds, WorldEvents events, OutboxPublisher publisher, WorldConfig config) {
        this.worlds = worlds;
        this.events = events;
        this.publisher = publisher;
        this.limits = config.limits();
    }

    public Uni<StorylineView> create(CurrentUser user, UUID worldId, StorylineInput input) {
        WorldService.requireCreator(user);
        String start = validate(input);
        return Panache.withTransaction(() -> worlds.editable(user, worldId).chain(world -> {
            StorylineEntity s = new StorylineEntity();
            s.id = UUID.randomUUID();
            s.worldId = world.id;
            s.createdAt = Instant.now();
            apply(s, input, start);
            return s.<StorylineEntity>persist()
                .call(events::storylineUpserted)
                .call(() -> events.worldUpserted(world));
        })).invoke(publisher::wakeUp).map(StorylineView::of);
    }

    @WithSession
    public Uni<List<StorylineView>> list(CurrentUser user, UUID worldId) {
        return worlds.visible(user, worldId).chain(w -> StorylineEntity.<StorylineEntity>list("worldId = ?1 order by createdAt", worldId))
            .map(list -> list.stream().map(StorylineView::of).toList());
    }

    @WithSession
    public Uni<StorylineView> get(CurrentUser user, UUID id) {
        return load(id).call(s -> worlds.visible(user, s.worldId)).map(StorylineView::of);
    }

    public Uni<StorylineView> update(CurrentUser user, UUID id, StorylineInput input, Long expectedVersion) {
        String start = validate(input);
        return Panache.withTransaction(() -> load(id).call(s -> worlds.editable(user, s.worldId)).chain(s -> {
            WorldService.checkVersion(s.version, expectedVersion);
            apply(s, input, start);
            return events.storylineUpserted(s).replaceWith(s);
        })).invoke(publisher::wakeUp).map(StorylineView::of);
    }

    public Uni<Void> delete(CurrentUser user, UUID id, Long expectedVersion) {
        return Panache.withTransaction(() -> load(id).call(s -> worlds.editable(user, s.worldId)).chain(s -> {
            WorldService.checkVersion(s.version, expectedVersion);
            long version = s.version + 1;
            return s.delete()
                .chain(() -> Panache.getSession().chain(session -> session.flush()))
                .chain(() -> events.storylineDeleted(s.id, version))
                .chain(() -> events.worldUpserted(s.worldId));
        })).invoke(publisher::wakeUp);
    }

    private Uni<StorylineEntity> load(UUID id) {
        return StorylineEntity.<StorylineEntity>findById(id).map(s -> {
            if (s == null) {
                throw ApiException.notFound("storyline");
            }
            return s;
        });
    }

    private static void apply(StorylineEntity s, StorylineInput in, String start) {
        s.title = in.title().strip();
        s.description = in.description() == null ? "" : in.description();
        s.startBeatId = start;
        s.chapters = in.chapters();
        s.updatedAt = Instant.now();
    }

    /** Validates the beat graph; returns the start beat id. */
    String validate(StorylineInput in) {
        if (in == null) {
            throw ApiException.validation("a JSON body is required", List.of());
        }
        Checks c = new Checks();
        c.text(in.title(), "title", 200, true);
        c.text(in.description(), "description", 10_000, false);
        List<Chapter> chapters = in.chapters() == null ? List.of() : in.chapters();
        c.require(!chapters.isEmpty(), "a storyline needs at least one chapter");
        Set<String> beatIds = new HashSet<>();
        Set<String> chapterIds = new HashSet<>();
        int beats = 0;
        String firstBeat = null;
        for (Chapter chapter : chapters) {
            c.require(chapter != null && chapter.id() != null && !chapter.id().isBlank(), "every chapter needs an id");
            if (chapter == null) {
                continue;
            }
            c.require(chapterIds.add(String.valueOf(chapter.id())), "chapter id " + chapter.id() + " is used twice");
            c.require(!chapter.beats().isEmpty(), "chapter " + chapter.id() + " has no beats");
            for (Beat beat : chapter.beats()) {
                beats++;
                c.require(beat != null && beat.id() != null && !beat.id().isBlank(), "every beat needs an id");
                if (beat == null || beat.id() == null) {
                    continue;
                }
                firstBeat = firstBeat == null ? beat.id() : firstBeat;
                c.require(beatIds.add(beat.id()), "beat id " + beat.id() + " is used twice");
                c.text(beat.goal(), "beat " + beat.id() + " goal", 5000, true);
                c.text(beat.narratorDirection(), "beat " + beat.id() + " narratorDirection", 10_000, false);
            }
        }
        c.require(beats <= limits.maxBeats(), "a storyline has at most " + limits.maxBeats() + " beats");
        c.throwIfAny("the storyline is invalid");
        String start = in.startBeatId() == null || in.startBeatId().isBlank() ? firstBeat : in.startBeatId();
        c.require(beatIds.contains(start), "startBeatId " + start + " is not a beat of this storyline");
        boolean hasEnding = false;
        for (Chapter chapter : chapters) {
            for (Beat beat : chapter.beats()) {
                hasEnding |= beat.ending() || beat.nextBeatIds().isEmpty();
                c.require(!(beat.ending() && !beat.nextBeatIds().isEmpty()), "beat " + beat.id() + " is an ending but has next beats");
                beat.nextBeatIds().forEach(next -> c.require(beatIds.contains(next),
                    "beat " + beat.id() + " leads to unknown beat " + next));
                for (Condition cond : beat.advanceWhen()) {
                    checkCondition(c, beat, cond, beatIds);
                }
            }
        }
        c.require(hasEnding, "a storyline needs an end: a beat with ending=true or no next beats");
        c.throwIfAny("the storyline is invalid");
        return start;
    }

    private static void checkCondition(Checks c, Beat beat, Condition cond, Set<String> beatIds) {
        String where = "beat " + beat.id() + " condition";
        if (cond == null) {
            c.require(false, where + " is null");
            return;
        }
        c.require(cond.kind() != null && KINDS.contains(cond.kind()), where + " kind must be keyword, turns or judged");
        if ("keyword".equals(cond.kind())) {
            c.require(!cond.keywords().isEmpty() && cond.keywords().size() <= 50, where + " needs 1-50 keywords");
        } else if ("turns".equals(cond.kind())) {
            c.require(cond.turns() != null && cond.turns() > 0 && cond.turns() <= 10_000, where + " needs turns between 1 and 10000");
        } else if ("judged".equals(cond.kind())) {
            c.require(cond.judgePrompt() != null && !cond.judgePrompt().isBlank() && cond.judgePrompt().length() <= 2000,
                where + " needs a judgePrompt (at most 2000 characters)");
        }
        if (cond.nextBeatId() != null) {
            c.require(beatIds.contains(cond.nextBeatId()), where + " leads to unknown beat " + cond.nextBeatId());
            c.require(beat.nextBeatIds().contains(cond.nextBeatId()), where + " goes to " + cond.nextBeatId()
                + ", which is not among the beat's nextBeatIds");
        }
    }
}
