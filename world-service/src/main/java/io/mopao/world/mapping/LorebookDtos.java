package io.mopao.world.mapping;

import io.mopao.world.repository.LorebookEntity;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the lorebooks API. */
public final class LorebookDtos {

    private LorebookDtos() {
    }

    /**
     * Create/replace a lorebook.
     *
     * @param name display name (required)
     * @param description creator's notes
     * @param scanDepth messages scanned for keys (null = consumer default)
     * @param tokenBudget most tokens activated entries may take (null = consumer default)
     * @param recursiveScanning whether activated content is scanned again
     * @param entries the entries
     * @param worldIds worlds to attach to (caller must own them)
     * @param characterIds characters to attach to
     */
    public record LorebookInput(String name, String description, Integer scanDepth, Integer tokenBudget, Boolean recursiveScanning,
        List<LoreEntryData> entries, List<String> worldIds, List<String> characterIds) {
    }

    /** A lorebook as the API returns it. */
    public record LorebookView(String id, long version, String ownerId, String name, String description, Integer scanDepth,
        Integer tokenBudget, boolean recursiveScanning, List<LoreEntryData> entries, List<String> worldIds, List<String> characterIds,
        Instant createdAt, Instant updatedAt) {

        public static LorebookView of(LorebookEntity b, List<String> worldIds, List<String> characterIds) {
            return new LorebookView(b.id.toString(), b.version, b.ownerId, b.name, b.description, b.scanDepth, b.tokenBudget,
                b.recursiveScanning, b.entries, worldIds, characterIds, b.createdAt, b.updatedAt);
        }
    }

    /** A lorebook in lists. */
    public record LorebookSummary(String id, long version, String name, int entryCount, Instant updatedAt) {

        public static LorebookSummary of(LorebookEntity b) {
            return new LorebookSummary(b.id.toString(), b.version, b.name, b.entryCount, b.updatedAt);
        }
    }
}
