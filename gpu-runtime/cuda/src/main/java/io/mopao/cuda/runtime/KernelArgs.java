package io.mopao.cuda.runtime;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The argument array of one {@code cuLaunchKernel}: each argument in its own 8-byte slot of native memory, and the
 * array of slot addresses the driver reads. Reused across launches by one thread (cleared by {@link #reset}).
 */
final class KernelArgs implements AutoCloseable {
    static final int MAX = 24;
    private final BytePointer slots = new BytePointer(8L * MAX);
    private final PointerPointer<Ptr> addresses = new PointerPointer<>(MAX);
    private int n;

    KernelArgs() {
        for (int i = 0; i < MAX; i++) {
            addresses.put(i, new Ptr(slots.address() + 8L * i));
        }
    }

    KernelArgs reset() {
        n = 0;
        return this;
    }

    private long next() {
        if (n == MAX) {
            throw new IllegalStateException("more than " + MAX + " kernel arguments");
        }
        return 8L * n++;
    }

    /** A device pointer ({@code T*}), 0 for null. */
    KernelArgs ptr(long address) {
        slots.putLong(next(), address);
        return this;
    }

    /** An {@code int}. */
    KernelArgs i32(int v) {
        slots.putInt(next(), v);
        return this;
    }

    /** A {@code long long}. */
    KernelArgs i64(long v) {
        slots.putLong(next(), v);
        return this;
    }

    /** A {@code float}. */
    KernelArgs f32(float v) {
        slots.putFloat(next(), v);
        return this;
    }

    PointerPointer<Ptr> array() {
        return addresses;
    }

    int count() {
        return n;
    }

    @Override
    public void close() {
        addresses.close();
        slots.close();
    }
}
