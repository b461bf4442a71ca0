package io.mopao.events.lore;

import java.util.List;

/**
 * One World Info entry with SillyTavern semantics.
 *
 * @param uid entry id, unique within its lorebook
 * @param keys primary keys; a key written {@code /pattern/flags} is a regular expression
 * @param secondaryKeys secondary keys combined with the primary match by {@code selectiveLogic}
 * @param selectiveLogic how secondary keys gate activation (only when {@code selective})
 * @param selective whether secondary keys are used
 * @param constant always inserted (still subject to budget)
 * @param enabled disabled entries never activate
 * @param insertionOrder higher numbers are inserted closer to the end of their position (and win the budget)
 * @param position where the content goes
 * @param depth for {@link Position#AT_DEPTH}: how many messages from the end
 * @param role for {@link Position#AT_DEPTH}: the role of the injected message (system, user, assistant)
 * @param scanDepth per-entry scan depth override (null = the book's)
 * @param caseSensitive per-entry case sensitivity (null = false)
 * @param matchWholeWords per-entry whole-word matching (null = true)
 * @param probability chance in percent (0-100) that a matched entry is inserted
 * @param useProbability whether {@code probability} applies
 * @param excludeRecursion this entry cannot be activated by other entries' content
 * @param preventRecursion this entry's content does not activate other entries
 * @param delayUntilRecursion this entry activates only during recursive scans
 * @param comment creator's label, never put into prompts
 * @param content text inserted into the prompt
 */
public record LoreEntry(
    int uid,
    List<String> keys,
    List<String> secondaryKeys,
    SelectiveLogic selectiveLogic,
    boolean selective,
    boolean constant,
    boolean enabled,
    int insertionOrder,
    Position position,
    int depth,
    String role,
    Integer scanDepth,
    Boolean caseSensitive,
    Boolean matchWholeWords,
    int probability,
    boolean useProbability,
    boolean excludeRecursion,
    boolean preventRecursion,
    boolean delayUntilRecursion,
    String comment,
    String content) {

    public LoreEntry {
        keys = keys == null ? List.of() : List.copyOf(keys);
        secondaryKeys = secondaryKeys == null ? List.of() : List.copyOf(secondaryKeys);
        selectiveLogic = selectiveLogic == null ? SelectiveLogic.AND_ANY : selectiveLogic;
        position = position == null ? Position.AFTER_CHARACTER : position;
    }

    /** SillyTavern's selective logic modes. */
    public enum SelectiveLogic {
        /** primary and at least one secondary key */
        AND_ANY,
        /** primary and not all secondary keys */
        NOT_ALL,
        /** primary and none of the secondary keys */
        NOT_ANY,
        /** primary and every secondary key */
        AND_ALL
    }

    /** Where an activated entry is inserted. */
    public enum Position {
        BEFORE_CHARACTER, AFTER_CHARACTER, BEFORE_EXAMPLES, AFTER_EXAMPLES, TOP_OF_AUTHORS_NOTE, BOTTOM_OF_AUTHORS_NOTE, AT_DEPTH
    }
}
