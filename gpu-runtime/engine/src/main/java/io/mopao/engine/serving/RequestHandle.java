package io.mopao.engine.serving;

import java.util.concurrent.CompletableFuture;

/** A submitted request, as its submitter sees it. Thread-safe. */
public final class RequestHandle {
    private final String requestId;
    private final CompletableFuture<Completion> completion = new CompletableFuture<>();
    private final Runnable canceller;

    RequestHandle(String requestId, Runnable canceller) {
        this.requestId = requestId;
        this.canceller = canceller;
    }

    public String requestId() {
        return requestId;
    }

    /** @return completes (never exceptionally) when the request ends, however it ends */
    public CompletableFuture<Completion> completion() {
        return completion;
    }

    /** Asks the inference thread to stop the request at its next step; it then completes with CANCELLED. */
    public void cancel() {
        canceller.run();
    }

    CompletableFuture<Completion> future() {
        return completion;
    }
}
