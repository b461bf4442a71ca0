package io.mopao.events;

/** A record on a topic could not be read as a Mopao event; the message says why, for logs and dead-letter headers. */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String reason) {
        super(reason);
    }

    public MalformedEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
