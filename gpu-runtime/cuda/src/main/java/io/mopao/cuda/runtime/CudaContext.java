package io.mopao.cuda.runtime;

import io.mopao.cuda.kernels.KernelSource;
import io.mopao.cuda.kernels.Launch;
import io.mopao.cuda.kernels.NvrtcOptions;
import io.mopao.cuda.select.DeviceProbe;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One device, one stream, one cuBLAS handle and the NVRTC-compiled kernel module. Every call's return code is checked
 * ({@link Check}). Used by one thread at a time; whichever thread uses it calls {@link #bindCurrentThread} first (the
 * runner does). Allocations are tracked and freed by {@link #close}.
 */
public final class CudaContext implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CudaContext.class.getName());

    private final DeviceProbe device;
    private final CUstream_st stream = new CUstream_st();
    private final cublasContext blas = new cublasContext();
    private final CUmod_st module = new CUmod_st();
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final List<Long> allocations = new ArrayList<>();
    private final List<Long> pinned = new ArrayList<>();
    private final KernelArgs args = new KernelArgs();
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);
    private final long compileMillis;
    /** The thread the device was last made current on (CUDA's current device and context are per thread). */
    private volatile Thread boundThread;

    private CudaContext(DeviceProbe device) {
        this.device = device;
        bindCurrentThread();
        Check.rt(cudart.cudaStreamCreate(stream), "cudaStreamCreate");
        Check.cublas(cublas.cublasCreate_v2(blas), "cublasCreate");
        Check.cublas(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
        Check.cublas(cublas.cublasSetMathMode(blas, cublas.CUBLAS_PEDANTIC_MATH), "cublasSetMathMode(CUBLAS_PEDANTIC_MATH)");
        long t0 = System.nanoTime();
        byte[] cubin = compile(KernelSource.generate(), new NvrtcOptions(device.computeMajor(), device.computeMinor(), false));
        try (BytePointer image = new BytePointer(cubin)) {
            Check.drv(cudart.cuModuleLoadData(module, image), "cuModuleLoadData(" + cubin.length + " bytes)");
        }
        for (String name : KernelSource.kernelNames()) {
            CUfunc_st f = new CUfunc_st();
            Check.drv(cudart.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
            functions.put(name, f);
        }
        this.compileMillis = (System.nanoTime() - t0) / 1_000_000;
        LOG.log(System.Logger.Level.INFO, "CUDA context on {0}: {1} kernels compiled by NVRTC for {2} in {3} ms", device.describe(),
                functions.size(), "sm_" + device.computeMajor() + device.computeMinor(), compileMillis);
    }

    /**
     * Makes this context's device (and so its primary context, which the module's driver-API launches need) current on
     * the calling thread, once per thread change. The serving engine builds its runner on one thread and steps it on its
     * inference thread, and may close it on a third: each of them calls this first.
     *
     * @throws CudaException when the device cannot be selected
     */
    public void bindCurrentThread() {
        Thread t = Thread.currentThread();
        if (boundThread != t) {
            Check.rt(cudart.cudaSetDevice(device.ordinal()), "cudaSetDevice(" + device.ordinal() + ")");
            boundThread = t;
        }
    }

    /**
     * @param device a usable device from {@link CudaProbe}
     * @return a context on it, with the kernels compiled
     * @throws CudaException naming the failing call
     */
    public static CudaContext open(DeviceProbe device) {
        if (!device.usable()) {
            throw new IllegalArgumentException("no usable CUDA device: " + device.reason());
        }
        Loader.load(cudart.class);
        Loader.load(nvrtc.class);
        Loader.load(cublas.class);
        return new CudaContext(device);
    }

    /**
     * Compiles source with NVRTC for the options' architecture.
     *
     * @param source  CUDA C
     * @param options NVRTC options
     * @return the CUBIN
     * @throws CudaException with the compiler log when compilation fails
     */
    public static byte[] compile(String source, NvrtcOptions options) {
        _nvrtcProgram prog = new _nvrtcProgram();
        int created = nvrtc.nvrtcCreateProgram(prog, new BytePointer(source), new BytePointer("mopao_kernels.cu"), 0,
                (PointerPointer<?>) null, (PointerPointer<?>) null);
        Check.nvrtc(created, "nvrtcCreateProgram");
        try {
            List<String> opts = options.toList();
            PointerPointer<BytePointer> o = new PointerPointer<>(opts.size());
            for (int i = 0; i < opts.size(); i++) {
                o.put(i, new BytePointer(opts.get(i)));
            }
            int rc = nvrtc.nvrtcCompileProgram(prog, opts.size(), o);
            if (rc != nvrtc.NVRTC_SUCCESS) {
                throw new CudaException("nvrtcCompileProgram(" + String.join(" ", opts) + ") failed: "
                        + nvrtc.nvrtcGetErrorString(rc).getString() + "\n" + log(prog));
            }
            SizeTPointer size = new SizeTPointer(1);
            Check.nvrtc(nvrtc.nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
            byte[] cubin = new byte[(int) size.get()];
            Check.nvrtc(nvrtc.nvrtcGetCUBIN(prog, cubin), "nvrtcGetCUBIN");
            return cubin;
        } finally {
            nvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static String log(_nvrtcProgram prog) {
        SizeTPointer size = new SizeTPointer(1);
        if (nvrtc.nvrtcGetProgramLogSize(prog, size) != nvrtc.NVRTC_SUCCESS) {
            return "(no log)";
        }
        byte[] b = new byte[(int) size.get()];
        nvrtc.nvrtcGetProgramLog(prog, b);
        return new String(b, 0, Math.max(0, b.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    public DeviceProbe device() {
        return device;
    }

    /** @return milliseconds NVRTC and module loading took */
    public long compileMillis() {
        return compileMillis;
    }

    /** @return free and total device memory in bytes */
    public long[] memInfo() {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            Check.rt(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new long[] {free.get(), total.get()};
        }
    }

    /**
     * @param bytes size
     * @param what  what it is for (named in the error)
     * @return the device address
     */
    public long malloc(long bytes, String what) {
        Ptr p = new Ptr(0);
        Check.rt(cudart.cudaMalloc(p, Math.max(bytes, 256)), "cudaMalloc(" + bytes + " bytes for " + what + ")");
        allocations.add(p.address());
        return p.address();
    }

    /**
     * @param bytes size
     * @return the address of page-locked host memory
     */
    public long mallocHost(long bytes) {
        Ptr p = new Ptr(0);
        Check.rt(cudart.cudaMallocHost(p, Math.max(bytes, 64)), "cudaMallocHost(" + bytes + " bytes)");
        pinned.add(p.address());
        return p.address();
    }

    /** Copies host bytes (a native segment, e.g. the mapped GGUF file) to the device, synchronously. */
    public void upload(long dst, MemorySegment src, long bytes) {
        if (!src.isNative()) {
            throw new IllegalArgumentException("upload needs a native segment");
        }
        Check.rt(cudart.cudaMemcpy(new Ptr(dst), new Ptr(src.address()), bytes, cudart.cudaMemcpyHostToDevice),
                "cudaMemcpy(H2D " + bytes + " bytes)");
    }

    /** Copies {@code a[off..off+n)} to the device (through the stream; ordered with the kernels). */
    public void upload(long dst, float[] a, int off, int n) {
        if (n == 0) {
            return;
        }
        try (FloatPointer p = new FloatPointer(n)) {
            p.put(a, off, n);
            Check.rt(cudart.cudaMemcpyAsync(new Ptr(dst), p, 4L * n, cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(H2D "
                    + 4L * n + " bytes)");
            Check.rt(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize(after H2D)");
        }
    }

    /** Copies {@code a[0..n)} to the device. */
    public void upload(long dst, int[] a, int n) {
        if (n == 0) {
            return;
        }
        try (IntPointer p = new IntPointer(n)) {
            p.put(a, 0, n);
            Check.rt(cudart.cudaMemcpyAsync(new Ptr(dst), p, 4L * n, cudart.cudaMemcpyHostToDevice, stream), "cudaMemcpyAsync(H2D "
                    + 4L * n + " bytes)");
            Check.rt(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize(after H2D)");
        }
    }

    /** Waits for the stream, then copies {@code n} floats from the device into {@code a[off..)}. */
    public void download(float[] a, int off, long src, int n) {
        if (n == 0) {
            return;
        }
        try (FloatPointer p = new FloatPointer(n)) {
            Check.rt(cudart.cudaMemcpyAsync(p, new Ptr(src), 4L * n, cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(D2H "
                    + 4L * n + " bytes)");
            Check.rt(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize(after D2H)");
            p.get(a, off, n);
        }
    }

    /** Waits for the stream, then copies {@code n} ints from the device. */
    public void download(int[] a, long src, int n) {
        try (IntPointer p = new IntPointer(Math.max(n, 1))) {
            Check.rt(cudart.cudaMemcpyAsync(p, new Ptr(src), 4L * n, cudart.cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync(D2H)");
            Check.rt(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize(after D2H)");
            p.get(a, 0, n);
        }
    }

    /** Enqueues a copy from pinned host memory to the device (no wait). */
    public void uploadAsync(long dst, long pinnedSrc, long bytes) {
        Check.rt(cudart.cudaMemcpyAsync(new Ptr(dst), new Ptr(pinnedSrc), bytes, cudart.cudaMemcpyHostToDevice, stream),
                "cudaMemcpyAsync(H2D " + bytes + " bytes, pinned)");
    }

    /** Enqueues a copy from the device to pinned host memory (no wait). */
    public void downloadAsync(long pinnedDst, long src, long bytes) {
        Check.rt(cudart.cudaMemcpyAsync(new Ptr(pinnedDst), new Ptr(src), bytes, cudart.cudaMemcpyDeviceToHost, stream),
                "cudaMemcpyAsync(D2H " + bytes + " bytes, pinned)");
    }

    /** Enqueues a device-to-device copy. */
    public void copyAsync(long dst, long src, long bytes) {
        Check.rt(cudart.cudaMemcpyAsync(new Ptr(dst), new Ptr(src), bytes, cudart.cudaMemcpyDeviceToDevice, stream),
                "cudaMemcpyAsync(D2D " + bytes + " bytes)");
    }

    /** Waits for everything enqueued on the stream. */
    public void sync(String after) {
        Check.rt(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize(" + after + ")");
    }

    /** Writes ints into pinned host memory. */
    public void putPinned(long pinnedAddress, int[] a, int n) {
        IntPointer p = new IntPointer(new Ptr(pinnedAddress));
        p.capacity(n);
        p.put(a, 0, n);
    }

    /** Reads floats from pinned host memory. */
    public void getPinned(long pinnedAddress, float[] a, int n) {
        FloatPointer p = new FloatPointer(new Ptr(pinnedAddress));
        p.capacity(n);
        p.get(a, 0, n);
    }

    /** Reads ints from pinned host memory. */
    public void getPinned(long pinnedAddress, int[] a, int n) {
        IntPointer p = new IntPointer(new Ptr(pinnedAddress));
        p.capacity(n);
        p.get(a, 0, n);
    }

    /** @return a fresh argument list for {@link #launch} (reused: build, launch, build the next) */
    KernelArgs args() {
        return args.reset();
    }

    /** Enqueues kernel {@code name} with shape {@code l} and the arguments from {@link #args()}. */
    void launch(String name, Launch l, KernelArgs a) {
        CUfunc_st f = functions.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no kernel " + name);
        }
        Check.drv(cudart.cuLaunchKernel(f, l.gridX(), l.gridY(), 1, l.blockX(), 1, 1, l.sharedBytes(), stream, a.array(),
                (PointerPointer<?>) null), "cuLaunchKernel(" + name + ", grid " + l.gridX() + "x" + l.gridY() + ", block " + l.blockX()
                + ")");
    }

    /**
     * Row-major {@code out[b, r] = sum_c W[r, c] x[b, c]} with f32 {@code W [rows, cols]}: SGEMM with W transposed.
     */
    void sgemm(long w, long x, long out, int rows, int cols, int batch) {
        Check.cublas(cublas.cublasSgemm_v2(blas, cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N, rows, batch, cols, one,
                new FloatPointer(new Ptr(w)), cols, new FloatPointer(new Ptr(x)), cols, zero, new FloatPointer(new Ptr(out)), rows),
                "cublasSgemm(" + rows + "x" + cols + " by " + batch + ")");
    }

    /** @return a stream-ordered event pair timer in milliseconds for {@code body} (for the benchmark) */
    public float time(Runnable body) {
        org.bytedeco.cuda.cudart.CUevent_st start = new org.bytedeco.cuda.cudart.CUevent_st();
        org.bytedeco.cuda.cudart.CUevent_st stop = new org.bytedeco.cuda.cudart.CUevent_st();
        Check.rt(cudart.cudaEventCreate(start), "cudaEventCreate");
        Check.rt(cudart.cudaEventCreate(stop), "cudaEventCreate");
        try {
            Check.rt(cudart.cudaEventRecord(start, stream), "cudaEventRecord");
            body.run();
            Check.rt(cudart.cudaEventRecord(stop, stream), "cudaEventRecord");
            Check.rt(cudart.cudaEventSynchronize(stop), "cudaEventSynchronize");
            float[] ms = new float[1];
            Check.rt(cudart.cudaEventElapsedTime(ms, start, stop), "cudaEventElapsedTime");
            return ms[0];
        } finally {
            cudart.cudaEventDestroy(start);
            cudart.cudaEventDestroy(stop);
        }
    }

    @Override
    public void close() {
        bindCurrentThread();
        List<String> errors = new ArrayList<>();
        int rc = cudart.cudaStreamSynchronize(stream);
        if (rc != cudart.cudaSuccess) {
            errors.add("cudaStreamSynchronize: " + rc);
        }
        for (long a : allocations) {
            rc = cudart.cudaFree(new Ptr(a));
            if (rc != cudart.cudaSuccess) {
                errors.add("cudaFree: " + rc);
            }
        }
        for (long a : pinned) {
            cudart.cudaFreeHost(new Ptr(a));
        }
        allocations.clear();
        pinned.clear();
        cudart.cuModuleUnload(module);
        cublas.cublasDestroy_v2(blas);
        cudart.cudaStreamDestroy(stream);
        args.close();
        if (!errors.isEmpty()) {
            throw new CudaException("closing the CUDA context: " + errors);
        }
    }
}
