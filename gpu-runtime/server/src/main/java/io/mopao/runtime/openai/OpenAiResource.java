package io.mopao.runtime.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mopao.engine.chat.RenderedPrompt;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.FinishReason;
import io.mopao.engine.serving.GenerationListener;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.RequestHandle;
import io.mopao.engine.serving.RequestRejectedException;
import io.mopao.engine.serving.TokenEvent;
import io.mopao.engine.tokenizer.Tokenizer;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.metrics.RuntimeMetrics;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * OpenAI-compatible HTTP API over the same engines (same continuous batch) as the Kafka worker: {@code GET /v1/models},
 * {@code POST /v1/chat/completions}, {@code POST /v1/completions}, streamed as server-sent events ({@code data: {...}}
 * then {@code data: [DONE]}) or not. Requests are parsed, templated and tokenized on a worker thread; the forward
 * passes run on the model's inference thread.
 */
@Path("/v1")
public class OpenAiResource {
    private static final String PATH = "http";
    private static final String EVENT_STREAM = "text/event-stream";

    private final ModelRegistry models;
    private final RuntimeMetrics metrics;
    private final ObjectMapper mapper;
    private final long created = Instant.now().getEpochSecond();

    public OpenAiResource(ModelRegistry models, RuntimeMetrics metrics, ObjectMapper mapper) {
        this.models = models;
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode list() {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String name : models.names()) {
            data.add(model(name));
        }
        return root;
    }

    @GET
    @Path("/models/{model}")
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode get(@PathParam("model") String name) {
        return model(served(name, null).name());
    }

    private ObjectNode model(String name) {
        ObjectNode m = mapper.createObjectNode();
        m.put("id", name);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "mopao");
        return m;
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response chat(String body) {
        OpenAiRequest req = OpenAiRequest.parse(mapper, body, true);
        ServedModel model = served(req.model(), "model");
        RenderedPrompt rendered = model.template().render(req.messages(), true);
        Tokenizer tok = model.tokenizer();
        int promptTokens = tok.encode(rendered.text(), tok.addBosByDefault(), true).length;
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        GenerationRequest request = GenerationRequest.ofChat(id, rendered, tok, req.params().withMaxTokens(maxTokens(model, req,
            promptTokens, "messages")));
        return run(model, req, request, id, true);
    }

    @POST
    @Path("/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response completions(String body) {
        OpenAiRequest req = OpenAiRequest.parse(mapper, body, false);
        ServedModel model = served(req.model(), "model");
        Tokenizer tok = model.tokenizer();
        int[] tokens = tok.encode(req.prompt(), tok.addBosByDefault(), false);
        if (tokens.length == 0) {
            throw OpenAiException.invalid("prompt", "Invalid 'prompt': the prompt is empty.");
        }
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        GenerationRequest request = GenerationRequest.ofTokens(id, tokens, req.params().withMaxTokens(maxTokens(model, req, tokens.length,
            "prompt")));
        return run(model, req, request, id, false);
    }

    private ServedModel served(String name, String param) {
        return models.find(name).orElseThrow(() -> new OpenAiException(404, "invalid_request_error", param, "model_not_found",
            "The model '" + name + "' does not exist or you do not have access to it."));
    }

    private static int maxTokens(ServedModel model, OpenAiRequest req, int promptTokens, String param) {
        int context = model.contextLength();
        int max = req.maxTokens() != null ? req.maxTokens() : context - promptTokens;
        if ((long) promptTokens + max > context || max < 1) { // long: max_tokens near 2^31 must not wrap round into range
            throw new OpenAiException(400, "invalid_request_error", param, "context_length_exceeded", "This model's maximum context "
                + "length is " + context + " tokens. However, you requested " + ((long) promptTokens + Math.max(max, 0)) + " tokens ("
                + promptTokens + " in the " + param + ", " + Math.max(max, 0) + " in the completion). Please reduce the length of the "
                + param + " or completion.");
        }
        return max;
    }

