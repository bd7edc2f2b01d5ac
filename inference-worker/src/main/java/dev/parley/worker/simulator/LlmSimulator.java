package dev.parley.worker.simulator;

import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.Model;
import dev.parley.schemas.openai.OpenAiWire.ModelList;
import dev.parley.worker.batch.BatchPrompt;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An LLM server that makes up its replies, speaking OpenAI, Ollama and Anthropic, as several named backends at once:
 * for tests, benchmarks, demos and a standalone run without a model or a network. Every reply says it is a
 * simulator: model {@code parley-simulator} and the header {@code X-Parley-Simulator: true}.
 *
 * <h2>Endpoints</h2>
 * Each chat endpoint also answers under a prefix naming a simulated backend, {@code /{name}/...} with name
 * {@code [a-z0-9_-]+}: {@code /local/api/chat} and {@code /cloud/v1/messages} are two backends of one server (see
 * {@code on=} below; {@link #baseUrl(String)} and {@link #rootUrl(String)} build the URLs). The unprefixed paths are
 * the unnamed backend.
 * <ul>
 *   <li>{@code POST /v1/chat/completions} (OpenAI): with {@code "stream": true}, SSE {@code data:} lines of
 *       {@code chat.completion.chunk} objects (first delta.role=assistant, then one delta.content per token, then
 *       finish_reason, then a usage chunk when {@code stream_options.include_usage} is true, then
 *       {@code data: [DONE]}); otherwise one {@code chat.completion} object. {@code max_tokens} /
 *       {@code max_completion_tokens} cut the reply with finish_reason {@code length}. The request is read as
 *       {@code OpenAiWire.ChatRequest}: a known field of the wrong type gets 400 invalid_request_error, as from
 *       OpenAI.</li>
 *   <li>{@code POST /api/chat} (Ollama): streams unless {@code "stream": false}: NDJSON
 *       ({@code application/x-ndjson}), one {@code {"model","created_at","message":{"role","content"},"done":false}}
 *       per token, then {@code "done":true} with {@code done_reason} (stop or length), {@code prompt_eval_count},
 *       {@code eval_count} and the durations in ns; otherwise that done object with the whole content.
 *       {@code options.num_predict} cuts the reply (done_reason {@code length}). Errors are {@code {"error":"..."}}.</li>
 *   <li>{@code POST /v1/messages} (Anthropic Messages): needs the {@code anthropic-version} header (400
 *       invalid_request_error without it, as the real API) and {@code max_tokens}; {@code x-api-key} is not checked;
 *       {@code system} counts as the first message. With {@code "stream": true}, named SSE events
 *       {@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta} (text_delta)
 *       per token, {@code content_block_stop}, {@code message_delta} (stop_reason end_turn or max_tokens, usage
 *       output_tokens), {@code message_stop}; otherwise one Message. Errors are
 *       {@code {"type":"error","error":{"type","message"}}}, the type by status (400 invalid_request_error, 401
 *       authentication_error, 403 permission_error, 404 not_found_error, 429 rate_limit_error, 500 api_error, 529
 *       overloaded_error).</li>
 *   <li>{@code GET /v1/models} (OpenAI) and {@code GET /api/tags} (Ollama): the one model,
 *       {@code parley-simulator}.</li>
 *   <li>{@code GET /health}: {@code {"status":"UP","simulator":true,...}}.</li>
 * </ul>
 * A non-streaming reply comes after as long as streaming it would have taken.
 *
 * <h2>The reply</h2>
 * Words from a fixed list, in sentences with punctuation, picked by a PRNG seeded with a SHA-256 of the last user
 * message (without its directive lines): the same last user message always gets the same reply, in every protocol.
 * Token 0 is a word, every later token is a space and a word. Usage reports the words of the request's messages
 * (directive lines left out) as prompt tokens and the tokens sent as completion tokens.
 *
 * <h2>The prompt cache</h2>
 * Each simulated backend remembers (a bounded LRU) the leading system messages of the requests it answered. OpenAI:
 * a request that starts with a seen prefix of system messages reports that prefix's words as
 * {@code usage.prompt_tokens_details.cached_tokens}. Anthropic: the system blocks up to the last one marked
 * {@code "cache_control": {"type": "ephemeral"}} are read from the cache when seen
 * ({@code cache_read_input_tokens}), else written to it ({@code cache_creation_input_tokens}); {@code input_tokens}
 * counts the rest, as the real API. Ollama reports no cache.
 *
 * <h2>Directives</h2>
 * Any line of the <em>last user message</em> (of its last text part, when its content is a list of parts) that
 * starts with {@code #sim:} (leading spaces allowed) holds
 * space-separated {@code key=value} pairs and is not part of the prompt. A value is a bare word or a double-quoted
 * string with the escapes {@code \"}, {@code \\}, {@code \n}, {@code \r} and {@code \t}. Several directive lines
 * combine; a later value wins. They mean the same in the three protocols; only the bytes differ.
 * <pre>
 * #sim: reply="Hello, wörld!\nBye."  the reply is exactly this text, split into tokens at spaces; the tokens
 *                                    concatenate to the very same string (tokens= is then ignored)
 * #sim: tokens=5                     reply length in tokens (0-100000)
 * #sim: ttft_ms=500 itl_ms=0         time to first token and between tokens, in ms (0-600000)
 * #sim: fail_after=3                 3 tokens, then the protocol's in-stream error and the end of the response:
 *                                    OpenAI data: {"error":{"message":"simulated failure after 3 tokens",
 *                                    "type":"server_error",...}} (no [DONE]); Ollama {"error":"simulated failure
 *                                    after 3 tokens"} (no done object); Anthropic event: error with
 *                                    {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
 *                                    (no message_stop)
 * #sim: stall_after=3                3 tokens, then nothing, the connection held open until the client leaves
 * #sim: disconnect_after=3           3 tokens, then the TCP connection is closed mid-response
 * #sim: status=503                   HTTP 503 with the protocol's error body, no stream (400-599; 529 for
 *                                    Anthropic's overloaded_error); 429, 503 and 529 carry Retry-After: 1
 * #sim: finish=length                the finish reason (stop or length; Anthropic max_tokens)
 * #sim: echo                         the reply is the request's messages as a JSON array of {"role","content"},
 *                                    exactly as received (this line included): what context the model got
 * #sim: thinking=20                  Anthropic only, ignored by the others: a thinking block first (index 0, 20
 *                                    thinking_delta words, a signature_delta, content_block_stop), the text block
 *                                    at index 1; thinking words count as output tokens
 * #sim: fail_after=5 on=local        on= scopes its line to the backends it names (on=local,spare for two): the
 *                                    line applies only under /local/...; lines without on= apply everywhere, and
 *                                    lines with on= never apply to the unprefixed paths
 * </pre>
 * One fault per request ({@code fail_after}, {@code stall_after}, {@code disconnect_after} or {@code status}), among
 * the lines that apply to it; it replaces the configured default fault. A fault after more tokens than the reply has
 * strikes after the last token, instead of the finish. A bad directive, on any line (meant for this backend or not),
 * gets HTTP 400 with the protocol's error (OpenAI's {@code param} names the key). Without streaming, a fail_after
 * gets HTTP 500, a stall no answer, a disconnect a closed connection.
 *
 * <h2>Batch calls</h2>
 * When the last user message is a batch call's ({@link BatchPrompt}: {@code {"agents":[{"agent","state","message"},
 * ...]}}), the reply is a JSON array {@code [{"agent":"a","reply":"..."}, ...]} in the agents' order, in every
 * protocol. Each reply is what the agent's message alone would get (its own {@code reply=}, {@code tokens=}; its
 * {@code echo} replies with the agent's own entry, name, state and message, as JSON), JSON-escaped in the array. The
 * array streams as tokens: each object's opening (<code>[{"agent":"a","reply":"</code>, later
 * <code>,{"agent":"b","reply":"</code>) and closing (<code>"}</code>) are tokens of their own, the reply's tokens
 * between them, {@code ]} last; usage counts the array's tokens, {@code max_tokens} caps them. What one call has once
 * comes from the first agent whose message sets it: {@code ttft_ms}, {@code itl_ms}, {@code finish},
 * {@code thinking} and the call's fault ({@code status} answered before anything is sent; {@code fail_after},
 * {@code stall_after}, {@code disconnect_after} counting the array's tokens). An agent's own fault:
 * <pre>
 * #sim: batch=omit                   the agent is missing from the array
 * #sim: batch=duplicate              its object appears twice
 * #sim: batch=extra                  after its object, one for an agent named "stranger", not in the batch
 * #sim: batch=malformed              its reply lacks the closing quote ({"agent":"b","reply":"...}): the array is
 *                                    broken JSON from there on, while the stream ends normally
 * #sim: batch=cut                    the connection is closed half-way through its reply, as disconnect_after
 *                                    closes it: no end event, no end of the HTTP body (a call fault that strikes
 *                                    earlier plays instead)
 * </pre>
 * The objects before a fault are intact. Outside a batch call {@code batch=} is ignored.
 *
 * <h2>Counters</h2>
 * {@link #activeStreams()} counts requests in progress (a stalled one until its client leaves);
 * {@link #cancelledStreams()} counts requests whose client went away before the reply ended, and
 * {@link #clientGoneNanos()} / {@link #clientGoneNanos(String)} say when ({@link System#nanoTime()}), even for a
 * client that left during the time to first token, so tests can prove that a client closed its upstream quickly.
 * {@link #totalStreams(String)} counts a named backend's requests. Every timer of a request stops when its client
 * leaves.
 */
public final class LlmSimulator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LlmSimulator.class);
    /** Where the simulator listens unless told otherwise: it is a test double, not a service. */
    private static final String LOOPBACK = "127.0.0.1";

    public static final String SIMULATOR_HEADER = "X-Parley-Simulator";
    public static final String MODEL = "parley-simulator";
    /** {@code GET /v1/models}: the one model. */
    private static final String MODELS = OpenAiWire.encode(ModelList.of(List.of(Model.of(MODEL, 0, "parley"))));
    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final String BACKEND_PARAM = "backend";

    private final Vertx vertx;
    private final SimulatorConfig config;
    private final StreamCounters counters = new StreamCounters();
    private final ReplyPlanner planner;
    private final BatchReplyPlanner batchPlanner;
    private final PrefixCache prefixes = new PrefixCache();
    private final AtomicLong ids = new AtomicLong();
    private volatile HttpServer server;
    private volatile boolean closing;

    private LlmSimulator(Vertx vertx, SimulatorConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.planner = new ReplyPlanner(config);
        this.batchPlanner = new BatchReplyPlanner(planner);
    }

    /**
     * Starts a simulator and waits until it listens. Call it from a thread that may block (not an event loop);
     * on an event loop use {@link #listen}.
     *
     * @param port 0 for any free port, see {@link #port()}
     */
    public static LlmSimulator start(Vertx vertx, int port, SimulatorConfig config) {
        return start(vertx, LOOPBACK, port, config);
    }

    /** Like {@link #start(Vertx, int, SimulatorConfig)} on {@code host}, e.g. {@code 0.0.0.0} for every interface. */
    public static LlmSimulator start(Vertx vertx, String host, int port, SimulatorConfig config) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("LlmSimulator.start blocks; on an event loop use LlmSimulator.listen");
        }
        try {
            return listen(vertx, host, port, config).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the LLM simulator could not listen on port " + port, e);
        }
    }

    /** Starts a simulator on loopback without blocking; the future completes once it listens. */
    public static Future<LlmSimulator> listen(Vertx vertx, int port, SimulatorConfig config) {
        return listen(vertx, LOOPBACK, port, config);
    }

    /** Starts a simulator on {@code host} without blocking; the future completes once it listens. */
    public static Future<LlmSimulator> listen(Vertx vertx, String host, int port, SimulatorConfig config) {
        LlmSimulator simulator = new LlmSimulator(Objects.requireNonNull(vertx, "vertx"),
            Objects.requireNonNull(config, "config"));
        HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true);
        return vertx.createHttpServer(options)
            .requestHandler(simulator.router())
            .listen(port, host)
            .map(server -> {
                simulator.server = server;
                LOG.info("LLM simulator listening on http://localhost:{} (OpenAI /v1/chat/completions, Ollama /api/chat, "
                    + "Anthropic /v1/messages, each also under /NAME/...; ttft {} ms, itl {} ms, {} tokens{})",
                    server.actualPort(), config.timeToFirstToken().toMillis(), config.interTokenLatency().toMillis(),
                    config.replyTokens(), config.defaultFault() == null ? "" : ", fault " + config.defaultFault());
                return simulator;
            });
    }

    public int port() {
        return server.actualPort();
    }

    /** The base URL an OpenAI client needs, e.g. {@code http://localhost:8090/v1}. */
    public String baseUrl() {
        return rootUrl() + "/v1";
    }

    /** The OpenAI base URL of a named simulated backend, e.g. {@code http://localhost:8090/cloud/v1}. */
    public String baseUrl(String backend) {
        return rootUrl(backend) + "/v1";
    }

    /** The base URL Ollama and Anthropic clients need (they add {@code /api/chat}, {@code /v1/messages}). */
    public String rootUrl() {
        return "http://localhost:" + port();
    }

    /** The Ollama and Anthropic base URL of a named simulated backend, e.g. {@code http://localhost:8090/local}. */
    public String rootUrl(String backend) {
        if (!DirectiveParser.BACKEND_NAME.matcher(backend).matches()) {
            throw new IllegalArgumentException("a simulated backend is named with a-z, 0-9, _ and -: " + backend);
        }
        return rootUrl() + "/" + backend;
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Chat-completion requests in progress. */
    public int activeStreams() {
        return counters.active();
    }

    /** Chat-completion requests whose client went away before the reply ended. */
    public long cancelledStreams() {
        return counters.cancelled();
    }

    /** Chat-completion requests accepted since the start. */
    public long totalStreams() {
        return counters.total();
    }

    /** Requests accepted since the start under {@code /{backend}/...}. */
    public long totalStreams(String backend) {
        return counters.total(backend);
    }

    /**
     * {@link System#nanoTime()} of each moment a client went away before its reply ended (also while it still
     * waited for the first token), in that order: a test compares it with its own nanoTime to prove it closed the
     * upstream quickly. A stall counts when its client leaves; a {@code disconnect_after} does not count.
     */
    public List<Long> clientGoneNanos() {
        return counters.clientGoneNanos(null);
    }

    /** {@link #clientGoneNanos()} of the requests under {@code /{backend}/...}. */
    public List<Long> clientGoneNanos(String backend) {
        return counters.clientGoneNanos(backend);
    }

    /** Stops listening and drops open connections; waits for that unless called on a Vert.x thread. */
    @Override
    public void close() {
        HttpServer listening = server;
        if (listening == null || closing) {
            return;
        }
        closing = true;
        Future<Void> closed = listening.close();
        if (!Context.isOnVertxThread()) {
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("the LLM simulator on port {} did not close cleanly", listening.actualPort(), e);
            }
        }
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.response().putHeader(SIMULATOR_HEADER, "true");
            ctx.next();
        });
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
        for (String prefix : List.of("", "/:" + BACKEND_PARAM)) {
            router.post(prefix + "/v1/chat/completions").handler(bodies).handler(ctx -> chat(ctx, Protocol.OPENAI));
            router.post(prefix + "/api/chat").handler(bodies).handler(ctx -> chat(ctx, Protocol.OLLAMA));
            router.post(prefix + "/v1/messages").handler(bodies).handler(ctx -> chat(ctx, Protocol.ANTHROPIC));
            router.get(prefix + "/v1/models").handler(ctx -> json(ctx.response(), 200, MODELS));
            router.get(prefix + "/api/tags").handler(ctx -> json(ctx.response(), 200, OllamaJson.tags().encode()));
        }
        router.get("/health").handler(ctx -> json(ctx.response(), 200, new JsonObject()
            .put("status", "UP")
            .put("simulator", true)
            .put("model", MODEL)
            .put("activeStreams", activeStreams()).encode()));
        router.errorHandler(404, ctx -> error(ctx.response(), Protocol.OPENAI, 404, null,
            "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx -> error(ctx.response(), Protocol.OPENAI, 405, null,
            "method not allowed: " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(413, ctx -> error(ctx.response(), Protocol.OPENAI, 413, null,
            "request body larger than " + MAX_BODY_BYTES + " bytes"));
        router.errorHandler(500, ctx -> {
            LOG.warn("LLM simulator failed on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            error(ctx.response(), Protocol.OPENAI, 500, null, "the simulator failed: " + ctx.failure());
        });
        return router;
    }

    private void chat(RoutingContext ctx, Protocol protocol) {
        String backend = ctx.pathParam(BACKEND_PARAM);
        if (backend != null && !DirectiveParser.BACKEND_NAME.matcher(backend).matches()) {
            ctx.next();
            return;
        }
        HttpServerResponse response = ctx.response();
        if (protocol == Protocol.ANTHROPIC && ctx.request().getHeader(AnthropicJson.VERSION_HEADER) == null) {
            // the real API refuses a request without it; a client that forgets it must fail here too
            error(response, protocol, 400, null, AnthropicJson.VERSION_HEADER + ": header is required");
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            error(response, protocol, 400, null, "the body is not a JSON object");
            return;
        }
        JsonArray messages = body == null ? null : protocol.messages(body);
        if (messages == null || messages.isEmpty()) {
            error(response, protocol, 400, "messages", "messages must be a non-empty array");
            return;
        }
        ReplyOptions options;
        try {
            options = protocol.options(body);
        } catch (OpenAiWire.OpenAiWireException e) {
            error(response, protocol, 400, null, e.getMessage());
            return;
        }
        if (protocol == Protocol.ANTHROPIC && options.maxTokens() == 0) {
            error(response, protocol, 400, "max_tokens", "max_tokens: Field required");
            return;
        }
        String lastUserMessage = ReplyPlanner.lastUserMessage(messages);
        ParsedBatch batch;
        DirectiveParser.ParsedPrompt prompt;
        try {
            // a batch call's agents each carry their own directives; the call as a whole gets the call-wide ones
            batch = BatchPrompt.parse(lastUserMessage)
                .map(agents -> ParsedBatch.read(lastUserMessage, agents, backend)).orElse(null);
            prompt = batch != null ? batch.prompt() : DirectiveParser.parse(lastUserMessage, backend);
        } catch (DirectiveException e) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").setStatusCode(400)
                .end(protocol.errorBody(400, e.getMessage(), e.key(), "bad_sim_directive"));
            return;
        }
        Directives directives = prompt.directives();
        Fault fault = directives.fault() != null ? directives.fault() : config.defaultFault();
        if (fault != null && fault.kind() == Fault.Kind.STATUS) {
            answerStatus(response, protocol, fault.value());
            return;
        }
        PrefixCache.Use cache = prefixes.use(protocol, backend == null ? "" : backend, messages);
        ReplyPlan plan = batch != null ? batchPlanner.plan(protocol, options, messages, batch, fault, cache)
            : planner.plan(protocol, options, messages, prompt, fault, cache);
        String id = protocol.id(ids.incrementAndGet());
        new SimulatedReply(vertx, ctx.request(), plan, protocol, counters, backend == null ? "" : backend, id,
            () -> closing).start();
    }

    private void answerStatus(HttpServerResponse response, Protocol protocol, int status) {
        if (status == 429 || status == 503 || status == 529) {
            response.putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        error(response, protocol, status, null, "simulated HTTP " + status);
    }

    private static void json(HttpServerResponse response, int status, String body) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    private static void error(HttpServerResponse response, Protocol protocol, int status, String param,
                              String message) {
        if (response.ended()) {
            return;
        }
        response.putHeader(SIMULATOR_HEADER, "true");
        json(response, status, protocol.errorBody(status, message, param, null));
    }
}
