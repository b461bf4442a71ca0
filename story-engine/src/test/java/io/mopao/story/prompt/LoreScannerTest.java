package io.mopao.story.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.lore.LoreEntry.SelectiveLogic;
import io.mopao.events.lore.Lorebook;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoreScannerTest {

    private static final LoreScanner SCANNER = new LoreScanner(new LoreScanner.Settings(2, 1000, 3));

    private static List<HistoryMessage> chat(String... lines) {
        List<HistoryMessage> messages = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            boolean user = i % 2 == lines.length % 2;
            messages.add(new HistoryMessage("m" + i, user ? "user" : "assistant", user ? "alice" : "Lin", null, lines[i]));
        }
        return messages;
    }

    private static List<Integer> activated(Lorebook book, List<HistoryMessage> chat) {
        return SCANNER.scan(List.of(book), chat, 42).activated().stream().map(b -> b.entry().uid()).toList();
    }

    private static List<Integer> activated(Lore entry, String text) {
        return activated(Lore.book("b", false, null, null, entry), chat(text));
    }

    @Test
    void primaryKeyActivatesEntry() {
        assertEquals(List.of(1), activated(Lore.entry(1, "The lamp.", "lighthouse"), "Is that the lighthouse?"));
        assertEquals(List.of(), activated(Lore.entry(1, "The lamp.", "lighthouse"), "Is that the harbour?"));
    }

    @Test
    void andAnyNeedsOneSecondaryKey() {
        Lore entry = Lore.entry(1, "x", "lamp").secondary(SelectiveLogic.AND_ANY, "night", "storm");
        assertEquals(List.of(1), activated(entry, "the lamp in the storm"));
        assertEquals(List.of(), activated(entry, "the lamp at noon"));
    }

    @Test
    void andAllNeedsEverySecondaryKey() {
        Lore entry = Lore.entry(1, "x", "lamp").secondary(SelectiveLogic.AND_ALL, "night", "storm");
        assertEquals(List.of(1), activated(entry, "the lamp on a night of storm"));
        assertEquals(List.of(), activated(entry, "the lamp in the storm"));
    }

    @Test
    void notAnyRejectsAnySecondaryKey() {
        Lore entry = Lore.entry(1, "x", "lamp").secondary(SelectiveLogic.NOT_ANY, "night", "storm");
        assertEquals(List.of(1), activated(entry, "the lamp at noon"));
        assertEquals(List.of(), activated(entry, "the lamp in the storm"));
    }

    @Test
    void notAllRejectsOnlyWhenEverySecondaryKeyMatches() {
        Lore entry = Lore.entry(1, "x", "lamp").secondary(SelectiveLogic.NOT_ALL, "night", "storm");
        assertEquals(List.of(1), activated(entry, "the lamp in the storm"));
        assertEquals(List.of(1), activated(entry, "the lamp at noon"));
        assertEquals(List.of(), activated(entry, "the lamp on a night of storm"));
    }

    @Test
    void secondaryKeysAloneNeverActivate() {
        Lore entry = Lore.entry(1, "x", "lamp").secondary(SelectiveLogic.NOT_ANY, "night");
        assertEquals(List.of(), activated(entry, "a quiet evening"));
    }

    @Test
    void constantEntryActivatesWithoutKeys() {
        assertEquals(List.of(7), activated(Lore.entry(7, "Always.").constant(), "nothing relevant"));
    }

    @Test
    void disabledEntryNeverActivates() {
        Lore entry = Lore.entry(1, "x", "lamp").constant();
        entry.enabled = false;
        assertEquals(List.of(), activated(entry, "lamp"));
    }

    @Test
    void regexKeyUsesItsFlags() {
        assertEquals(List.of(1), activated(Lore.entry(1, "x", "/light\\s*house/i"), "The LIGHT HOUSE glows"));
        assertEquals(List.of(), activated(Lore.entry(1, "x", "/light\\s*house/"), "The LIGHT HOUSE glows"));
        assertEquals(List.of(), activated(Lore.entry(1, "x", "/([unclosed/"), "([unclosed"));
    }

    @Test
    void wholeWordMatchingIsTheDefaultAndCanBeTurnedOff() {
        assertEquals(List.of(), activated(Lore.entry(1, "x", "cat"), "a concatenated string"));
        Lore substring = Lore.entry(1, "x", "cat");
        substring.wholeWords = false;
        assertEquals(List.of(1), activated(substring, "a concatenated string"));
        assertEquals(List.of(1), activated(Lore.entry(1, "x", "old lamp"), "the bold lamp"));
    }

    @Test
    void chineseKeysMatchInsideChineseText() {
        assertEquals(List.of(1), activated(Lore.entry(1, "x", "灯塔"), "我看见灯塔了"));
    }

    @Test
    void caseSensitivityIsPerEntry() {
        Lore sensitive = Lore.entry(1, "x", "Fog");
        sensitive.caseSensitive = true;
        assertEquals(List.of(), activated(sensitive, "the fog rolls in"));
        assertEquals(List.of(1), activated(Lore.entry(1, "x", "Fog"), "the fog rolls in"));
    }

    @Test
    void scanDepthLimitsWhichMessagesAreScanned() {
        List<HistoryMessage> chat = chat("the lighthouse", "hello", "how are you");
        assertEquals(List.of(), activated(Lore.book("b", false, 2, null, Lore.entry(1, "x", "lighthouse")), chat));
        assertEquals(List.of(1), activated(Lore.book("b", false, 3, null, Lore.entry(1, "x", "lighthouse")), chat));
        Lore deep = Lore.entry(1, "x", "lighthouse");
        deep.scanDepth = 3;
        assertEquals(List.of(1), activated(Lore.book("b", false, 1, null, deep), chat));
        assertEquals(List.of(), activated(Lore.book("b", false, 0, null, Lore.entry(1, "x", "you")), chat));
    }

    @Test
    void speakerNamesAreScanned() {
        assertEquals(List.of(1), activated(Lore.entry(1, "x", "Lin"), "hello"));
    }

    @Test
    void probabilityRollsAreSeeded() {
        Lore never = Lore.entry(1, "x", "lamp").probability(0);
        assertEquals(List.of(), activated(never, "lamp"));
        Lore always = Lore.entry(1, "x", "lamp").probability(100);
        assertEquals(List.of(1), activated(always, "lamp"));
        List<Lore> coins = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            coins.add(Lore.entry(i, "coin " + i, "lamp").probability(50));
        }
        Lorebook book = Lore.book("coins", false, null, null, coins.toArray(Lore[]::new));
        List<HistoryMessage> chat = chat("lamp");
        List<LoreScanner.BookEntry> first = SCANNER.scan(List.of(book), chat, 1).activated();
        assertEquals(first, SCANNER.scan(List.of(book), chat, 1).activated());
        assertNotEquals(first, SCANNER.scan(List.of(book), chat, 2).activated());
        assertTrue(first.size() > 5 && first.size() < 35, "about half of the entries: " + first.size());
    }

    @Test
    void recursionActivatesEntriesMentionedByActivatedContent() {
        Lore lamp = Lore.entry(1, "The lamp was lit by the keeper.", "lamp");
        Lore keeper = Lore.entry(2, "The keeper vanished.", "keeper");
        assertEquals(List.of(1, 2), activated(Lore.book("b", true, null, null, lamp, keeper), chat("the lamp")));
        assertEquals(List.of(1), activated(Lore.book("b", false, null, null, lamp, keeper), chat("the lamp")));
    }

    @Test
    void preventRecursionKeepsContentOutOfTheScan() {
        Lore lamp = Lore.entry(1, "The lamp was lit by the keeper.", "lamp");
        lamp.preventRecursion = true;
        Lore keeper = Lore.entry(2, "The keeper vanished.", "keeper");
        assertEquals(List.of(1), activated(Lore.book("b", true, null, null, lamp, keeper), chat("the lamp")));
    }

    @Test
    void excludeRecursionEntriesOnlyMatchTheChat() {
        Lore lamp = Lore.entry(1, "The lamp was lit by the keeper.", "lamp");
        Lore keeper = Lore.entry(2, "The keeper vanished.", "keeper");
        keeper.excludeRecursion = true;
        assertEquals(List.of(1), activated(Lore.book("b", true, null, null, lamp, keeper), chat("the lamp")));
        assertEquals(List.of(1, 2), activated(Lore.book("b", true, null, null, lamp, keeper), chat("the lamp and the keeper")));
    }

    @Test
    void delayUntilRecursionEntriesWaitForARecursivePass() {
        Lore keeper = Lore.entry(2, "The keeper vanished.", "keeper");
        keeper.delayUntilRecursion = true;
        assertEquals(List.of(), activated(Lore.book("b", true, null, null, keeper), chat("the keeper")));
        Lore lamp = Lore.entry(1, "The lamp was lit by the keeper.", "lamp");
        assertEquals(List.of(1, 2), activated(Lore.book("b", true, null, null, lamp, keeper), chat("the lamp")));
    }

    @Test
    void budgetPrefersHigherInsertionOrderAndStopsAtTheFirstOverflow() {
        String big = "x".repeat(400);
        Lore low = Lore.entry(1, big, "lamp").order(10);
        Lore high = Lore.entry(2, big, "lamp").order(200);
        Lore small = Lore.entry(3, "tiny", "lamp").order(5);
        Lorebook book = Lore.book("b", false, null, 150, low, high, small);
        LoreScanner.Result result = SCANNER.scan(List.of(book), chat("lamp"), 42);
        assertEquals(List.of(2), result.activated().stream().map(b -> b.entry().uid()).toList());
        assertTrue(result.budgetOverflowed());
        assertFalse(SCANNER.scan(List.of(Lore.book("b", false, null, 1000, low, high, small)), chat("lamp"), 42).budgetOverflowed());
    }

    @Test
    void aBookScannedTwiceActivatesOnce() {
        Lorebook book = Lore.book("b", false, null, null, Lore.entry(1, "x", "lamp"));
        assertEquals(1, SCANNER.scan(List.of(book, book), chat("lamp"), 1).activated().size());
    }
}
