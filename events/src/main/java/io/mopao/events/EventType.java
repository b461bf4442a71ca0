package io.mopao.events;

import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.events.story.TranscriptShared;
import io.mopao.events.story.TurnRecorded;
import io.mopao.events.world.LorebookDeleted;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineDeleted;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldDeleted;
import io.mopao.events.world.WorldUpserted;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every event type: its CloudEvents {@code type}, current schema version, record class and topic. A change that is not
 * backward compatible gets a new type version (a new constant), never an edit of an existing one.
 */
public enum EventType {
    CHARACTER_UPSERTED("io.mopao.character.upserted", 1, CharacterUpserted.class, Topic.CHARACTERS),
    CHARACTER_DELETED("io.mopao.character.deleted", 1, CharacterDeleted.class, Topic.CHARACTERS),
    WORLD_UPSERTED("io.mopao.world.upserted", 1, WorldUpserted.class, Topic.WORLDS),
    WORLD_DELETED("io.mopao.world.deleted", 1, WorldDeleted.class, Topic.WORLDS),
    LOREBOOK_UPSERTED("io.mopao.lorebook.upserted", 1, LorebookUpserted.class, Topic.WORLDS),
    LOREBOOK_DELETED("io.mopao.lorebook.deleted", 1, LorebookDeleted.class, Topic.WORLDS),
    STORYLINE_UPSERTED("io.mopao.storyline.upserted", 1, StorylineUpserted.class, Topic.WORLDS),
    STORYLINE_DELETED("io.mopao.storyline.deleted", 1, StorylineDeleted.class, Topic.WORLDS),
    GENERATE_TURN("io.mopao.dialogue.generate-turn", 1, GenerateTurn.class, Topic.DIALOGUE_REQUESTS),
    TOKEN_CHUNK("io.mopao.dialogue.token-chunk", 1, TokenChunk.class, Topic.DIALOGUE_EVENTS),
    TURN_COMPLETED("io.mopao.dialogue.turn-completed", 1, TurnCompleted.class, Topic.DIALOGUE_EVENTS),
    TURN_CANCELLED("io.mopao.dialogue.turn-cancelled", 1, TurnCancelled.class, Topic.DIALOGUE_CONTROL),
    TRANSCRIPT_SHARED("io.mopao.story.transcript-shared", 1, TranscriptShared.class, Topic.STORY_EVENTS),
    TURN_RECORDED("io.mopao.story.turn-recorded", 1, TurnRecorded.class, Topic.STORY_EVENTS);

    private final String ceType;
    private final int schemaVersion;
    private final Class<? extends MopaoEvent> recordClass;
    private final Topic topic;

    EventType(String ceType, int schemaVersion, Class<? extends MopaoEvent> recordClass, Topic topic) {
        this.ceType = ceType;
        this.schemaVersion = schemaVersion;
        this.recordClass = recordClass;
        this.topic = topic;
    }

    /** The CloudEvents {@code type} attribute. */
    public String ceType() {
        return ceType;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    public Class<? extends MopaoEvent> recordClass() {
        return recordClass;
    }

    /** The topic events of this type are published to. */
    public Topic topic() {
        return topic;
    }

    /** The JSON Schema resource of this type's envelope, on the classpath. */
    public String schemaResource() {
        return "/schemas/" + ceType + ".v" + schemaVersion + ".json";
    }

    public static Optional<EventType> byCeType(String ceType) {
        return Arrays.stream(values()).filter(t -> t.ceType.equals(ceType)).findFirst();
    }

    /** The type registered for an event record. */
    public static EventType of(MopaoEvent event) {
        return Arrays.stream(values())
            .filter(t -> t.recordClass == event.getClass())
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no event type registered for " + event.getClass().getSimpleName()));
    }
}
