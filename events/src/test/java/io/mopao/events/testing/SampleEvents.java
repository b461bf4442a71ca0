package io.mopao.events.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.events.EventType;
import io.mopao.events.MopaoEvent;
import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.story.TranscriptShared;
import io.mopao.events.story.TurnRecorded;
import io.mopao.events.world.LorebookDeleted;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineDeleted;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldDeleted;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.events.world.WorldUpserted;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One realistic, fully populated instance of every event type, for round-trip and schema tests in any module. */
public final class SampleEvents {

    public static final Instant T0 = Instant.parse("2026-11-28T08:00:00Z");

    private SampleEvents() {
    }

    public static Lorebook lorebook() {
        LoreEntry entry = new LoreEntry(1, List.of("灯塔", "lighthouse", "/light\\s*house/i"), List.of("night"),
            LoreEntry.SelectiveLogic.NOT_ANY, true, false, true, 100, LoreEntry.Position.AT_DEPTH, 4, "system", 3, false, true,
            80, true, false, true, false, "lighthouse lore", "The lighthouse on 雾岛 has been dark for ten years.");
        return new Lorebook("5a0e7c3e-3f43-4b57-9a55-4f7f2a6c9a01", "Fog Isle", "notes", 4, 512, true, List.of(entry));
    }

    public static CharacterSnapshot character() {
        ObjectNode extensions = JsonNodeFactory.instance.objectNode();
        extensions.put("talkativeness", "0.6");
        extensions.putObject("risuai").put("unknown_key", 7);
        return new CharacterSnapshot("0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60", 3, "user-bob", "bob", "public", "general", false,
            "Lin Wu 林雾", "Lin", "A lighthouse keeper who speaks in riddles.", "calm, curious", "A foggy island.",
            "*The lamp flickers.* Who comes at this hour?", List.of("Ah, a visitor!"), List.of("Hello, everyone."),
            "<START>\n{{user}}: Hi\n{{char}}: The fog hears you.", "{{original}} Stay in character.", "Reply in two paragraphs.",
            "Best with slow pacing.", Map.of("zh", "慢节奏最佳"), List.of("mystery", "悬疑"), "bob", "1.2", 0.6, lorebook(),
            "/api/characters/0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60/avatar", extensions, T0);
    }

    public static WorldSnapshot world() {
        return new WorldSnapshot("7c9e6679-7425-40de-944b-e07fc1f90ae7", 2, "user-bob", "bob", "public", "teen", false, "Fog Isle 雾岛",
            "An island wrapped in permanent fog.", "No modern technology.", "quiet, eerie",
            List.of(new WorldSnapshot.Location("Lighthouse", "A tall white tower.")),
            List.of("0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60"),
            List.of(new WorldSnapshot.OpeningScene("s1", "Arrival", "You step off the ferry.", "Lighthouse")),
            List.of("5a0e7c3e-3f43-4b57-9a55-4f7f2a6c9a01"), List.of("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"), List.of("mystery"),
            new SamplingSettings(0.8, 40, 0.95, 0.05, 1.1, 0.0, 0.0, 256, null, 300, List.of(), Map.of()), T0);
    }

    public static StorylineSnapshot storyline() {
        StorylineSnapshot.Condition keyword = new StorylineSnapshot.Condition("keyword", List.of("lamp", "灯"), null, null, "b2");
        StorylineSnapshot.Condition turns = new StorylineSnapshot.Condition("turns", List.of(), 6, null, null);
        StorylineSnapshot.Beat first = new StorylineSnapshot.Beat("b1", "The dark lamp", "Learn why the lamp is dark",
            "Lin hints that the lamp went dark the night her brother vanished.", List.of(keyword, turns), List.of("b2"), false);
        StorylineSnapshot.Beat last = new StorylineSnapshot.Beat("b2", "Relight", "Relight the lamp", "The fog begins to lift.", List.of(),
            List.of(), true);
        return new StorylineSnapshot("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "7c9e6679-7425-40de-944b-e07fc1f90ae7", 1, "The Dark Lamp",
            "A short mystery", "b1", List.of(new StorylineSnapshot.Chapter("c1", "Chapter one", List.of(first, last))));
    }

    public static GenerateTurn generateTurn() {
        return new GenerateTurn("turn-1", "session-1", "user-alice", "stories260K",
            List.of(new PromptSegment("system", "system", null, "You are Lin.", 100, false),
                new PromptSegment("history", "user", "alice", "Hello 你好 👋", 10, true)),
            null, "Lin", new SamplingSettings(0.7, 40, 0.9, 0.05, 1.1, 0.0, 0.0, 64, 42L, 128, List.of("\nalice:"), Map.of(13, -1.5)),
            5, T0.plusSeconds(60), T0);
    }

    public static TranscriptShared transcriptShared() {
        return new TranscriptShared("share-1", "session-1", "user-alice", "alice", "Night at the lighthouse", "spooky",
            "7c9e6679-7425-40de-944b-e07fc1f90ae7", List.of("0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60"), "m2", "teen",
            List.of(new TranscriptShared.SharedMessage("m1", "user", "alice", null, "Hello?", T0),
                new TranscriptShared.SharedMessage("m2", "assistant", "Lin", "0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60", "Who goes there?",
                    T0.plusSeconds(2))),
            T0.plusSeconds(10));
    }

    /** One sample per event type. */
    public static Map<EventType, MopaoEvent> all() {
        Map<EventType, MopaoEvent> samples = new EnumMap<>(EventType.class);
        samples.put(EventType.CHARACTER_UPSERTED, new CharacterUpserted(character()));
        samples.put(EventType.CHARACTER_DELETED, new CharacterDeleted(character().id(), 4));
        samples.put(EventType.WORLD_UPSERTED, new WorldUpserted(world()));
        samples.put(EventType.WORLD_DELETED, new WorldDeleted(world().id(), 3));
        samples.put(EventType.LOREBOOK_UPSERTED, new LorebookUpserted(lorebook(), "user-bob", List.of(world().id()), List.of(), 1));
        samples.put(EventType.LOREBOOK_DELETED, new LorebookDeleted(lorebook().id(), 2));
        samples.put(EventType.STORYLINE_UPSERTED, new StorylineUpserted(storyline()));
        samples.put(EventType.STORYLINE_DELETED, new StorylineDeleted(storyline().id(), 2));
        samples.put(EventType.GENERATE_TURN, generateTurn());
        samples.put(EventType.TOKEN_CHUNK, new TokenChunk("turn-1", "session-1", "attempt-1", 0, "Who goes ", 3));
        samples.put(EventType.TURN_COMPLETED, new TurnCompleted("turn-1", "session-1", "attempt-1", 2, "stop", "Who goes there?", null,
            new TurnCompleted.Usage(120, 5, 96), new TurnCompleted.Timings(3, 40, 95, 52.6), "worker-a", "stories260K"));
        samples.put(EventType.TURN_CANCELLED, new TurnCancelled("turn-1", "session-1", "player pressed stop"));
        samples.put(EventType.TRANSCRIPT_SHARED, transcriptShared());
        samples.put(EventType.TURN_RECORDED, new TurnRecorded("session-1", "turn-1", "m2", "0d1f6d0e-3b9b-4f0e-9a57-1c2c3d4e5f60",
            "stop", 5, T0.plusSeconds(3)));
        return samples;
    }
}
