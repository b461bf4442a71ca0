package io.mopao.story.prompt;

import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.world.WorldSnapshot;
import java.util.List;

/**
 * Everything prompt assembly needs for one turn; assembly is a pure function of it.
 *
 * @param cast the session's characters in session order (one for a one-to-one chat)
 * @param speaker the character who speaks this turn (one of {@code cast})
 * @param world the world, if the session has one
 * @param worldLorebooks lorebooks attached to the world or to cast members (character books come from the cards)
 * @param playerName the player's name ({@code {{user}}} after the stable prefix)
 * @param playerPersona the player's persona description, if any
 * @param summary rolling memory summary, if any
 * @param recalled older messages retrieved as relevant to this turn (already formatted)
 * @param history the active branch, oldest first (for a continuation: up to, not including, the continued message)
 * @param storylineDirection narrator direction of the current storyline beat, if any
 * @param mode what the turn produces
 * @param loreSeed seed of the lore probability rolls
 */
public record PromptRequest(
    List<CharacterSnapshot> cast,
    CharacterSnapshot speaker,
    WorldSnapshot world,
    List<Lorebook> worldLorebooks,
    String playerName,
    String playerPersona,
    String summary,
    List<String> recalled,
    List<HistoryMessage> history,
    String storylineDirection,
    Mode mode,
    long loreSeed) {

    public PromptRequest {
        cast = cast == null ? List.of() : List.copyOf(cast);
        worldLorebooks = worldLorebooks == null ? List.of() : List.copyOf(worldLorebooks);
        recalled = recalled == null ? List.of() : List.copyOf(recalled);
        history = history == null ? List.of() : List.copyOf(history);
        mode = mode == null ? Mode.REPLY : mode;
    }

    /** What a turn produces. */
    public enum Mode {
        /** the speaker's next reply (also regenerate) */
        REPLY,
        /** more of the speaker's last reply (the runtime renders the continuation as an open assistant message) */
        CONTINUE,
        /** the player's next message, written by the model */
        IMPERSONATE,
        /** a rolling memory summary */
        SUMMARY
    }
}
