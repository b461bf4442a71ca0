package io.mopao.engine.cli;

import io.mopao.engine.cpu.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code membw}: memory bandwidth as the engine sees it. Read: a Vector API sum over an off-heap buffer much larger
 * than the caches (what a matmul does with mapped weights). Copy: {@link MemorySegment#copy} (memcpy) of half the
 * buffer into the other half, counted as bytes read plus bytes written. Best of the repeats, split over threads.
 */
final class MemoryBandwidthCommand {
    static final String USAGE = "membw [--mib 1024] [--threads N] [--repeats 5] [--json]";
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidthCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("--mib", "--threads", "--repeats"), Set.of("--json"));
        long bytes = a.integer("--mib", 1024, 64) * (1L << 20);
        int threads = a.integer("--threads", Runtime.getRuntime().availableProcessors(), 1);
        int repeats = a.integer("--repeats", 5, 1);
        double bestRead = 0;
        double bestCopy = 0;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(threads)) {
            MemorySegment buf = arena.allocate(bytes, 4096);
            buf.fill((byte) 1);
            MemorySegment shared = buf;
            long half = bytes / 2;
            int parts = threads * 64;
            long partBytes = bytes / parts / 64 * 64;
            long copyPart = half / parts / 64 * 64;
            float[] sink = new float[threads];
            for (int r = 0; r < repeats + 1; r++) {
                long t0 = System.nanoTime();
                pool.parallelFor(parts, 1, (from, to, worker) -> {
                    FloatVector acc = FloatVector.zero(F);
                    for (int p = from; p < to; p++) {
                        for (long o = p * partBytes; o < (p + 1) * partBytes; o += F.vectorByteSize()) {
                            acc = acc.add(FloatVector.fromMemorySegment(F, shared, o, ByteOrder.LITTLE_ENDIAN));
                        }
                    }
                    sink[worker] += acc.reduceLanes(VectorOperators.ADD);
                });
                long t1 = System.nanoTime();
                pool.parallelFor(parts, 1, (from, to, worker) -> {
                    for (int p = from; p < to; p++) {
                        MemorySegment.copy(shared, p * copyPart, shared, half + p * copyPart, copyPart);
                    }
                });
                long t2 = System.nanoTime();
                if (r > 0) {
                    bestRead = Math.max(bestRead, parts * partBytes / ((t1 - t0) / 1e9) / 1e9);
                    bestCopy = Math.max(bestCopy, 2.0 * parts * copyPart / ((t2 - t1) / 1e9) / 1e9);
                }
            }
            if (Arrays.toString(sink).equals("never")) {
                out.println();
            }
        }
        if (a.flag("--json")) {
            out.println(new Json().put("threads", threads).put("buffer_mib", bytes >> 20).put("read_gb_per_s", bestRead)
                    .put("copy_gb_per_s", bestCopy));
        } else {
            out.printf(Locale.ROOT, "threads=%d buffer=%d MiB: read %.1f GB/s, copy (read+write) %.1f GB/s%n", threads, bytes >> 20,
                    bestRead, bestCopy);
        }
        return 0;
    }
}
