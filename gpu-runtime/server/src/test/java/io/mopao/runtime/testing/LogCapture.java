package io.mopao.runtime.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures the log records of one logger category (through JBoss LogManager, which the tests use as JUL's manager),
 * with a copy of the MDC each record was logged under.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    /**
     * One captured record.
     *
     * @param level   its level
     * @param message its formatted message
     * @param thread  the thread that logged it
     * @param mdc     the MDC at the moment it was logged
     */
    public record Captured(Level level, String message, String thread, Map<String, String> mdc) {
    }

    private final Logger logger;
    private final List<Captured> records = new CopyOnWriteArrayList<>();

    private LogCapture(String category) {
        this.logger = Logger.getLogger(category);
        logger.addHandler(this);
    }

    /**
     * @param category a logger category, e.g. a package
     * @return a capture that records until closed
     */
    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    @Override
    public void publish(LogRecord r) {
        if (!(r instanceof ExtLogRecord ext)) {
            throw new IllegalStateException("records are not ExtLogRecords: run with -Djava.util.logging.manager=org.jboss.logmanager"
                + ".LogManager (surefire sets it)");
        }
        records.add(new Captured(r.getLevel(), ext.getFormattedMessage(), Thread.currentThread().getName(), Map.copyOf(ext.getMdcCopy())));
    }

    /** @return what was captured so far */
    public List<Captured> records() {
        return List.copyOf(records);
    }

    @Override
    public void flush() {
        // nothing buffered
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
