package io.mopao.story.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mopao.events.EventSerde;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.world.WorldSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptAssemblerTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final PromptAssembler ASSEMBLER = new PromptAssembler(PromptSettings.defaults());

    /** A card that uses every field of Character Card V2 (plus the V3 nickname). */
    static CharacterSnapshot fullCard() {
        Lorebook book = Lore.book("card-book", true, 3, 400,
            Lore.entry(1, "{{char}} keeps the lamp oil in the cellar.", "lamp").secondary(LoreEntry.SelectiveLogic.AND_ANY, "oil", "dark"),
            Lore.entry(2, "The cellar is flooded at high tide.", "cellar").position(LoreEntry.Position.BEFORE_CHARACTER),
            Lore.entry(3, "[{{user}} feels watched.]", "fog").atDepth(1, "system"),
            Lore.entry(4, "Never shown: the lamp is ordinary.", "lamp").secondary(LoreEntry.SelectiveLogic.NOT_ANY, "dark"),
            Lore.entry(5, "The island has no electricity.").constant().order(1));
        return new CharacterSnapshot("c-lin", 3, "user-bob", "bob", "public", "general", false, "Lin Wu 林雾", "Lin",
            "A lighthouse keeper on Fog Isle who talks to {{user}} in riddles.", "calm, curious, secretive",
            "{{user}} arrives at the lighthouse at dusk.", "*The lamp flickers.* Who comes at this hour, {{user}}?",
            List.of("Ah, a visitor!"), List.of("Hello, everyone."),
            "<START>\n{{user}}: Hi\n{{char}}: The fog hears you.\n<START>\n{{user}}: Who are you?\n{{char}}: <BOT>, keeper of the light.",
            "{{original}} Stay in character as {{char}}.", "Reply in at most two paragraphs. {{original}}",
            "CREATOR NOTES: best with slow pacing", Map.of("zh", "创作者备注"), List.of("mystery"), "bob", "1.2", 0.6, book,
            "/avatar", JsonNodeFactory.instance.objectNode(), Instant.parse("2026-11-28T08:00:00Z"));
    }

    static CharacterSnapshot plainCard(String id, String name, String description) {
        return new CharacterSnapshot(id, 1, "user-bob", "bob", "public", "general", false, name, null, description, null, null,
            "Hello.", List.of(), List.of(), null, null, null, "notes", Map.of(), List.of(), null, null, 0.5, null, null, null,
            Instant.parse("2026-11-28T08:00:00Z"));
    }

    static WorldSnapshot world() {
        return new WorldSnapshot("w-fog", 2, "user-bob", "bob", "public", "teen", false, "Fog Isle 雾岛", "An island wrapped in fog.",
            "No modern technology.", "quiet, eerie", List.of(new WorldSnapshot.Location("Lighthouse", "A tall white tower.")),
            List.of("c-lin"), List.of(), List.of(), List.of(), List.of(), null, Instant.parse("2026-11-28T08:00:00Z"));
    }

    static List<HistoryMessage> history(String player) {
        return List.of(
            new HistoryMessage("m1", "assistant", "Lin", "c-lin", "*The lamp flickers.* Who comes at this hour, " + player + "?"),
            new HistoryMessage("m2", "user", player, null, "Just a traveller. Why is the fog so thick?"),
            new HistoryMessage("m3", "assistant", "Lin", "c-lin", "The fog keeps its own counsel."),
            new HistoryMessage("m4", "user", player, null, "Is the lamp dark because the oil ran out?"));
    }

    static PromptRequest request(String player, String persona, List<HistoryMessage> history) {
        CharacterSnapshot lin = fullCard();
        return new PromptRequest(List.of(lin), lin, world(), List.of(), player, persona, "They met at dusk.",
            List.of("alice: I lost my compass on the ferry."), history, "The keeper hints that her brother vanished.",
            PromptRequest.Mode.REPLY, 42);
    }

    /** A readable rendering of the segments, one block per segment, for golden files. */
    static String render(AssembledPrompt prompt) {
        StringBuilder text = new StringBuilder();
        for (PromptSegment s : prompt.segments()) {
            text.append("### ").append(s.kind()).append(" | ").append(s.role()).append(" | ").append(s.name()).append(" | p")
                .append(s.priority()).append(s.droppable() ? " droppable" : "").append('\n').append(s.content()).append('\n');
        }
        text.append("### lore: ").append(prompt.activatedLore()).append(" | stable prefix: ").append(prompt.stablePrefixLength())
            .append(" | dropped history: ").append(prompt.droppedHistory()).append('\n');
        return text.toString();
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("mopao.golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual, "golden " + name
            + " (review the diff; regenerate with -Dmopao.golden.update=true)");
    }

    @Test
    void fullCardPromptMatchesGolden() throws IOException {
        assertGolden("full-card.txt", render(ASSEMBLER.assemble(request("alice", "A curious traveller from the mainland.",
            history("alice")))));
    }

    @Test
    void groupScenePromptMatchesGolden() throws IOException {
        CharacterSnapshot lin = fullCard();
        CharacterSnapshot mei = plainCard("c-mei", "Mei", "The ferry captain, blunt and loud. {{char}} dislikes {{user}}'s questions.");
        PromptRequest request = new PromptRequest(List.of(lin, mei), mei, world(), List.of(), "alice", null, null, List.of(),
            history("alice"), null, PromptRequest.Mode.REPLY, 7);
        assertGolden("group-scene.txt", render(ASSEMBLER.assemble(request)));
    }

    @Test
    void creatorNotesAndLoreCommentsNeverReachThePrompt() {
        String all = render(ASSEMBLER.assemble(request("alice", null, history("alice"))));
        assertFalse(all.contains("CREATOR NOTES"));
        assertFalse(all.contains("创作者备注"));
        assertFalse(all.contains("never in prompts"));
    }

    @Test
    void originalInsertsTheDefaultSystemPrompt() {
        PromptSegment system = ASSEMBLER.assemble(request("alice", null, history("alice"))).segments().getFirst();
        assertEquals("Write Lin's next reply in a fictional chat between Lin and User. Stay in character as Lin.", system.content());
        CharacterSnapshot plain = plainCard("c-p", "Pat", "d");
        PromptSegment fallback = ASSEMBLER.assemble(new PromptRequest(List.of(plain), plain, null, List.of(), "alice", null, null,
            List.of(), List.of(), null, PromptRequest.Mode.REPLY, 1)).segments().getFirst();
        assertEquals("Write Pat's next reply in a fictional chat between Pat and User.", fallback.content());
    }

    @Test
    void postHistoryInstructionsComeLastWithThePlayersName() {
        List<PromptSegment> segments = ASSEMBLER.assemble(request("alice", null, history("alice"))).segments();
        PromptSegment last = segments.getLast();
        assertEquals(PromptAssembler.POST_HISTORY, last.kind());
        assertEquals("Reply in at most two paragraphs.", last.content());
    }

    @Test
    void twoPlayersShareAByteIdenticalPrefix() {
        AssembledPrompt alice = ASSEMBLER.assemble(request("alice", "A curious traveller.", history("alice")));
        AssembledPrompt bob = ASSEMBLER.assemble(request("bob", "A grumpy fisherman who hates fog.",
            List.of(new HistoryMessage("x1", "user", "bob", null, "Open the door, the lamp is dark!"))));
        assertTrue(alice.stablePrefixLength() >= 4, "system, persona, world and examples are in the prefix");
        assertEquals(alice.stablePrefixLength(), bob.stablePrefixLength());
        byte[] aliceBytes = EventSerde.get().mapper().valueToTree(alice.stablePrefix()).toString().getBytes(StandardCharsets.UTF_8);
        byte[] bobBytes = EventSerde.get().mapper().valueToTree(bob.stablePrefix()).toString().getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(aliceBytes, bobBytes);
        assertFalse(new String(aliceBytes, StandardCharsets.UTF_8).contains("alice"));
        // and the prefix really is the start of each whole prompt
        assertEquals(alice.stablePrefix(), alice.segments().subList(0, alice.stablePrefixLength()));
        assertEquals(bob.stablePrefix(), bob.segments().subList(0, bob.stablePrefixLength()));
        assertEquals(PromptAssembler.PLAYER_PERSONA, alice.segments().get(alice.stablePrefixLength()).kind());
    }

    @Test
    void historyIsTrimmedOldestFirstToTheBudget() {
        PromptSettings defaults = PromptSettings.defaults();
        PromptAssembler small = new PromptAssembler(new PromptSettings(700, 100, defaults.stableUserName(), defaults.defaultSystemPrompt(),
            defaults.groupSystemPrompt(), defaults.impersonatePrompt(), defaults.summaryPrompt(), defaults.lore()));
        List<HistoryMessage> longHistory = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            longHistory.add(new HistoryMessage("h" + i, i % 2 == 0 ? "user" : "assistant", i % 2 == 0 ? "alice" : "Lin", null,
                "message number " + i + " " + "words ".repeat(20)));
        }
        AssembledPrompt prompt = small.assemble(request("alice", null, longHistory));
        List<PromptSegment> history = prompt.segments().stream().filter(s -> s.kind().equals(PromptAssembler.HISTORY)).toList();
        assertTrue(prompt.droppedHistory() > 0);
        assertEquals(40 - prompt.droppedHistory(), history.size());
        assertTrue(history.getLast().content().startsWith("message number 39 "), "the newest message stays");
        assertTrue(history.getFirst().content().startsWith("message number " + prompt.droppedHistory() + " "), "oldest go first");
        assertTrue(prompt.estimatedTokens() <= 700 - 100 || history.size() == 1);
        assertFalse(history.getLast().droppable());
    }

    @Test
    void atDepthLoreIsInjectedThatManyMessagesFromTheEnd() {
        List<HistoryMessage> chat = List.of(
            new HistoryMessage("m1", "user", "alice", null, "The fog is thick."),
            new HistoryMessage("m2", "assistant", "Lin", null, "It always is."),
            new HistoryMessage("m3", "user", "alice", null, "Hello?"));
        List<PromptSegment> segments = ASSEMBLER.assemble(request("alice", null, chat)).segments();
        int depthLore = -1;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).content().equals("[alice feels watched.]")) {
                depthLore = i;
            }
        }
        assertTrue(depthLore > 0, "activated by 'fog' within the book's scan depth");
        assertEquals("It always is.", segments.get(depthLore - 1).content());
        assertEquals("Hello?", segments.get(depthLore + 1).content());
    }

    @Test
    void exampleDialogueIsSplitIntoBlocks() {
        assertEquals(List.of("{{user}}: Hi", "a\nb"), PromptAssembler.examples("<START>\n{{user}}: Hi\n<start>\na\nb\n<START>\n  "));
    }

    @Test
    void impersonationAsksForThePlayersLine() {
        CharacterSnapshot lin = fullCard();
        AssembledPrompt prompt = ASSEMBLER.assemble(new PromptRequest(List.of(lin), lin, null, List.of(), "alice", null, null, List.of(),
            history("alice"), null, PromptRequest.Mode.IMPERSONATE, 1));
        assertTrue(prompt.segments().getLast().content().startsWith("Write alice's next reply"));
    }

    @Test
    void summaryTurnsSkipLoreAndEndWithTheSummaryInstruction() {
        CharacterSnapshot lin = fullCard();
        AssembledPrompt prompt = ASSEMBLER.assemble(new PromptRequest(List.of(lin), lin, null, List.of(), "alice", null, "old summary",
            List.of("recalled"), history("alice"), "direction", PromptRequest.Mode.SUMMARY, 1));
        assertTrue(prompt.activatedLore().isEmpty());
        assertTrue(prompt.segments().getLast().content().startsWith("Summarize the story so far"));
        assertTrue(prompt.segments().stream().anyMatch(s -> s.content().contains("old summary")));
    }
}
