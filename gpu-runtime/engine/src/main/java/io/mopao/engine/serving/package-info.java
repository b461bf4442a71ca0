/**
 * The serving core: continuous batching with a paged, prefix-cached KV pool (vLLM v1's split of scheduler, KV cache
 * manager and model runner).
 * <p>
 * Callers (the Kafka worker pool, the OpenAI-compatible API) use only this package:
 * <pre>{@code
 * Engine engine = new Engine(model, tokenizer, EngineConfig.defaults().withKvCacheBytes(2L << 30));
 * GenerationRequest req = GenerationRequest.ofChat(turnId, template.render(messages, true), tokenizer, params)
 *         .withPriority(0).withDeadline(deadline);
 * RequestHandle h = engine.submit(req, new GenerationListener() {
 *     public void onToken(TokenEvent e) { chunker.add(e.text()); }      // inference thread: never block
 *     public void onComplete(Completion c) { publish(c); }              // reason, usage (cached tokens), timings
 * });
 * h.cancel();                                                           // from any thread
 * Completion c = h.completion().join();                                 // or wait without streaming
 * }</pre>
 * {@link io.mopao.engine.serving.Engine#submit} validates on the caller's thread and throws
 * {@link io.mopao.engine.serving.RequestRejectedException} for a request that can never run (longer than the model
 * or the whole KV pool). One inference thread owns the model, the KV pool and the samplers.
 * <p>
 * Inside: {@code kv} (block pool, block tables, reference counts, copy-on-write, chained block hashes, LRU eviction
 * of unreferenced cached blocks), {@code scheduler} (per step {request to tokens} within a token budget: decodes
 * first, chunked prefill, priorities, preemption by recompute, deadlines; touches no tensors), {@code runner} (one
 * batched forward pass per step over the paged KV layout {@code [layer][block][slot][kvDim]}, the layout a device
 * backend keeps too; the engine knows it through {@code StepRunner} and builds it with a {@code StepRunnerFactory}:
 * {@code StepRunnerFactory.cpu()} by default, {@code io.mopao.cuda.CudaModelRunner.factory(...)} on a GPU via
 * {@code new Engine(model, tokenizer, config, runners)}), {@code bench} (synthetic models and the serving benchmark).
 */
package io.mopao.engine.serving;
