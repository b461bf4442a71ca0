package io.mopao.character.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A character (persona card) as stored. Card fields follow Character Card V3; list- and map-valued fields and the
 * embedded {@code character_book} are JSON documents kept as text (written and read whole by the service).
 */
@Entity
@Table(name = "characters")
public class CharacterEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    /**
     * Version number, 1 on creation and +1 on every change; the ETag. Updates lock the row and compare it with the
     * caller's {@code If-Match}, so concurrent writers serialise and the later one gets 412.
     */
    @Column(nullable = false)
    public long version;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(name = "owner_name", nullable = false)
    public String ownerName;

    @Column(nullable = false)
    public String visibility;

    @Column(name = "content_rating", nullable = false)
    public String contentRating;

    @Column(nullable = false)
    public boolean hidden;

    @Column(name = "hidden_reason")
    public String hiddenReason;

    @Column(nullable = false)
    public String name;

    public String nickname;

    @Column(nullable = false)
    public String description;

    @Column(nullable = false)
    public String personality;

    @Column(nullable = false)
    public String scenario;

    @Column(name = "first_message", nullable = false)
    public String firstMessage;

    @Column(name = "example_messages", nullable = false)
    public String exampleMessages;

    @Column(name = "system_prompt", nullable = false)
    public String systemPrompt;

    @Column(name = "post_history_instructions", nullable = false)
    public String postHistoryInstructions;

    @Column(name = "creator_notes", nullable = false)
    public String creatorNotes;

    @Column(nullable = false)
    public String creator;

    @Column(name = "character_version", nullable = false)
    public String characterVersion;

    /** JSON array of strings. */
    @Column(name = "alternate_greetings", nullable = false)
    public String alternateGreetings;

    /** JSON array of strings. */
    @Column(name = "group_only_greetings", nullable = false)
    public String groupOnlyGreetings;

    /** JSON object language code to text. */
    @Column(name = "creator_notes_multilingual", nullable = false)
    public String creatorNotesMultilingual;

    /** JSON array of strings. */
    @Column(nullable = false)
    public String source;

    /** JSON array of V3 asset descriptors, or null when the card has none. */
    public String assets;

    /** The embedded lorebook in card format (JSON object), or null. */
    @Column(name = "character_book")
    public String characterBook;

    /** Card extensions (JSON object), unknown keys included. */
    @Column(nullable = false)
    public String extensions;

    @Column(nullable = false, columnDefinition = "text[]")
    public String[] tags;

    @Column(name = "tag_keys", nullable = false, columnDefinition = "text[]")
    public String[] tagKeys;

    @Column(name = "search_text", nullable = false)
    public String searchText;

    @Column(name = "card_created_at")
    public Instant cardCreatedAt;

    @Column(name = "avatar_sha256")
    public String avatarSha256;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
