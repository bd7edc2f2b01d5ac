package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.avro.UserTurn;
import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.telemetry.Tracing;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("W3C trace context flows from the HTTP request through Kafka to the worker, the backend and the chunks")
class TraceIT {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";

    private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
    /** The traceparent header of every request the backend got. */
    private static final List<String> backendTraceparents = new CopyOnWriteArrayList<>();
    private static Vertx vertx;
    private static EmbeddedKafka kafka;
    private static SchemaRegistry registry;
    private static HttpServer backend;
    private static InferenceWorker worker;
    private static IngestService gateway;
    private static ParleyHttp api;

    @BeforeAll
    static void start() throws Exception {
        Tracing.install(OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build());
        backend = openAiBackend();
        vertx = Vertx.vertx();
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(2));
        Map<String, String> env = Map.of(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL,
            registry.url(), "PARLEY_LLM_URL", "http://127.0.0.1:" + backend.getAddress().getPort() + "/v1",
            "PARLEY_LLM_MODEL", "test-model", "PARLEY_HTTP_PORT", "0", "PARLEY_WORKER_METRICS_PORT", "-1",
            "PARLEY_GATEWAY_METRICS_PORT", "-1", AuthConfig.MODE, "none");
        worker = InferenceWorker.start(vertx, WorkerConfig.fromEnvironment(new Env(env)));
        gateway = IngestService.start(vertx, IngestConfig.fromEnvironment(new Env(env)));
        api = new ParleyHttp("http://localhost:" + gateway.port());
        await().atMost(Duration.ofSeconds(60))
            .until(() -> api.send("GET", "/health/ready", null).statusCode() == 200);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (worker != null) {
            worker.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
        backend.stop(0);
        registry.close();
        kafka.close();
    }

    /** An OpenAI-compatible server that streams "Hello world" and remembers each request's traceparent. */
    private static HttpServer openAiBackend() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            backendTraceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String delta : new String[] {"{\"content\":\"Hello\"}", "{\"content\":\" world\"}"}) {
                    out.write(chunk(delta, "null"));
                }
                out.write(chunk("{}", "\"stop\""));
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        return server;
    }

    private static byte[] chunk(String delta, String finish) {
        return ("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"test-model\","
            + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n")
            .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("the request's trace id reaches the UserTurn, every chunk, the terminal event and the backend request, "
        + "with a span for each hop, each the child of the one before")
    void traceFlowsEveryHop() throws Exception {
        String session = api.createSession();
        HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api.base + "/v1/sessions/" + session + "/turns"))
            .header("Content-Type", "application/json").header("traceparent", "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"Hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String turnId = ParleyHttp.expect(202, accepted).get("turnId").asText();
        assertEquals("completed", api.turnStatus(session, turnId, 30).get("status").asText());

        List<SpanData> finished = await().atMost(Duration.ofSeconds(30)).until(
            () -> spansOf(TRACE_ID), found -> found.stream().map(SpanData::getName).toList()
                .containsAll(List.of("turn accepted", "turn", "backend default")));
        SpanData intake = named(finished, "turn accepted");
        SpanData turn = named(finished, "turn");
        SpanData call = named(finished, "backend default");
        assertEquals(CALLER_SPAN, intake.getParentSpanId(), "the gateway's span continues the caller's");
        assertEquals(SpanKind.SERVER, intake.getKind());
        assertEquals(intake.getSpanId(), turn.getParentSpanId(), "the worker's span is the gateway's child");
        assertEquals(SpanKind.CONSUMER, turn.getKind());
        assertEquals("completed", turn.getAttributes().asMap().entrySet().stream()
            .filter(e -> e.getKey().getKey().equals("parley.outcome")).findFirst().orElseThrow().getValue());
        assertEquals(turn.getSpanId(), call.getParentSpanId(), "the backend call is the turn's child");
        assertEquals(SpanKind.CLIENT, call.getKind());

        assertTrue(backendTraceparents.contains("00-" + TRACE_ID + "-" + call.getSpanId() + "-01"),
            "the backend request carries the call's span: " + backendTraceparents);
        List<ConsumerRecord<byte[], byte[]>> ledger = records(Topics.LEDGER.name(), session);
        Deserializer<LedgerEvent> events = Topics.LEDGER.valueSerde(kafkaConfig()).deserializer();
        ConsumerRecord<byte[], byte[]> userTurn = ledger.stream()
            .filter(r -> events.deserialize(Topics.LEDGER.name(), r.value()).getPayload() instanceof UserTurn)
            .findFirst().orElseThrow();
        assertEquals("00-" + TRACE_ID + "-" + intake.getSpanId() + "-01", traceparent(userTurn).orElseThrow());
        ConsumerRecord<byte[], byte[]> terminal = ledger.stream()
            .filter(r -> !(events.deserialize(Topics.LEDGER.name(), r.value()).getPayload() instanceof UserTurn))
            .filter(r -> turnId.equals(events.deserialize(Topics.LEDGER.name(), r.value()).getTurnId()))
            .findFirst().orElseThrow();
        assertEquals("00-" + TRACE_ID + "-" + turn.getSpanId() + "-01", traceparent(terminal).orElseThrow());
        List<ConsumerRecord<byte[], byte[]>> chunks = records(Topics.TOKENS.name(), session);
        assertTrue(chunks.size() >= 3, "two text chunks and a final one: " + chunks.size());
        for (ConsumerRecord<byte[], byte[]> chunk : chunks) {
            assertEquals("00-" + TRACE_ID + "-" + turn.getSpanId() + "-01", traceparent(chunk).orElseThrow(),
                "chunk at offset " + chunk.offset());
        }
    }

    @Test
    @DisplayName("a request without traceparent starts a trace of its own, which its chunks carry")
    void requestWithoutTraceStartsOne() throws Exception {
        String session = api.createSession();
        String turnId = api.postTurn(session, "Hi again");
        assertEquals("completed", api.turnStatus(session, turnId, 30).get("status").asText());
        List<ConsumerRecord<byte[], byte[]>> ledger = records(Topics.LEDGER.name(), session);
        String started = ledger.stream().map(TraceIT::traceparent).flatMap(Optional::stream).findFirst().orElseThrow();
        String traceId = started.split("-")[1];
        assertNotEquals(TRACE_ID, traceId);
        assertFalse(traceId.matches("0+"), started);
        List<ConsumerRecord<byte[], byte[]>> chunks = records(Topics.TOKENS.name(), session);
        assertFalse(chunks.isEmpty());
        for (ConsumerRecord<byte[], byte[]> chunk : chunks) {
            assertEquals(traceId, traceparent(chunk).orElseThrow().split("-")[1]);
        }
    }

    private static List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Optional<String> traceparent(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static Map<String, Object> kafkaConfig() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url", registry.url());
    }

    /** Every committed record of {@code session} in {@code topic}, read from the start up to the end. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic, String session) {
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (session.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                        found.add(record);
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return found;
        }
    }
}
