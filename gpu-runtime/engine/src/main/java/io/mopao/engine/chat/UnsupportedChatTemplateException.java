package io.mopao.engine.chat;

/** The model ships a chat template this engine does not recognise. */
public final class UnsupportedChatTemplateException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was not recognised and what the caller can do
     */
    public UnsupportedChatTemplateException(String message) {
        super(message);
    }
}
