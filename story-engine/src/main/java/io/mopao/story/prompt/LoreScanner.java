package io.mopao.story.prompt;

import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jboss.logging.Logger;

/**
 * World Info activation with SillyTavern semantics. See {@code story-engine/README.md} ("Lore semantics") for the rules;
 * in short:
 * <ol>
 *   <li>The scan text of an entry is the last {@code scanDepth} messages ({@code name: content}, newest last); the depth
 *   comes from the entry, else its book, else the default. Depth 0 scans nothing (only constants activate).</li>
 *   <li>A key matches if it is a regex {@code /pattern/flags} that finds a match, or (plain key) a case-(in)sensitive
 *   substring; with whole-word matching a single-word key must stand between non-word characters.</li>
 *   <li>An entry activates when it is enabled and constant, or one primary key matches and (when selective with
 *   secondary keys) the selective logic holds: AND_ANY, NOT_ALL, NOT_ANY, AND_ALL.</li>
 *   <li>Matched entries of a pass are taken in budget order (higher insertion order first, then uid); a probability
 *   roll (seeded RNG) may reject one for this turn; the first entry that overflows the token budget stops activation.</li>
 *   <li>Recursion: when a book scans recursively, the content of activated entries (unless {@code preventRecursion})
 *   joins the scan text of the next pass. {@code excludeRecursion} entries only match the chat, {@code delayUntilRecursion}
 *   entries are only checked in recursive passes. Passes stop when nothing new activates.</li>
 * </ol>
 */
public final class LoreScanner {

    private static final Logger LOG = Logger.getLogger(LoreScanner.class);
    private static final Pattern REGEX_KEY = Pattern.compile("^/(.+)/([a-z]*)$", Pattern.DOTALL);

    /**
     * Scanner settings.
     *
     * @param defaultScanDepth messages scanned when neither entry nor book sets a depth
     * @param tokenBudget most estimated tokens all activated entries may take together
     * @param maxRecursionSteps most recursive passes after the first
     */
    public record Settings(int defaultScanDepth, int tokenBudget, int maxRecursionSteps) {
    }

    /** An entry with the book it came from. */
    public record BookEntry(Lorebook book, LoreEntry entry) {

        /** A stable label for the prompt inspector: {@code bookId#uid}. */
        public String label() {
            return (book.id() == null ? "book" : book.id()) + "#" + entry.uid();
        }
    }

    /** Activated entries in activation order, and why scanning stopped. */
    public record Result(List<BookEntry> activated, boolean budgetOverflowed, int passes, int tokens) {
    }

    private final Settings settings;
    private final TokenCounter counter;

    public LoreScanner(Settings settings) {
        this(settings, TokenCounter.ESTIMATE);
    }

    /** A scanner whose lore budget counts tokens with the given counter. */
    public LoreScanner(Settings settings, TokenCounter counter) {
        this.settings = settings;
        this.counter = counter;
    }

    /**
     * Activates entries of the given books against the chat.
     *
     * @param books lorebooks in priority order (duplicates by id are scanned once)
     * @param chat messages of the active branch, oldest first
     * @param seed seed of the probability rolls (same seed, same activation)
     */
    public Result scan(List<Lorebook> books, List<HistoryMessage> chat, long seed) {
        List<BookEntry> all = new ArrayList<>();
        Set<String> seenBooks = new HashSet<>();
        for (Lorebook book : books) {
            if (book == null || (book.id() != null && !seenBooks.add(book.id()))) {
                continue;
            }
            for (LoreEntry entry : book.entries()) {
                if (entry.enabled() && entry.content() != null && !entry.content().isBlank()) {
                    all.add(new BookEntry(book, entry));
                }
            }
        }
        Random random = new Random(seed);
        Map<Integer, String> chatByDepth = new HashMap<>();
        List<BookEntry> activated = new ArrayList<>();
        Set<BookEntry> done = new HashSet<>();
        StringBuilder recursionBuffer = new StringBuilder();
        int used = 0;
        boolean overflowed = false;
        int pass = 0;
        while (true) {
            boolean recursive = pass > 0;
            String recursionText = recursionBuffer.toString();
            List<BookEntry> matched = new ArrayList<>();
            for (BookEntry candidate : all) {
                if (done.contains(candidate)) {
                    continue;
                }
                LoreEntry entry = candidate.entry();
                if (entry.delayUntilRecursion() && !recursive) {
                    continue;
                }
                if (entry.constant() && !recursive) {
                    matched.add(candidate);
                    continue;
                }
                int depth = entry.scanDepth() != null ? entry.scanDepth()
                    : candidate.book().scanDepth() != null ? candidate.book().scanDepth() : settings.defaultScanDepth();
                String chatText = chatByDepth.computeIfAbsent(Math.max(0, depth), d -> chatText(chat, d));
                String text = recursive && !entry.excludeRecursion() ? chatText + "\n" + recursionText : chatText;
                if (matches(entry, text)) {
                    matched.add(candidate);
                }
            }
            matched.sort(Comparator.comparingInt((BookEntry b) -> b.entry().insertionOrder()).reversed()
                .thenComparingInt(b -> b.entry().uid()));
            List<BookEntry> newlyActivated = new ArrayList<>();
            for (BookEntry candidate : matched) {
                LoreEntry entry = candidate.entry();
                done.add(candidate);
                if (entry.useProbability() && entry.probability() < 100) {
                    int roll = random.nextInt(100);
                    if (roll >= entry.probability()) {
                        continue;
                    }
                }
                int cost = counter.count(entry.content());
                Integer bookBudget = candidate.book().tokenBudget();
                int bookUsed = activated.stream().filter(b -> b.book() == candidate.book())
                    .mapToInt(b -> counter.count(b.entry().content())).sum();
                if (used + cost > settings.tokenBudget() || (bookBudget != null && bookUsed + cost > bookBudget)) {
                    overflowed = true;
                    break;
                }
                used += cost;
                activated.add(candidate);
                newlyActivated.add(candidate);
            }
            pass++;
            if (overflowed || newlyActivated.isEmpty() || pass > settings.maxRecursionSteps()) {
                break;
            }
            boolean grew = false;
            for (BookEntry entry : newlyActivated) {
                if (entry.book().recursiveScanning() && !entry.entry().preventRecursion()) {
                    recursionBuffer.append('\n').append(entry.entry().content());
                    grew = true;
                }
            }
            if (!grew) {
                break;
            }
        }
        return new Result(List.copyOf(activated), overflowed, pass, used);
    }

