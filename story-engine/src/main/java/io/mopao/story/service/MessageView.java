package io.mopao.story.service;

import io.mopao.story.repository.MessageRow;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A message as the API shows it.
 *
 * @param swipeIndex position among its siblings (0-based, oldest first)
 * @param swipeCount number of siblings including itself
 */
public record MessageView(UUID id, UUID parentId, String role, String characterId, String speakerName, String content, UUID turnId,
    OffsetDateTime createdAt, OffsetDateTime editedAt, int swipeIndex, int swipeCount) {

    public static MessageView of(MessageRow m, int swipeIndex, int swipeCount) {
        return new MessageView(m.id(), m.parentId(), m.role(), m.characterId(), m.speakerName(), m.content(), m.turnId(), m.createdAt(),
            m.editedAt(), swipeIndex, swipeCount);
    }

    public static MessageView of(MessageRow m) {
        return of(m, 0, 1);
    }
}
