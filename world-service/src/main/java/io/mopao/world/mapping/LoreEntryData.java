package io.mopao.world.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.events.lore.LoreEntry;
import java.util.List;

/**
 * One lorebook entry as the API takes it and as it is stored (SillyTavern World Info semantics). Fields left out on
 * input get SillyTavern's defaults; {@code extra} keeps SillyTavern fields Mopao does not interpret (group, sticky,
 * cooldown, outletName, ...) so an import/export round trip loses nothing.
 *
 * @param uid entry id, unique in its lorebook
 * @param keys primary keys; {@code /pattern/flags} is a regular expression
 * @param secondaryKeys secondary keys (optional filter)
 * @param selectiveLogic AND_ANY, NOT_ALL, NOT_ANY or AND_ALL
 * @param selective whether the secondary keys apply
 * @param constant always inserted
 * @param enabled disabled entries never activate
 * @param insertionOrder priority; higher is inserted later and wins the budget
 * @param position where the content goes
 * @param depth depth for AT_DEPTH
 * @param role system, user or assistant for AT_DEPTH
 * @param scanDepth per-entry scan depth (null = the book's)
 * @param caseSensitive per-entry case sensitivity (null = global)
 * @param matchWholeWords per-entry whole-word matching (null = global)
 * @param probability 0..100
 * @param useProbability whether the probability applies
 * @param excludeRecursion not activated by other entries' content
 * @param preventRecursion its content activates nothing further
 * @param delayUntilRecursion activates only in recursive passes
 * @param comment creator's label
 * @param content inserted text
 * @param extra SillyTavern fields kept verbatim for round trips
 */
public record LoreEntryData(
    Integer uid,
    List<String> keys,
    List<String> secondaryKeys,
    LoreEntry.SelectiveLogic selectiveLogic,
    Boolean selective,
    Boolean constant,
    Boolean enabled,
    Integer insertionOrder,
    LoreEntry.Position position,
    Integer depth,
    String role,
    Integer scanDepth,
    Boolean caseSensitive,
    Boolean matchWholeWords,
    Integer probability,
    Boolean useProbability,
    Boolean excludeRecursion,
    Boolean preventRecursion,
    Boolean delayUntilRecursion,
    String comment,
    String content,
    ObjectNode extra) {

    /** This entry with every omitted field set to SillyTavern's default. */
    public LoreEntryData withDefaults(int defaultUid) {
        return new LoreEntryData(uid == null ? defaultUid : uid, keys == null ? List.of() : keys,
            secondaryKeys == null ? List.of() : secondaryKeys, selectiveLogic == null ? LoreEntry.SelectiveLogic.AND_ANY : selectiveLogic,
            selective == null || selective, constant != null && constant, enabled == null || enabled,
            insertionOrder == null ? 100 : insertionOrder, position == null ? LoreEntry.Position.BEFORE_CHARACTER : position,
            depth == null ? 4 : depth, role == null ? "system" : role, scanDepth, caseSensitive, matchWholeWords,
            probability == null ? 100 : probability, useProbability == null || useProbability, excludeRecursion != null && excludeRecursion,
            preventRecursion != null && preventRecursion, delayUntilRecursion != null && delayUntilRecursion,
            comment == null ? "" : comment, content == null ? "" : content, extra);
    }

    /** The event form (call on an entry with defaults applied). */
    public LoreEntry toEvent() {
        return new LoreEntry(uid, keys, secondaryKeys, selectiveLogic, selective, constant, enabled, insertionOrder, position, depth, role,
            scanDepth, caseSensitive, matchWholeWords, probability, useProbability, excludeRecursion, preventRecursion,
            delayUntilRecursion, comment, content);
    }
}
