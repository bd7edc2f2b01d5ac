package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.health.WorkerPresence;
import dev.parley.ingest.http.ApiRouter;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.ingest.limits.LimitsConfig;
import dev.parley.ingest.support.FakePostprocess;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.HostileRequests;
import dev.parley.ingest.support.HostileRequests.Request;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.RawHttpConnection;
import dev.parley.ingest.support.RawHttpConnection.NoAnswerException;
import dev.parley.ingest.support.RawHttpConnection.Response;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13's fuzz run: thousands of malformed and hostile requests ({@link HostileRequests}) against every endpoint of
 * a real gateway on the embedded broker, over raw keep-alive sockets. Every answer must be a documented 4xx with a
 * JSON error body (or a 1xx to 3xx where the request happens to be valid), never a 5xx, an empty error body or a
 * connection dropped without an answer; the gateway must still be healthy afterwards, and the ledger untouched.
 *
 * <p>How to run: {@code ./mvnw -o -pl ingest-service -am verify -Dit.test=FuzzIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 * (add {@code -Dparley.fuzz.seed=N -Dparley.fuzz.requests=N} for another run; the seed is printed).
 */
@DisplayName("Hostile requests get only documented 4xx JSON answers and write nothing")
@ExtendWith(SharedKafka.Extension.class)
class FuzzIT {

    private static final long SEED = Long.getLong("parley.fuzz.seed", 13);
    private static final int REQUESTS = Integer.getInteger("parley.fuzz.requests", 10_000);
    private static final int CONNECTIONS = 6;
    private static final int MAX_TURN_BYTES = 1_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The README's statuses: what a refused request may get. */
    private static final Set<Integer> DOCUMENTED_4XX = Set.of(400, 401, 403, 404, 405, 409, 410, 413, 414, 416, 417,
            429, 431);
    private static final int MAX_REPORTED = 40;

    private static IngestConfig config;
    private static FakePostprocess postprocess;
    private static Gateway gateway;
    private static LedgerProbe ledger;
    private static String session;
    private static String turn;

    /** Answers by status (and {@code closed}: no answer to an incomplete request). */
    private final Map<String, LongAdder> byStatus = new ConcurrentSkipListMap<>();
    private final Map<String, Map<String, LongAdder>> byEndpoint = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> failureKinds = new ConcurrentHashMap<>();
    /** Answers that took over two seconds (long-polls and waits are capped at one): printed, not asserted. */
    private final List<String> slow = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger failureCount = new AtomicInteger();

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        postprocess = FakePostprocess.start();
        Set<Integer> allPartitions = IntStream.range(0, Topics.DEFAULT_PARTITIONS).boxed().collect(Collectors.toSet());
        Map<String, String> env = new HashMap<>(Map.of(IngestConfig.MAX_TURN_BYTES, "" + MAX_TURN_BYTES,
                IngestConfig.POSTPROCESS_URL, postprocess.url()));
        // one principal sends all 10,000: with the default limits half of them would only ever meet the 429
        for (String limit : List.of(LimitsConfig.REQUESTS_PER_SECOND, LimitsConfig.TURNS_PER_MINUTE,
                LimitsConfig.STREAMS, LimitsConfig.GENERATIONS, LimitsConfig.SESSIONS)) {
            env.put(limit, "1000000");
        }
        config = kafka.ingestConfig(env);
        gateway = Gateway.start(config, WorkerPresence.local(() -> allPartitions));
        ledger = new LedgerProbe(kafka.clientConfig());
        session = gateway.api().createSession();
        turn = gateway.api().submitTurn(session, "the one turn the fuzz run may read");
        try (FakeWorker worker = new FakeWorker(kafka.clientConfig())) {
            worker.stream(session, turn, 1, List.of("Hello", ", ", "world"));
            worker.done(session, turn, 1, 3, null);
        }
        // ended: a cancel of it is refused with 409 and writes nothing
        assertEquals("completed", gateway.api().get("/v1/sessions/" + session + "/turns/" + turn + "?wait=30")
                .json().getString("status"));
    }

    @AfterAll
    static void stop() {
        ledger.close();
        gateway.close();
        postprocess.close();
    }

    @Test
    @DisplayName("every answer is a documented status with a JSON error body, the gateway stays up, the ledger unmoved")
    void fuzz() throws Exception {
        int bodyLimit = (int) ApiRouter.bodyLimit(config);
        HostileRequests requests = new HostileRequests(SEED, bodyLimit, session, turn,
                TopicLayout.partitionFor(session, Topics.DEFAULT_PARTITIONS));
        Map<TopicPartition, Long> before = ledger.mark();
        System.out.printf("FuzzIT: seed %d, %d requests over %d connections (-Dparley.fuzz.seed=%d to repeat)%n",
                SEED, REQUESTS, CONNECTIONS, SEED);

        long started = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        for (int i = 0; i < CONNECTIONS; i++) {
            pool.submit(() -> run(requests, next));
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.MINUTES), "the fuzz run did not finish");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf("FuzzIT: %d requests in %.1f s; by status %s%n", REQUESTS, took.toMillis() / 1000.0,
                counts(byStatus));
        new TreeMap<>(byEndpoint).forEach((endpoint, statuses) ->
                System.out.printf("FuzzIT:   %-28s %s%n", endpoint, counts(statuses)));
        slow.forEach(line -> System.out.println("FuzzIT: slow " + line));

        assertEquals(List.of(), failures, failureCount.get() + " of " + REQUESTS + " answers broke the contract ("
                + failureKinds.size() + " kinds: " + failureKinds.keySet() + ")");
        assertEquals(200, gateway.api().get("/health/live").status(), "the gateway is still live");
        assertEquals(200, gateway.api().get("/health/ready").status(), "the gateway is still ready");
        assertEquals(before, ledger.mark(), "no fuzzed request wrote to the ledger");
    }

    private void run(HostileRequests requests, AtomicInteger next) {
        RawHttpConnection connection = null;
        try {
            for (int index = next.getAndIncrement(); index < REQUESTS; index = next.getAndIncrement()) {
                Request request = requests.request(index);
                connection = exchange(connection, index, request);
            }
        } catch (RuntimeException e) {
            fail(-1, null, "the client failed: " + e);
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Sends one request and checks its answer; returns the connection to reuse, or null. */
    private RawHttpConnection exchange(RawHttpConnection connection, int index, Request request) {
        for (int attempt = 0; ; attempt++) {
            boolean reused = connection != null;
            try {
                if (connection == null) {
                    connection = RawHttpConnection.open(gateway.api().port(), READ_TIMEOUT);
                }
                try {
                    connection.write(request.bytes());
                } catch (IOException e) {
                    // the server may have answered and closed before reading all of it: the answer is what counts
                }
                long sent = System.nanoTime();
                Response response = connection.read(request.head());
                long millis = (System.nanoTime() - sent) / 1_000_000;
                if (millis > 2_000 && slow.size() < 20) {
                    slow.add(millis + " ms: #" + index + " " + request.endpoint() + " [" + request.mutation() + "] "
                            + response.status() + " <- " + request.preview());
                }
                check(index, request, response);
                if (response.status() == 101 && request.frame() != null) {
                    checkWebSocket(index, request, connection);
                }
                if (request.oneShot() || response.streaming() || "close".equalsIgnoreCase(response.header("connection"))) {
                    connection.close();
                    return null;
                }
                return connection;
            } catch (NoAnswerException e) {
                connection.close();
                connection = null;
                if (reused && e.nothingRead && attempt == 0) {
                    continue; // a keep-alive connection the server had closed: any client retries on a new one
                }
                if (request.mutation().contains("bad-chunk-size")) {
                    // an incomplete request: its body cannot be read to the end, and Vert.x closes the connection
                    count(request, "closed");
                } else {
                    fail(index, request, "no answer: " + e.getMessage());
                }
                return null;
            } catch (IOException e) {
                if (connection != null) {
                    connection.close();
                }
                fail(index, request, "I/O failure: " + e);
                return null;
            }
        }
    }

    private void check(int index, Request request, Response response) {
        int status = response.status();
        count(request, Integer.toString(status));
        if (status < 400) {
            return;
        }
        if (status >= 500) {
            fail(index, request, "a 5xx", response);
        } else if (!DOCUMENTED_4XX.contains(status)) {
            fail(index, request, "an undocumented status", response);
        } else if (response.header("content-type") == null
                || !response.header("content-type").startsWith("application/json")) {
            fail(index, request, "an error without Content-Type: application/json", response);
        } else if (!request.head()) {
            String problem = errorShapeProblem(response.bodyText());
            if (problem != null) {
                fail(index, request, problem, response);
            }
        }
    }

    /** Null for a native {@code {"error": {"code", "message"}}} or an OpenAI {@code {"error": {"message", "type"}}}. */
    private static String errorShapeProblem(String body) {
        if (body.isEmpty()) {
            return "an empty error body";
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return "an error body that is not a JSON object";
        }
        if (!(json.getValue("error") instanceof JsonObject error) || !(error.getValue("message") instanceof String)) {
            return "an error body without error.message";
        }
        if (!(error.getValue("code") instanceof String) && !(error.getValue("type") instanceof String)) {
            return "an error body with neither error.code nor error.type";
        }
        return null;
    }

    /** After a 101: the hostile frame gets an error frame back (or a close for a frame the protocol refuses). */
    private void checkWebSocket(int index, Request request, RawHttpConnection connection) throws IOException {
        connection.write(request.frame());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (byte[] frame : frames(received.toByteArray())) {
                int opcode = frame[0];
                String text = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
                if (opcode == 8) {
                    int code = frame.length >= 3 ? ((frame[1] & 0xff) << 8) | (frame[2] & 0xff) : 1005;
                    if (code == 1011) {
                        fail(index, request, "the WebSocket closed with 1011 (server error) after the frame");
                    }
                    return;
                }
                if (opcode == 1 && text.contains("\"type\":\"error\"")) {
                    if (text.contains("internal_error")) {
                        fail(index, request, "the WebSocket answered an internal_error frame: " + text);
                    }
                    return;
                }
            }
            byte[] more = connection.readSome(65_536);
            if (more == null || more.length == 0) {
                break;
            }
            received.writeBytes(more);
        }
        fail(index, request, "no error frame or close after a hostile WebSocket frame");
    }

    /** Complete server frames in {@code bytes}: each as its opcode followed by its payload. */
    private static List<byte[]> frames(byte[] bytes) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at + 2 <= bytes.length) {
            int opcode = bytes[at] & 0x0f;
            long length = bytes[at + 1] & 0x7f;
            int header = 2;
            if (length == 126) {
                if (at + 4 > bytes.length) {
                    break;
                }
                length = ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
                header = 4;
            } else if (length == 127) {
                if (at + 10 > bytes.length) {
                    break;
                }
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (bytes[at + 2 + i] & 0xff);
                }
                header = 10;
            }
            if (at + header + length > bytes.length) {
                break;
            }
            byte[] frame = new byte[1 + (int) length];
            frame[0] = (byte) opcode;
            System.arraycopy(bytes, at + header, frame, 1, (int) length);
            frames.add(frame);
            at += header + (int) length;
        }
        return frames;
    }

    private void count(Request request, String outcome) {
        byStatus.computeIfAbsent(outcome, s -> new LongAdder()).increment();
        byEndpoint.computeIfAbsent(request.endpoint(), e -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(outcome, s -> new LongAdder()).increment();
    }

    private void fail(int index, Request request, String problem, Response response) {
        String body = response.bodyText();
        fail(index, request, problem + ": " + response.status() + " " + response.header("content-type") + " "
                + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }

    /** Records a broken answer; the report keeps the first two examples of each kind (endpoint and problem). */
    private void fail(int index, Request request, String problem) {
        failureCount.incrementAndGet();
        String kind = (request == null ? "" : request.endpoint() + ": ")
                + problem.substring(0, Math.min(problem.length(), 60));
        if (failureKinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet() <= 2
                && failures.size() < MAX_REPORTED) {
            failures.add(request == null ? problem : "#" + index + " " + request.endpoint() + " ["
                    + request.mutation() + "] " + problem + " <- " + request.preview());
        }
    }

    private static String counts(Map<String, LongAdder> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().sum())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