    /** The last {@code depth} messages as scan text, newest last. */
    static String chatText(List<HistoryMessage> chat, int depth) {
        if (depth <= 0 || chat.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (int i = Math.max(0, chat.size() - depth); i < chat.size(); i++) {
            text.append(chat.get(i).scanLine()).append('\n');
        }
        return text.toString();
    }

    /** Primary and secondary key logic of one entry against a text. */
    static boolean matches(LoreEntry entry, String text) {
        if (text.isEmpty()) {
            return false;
        }
        boolean primary = false;
        for (String key : entry.keys()) {
            if (keyMatches(entry, key, text)) {
                primary = true;
                break;
            }
        }
        if (!primary) {
            return false;
        }
        List<String> secondary = entry.secondaryKeys().stream().filter(k -> k != null && !k.isBlank()).toList();
        if (!entry.selective() || secondary.isEmpty()) {
            return true;
        }
        int hits = 0;
        for (String key : secondary) {
            if (keyMatches(entry, key, text)) {
                hits++;
            }
        }
        return switch (entry.selectiveLogic()) {
            case AND_ANY -> hits > 0;
            case NOT_ALL -> hits < secondary.size();
            case NOT_ANY -> hits == 0;
            case AND_ALL -> hits == secondary.size();
        };
    }

    /** One key against a text, with the entry's case and whole-word options; {@code /re/flags} keys are regexes. */
    static boolean keyMatches(LoreEntry entry, String rawKey, String text) {
        if (rawKey == null || rawKey.isBlank()) {
            return false;
        }
        String key = rawKey.strip();
        Matcher regex = REGEX_KEY.matcher(key);
        if (regex.matches()) {
            Pattern pattern = compileRegexKey(regex.group(1), regex.group(2));
            return pattern != null && pattern.matcher(text).find();
        }
        boolean caseSensitive = Boolean.TRUE.equals(entry.caseSensitive());
        boolean wholeWords = entry.matchWholeWords() == null || entry.matchWholeWords();
        String haystack = caseSensitive ? text : text.toLowerCase(Locale.ROOT);
        String needle = caseSensitive ? key : key.toLowerCase(Locale.ROOT);
        if (wholeWords && needle.split("\\s+").length == 1) {
            return Pattern.compile("(?:^|\\W)(" + Pattern.quote(needle) + ")(?:$|\\W)").matcher(haystack).find();
        }
        return haystack.contains(needle);
    }

    static Pattern compileRegexKey(String body, String flags) {
        int bits = 0;
        for (char flag : flags.toCharArray()) {
            switch (flag) {
                case 'i' -> bits |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                case 's' -> bits |= Pattern.DOTALL;
                case 'm' -> bits |= Pattern.MULTILINE;
                case 'u' -> bits |= Pattern.UNICODE_CASE;
                default -> {
                    // g and y have no meaning for a single test
                }
            }
        }
        try {
            return Pattern.compile(body, bits);
        } catch (PatternSyntaxException e) {
            LOG.debugf("lore key /%s/%s is not a valid regular expression: %s", body, flags, e.getDescription());
            return null;
        }
    }
}
