package io.mopao.engine.serving;

/** Why a generation ended. */
public enum FinishReason {
    /** an end-of-generation token, a stop token id or a stop string */
    STOP,
    /** the max-tokens limit (or the model length) was reached */
    LENGTH,
    /** the caller cancelled it */
    CANCELLED,
    /** its deadline passed */
    DEADLINE,
    /** the engine failed while running it, or shut down */
    ERROR
}
