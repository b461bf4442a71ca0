package io.mopao.events.lore;

import java.util.List;

/**
 * A lorebook (SillyTavern World Info / Character Card V2 {@code character_book}) as the services exchange it.
 *
 * @param id stable id (UUID string) of the lorebook
 * @param name display name
 * @param description creator's description, never put into prompts
 * @param scanDepth how many recent messages are scanned for keys (null = the consumer's default)
 * @param tokenBudget most tokens the activated entries may take (null = the consumer's default)
 * @param recursiveScanning whether activated entries' content is scanned for further keys
 * @param entries the entries, in creator order
 */
public record Lorebook(
    String id,
    String name,
    String description,
    Integer scanDepth,
    Integer tokenBudget,
    boolean recursiveScanning,
    List<LoreEntry> entries) {

    public Lorebook {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }
}
