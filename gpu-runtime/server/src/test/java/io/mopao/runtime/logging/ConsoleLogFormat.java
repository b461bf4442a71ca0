package io.mopao.runtime.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

/** Finds the console handler the running application configured and formats records with its formatter. */
final class ConsoleLogFormat {

    private ConsoleLogFormat() {
    }

    /** @return the formatter of the application's console handler */
    static Formatter consoleFormatter() {
        List<Handler> found = new ArrayList<>();
        collect(LogContext.getLogContext().getLogger("").getHandlers(), found);
        return found.stream().filter(ConsoleHandler.class::isInstance).map(Handler::getFormatter).findFirst()
            .orElseThrow(() -> new AssertionError("no console handler among the root handlers " + found));
    }

    private static void collect(Handler[] handlers, List<Handler> into) {
        for (Handler h : handlers) {
            into.add(h);
            if (h instanceof ExtHandler ext) {
                collect(ext.getHandlers(), into);
            }
        }
    }

    /**
     * @param formatter a formatter
     * @return how it writes an INFO line logged while a turn's ids were in the MDC
     */
    static String formatTurnLine(Formatter formatter) {
        ExtLogRecord r = new ExtLogRecord(Level.INFO, "turn t-42: stop after 3 chunks", ExtLogRecord.FormatStyle.NO_FORMAT,
            "io.mopao.runtime.worker.WorkerPool");
        r.setLoggerName("io.mopao.runtime.worker.WorkerPool");
        r.putMdc("turnId", "t-42");
        r.putMdc("sessionId", "s-7");
        r.putMdc("attemptId", "a-1");
        r.putMdc("model", "stories260K");
        r.putMdc("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        return formatter.format(r);
    }
}
