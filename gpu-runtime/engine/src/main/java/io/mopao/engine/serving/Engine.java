package io.mopao.engine.serving;

import io.mopao.engine.cpu.ComputePriority;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.sampling.Sampler;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.sampling.StopMatcher;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.kv.KvCacheManager;
import io.mopao.engine.serving.runner.RunnerSpec;
import io.mopao.engine.serving.runner.StepRunner;
import io.mopao.engine.serving.runner.StepRunnerFactory;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.Scheduler;
import io.mopao.engine.serving.scheduler.SchedulerConfig;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import io.mopao.engine.tokenizer.StreamDecoder;
import io.mopao.engine.tokenizer.Tokenizer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving engine: continuous batching over one model. Any thread may {@link #submit} and cancel; one inference
 * thread owns the model, the KV pool, the scheduler and the samplers, and loops: take new requests and
 * cancellations, plan a step ({@link Scheduler}), run it as one batched forward pass ({@link StepRunner}: the CPU
 * runner by default, any backend's through a {@link StepRunnerFactory}), sample
 * each sequence that reached its last token with its own seeded {@link Sampler}, and deliver token events and
 * completions to the requests' listeners.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final ModelConfig modelConfig;
    private final Tokenizer tokenizer;
    private final int[] endOfGeneration;
    private final KvCacheManager kv;
    private final Scheduler scheduler;
    private final StepRunner runner;
    private final int maxModelLen;
    private final int computeNice;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Map<Long, Active> active = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread thread;
    private final float[] row;
    /** A command taken while waiting for room, to apply first on the next round (keeps the inbox order). */
    private Object deferred;
    private volatile boolean closed;
    private volatile EngineStats stats;
    private long steps;
    private long batchedTokens;
    private long generatedTokens;

    /** A request the inference thread is working on. */
    private static final class Active {
        final GenerationRequest request;
        final GenerationListener listener;
        final RequestHandle handle;
        final Sequence seq;
        final Sampler sampler;
        final StreamDecoder decoder;
        final StopMatcher matcher;
        final StringBuilder text;
        final long submitted;
        long scheduled = -1;
        long firstToken = -1;

        Active(GenerationRequest request, GenerationListener listener, RequestHandle handle, Sequence seq, Sampler sampler,
               StreamDecoder decoder, StopMatcher matcher, long submitted) {
            this.request = request;
            this.listener = listener;
            this.handle = handle;
            this.seq = seq;
            this.sampler = sampler;
            this.decoder = decoder;
            this.matcher = matcher;
            this.text = decoder != null ? new StringBuilder() : null;
            this.submitted = submitted;
        }
    }

    private record Cancel(long seqId) {
    }

    private record Shutdown() {
    }

    /**
     * Sizes the KV pool, prepares the CPU runner and starts the inference thread.
     *
     * @param model     the model (its backend runs the matrix operations; nothing else may use it meanwhile)
     * @param tokenizer its tokenizer, for text, stop strings and end-of-generation tokens; null for token ids only
     * @param config    batching and caching
     */
    public Engine(Model model, Tokenizer tokenizer, EngineConfig config) {
        this(model, tokenizer, config, StepRunnerFactory.cpu());
    }

    /**
     * Sizes the KV pool, builds the runner with {@code runners} and starts the inference thread.
     *
     * @param model     the model (weights and configuration; with the CPU runner its backend runs the matrix operations)
     * @param tokenizer its tokenizer, for text, stop strings and end-of-generation tokens; null for token ids only
     * @param config    batching and caching
     * @param runners   builds the batched step's runner (CPU, CUDA, ...); its failure fails the construction
     */
    public Engine(Model model, Tokenizer tokenizer, EngineConfig config, StepRunnerFactory runners) {
        this.modelConfig = model.config();
        this.tokenizer = tokenizer;
        this.maxModelLen = config.maxModelLen() > 0 ? Math.min(config.maxModelLen(), modelConfig.contextLength())
                : modelConfig.contextLength();
        this.endOfGeneration = endOfGeneration(tokenizer, modelConfig.vocabSize());
        KvCacheConfig kvConfig = config.kvCacheConfig(modelConfig.layers(), modelConfig.kvDim());
        String identity = modelConfig + "|" + model.metadata().getOrDefault("general.name", "") + "|" + config.adapterId();
        this.kv = new KvCacheManager(kvConfig, identity);
        int maxBatched = config.maxBatchedTokens();
        this.scheduler = new Scheduler(new SchedulerConfig(maxBatched, config.maxSeqs(), maxModelLen), kv, System::nanoTime);
        this.runner = runners.create(new RunnerSpec(modelConfig, model.weights(), model.backend(), kvConfig, maxBatched,
                config.maxSeqs(), maxModelLen, config.threads(), model.options().computeNice()));
        this.computeNice = model.options().computeNice();
        this.row = new float[modelConfig.vocabSize()];
        this.stats = snapshot();
        LOG.log(System.Logger.Level.INFO, "engine on {6}: KV pool {0} blocks x {1} positions ({2} MiB), {3} tokens and {4} sequences"
                        + " per step, prefix caching {5}", kvConfig.numBlocks(), kvConfig.blockSize(), runner.kvBytes() >> 20, maxBatched,
                config.maxSeqs(), kvConfig.prefixCaching() ? "on" : "off", runner.name());
        this.thread = new Thread(this::loop, "mopao-inference");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private static int[] endOfGeneration(Tokenizer tokenizer, int vocab) {
        if (tokenizer == null) {
            return new int[0];
        }
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < Math.min(vocab, tokenizer.vocabSize()); id++) {
            if (tokenizer.isEndOfGeneration(id)) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Queues a request. Validation happens here, on the caller's thread.
     *
     * @param request  what to generate
     * @param listener receives its token events and completion on the inference thread ({@link GenerationListener#NONE}
     *                 when only the completion matters)
     * @return the handle: its completion future, cancel
     * @throws RequestRejectedException when it can never run (too long for the model or the KV pool, bad token ids,
     *                                  stop strings without a tokenizer), or the engine is closed
     */
    public RequestHandle submit(GenerationRequest request, GenerationListener listener) {
        if (closed) {
            throw new RequestRejectedException("the engine is closed");
        }
        int[] prompt = request.promptTokens();
        if (prompt.length == 0) {
            throw new RequestRejectedException("request " + request.requestId() + ": the prompt is empty");
        }
        for (int t : prompt) {
            if (t < 0 || t >= modelConfig.vocabSize()) {
                throw new RequestRejectedException("request " + request.requestId() + ": token id " + t
                        + " is outside the vocabulary of " + modelConfig.vocabSize());
            }
        }
        SamplingParams params = request.params();
        if (tokenizer == null && !params.stop().isEmpty()) {
            throw new RequestRejectedException("request " + request.requestId() + ": stop strings need an engine with a tokenizer");
        }
        int maxNew = prompt.length < maxModelLen ? Math.min(params.maxTokens(), maxModelLen - prompt.length + 1) : params.maxTokens();
        String why = scheduler.whyUnfit(prompt.length, maxNew);
        if (why != null) {
            throw new RequestRejectedException("request " + request.requestId() + ": " + why);
        }
        Sampler sampler;
        try {
            sampler = new Sampler(params, modelConfig.vocabSize(), endOfGeneration);
        } catch (IllegalArgumentException e) {
            throw new RequestRejectedException("request " + request.requestId() + ": " + e.getMessage());
        }
        long id = ids.incrementAndGet();
        long deadline = deadlineNanos(request.deadline());
        Sequence seq = new Sequence(id, prompt, maxNew, request.priority(), deadline);
        RequestHandle handle = new RequestHandle(request.requestId(), () -> inbox.add(new Cancel(id)));
        StreamDecoder decoder = tokenizer != null ? tokenizer.newStreamDecoder() : null;
        StopMatcher matcher = tokenizer != null ? new StopMatcher(params.stop()) : null;
        inbox.add(new Active(request, listener == null ? GenerationListener.NONE : listener, handle, seq, sampler, decoder, matcher,
                System.nanoTime()));
        if (closed) {
            handle.cancel();
        }
        return handle;
    }

    /**
     * @param request what to generate
     * @return the handle (non-streamed use)
     */
    public RequestHandle submit(GenerationRequest request) {
        return submit(request, GenerationListener.NONE);
    }

    /** @return counters as of the last step, or of the moment the engine last became idle */
    public EngineStats stats() {
        return stats;
    }

    /** @return the most positions one sequence may reach */
    public int maxModelLen() {
        return maxModelLen;
    }

    /** @return what runs the batched step, e.g. {@code cpu(vector, 2 threads)} or {@code cuda(...)} */
    public String runnerName() {
        return runner.name();
    }

    /** @return the tokenizer, or null */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    private static long deadlineNanos(Instant deadline) {
        if (deadline == null) {
            return Long.MAX_VALUE;
        }
        long inNanos;
        try {
            inNanos = java.time.Duration.between(Instant.now(), deadline).toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        long d = System.nanoTime() + inNanos;
        return d == Long.MAX_VALUE ? d - 1 : d;
    }

    // ---- inference thread ----

    private void loop() {
        String priority = ComputePriority.lower(computeNice);
        if (priority != null) {
            LOG.log(System.Logger.Level.WARNING, "the inference thread keeps normal priority (nice {0} requested): {1}", computeNice,
                priority);
        }
        try {
            while (true) {
                if (!takeCommands()) {
                    return;
                }
                if (scheduler.isIdle()) {
                    // commands alone (cancellations, rejections) can leave the engine idle without another step: show it
                    stats = snapshot();
                    continue;
                }
                try {
                    step();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.ERROR, "engine step failed; failing every request", e);
                    for (Active a : List.copyOf(active.values())) {
                        complete(a, FinishReason.ERROR, null, "engine step failed: " + e);
                    }
                    kv.pool().resetCache();
                }
                stats = snapshot();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Active a : List.copyOf(active.values())) {
                complete(a, FinishReason.ERROR, null, "the engine shut down");
            }
            if (deferred != null) {
                inbox.add(deferred);
            }
            for (Object o : inbox) {
                if (o instanceof Active a) {
                    a.handle.future().complete(completion(a, FinishReason.ERROR, null, "the engine shut down"));
                }
            }
            stats = snapshot();
        }
    }

    /** Applies queued submissions and cancellations; blocks while idle. Returns false on shutdown. */
    private boolean takeCommands() throws InterruptedException {
        Object cmd;
        if (deferred != null) {
            cmd = deferred;
            deferred = null;
        } else if (scheduler.isIdle()) {
            cmd = inbox.take();
        } else {
            cmd = inbox.poll();
        }
        while (cmd != null) {
            switch (cmd) {
                case Active a -> {
                    active.put(a.seq.id(), a);
                    try {
                        scheduler.add(a.seq);
                    } catch (IllegalArgumentException e) {
                        complete(a, FinishReason.ERROR, null, e.getMessage());
                    }
                }
                case Cancel c -> {
                    Active a = active.get(c.seqId());
                    if (a != null) {
                        complete(a, FinishReason.CANCELLED, null, null);
                    }
                }
                case Shutdown s -> {
                    return false;
                }
                default -> throw new IllegalStateException("unknown command " + cmd);
            }
            cmd = inbox.poll();
        }
        return true;
    }

    private void step() throws InterruptedException {
        SchedulerOutput out = scheduler.schedule();
        for (Sequence s : out.expired()) {
            Active a = active.get(s.id());
            if (a != null) {
                complete(a, FinishReason.DEADLINE, null, null);
            }
        }
        if (out.isEmpty()) {
            // only waiting sequences that cannot be admitted yet: wait a moment for a command (deadline checks continue)
            deferred = inbox.poll(1, TimeUnit.MILLISECONDS);
            return;
        }
        float[] logits = runner.execute(out);
        steps++;
        batchedTokens += out.numTokens();
        long now = System.nanoTime();
        int vocab = modelConfig.vocabSize();
        int r = 0;
        for (ScheduledSequence ss : out.scheduled()) {
            Active a = active.get(ss.seq().id());
            if (a.scheduled < 0) {
                a.scheduled = now;
            }
            if (!ss.sample()) {
                continue;
            }
            System.arraycopy(logits, r * vocab, row, 0, vocab);
            r++;
            Sequence seq = a.seq;
            int token = a.sampler.sample(row, seq.tokens(), seq.numTokens());
            seq.append(token);
            generatedTokens++;
            if (a.firstToken < 0) {
                a.firstToken = System.nanoTime();
            }
            accept(a, token);
        }
    }

    /** Stop checks and the token event for one sampled token. */
    private void accept(Active a, int token) {
        SamplingParams p = a.request.params();
        Sequence seq = a.seq;
        boolean eog = p.stopTokenIds().contains(token) || (!p.ignoreEos() && isEndOfGeneration(token));
        boolean last = eog || seq.numOutputTokens() >= seq.maxNewTokens();
        String text = null;
        String stop = null;
        if (a.decoder != null) {
            String delta = eog ? "" : a.decoder.feed(token);
            if (last) {
                delta += a.decoder.flush();
            }
            StopMatcher.Result res = a.matcher.push(delta);
            text = res.text();
            stop = res.stop();
            if (stop == null && last) {
                text += a.matcher.flush();
            }
            a.text.append(text);
        }
        notifyToken(a, new TokenEvent(a.request.requestId(), seq.numOutputTokens() - 1, token, text));
        if (eog || stop != null) {
            complete(a, FinishReason.STOP, stop, null);
        } else if (last) {
            complete(a, FinishReason.LENGTH, null, null);
        }
    }

    private boolean isEndOfGeneration(int token) {
        for (int id : endOfGeneration) {
            if (id == token) {
                return true;
            }
        }
        return false;
    }

    private void complete(Active a, FinishReason reason, String stop, String error) {
        scheduler.finish(a.seq);
        active.remove(a.seq.id());
        Completion c = completion(a, reason, stop, error);
        try {
            a.listener.onComplete(c);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "listener of " + a.request.requestId() + " failed on completion", e);
        }
        a.handle.future().complete(c);
    }

    private Completion completion(Active a, FinishReason reason, String stop, String error) {
        long now = System.nanoTime();
        Sequence seq = a.seq;
        Usage usage = new Usage(seq.numPromptTokens(), seq.numOutputTokens(), Math.max(0, seq.numCachedTokens()));
        Timings timings = new Timings(a.scheduled < 0 ? now - a.submitted : a.scheduled - a.submitted,
                a.firstToken < 0 ? -1 : a.firstToken - a.submitted, now - a.submitted, seq.preemptions());
        return new Completion(a.request.requestId(), reason, seq.outputTokens(), a.text == null ? null : a.text.toString(), stop, usage,
                timings, error);
    }

    private void notifyToken(Active a, TokenEvent e) {
        try {
            a.listener.onToken(e);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "listener of " + a.request.requestId() + " failed on a token", ex);
        }
    }

    private EngineStats snapshot() {
        return new EngineStats(steps, batchedTokens, scheduler.promptTokens(), scheduler.cachedPromptTokens(), generatedTokens,
                scheduler.preemptions(), kv.pool().evictions(), scheduler.numRunning(), scheduler.numWaiting(), kv.pool().freeCount(),
                kv.pool().numBlocks());
    }

    /** Stops the inference thread; unfinished requests complete with ERROR. The model stays open (the caller owns it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inbox.add(new Shutdown());
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.close();
    }
}
