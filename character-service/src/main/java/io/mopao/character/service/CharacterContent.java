package io.mopao.character.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The editable content of a character: every Character Card V2 and V3 field plus Mopao's visibility and content
 * rating. The body of create and update requests, and what a version of the history holds.
 *
 * @param name card name ({@code {{char}}}), required
 * @param nickname V3 nickname, used instead of the name in prompts when set
 * @param description description (persona)
 * @param personality personality summary
 * @param scenario scenario
 * @param firstMessage first message (greeting, {@code first_mes})
 * @param alternateGreetings alternate greetings
 * @param groupOnlyGreetings V3 greetings used only in group chats
 * @param exampleMessages example dialogue ({@code mes_example})
 * @param systemPrompt system prompt override
 * @param postHistoryInstructions post-history instructions
 * @param creatorNotes notes for people, never in prompts
 * @param creatorNotesMultilingual V3 creator notes by language code
 * @param tags tags
 * @param creator the card's creator field
 * @param characterVersion the card's own version string
 * @param source V3 source URLs or ids
 * @param creationDate V3 creation date of the card (Unix seconds); null means the character's creation time
 * @param assets V3 assets (array of {type, uri, name, ext}); null when the card has none
 * @param characterBook embedded lorebook in Character Card format ({@code character_book}); null when none
 * @param extensions card extensions; unknown keys are kept as they are
 * @param visibility private, unlisted or public
 * @param contentRating general, teen or mature
 */
public record CharacterContent(
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
    List<String> source,
    Long creationDate,
    JsonNode assets,
    JsonNode characterBook,
    JsonNode extensions,
    String visibility,
    String contentRating) {

    /** The same content with another visibility and rating. */
    public CharacterContent withAccess(String newVisibility, String newContentRating) {
        return new CharacterContent(name, nickname, description, personality, scenario, firstMessage, alternateGreetings,
            groupOnlyGreetings, exampleMessages, systemPrompt, postHistoryInstructions, creatorNotes, creatorNotesMultilingual, tags,
            creator, characterVersion, source, creationDate, assets, characterBook, extensions, newVisibility, newContentRating);
    }
}