    private Response run(ServedModel model, OpenAiRequest req, GenerationRequest request, String id, boolean chat) {
        long start = System.nanoTime();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        GenerationListener listener = new GenerationListener() {
            private long last = -1;

            @Override
            public void onToken(TokenEvent e) {
                long now = System.nanoTime();
                if (last < 0) {
                    metrics.timeToFirstToken(model.name(), PATH, Duration.ofNanos(now - start));
                } else {
                    metrics.interTokenLatency(model.name(), PATH, now - last);
                }
                last = now;
                if (req.stream()) {
                    events.add(e);
                }
            }

            @Override
            public void onComplete(Completion c) {
                metrics.tokens(model.name(), PATH, c.usage().completionTokens());
                metrics.turn(model.name(), PATH, c.reason().name().toLowerCase(java.util.Locale.ROOT));
                if (req.stream()) {
                    events.add(c);
                }
            }
        };
        RequestHandle handle;
        try {
            handle = model.engine().submit(request, listener);
        } catch (RequestRejectedException e) {
            throw OpenAiException.invalid(null, e.getMessage());
        }
        if (req.stream()) {
            StreamingOutput out = os -> stream(os, events, handle, model, req, id, chat);
            return Response.ok(out, EVENT_STREAM).header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no").build();
        }
        Completion c;
        try {
            c = handle.completion().get();
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
            throw new OpenAiException(503, "server_error", null, null, "The request was interrupted.");
        } catch (ExecutionException e) {
            throw new OpenAiException(500, "server_error", null, null, "The server had an error while processing your request.");
        }
        if (c.reason() == FinishReason.ERROR) {
            throw new OpenAiException(500, "server_error", null, null, "The engine failed: " + c.error());
        }
        ObjectNode root = envelope(id, chat ? "chat.completion" : "text_completion", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        if (chat) {
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            message.putNull("refusal");
        } else {
            choice.put("text", c.text());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(c.reason()));
        root.set("usage", usage(c));
        return Response.ok(root, MediaType.APPLICATION_JSON).build();
    }

    private void stream(OutputStream os, BlockingQueue<Object> events, RequestHandle handle, ServedModel model, OpenAiRequest req,
                        String id, boolean chat) throws IOException {
        try {
            if (chat) {
                ObjectNode first = chunk(id, model, true);
                ObjectNode delta = ((ObjectNode) first.withArray("choices").get(0)).putObject("delta");
                delta.put("role", "assistant");
                delta.put("content", "");
                send(os, first);
            }
            while (true) {
                Object e = events.take();
                if (e instanceof TokenEvent t) {
                    if (t.text() == null || t.text().isEmpty()) {
                        continue;
                    }
                    ObjectNode c = chunk(id, model, chat);
                    ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
                    if (chat) {
                        choice.putObject("delta").put("content", t.text());
                    } else {
                        choice.put("text", t.text());
                    }
                    send(os, c);
                } else if (e instanceof Completion done) {
                    if (done.reason() == FinishReason.ERROR) {
                        send(os, OpenAiErrors.body(500, "server_error", null, null, "The engine failed: " + done.error()));
                    } else {
                        ObjectNode c = chunk(id, model, chat);
                        ObjectNode choice = (ObjectNode) c.withArray("choices").get(0);
                        if (chat) {
                            choice.putObject("delta");
                        } else {
                            choice.put("text", "");
                        }
                        choice.put("finish_reason", finishReason(done.reason()));
                        send(os, c);
                        if (req.includeUsage()) {
                            ObjectNode u = envelope(id, chat ? "chat.completion.chunk" : "text_completion", model);
                            u.putArray("choices");
                            u.set("usage", usage(done));
                            send(os, u);
                        }
                    }
                    os.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                    os.flush();
                    return;
                }
            }
        } catch (IOException e) {
            handle.cancel(); // the client went away: free the sequence's KV at the next step
            throw e;
        } catch (InterruptedException e) {
            handle.cancel();
            Thread.currentThread().interrupt();
        }
    }

    private void send(OutputStream os, ObjectNode node) throws IOException {
        os.write(("data: " + mapper.writeValueAsString(node) + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private ObjectNode envelope(String id, String object, ServedModel model) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", Instant.now().getEpochSecond());
        root.put("model", model.name());
        root.put("system_fingerprint", "mopao-" + model.backend().replaceAll("[^A-Za-z0-9]+", "-"));
        return root;
    }

    private ObjectNode chunk(String id, ServedModel model, boolean chat) {
        ObjectNode c = envelope(id, chat ? "chat.completion.chunk" : "text_completion", model);
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return c;
    }

    private ObjectNode usage(Completion c) {
        ObjectNode u = mapper.createObjectNode();
        u.put("prompt_tokens", c.usage().promptTokens());
        u.put("completion_tokens", c.usage().completionTokens());
        u.put("total_tokens", c.usage().promptTokens() + c.usage().completionTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", c.usage().cachedTokens());
        return u;
    }

    private static String finishReason(FinishReason r) {
        return switch (r) {
            case LENGTH -> "length";
            case STOP -> "stop";
            default -> "stop";
        };
    }
}
