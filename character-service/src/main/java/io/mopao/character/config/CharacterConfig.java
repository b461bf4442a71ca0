package io.mopao.character.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and settings of character-service ({@code mopao.character.*}). */
@ConfigMapping(prefix = "mopao.character")
public interface CharacterConfig {

    /** Largest avatar upload in bytes (PNG, JPEG, WebP or GIF). */
    @WithDefault("5242880")
    int avatarMaxBytes();

    /** Largest card file accepted by import (JSON, PNG, APNG or CHARX) in bytes. */
    @WithDefault("20971520")
    int importMaxBytes();

    /** Most bytes a CHARX archive may expand to, all entries together. */
    @WithDefault("52428800")
    long charxMaxUncompressedBytes();

    /** Most entries a CHARX archive may hold. */
    @WithDefault("2000")
    int charxMaxEntries();

    /** Deepest JSON nesting accepted in cards and request bodies. */
    @WithDefault("64")
    int jsonMaxDepth();

    /** Largest page size of list and search. */
    @WithDefault("100")
    int maxPageSize();
}
