package io.mopao.world.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed settings of world-service ({@code mopao.world.*}). */
@ConfigMapping(prefix = "mopao.world")
public interface WorldConfig {

    /** Limits that keep hostile input out. */
    Limits limits();

    /** Home timeline settings. */
    Timeline timeline();

    /** Size limits for authored content and imports. */
    interface Limits {
        /** Most entries one lorebook may have. */
        @WithDefault("1000")
        int maxLoreEntries();

        /** Longest content of one lore entry, in characters. */
        @WithDefault("20000")
        int maxEntryContentChars();

        /** Most keys (primary plus secondary) of one lore entry. */
        @WithDefault("100")
        int maxKeysPerEntry();

        /** Longest key or regex, in characters. */
        @WithDefault("500")
        int maxKeyChars();

        /** Largest World Info / lorebook file accepted for import, in bytes. */
        @WithDefault("4194304")
        int maxImportBytes();

        /** Longest long-text field of a world (setting, rules), in characters. */
        @WithDefault("50000")
        int maxWorldTextChars();

        /** Most locations, cast members, opening scenes or tags of a world (each). */
        @WithDefault("200")
        int maxWorldListItems();

        /** Most beats of one storyline. */
        @WithDefault("500")
        int maxBeats();

        /** Longest comment, in characters. */
        @WithDefault("4000")
        int maxCommentChars();

        /** Most messages of a shared transcript that are kept. */
        @WithDefault("500")
        int maxSharedMessages();
    }

    /** Redis-backed home timelines. */
    interface Timeline {
        /** Redis key prefix of everything this service stores. */
        @WithDefault("mopao:world:")
        String keyPrefix();

        /** Most post ids kept per home timeline. */
        @WithDefault("800")
        int maxEntries();

        /** How long a built timeline stays in Redis without a rebuild, in hours. */
        @WithDefault("72")
        int ttlHours();

        /** How many trending posts are blended into the first page of a home timeline. */
        @WithDefault("5")
        int trendingBlend();

        /** Most posts kept in the trending set. */
        @WithDefault("500")
        int trendingSize();
    }
}
