package io.mopao.story.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Retrieval of relevant older messages without embeddings: a message's score is the share of the query's terms it
 * contains. Terms are lower-cased Latin words of three or more letters (minus a few stop words) and overlapping CJK
 * character bigrams, so it works for English and Chinese alike. Deterministic and cheap for the few hundred messages
 * of a branch; see README "Memory".
 */
public final class Recall {

    private static final Set<String> STOP = Set.of("the", "and", "you", "are", "was", "for", "with", "that", "this", "have", "what",
        "your", "but", "not", "from", "they", "his", "her", "she", "him", "its", "our", "who", "how", "why", "all", "can", "did", "does");

    private Recall() {
    }

    /** A scored candidate. */
    public record Hit(int index, double score) {
    }

    /** Terms of a text (see class comment). */
    public static Set<String> terms(String text) {
        Set<String> terms = new HashSet<>();
        if (text == null) {
            return terms;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder word = new StringBuilder();
        int previousCjk = -1;
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            boolean cjk = Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN;
            if (cjk) {
                if (previousCjk >= 0) {
                    terms.add(new String(Character.toChars(previousCjk)) + new String(Character.toChars(cp)));
                }
                previousCjk = cp;
            } else {
                previousCjk = -1;
            }
            if (Character.isLetterOrDigit(cp) && !cjk) {
                word.appendCodePoint(cp);
            } else {
                addWord(terms, word);
            }
        }
        addWord(terms, word);
        return terms;
    }

    private static void addWord(Set<String> terms, StringBuilder word) {
        if (word.length() >= 3 && !STOP.contains(word.toString())) {
            terms.add(word.toString());
        }
        word.setLength(0);
    }

    /** The best {@code limit} candidates that share at least {@code minShare} of the query's terms (two terms at least). */
    public static List<Hit> best(String query, List<String> candidates, int limit, double minShare) {
        Set<String> q = terms(query);
        if (q.isEmpty() || limit <= 0) {
            return List.of();
        }
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Set<String> t = terms(candidates.get(i));
            int shared = 0;
            for (String term : q) {
                if (t.contains(term)) {
                    shared++;
                }
            }
            double score = (double) shared / q.size();
            if (shared >= Math.min(2, q.size()) && score >= minShare) {
                hits.add(new Hit(i, score));
            }
        }
        hits.sort(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Comparator.comparingInt(Hit::index).reversed()));
        return hits.subList(0, Math.min(limit, hits.size()));
    }
}
