package io.mopao.cuda.runtime;

import org.bytedeco.javacpp.Pointer;

/** A raw address (device or pinned host) as a JavaCPP {@link Pointer}, for calls that take one; owns nothing. */
final class Ptr extends Pointer {
    Ptr(long address) {
        this.address = address;
    }
}
