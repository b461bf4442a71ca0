package io.mopao.story.service;

import io.mopao.events.character.CharacterSnapshot;
import io.mopao.service.error.ApiException;
import io.mopao.story.prompt.PromptAssembler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Who speaks next in a group scene. Policies: {@code manual} (the player names the speaker; else the first character),
 * {@code mention} (the character named earliest in the player's message; else talkativeness), {@code talkativeness}
 * (a seeded draw weighted by each card's talkativeness, never the previous speaker when others exist) and
 * {@code round_robin} (the character after the previous speaker, in cast order). A speaker named by the player always wins.
 */
public final class SpeakerSelector {

    /** The policies. */
    public static final List<String> POLICIES = List.of("manual", "mention", "talkativeness", "round_robin");

    private SpeakerSelector() {
    }

    public static CharacterSnapshot choose(String policy, List<CharacterSnapshot> cast, String requestedId, String lastSpeakerId,
        String playerText, long seed) {
        if (cast.size() == 1) {
            return cast.getFirst();
        }
        if (requestedId != null) {
            for (CharacterSnapshot c : cast) {
                if (c.id().equals(requestedId)) {
                    return c;
                }
            }
            throw ApiException.invalid("speaker " + requestedId + " is not in this session");
        }
        return switch (policy == null ? "round_robin" : policy) {
            case "manual" -> cast.getFirst();
            case "mention" -> mentioned(cast, playerText).orElseGet(() -> talkative(cast, lastSpeakerId, seed));
            case "talkativeness" -> talkative(cast, lastSpeakerId, seed);
            default -> roundRobin(cast, lastSpeakerId);
        };
    }

    static java.util.Optional<CharacterSnapshot> mentioned(List<CharacterSnapshot> cast, String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        String lower = text.toLowerCase(Locale.ROOT);
        CharacterSnapshot best = null;
        int bestAt = Integer.MAX_VALUE;
        for (CharacterSnapshot c : cast) {
            for (String name : List.of(PromptAssembler.charName(c), c.name())) {
                int at = lower.indexOf(name.toLowerCase(Locale.ROOT));
                if (at >= 0 && at < bestAt) {
                    best = c;
                    bestAt = at;
                }
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    static CharacterSnapshot roundRobin(List<CharacterSnapshot> cast, String lastSpeakerId) {
        for (int i = 0; i < cast.size(); i++) {
            if (cast.get(i).id().equals(lastSpeakerId)) {
                return cast.get((i + 1) % cast.size());
            }
        }
        return cast.getFirst();
    }

    static CharacterSnapshot talkative(List<CharacterSnapshot> cast, String lastSpeakerId, long seed) {
        List<CharacterSnapshot> pool = new ArrayList<>(cast.stream().filter(c -> !c.id().equals(lastSpeakerId)).toList());
        if (pool.isEmpty()) {
            pool.addAll(cast);
        }
        double total = 0;
        for (CharacterSnapshot c : pool) {
            total += weight(c);
        }
        double draw = new Random(seed).nextDouble() * total;
        for (CharacterSnapshot c : pool) {
            draw -= weight(c);
            if (draw < 0) {
                return c;
            }
        }
        return pool.getLast();
    }

    private static double weight(CharacterSnapshot c) {
        double t = c.talkativeness() == null ? 0.5 : c.talkativeness();
        return Math.max(0.01, Math.min(1.0, t));
    }
}
