package io.mopao.events.character;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.lore.Lorebook;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything other services need to know about a character (persona card), as of one version.
 *
 * @param id character id (UUID string)
 * @param version monotonically increasing version of this character
 * @param ownerId Keycloak subject of the creator who owns it
 * @param ownerName display name of the owner
 * @param visibility private, unlisted or public
 * @param contentRating general, teen or mature
 * @param hidden true when a moderator has hidden it
 * @param name card name ({@code {{char}}})
 * @param nickname V3 nickname, used for {@code {{char}}} when present
 * @param description card description
 * @param personality personality summary
 * @param scenario scenario text
 * @param firstMessage greeting
 * @param alternateGreetings alternate greetings (swipes of the first message)
 * @param groupOnlyGreetings greetings used only in group chats (V3)
 * @param exampleMessages example dialogue ({@code <START>} separated)
 * @param systemPrompt card system prompt override ({@code {{original}}} inserts the default)
 * @param postHistoryInstructions jailbreak / post-history instructions
 * @param creatorNotes notes for humans; never put into prompts
 * @param creatorNotesMultilingual V3 notes per language code
 * @param tags tags
 * @param creator card's creator field (free text from the card)
 * @param characterVersion card's own version string
 * @param talkativeness 0..1, used by group scenes (SillyTavern extension)
 * @param characterBook embedded lorebook, if any
 * @param avatarUrl relative URL of the avatar image, if any
 * @param extensions unknown card extensions, preserved
 * @param updatedAt time of this version
 */
public record CharacterSnapshot(
    String id,
    long version,
    String ownerId,
    String ownerName,
    String visibility,
    String contentRating,
    boolean hidden,
    String name,
    String nickname,
    String description,
    String personality,
    String scenario,
    String firstMessage,
    List<String> alternateGreetings,
    List<String> groupOnlyGreetings,
    String exampleMessages,
    String systemPrompt,
    String postHistoryInstructions,
    String creatorNotes,
    Map<String, String> creatorNotesMultilingual,
    List<String> tags,
    String creator,
    String characterVersion,
    Double talkativeness,
    Lorebook characterBook,
    String avatarUrl,
    JsonNode extensions,
    Instant updatedAt) {

    public CharacterSnapshot {
        alternateGreetings = alternateGreetings == null ? List.of() : List.copyOf(alternateGreetings);
        groupOnlyGreetings = groupOnlyGreetings == null ? List.of() : List.copyOf(groupOnlyGreetings);
        tags = tags == null ? List.of() : List.copyOf(tags);
        creatorNotesMultilingual = creatorNotesMultilingual == null ? Map.of() : Map.copyOf(creatorNotesMultilingual);
    }
}
