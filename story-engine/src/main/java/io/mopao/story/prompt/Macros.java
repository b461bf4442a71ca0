package io.mopao.story.prompt;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Character Card V2 macros: {@code {{char}}} and {@code {{user}}} (and the V1 spellings {@code <BOT>} and {@code <USER>}),
 * case-insensitive. {@code {{original}}} is handled by {@link #withOriginal}.
 */
public final class Macros {

    private static final Pattern CHAR = Pattern.compile("\\{\\{char}}|<BOT>", Pattern.CASE_INSENSITIVE);
    private static final Pattern USER = Pattern.compile("\\{\\{user}}|<USER>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ORIGINAL = Pattern.compile("\\{\\{original}}", Pattern.CASE_INSENSITIVE);

    private Macros() {
    }

    /** Replaces {@code {{char}}} and {@code {{user}}}; null stays null. */
    public static String expand(String text, String charName, String userName) {
        if (text == null) {
            return null;
        }
        String withChar = CHAR.matcher(text).replaceAll(Matcher.quoteReplacement(charName == null ? "" : charName));
        return USER.matcher(withChar).replaceAll(Matcher.quoteReplacement(userName == null ? "" : userName));
    }

    /**
     * A card's override of a default prompt: blank means "the default"; otherwise {@code {{original}}} inside the override
     * inserts the default.
     */
    public static String withOriginal(String override, String original) {
        String fallback = original == null ? "" : original;
        if (override == null || override.isBlank()) {
            return fallback;
        }
        return ORIGINAL.matcher(override).replaceAll(Matcher.quoteReplacement(fallback)).strip();
    }
}
