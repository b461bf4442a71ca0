package io.mopao.engine.sampling;

import java.util.Collection;
import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still be the start of a stop string is held back until it
 * is ruled out; on a match, only the text before the stop string is released. The result does not depend on how
 * the text was split into chunks: the stop that completes first (earliest end, then earliest start) wins.
 * One instance per sequence; not thread-safe.
 */
public final class StopMatcher {
    private final List<String> stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private String stoppedBy;

    /**
     * @param stops the stop strings (none = every chunk passes straight through)
     */
    public StopMatcher(Collection<String> stops) {
        this.stops = List.copyOf(stops);
        int max = 0;
        for (String s : this.stops) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
            max = Math.max(max, s.length());
        }
        this.longest = max;
    }

    /**
     * What to release after a chunk of text.
     *
     * @param text the text safe to emit now
     * @param stop the stop string that ended generation, or null
     */
    public record Result(String text, String stop) {
        /** @return whether a stop string was found */
        public boolean stopped() {
            return stop != null;
        }
    }

    /**
     * Adds streamed text.
     *
     * @param chunk the next text
     * @return the text safe to emit and, when a stop string completed, which one
     * @throws IllegalStateException when a stop was already reported
     */
    public Result push(String chunk) {
        if (stoppedBy != null) {
            throw new IllegalStateException("generation already stopped at '" + stoppedBy + "'");
        }
        held.append(chunk);
        int bestStart = -1;
        int bestEnd = Integer.MAX_VALUE;
        String best = null;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at < 0) {
                continue;
            }
            int end = at + s.length();
            if (end < bestEnd || (end == bestEnd && at < bestStart)) {
                bestStart = at;
                bestEnd = end;
                best = s;
            }
        }
        if (best != null) {
            stoppedBy = best;
            String out = held.substring(0, bestStart);
            held.setLength(0);
            return new Result(out, best);
        }
        int keep = partialMatchLength();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Result(out, null);
    }

    /**
     * Ends the stream without a stop: releases the held-back text.
     *
     * @return the held text (empty after a stop)
     */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** @return the stop string found, or null */
    public String stoppedBy() {
        return stoppedBy;
    }

    /** The length of the longest tail of the held text that is a proper prefix of a stop string. */
    private int partialMatchLength() {
        int max = Math.min(longest - 1, held.length());
        for (int k = max; k > 0; k--) {
            int from = held.length() - k;
            for (String s : stops) {
                if (s.length() > k && regionMatches(from, s, k)) {
                    return k;
                }
            }
        }
        return 0;
    }

    private boolean regionMatches(int from, String s, int k) {
        for (int i = 0; i < k; i++) {
            if (held.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
