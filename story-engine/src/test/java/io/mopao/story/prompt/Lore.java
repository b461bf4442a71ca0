package io.mopao.story.prompt;

import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import java.util.List;

/** Test builder for lore entries: defaults are SillyTavern's (enabled, whole words, case-insensitive, order 100). */
final class Lore {

    int uid;
    List<String> keys = List.of();
    List<String> secondary = List.of();
    LoreEntry.SelectiveLogic logic = LoreEntry.SelectiveLogic.AND_ANY;
    boolean selective;
    boolean constant;
    boolean enabled = true;
    int order = 100;
    LoreEntry.Position position = LoreEntry.Position.AFTER_CHARACTER;
    int depth = 4;
    String role;
    Integer scanDepth;
    Boolean caseSensitive;
    Boolean wholeWords;
    int probability = 100;
    boolean useProbability;
    boolean excludeRecursion;
    boolean preventRecursion;
    boolean delayUntilRecursion;
    String content;

    static Lore entry(int uid, String content, String... keys) {
        Lore lore = new Lore();
        lore.uid = uid;
        lore.content = content;
        lore.keys = List.of(keys);
        return lore;
    }

    Lore secondary(LoreEntry.SelectiveLogic selectiveLogic, String... keys) {
        this.selective = true;
        this.logic = selectiveLogic;
        this.secondary = List.of(keys);
        return this;
    }

    Lore constant() {
        this.constant = true;
        return this;
    }

    Lore order(int insertionOrder) {
        this.order = insertionOrder;
        return this;
    }

    Lore atDepth(int atDepth, String atRole) {
        this.position = LoreEntry.Position.AT_DEPTH;
        this.depth = atDepth;
        this.role = atRole;
        return this;
    }

    Lore position(LoreEntry.Position where) {
        this.position = where;
        return this;
    }

    Lore probability(int percent) {
        this.useProbability = true;
        this.probability = percent;
        return this;
    }

    LoreEntry build() {
        return new LoreEntry(uid, keys, secondary, logic, selective, constant, enabled, order, position, depth, role, scanDepth,
            caseSensitive, wholeWords, probability, useProbability, excludeRecursion, preventRecursion, delayUntilRecursion,
            "comment " + uid + " (never in prompts)", content);
    }

    static Lorebook book(String id, boolean recursive, Integer scanDepth, Integer budget, Lore... entries) {
        return new Lorebook(id, "Book " + id, "description of " + id + " (never in prompts)", scanDepth, budget, recursive,
            java.util.Arrays.stream(entries).map(Lore::build).toList());
    }
}
