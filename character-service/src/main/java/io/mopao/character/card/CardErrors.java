package io.mopao.character.card;

import io.mopao.service.error.ApiException;

/** The answer to a card file that cannot be imported. */
final class CardErrors {

    private CardErrors() {
    }

    /** 400 {@code invalid_card}: the message names what is wrong with the file (chunk, field, offset). */
    static ApiException invalidCard(String message) {
        return new ApiException(400, "invalid_card", message);
    }
}
