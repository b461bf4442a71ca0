package io.mopao.story.service;

import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.service.error.ApiException;
import io.mopao.story.config.StoryConfig;
import io.mopao.story.prompt.AssembledPrompt;
import io.mopao.story.prompt.HistoryMessage;
import io.mopao.story.prompt.PromptAssembler;
import io.mopao.story.prompt.PromptRequest;
import io.mopao.story.repository.MessageRow;
import io.mopao.story.repository.SessionRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Gathers a turn's inputs from the read models and the session, and assembles its prompt. No calls to other services. */
@ApplicationScoped
public class PromptService {

    /** Messages at the end of the branch that are never recall candidates (they are in the prompt anyway). */
    static final int RECENT_WINDOW = 16;

    private final ReadModels readModels;
    private final StoryConfig config;
    private final ModelTokens tokens;
    private final PromptAssembler assembler;

    public PromptService(ReadModels readModels, StoryConfig config, ModelTokens tokens) {
        this.readModels = readModels;
        this.config = config;
        this.tokens = tokens;
        this.assembler = new PromptAssembler(config.promptSettings(tokens.contextTokens(), tokens.replyTokens()), tokens.counter());
    }

    /** The inputs of a session's turns that do not depend on the branch. */
    public record Scene(List<CharacterSnapshot> cast, WorldSnapshot world, List<io.mopao.events.lore.Lorebook> lorebooks,
        String storylineDirection) {

        public Optional<CharacterSnapshot> member(String characterId) {
            return cast.stream().filter(c -> c.id().equals(characterId)).findFirst();
        }
    }

    /** An assembled prompt with what the turn request needs besides it. */
    public record Built(AssembledPrompt prompt, CharacterSnapshot speaker, SamplingSettings sampling) {
    }

    public Uni<Scene> scene(SessionRow session) {
        return readModels.characters(session.characterIds()).flatMap(cast -> {
            if (cast.isEmpty()) {
                return Uni.createFrom().failure(new ApiException(409, "character_unavailable",
                    "the characters of this session are no longer available"));
            }
            return readModels.world(session.worldId()).flatMap(world -> readModels.lorebooks(world.orElse(null), cast)
                .flatMap(books -> readModels.storyline(session.storylineId()).map(storyline -> {
                    String direction = Storylines.beat(storyline.orElse(null), session.beatId())
                        .map(io.mopao.events.world.StorylineSnapshot.Beat::narratorDirection).orElse(null);
                    return new Scene(cast, world.orElse(null), books, direction);
                })));
        });
    }

    /**
     * Assembles a turn's prompt.
     *
     * @param path the branch the reply follows, oldest first
     * @param query text recall looks for (usually the player's latest message)
     */
    public Built build(Scene scene, SessionRow session, CharacterSnapshot speaker, List<MessageRow> path, PromptRequest.Mode mode,
        String query, long seed) {
        List<HistoryMessage> history = new ArrayList<>();
        for (MessageRow m : path) {
            history.add(new HistoryMessage(m.id().toString(), m.role(), m.speakerName(), m.characterId(), m.content()));
        }
        List<String> recalled = new ArrayList<>();
        if (mode != PromptRequest.Mode.SUMMARY && history.size() > RECENT_WINDOW) {
            List<HistoryMessage> older = history.subList(0, history.size() - RECENT_WINDOW);
            for (Recall.Hit hit : Recall.best(query, older.stream().map(HistoryMessage::content).toList(), config.recallLimit(), 0.34)) {
                recalled.add(older.get(hit.index()).scanLine());
            }
        }
        PromptRequest request = new PromptRequest(scene.cast(), speaker, scene.world(), scene.lorebooks(), session.playerName(),
            session.playerPersona(), session.summary(), recalled, history, scene.storylineDirection(), mode, seed);
        AssembledPrompt prompt = assembler.assemble(request);
        return new Built(prompt, speaker, sampling(scene.world(), session.playerName(), mode));
    }

    private SamplingSettings sampling(WorldSnapshot world, String playerName, PromptRequest.Mode mode) {
        SamplingSettings base = world != null && world.defaultSampling() != null ? world.defaultSampling()
            : new SamplingSettings(null, null, null, null, null, null, null, null, null, null, List.of(), Map.of());
        List<String> stop = new ArrayList<>(base.stop());
        if (mode != PromptRequest.Mode.IMPERSONATE && mode != PromptRequest.Mode.SUMMARY) {
            stop.add("\n" + playerName + ":");
        }
        int maxTokens = base.maxTokens() == null ? tokens.replyTokens() : Math.min(base.maxTokens(), tokens.replyTokens());
        return new SamplingSettings(base.temperature(), base.topK(), base.topP(), base.minP(), base.repetitionPenalty(),
            base.frequencyPenalty(), base.presencePenalty(), base.penaltyLastN(), base.seed(), maxTokens, stop, base.logitBias());
    }
}
