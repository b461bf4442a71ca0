package io.mopao.story.prompt;

import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.world.WorldSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Builds the structured prompt of a turn, ordered for prefix-cache reuse (see {@code story-engine/README.md}, "Prompt
 * layout"):
 * <ol>
 *   <li><b>Stable prefix</b>, identical for every player of the same cast and world: system prompt, character persona(s),
 *   world, example dialogue. {@code {{user}}} here is {@link PromptSettings#stableUserName()}.</li>
 *   <li><b>Player block</b>: who the player is, the rolling memory summary.</li>
 *   <li><b>History</b> of the active branch, trimmed oldest first to the estimated budget, with AT_DEPTH lore injected
 *   {@code depth} messages from the end.</li>
 *   <li><b>Late block</b>: activated lore by position, recalled older messages, storyline direction / speaker direction,
 *   post-history instructions.</li>
 * </ol>
 * Creator notes and lorebook comments are never used.
 */
public final class PromptAssembler {

    /** Segment kinds (the {@link PromptSegment#kind()} vocabulary). */
    public static final String SYSTEM = "system";
    public static final String PERSONA = "persona";
    public static final String WORLD = "world";
    public static final String EXAMPLE = "example";
    public static final String PLAYER_PERSONA = "player_persona";
    public static final String MEMORY = "memory";
    public static final String HISTORY = "history";
    public static final String LORE = "lore";
    public static final String DIRECTION = "direction";
    public static final String POST_HISTORY = "post_history";

    private static final Pattern START = Pattern.compile("<START>", Pattern.CASE_INSENSITIVE);
    private static final Pattern GROUP = Pattern.compile("\\{\\{group}}", Pattern.CASE_INSENSITIVE);

    private final PromptSettings settings;
    private final LoreScanner scanner;
    private final TokenCounter counter;

    public PromptAssembler(PromptSettings settings) {
        this(settings, TokenCounter.ESTIMATE);
    }

    /** An assembler whose context budget (and lore budget) counts tokens with the given counter. */
    public PromptAssembler(PromptSettings settings, TokenCounter counter) {
        this.settings = settings;
        this.counter = counter;
        this.scanner = new LoreScanner(settings.lore(), counter);
    }

    /** The name {@code {{char}}} stands for: the V3 nickname when present, else the card name. */
    public static String charName(CharacterSnapshot character) {
        if (character == null) {
            return "";
        }
        return character.nickname() != null && !character.nickname().isBlank() ? character.nickname() : character.name();
    }

    public AssembledPrompt assemble(PromptRequest request) {
        List<PromptSegment> stable = stablePrefix(request.cast(), request.world());
        CharacterSnapshot speaker = request.speaker() != null ? request.speaker()
            : request.cast().isEmpty() ? null : request.cast().getFirst();
        String speakerName = charName(speaker);
        String player = request.playerName();

        List<PromptSegment> playerBlock = new ArrayList<>();
        StringBuilder persona = new StringBuilder();
        if (!settings.stableUserName().equals(player)) {
            persona.append(settings.stableUserName()).append(" is ").append(player).append('.');
        }
        if (request.playerPersona() != null && !request.playerPersona().isBlank()) {
            persona.append(persona.isEmpty() ? "" : "\n").append(Macros.expand(request.playerPersona().strip(), speakerName, player));
        }
        if (!persona.isEmpty()) {
            playerBlock.add(new PromptSegment(PLAYER_PERSONA, "system", player, persona.toString(), 95, false));
        }
        if (request.summary() != null && !request.summary().isBlank()) {
            playerBlock.add(new PromptSegment(MEMORY, "system", null, "Summary of the story so far:\n" + request.summary().strip(), 85,
                true));
        }

        boolean summaryTurn = request.mode() == PromptRequest.Mode.SUMMARY;
        List<Lorebook> books = new ArrayList<>();
        Map<Lorebook, String> owners = new IdentityHashMap<>();
        if (speaker != null && speaker.characterBook() != null) {
            books.add(speaker.characterBook());
        }
        for (CharacterSnapshot member : request.cast()) {
            if (member != speaker && member.characterBook() != null) {
                books.add(member.characterBook());
            }
            if (member.characterBook() != null) {
                owners.put(member.characterBook(), charName(member));
            }
        }
        LoreText loreText = entries -> entries.stream()
            .sorted(Comparator.comparingInt((LoreScanner.BookEntry b) -> b.entry().insertionOrder()).thenComparingInt(b -> b.entry().uid()))
            .map(b -> Macros.expand(b.entry().content().strip(), owners.getOrDefault(b.book(), speakerName), player))
            .collect(Collectors.joining("\n"));
        books.addAll(request.worldLorebooks());
        LoreScanner.Result lore = summaryTurn ? new LoreScanner.Result(List.of(), false, 0, 0)
            : scanner.scan(books, request.history(), request.loreSeed());

        List<PromptSegment> late = new ArrayList<>();
        Map<LoreEntry.Position, List<LoreScanner.BookEntry>> byPosition = new EnumMap<>(LoreEntry.Position.class);
        Map<Integer, List<LoreScanner.BookEntry>> byDepth = new TreeMap<>();
        for (LoreScanner.BookEntry activated : lore.activated()) {
            LoreEntry entry = activated.entry();
            if (entry.position() == LoreEntry.Position.AT_DEPTH) {
                byDepth.computeIfAbsent(Math.max(0, entry.depth()), d -> new ArrayList<>()).add(activated);
            } else {
                byPosition.computeIfAbsent(entry.position(), p -> new ArrayList<>()).add(activated);
            }
        }
        byPosition.forEach((position, entries) -> late.add(new PromptSegment(LORE, "system", position.name().toLowerCase(Locale.ROOT),
            loreText.join(entries), 60, true)));
        if (!summaryTurn && !request.recalled().isEmpty()) {
            late.add(new PromptSegment(MEMORY, "system", "recalled", "Earlier moments that may matter now:\n"
                + request.recalled().stream().map(r -> "- " + r.strip()).collect(Collectors.joining("\n")), 30, true));
        }
        if (!summaryTurn && request.storylineDirection() != null && !request.storylineDirection().isBlank()) {
            late.add(new PromptSegment(DIRECTION, "system", "storyline", "[Narrator direction: "
                + Macros.expand(request.storylineDirection().strip(), speakerName, player) + "]", 90, false));
        }
        if (request.mode() == PromptRequest.Mode.IMPERSONATE) {
            late.add(new PromptSegment(DIRECTION, "system", "impersonate", Macros.expand(settings.impersonatePrompt(), speakerName, player),
                100, false));
        } else if (summaryTurn) {
            late.add(new PromptSegment(POST_HISTORY, "system", "summary", Macros.expand(settings.summaryPrompt(), speakerName, player), 100,
                false));
        } else {
            if (request.cast().size() > 1) {
                late.add(new PromptSegment(DIRECTION, "system", speakerName, "Write the next reply only as " + speakerName + ".", 100,
                    false));
            }
            String postHistory = speaker == null ? "" : Macros.withOriginal(speaker.postHistoryInstructions(), "");
            if (!postHistory.isBlank()) {
                late.add(new PromptSegment(POST_HISTORY, "system", null, Macros.expand(postHistory, speakerName, player), 100, false));
            }
        }

        // the history: newest first until the estimated budget is spent (the newest message always stays)
        int fixed = cost(stable) + cost(playerBlock) + cost(late);
        for (List<LoreScanner.BookEntry> entries : byDepth.values()) {
            fixed += counter.segment(loreText.join(entries));
        }
        int available = settings.contextTokens() - settings.replyTokens() - TokenEstimator.PROMPT_OVERHEAD - fixed;
        List<HistoryMessage> history = request.history();
        int kept = 0;
        int used = 0;
        for (int i = history.size() - 1; i >= 0; i--) {
            int c = counter.segment(history.get(i).content());
            if (kept > 0 && used + c > available) {
                break;
            }
            used += c;
            kept++;
        }
        List<HistoryMessage> keptHistory = history.subList(history.size() - kept, history.size());
        List<PromptSegment> historySegments = new ArrayList<>();
        for (int i = 0; i <= keptHistory.size(); i++) {
            int depth = keptHistory.size() - i;
            // AT_DEPTH lore deeper than the kept history goes to its start
            for (Map.Entry<Integer, List<LoreScanner.BookEntry>> group : byDepth.entrySet()) {
                boolean here = i == 0 ? group.getKey() >= depth : group.getKey() == depth;
                if (here) {
                    Map<String, List<LoreScanner.BookEntry>> byRole = new TreeMap<>();
                    for (LoreScanner.BookEntry entry : group.getValue()) {
                        String role = entry.entry().role();
                        byRole.computeIfAbsent(role == null || role.isBlank() ? "system" : role, r -> new ArrayList<>()).add(entry);
                    }
                    byRole.forEach((role, entries) -> historySegments.add(new PromptSegment(LORE, role, "depth " + group.getKey(),
                        loreText.join(entries), 60, true)));
                }
            }
            if (i < keptHistory.size()) {
                HistoryMessage message = keptHistory.get(i);
                boolean newest = i == keptHistory.size() - 1;
                historySegments.add(new PromptSegment(HISTORY, chatRole(message.role()), message.name(), message.content(), 50, !newest));
            }
        }

        List<PromptSegment> all = new ArrayList<>(stable);
        all.addAll(playerBlock);
        all.addAll(historySegments);
        all.addAll(late);
        return new AssembledPrompt(all, lore.activated().stream().map(LoreScanner.BookEntry::label).toList(),
            cost(all) + TokenEstimator.PROMPT_OVERHEAD,
            history.size() - kept, stable.size());
    }

    /** The player-independent prefix: system prompt, personas, world, examples. */
    List<PromptSegment> stablePrefix(List<CharacterSnapshot> cast, WorldSnapshot world) {
        String user = settings.stableUserName();
        List<PromptSegment> segments = new ArrayList<>();
        boolean group = cast.size() > 1;
        if (group) {
            String names = cast.stream().map(PromptAssembler::charName).collect(Collectors.joining(", "));
            String system = GROUP.matcher(settings.groupSystemPrompt()).replaceAll(java.util.regex.Matcher.quoteReplacement(names));
            segments.add(new PromptSegment(SYSTEM, "system", null, Macros.expand(system, names, user), 100, false));
        } else if (!cast.isEmpty()) {
            CharacterSnapshot character = cast.getFirst();
            String system = Macros.withOriginal(character.systemPrompt(), settings.defaultSystemPrompt());
            segments.add(new PromptSegment(SYSTEM, "system", null, Macros.expand(system, charName(character), user), 100, false));
        }
        for (CharacterSnapshot character : cast) {
            String name = charName(character);
            StringBuilder persona = new StringBuilder();
            if (group) {
                persona.append("[").append(name).append("]\n");
            }
            appendLine(persona, character.description(), "");
            appendLine(persona, character.personality(), name + "'s personality: ");
            appendLine(persona, character.scenario(), "Scenario: ");
            if (!persona.isEmpty()) {
                segments.add(new PromptSegment(PERSONA, "system", name, Macros.expand(persona.toString().strip(), name, user), 100, false));
            }
        }
        if (world != null) {
            StringBuilder text = new StringBuilder();
            appendLine(text, world.title(), "World: ");
            appendLine(text, world.setting(), "");
            appendLine(text, world.rules(), "Rules: ");
            appendLine(text, world.tone(), "Tone: ");
            if (!world.locations().isEmpty()) {
                text.append("Locations:\n");
                for (WorldSnapshot.Location location : world.locations()) {
                    text.append("- ").append(location.name());
                    if (location.description() != null && !location.description().isBlank()) {
                        text.append(": ").append(location.description().strip());
                    }
                    text.append('\n');
                }
            }
            String charNames = cast.stream().map(PromptAssembler::charName).collect(Collectors.joining(", "));
            segments.add(new PromptSegment(WORLD, "system", world.title(), Macros.expand(text.toString().strip(), charNames, user), 100,
                false));
        }
        for (CharacterSnapshot character : cast) {
            String name = charName(character);
            for (String block : examples(character.exampleMessages())) {
                segments.add(new PromptSegment(EXAMPLE, "system", name, "[Example Chat]\n" + Macros.expand(block, name, user), 40, true));
            }
        }
        return segments;
    }

    /** Example dialogue split into {@code <START>} blocks, blank blocks dropped. */
    static List<String> examples(String exampleMessages) {
        if (exampleMessages == null || exampleMessages.isBlank()) {
            return List.of();
        }
        List<String> blocks = new ArrayList<>();
        for (String block : START.split(exampleMessages)) {
            if (!block.isBlank()) {
                blocks.add(block.strip());
            }
        }
        return blocks;
    }

    /** Joins activated entries in insertion order (ascending: higher numbers closer to the end). */
    private interface LoreText {
        String join(List<LoreScanner.BookEntry> entries);
    }

    private static void appendLine(StringBuilder text, String value, String label) {
        if (value != null && !value.isBlank()) {
            text.append(label).append(value.strip()).append('\n');
        }
    }

    private static String chatRole(String role) {
        return switch (role) {
            case "user" -> "user";
            case "assistant" -> "assistant";
            default -> "system";
        };
    }

    private int cost(List<PromptSegment> segments) {
        return segments.stream().mapToInt(s -> counter.segment(s.content())).sum();
    }
}
