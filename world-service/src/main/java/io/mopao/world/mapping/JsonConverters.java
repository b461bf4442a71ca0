package io.mopao.world.mapping;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.WorldSnapshot;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** JPA converters between JSON documents in text columns and their Java shapes. */
public final class JsonConverters {

    private JsonConverters() {
    }

    /** Base: a list stored as a JSON array. */
    public abstract static class ListConverter<T> implements AttributeConverter<List<T>, String> {
        private final TypeReference<List<T>> type;

        protected ListConverter(TypeReference<List<T>> type) {
            this.type = type;
        }

        @Override
        public String convertToDatabaseColumn(List<T> value) {
            return Json.write(value == null ? List.of() : value);
        }

        @Override
        public List<T> convertToEntityAttribute(String column) {
            return column == null || column.isEmpty() ? List.of() : List.copyOf(Json.read(column, type));
        }
    }

    /** List of strings. */
    @Converter
    public static class Strings extends ListConverter<String> {
        public Strings() {
            super(new TypeReference<>() { });
        }
    }

    /** World locations. */
    @Converter
    public static class Locations extends ListConverter<WorldSnapshot.Location> {
        public Locations() {
            super(new TypeReference<>() { });
        }
    }

    /** World opening scenes. */
    @Converter
    public static class OpeningScenes extends ListConverter<WorldSnapshot.OpeningScene> {
        public OpeningScenes() {
            super(new TypeReference<>() { });
        }
    }

    /** Lore entries. */
    @Converter
    public static class LoreEntries extends ListConverter<LoreEntryData> {
        public LoreEntries() {
            super(new TypeReference<>() { });
        }
    }

    /** Storyline chapters. */
    @Converter
    public static class Chapters extends ListConverter<StorylineSnapshot.Chapter> {
        public Chapters() {
            super(new TypeReference<>() { });
        }
    }

    /** Shared transcript messages. */
    @Converter
    public static class SharedMessages extends ListConverter<io.mopao.events.story.TranscriptShared.SharedMessage> {
        public SharedMessages() {
            super(new TypeReference<>() { });
        }
    }
}
