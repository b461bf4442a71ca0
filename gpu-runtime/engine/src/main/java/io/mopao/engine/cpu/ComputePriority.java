package io.mopao.engine.cpu;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the scheduling priority (Linux nice value) of the thread that calls {@link #lower(int)}. The engine's compute
 * threads use it when configured to ({@code computeNice} above 0), so that other processes sharing their cores get the
 * CPU first. Measured on a quiet 2-vCPU machine (gpu-runtime/BENCHMARKS.md, Kafka runs 8 and 10), nice 10 did not
 * shorten the Kafka path and slowed the engine, hence the default of 0. Linux keeps the nice value per thread
 * ({@code setpriority(PRIO_PROCESS, tid, nice)}, see setpriority(2)); raising it needs no privilege. Where that is not
 * possible, {@link #lower(int)} says so by returning a reason, and the caller logs it.
 */
public final class ComputePriority {
    private static final int PRIO_PROCESS = 0;

    /** The C library's functions, looked up on first use only: nice 0 never touches native code. */
    private static final class Native {
        static final MethodHandle GETTID;
        static final MethodHandle SETPRIORITY;
        static final String UNAVAILABLE;

        static {
            MethodHandle gettid = null;
            MethodHandle setpriority = null;
            String unavailable = null;
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                unavailable = "per-thread nice values need Linux (this is " + System.getProperty("os.name") + ")";
            } else {
                try {
                    Linker linker = Linker.nativeLinker();
                    var libc = linker.defaultLookup();
                    gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                    setpriority = linker.downcallHandle(libc.find("setpriority").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                } catch (RuntimeException | LinkageError e) {
                    unavailable = "cannot call setpriority through the C library: " + e;
                }
            }
            GETTID = gettid;
            SETPRIORITY = setpriority;
            UNAVAILABLE = unavailable;
        }

        private Native() {
        }
    }

    private ComputePriority() {
    }

    /**
     * Raises the calling thread's nice value to {@code nice}; 0, or a thread already at that value or above (started
     * under {@code nice}, say), is left alone — this never raises a thread's priority.
     *
     * @param nice 0 to 19
     * @return null when done (or nothing to do), otherwise why it was not
     */
    public static String lower(int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("nice must be in [0, 19], got " + nice);
        }
        if (nice == 0) {
            return null;
        }
        if (Native.UNAVAILABLE != null) {
            return Native.UNAVAILABLE;
        }
        if (current() >= nice) {
            return null;
        }
        try {
            int tid = (int) Native.GETTID.invokeExact();
            int rc = (int) Native.SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice);
            return rc == 0 ? null : "setpriority(" + tid + ", " + nice + ") failed";
        } catch (Throwable e) {
            return "setpriority failed: " + e;
        }
    }

    /**
     * @return the calling thread's nice value as the kernel reports it, or {@link Integer#MIN_VALUE} where unknown
     */
    public static int current() {
        if (Native.UNAVAILABLE != null) {
            return Integer.MIN_VALUE;
        }
        try {
            int tid = (int) Native.GETTID.invokeExact();
            // field 19 of /proc/thread-self/stat is the nice value; the command name (field 2) may contain spaces
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/task/" + tid + "/stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(rest[16]);
        } catch (Throwable e) {
            return Integer.MIN_VALUE;
        }
    }
}
