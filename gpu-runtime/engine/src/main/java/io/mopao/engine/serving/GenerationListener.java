package io.mopao.engine.serving;

/**
 * Receives a request's events. Called on the inference thread, in order: keep it short and never block (hand off
 * to a queue or an executor); an exception thrown here is logged and ignored.
 */
public interface GenerationListener {

    /** A listener that ignores everything (non-streamed use: wait on the handle's completion). */
    GenerationListener NONE = new GenerationListener() {
    };

    /**
     * @param event the next token
     */
    default void onToken(TokenEvent event) {
    }

    /**
     * Called once, last.
     *
     * @param completion the outcome
     */
    default void onComplete(Completion completion) {
    }
}
