package io.mopao.events.world;

import io.mopao.events.MopaoEvent;
import io.mopao.events.lore.Lorebook;
import java.util.List;

/**
 * A lorebook was created or changed.
 *
 * @param lorebook full current state
 * @param ownerId owner of the lorebook
 * @param worldIds worlds it is attached to
 * @param characterIds characters it is attached to
 * @param version monotonically increasing version
 */
public record LorebookUpserted(Lorebook lorebook, String ownerId, List<String> worldIds,
    List<String> characterIds, long version) implements MopaoEvent {

    @Override
    public String key() {
        return "lorebook:" + lorebook.id();
    }
}
