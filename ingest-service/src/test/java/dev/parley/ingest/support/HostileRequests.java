package dev.parley.ingest.support;

import dev.parley.schemas.ids.UuidV7;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Malformed and hostile requests to every endpoint of the gateway, as raw HTTP/1.1 bytes; request {@code i} of a
 * seed is always the same request. None of them is a valid write: turns, completions and WebSocket turns go to
 * sessions that do not exist, {@code POST /v1/sessions} only ever has a body over the limit, cancels name a turn
 * that has ended. Reads may name the one real session and turn, so that cursors and offsets are checked for real.
 */
public final class HostileRequests {

    /**
     * One request: what it aims at, the bytes, and how to read its answer.
     *
     * @param oneShot  the framing is deliberately wrong (the server may read the rest as another request): read one
     *                 answer and close the connection
     * @param frame    for a WebSocket upgrade that may succeed: the frame to send after the 101 (never a valid turn)
     */
    public record Request(String endpoint, String mutation, String path, byte[] bytes, boolean head, boolean oneShot,
                          byte[] frame) {

        /** The request's first line and headers, printable, for a failure message. */
        public String preview() {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            head = head.length() > 600 ? head.substring(0, 600) + "...(" + head.length() + " chars)" : head;
            return head.replace("\r\n", " | ").replaceAll("[^\\x20-\\x7e|]", "?");
        }
    }

    /** The body limit's worth of bytes: bodies over it are refused with 413 before they are read. */
    private final int bodyLimit;
    private final String session;
    private final String turn;
    private final int partition;
    private final long seed;

    public HostileRequests(long seed, int bodyLimit, String session, String turn, int partition) {
        this.seed = seed;
        this.bodyLimit = bodyLimit;
        this.session = session;
        this.turn = turn;
        this.partition = partition;
    }

    /** Request {@code index} of this seed. */
    public Request request(int index) {
        Random random = new Random(seed * 1_000_003L + index);
        return new Builder(random).build();
    }

    private final class Builder {

        private final Random random;
        private String endpoint;
        private String mutation = "";
        private String method = "GET";
        private byte[] target;
        private String version = "HTTP/1.1";
        private final List<byte[]> headers = new ArrayList<>();
        private byte[] body;
        private boolean chunked;
        private String transferEncoding = "chunked";
        private boolean oneShot;
        private boolean head;
        private byte[] frame;

        Builder(Random random) {
            this.random = random;
        }

        Request build() {
            header("Host", "localhost");
            switch (random.nextInt(14)) {
                case 0 -> createSession();
                case 1 -> postTurn();
                case 2 -> turnStatus();
                case 3 -> cancel();
                case 4 -> events();
                case 5 -> webSocket();
                case 6 -> search();
                case 7 -> view();
                case 8 -> chatCompletions();
                case 9 -> models();
                case 10, 11 -> durable();
                case 12 -> health();
                default -> staticPage();
            }
            if (random.nextInt(4) == 0) {
                authorization();
            }
            if (random.nextInt(6) == 0) {
                wrongMethod();
            }
            if (random.nextInt(8) == 0) {
                hostileHeaders();
            }
            if (random.nextInt(12) == 0) {
                hostileRequestLine();
            }
            return new Request(endpoint, mutation.isEmpty() ? "plain" : mutation.substring(1),
                    new String(target, StandardCharsets.ISO_8859_1), encode(), head, oneShot, frame);
        }

        // ---- endpoints ----

        private void createSession() {
            endpoint = "POST /v1/sessions";
            method = "POST";
            target = ascii("/v1/sessions");
            // any body under the limit would create a session: only ever over it
            body = pick("huge-json", "huge-binary").equals("huge-json")
                    ? ascii("{\"x\":\"" + "a".repeat(bodyLimit + 1 + random.nextInt(bodyLimit)) + "\"}")
                    : randomBytes(bodyLimit + 1 + random.nextInt(bodyLimit * 3));
            contentType();
            if (random.nextBoolean()) {
                chunked = true;
                mark("chunked");
            }
        }

        private void postTurn() {
            endpoint = "POST turns";
            method = "POST";
            target = concat(ascii("/v1/sessions/"), unknownSession(), ascii("/turns"));
            body = turnBody();
            contentType();
            framing();
        }

        private void turnStatus() {
            endpoint = "GET turn status";
            target = concat(ascii("/v1/sessions/"), anySession(), ascii("/turns/"), anyTurn(),
                    query("wait", "", "soon", "-1", "0", "1", "99999999999", "1e3", "+1", " 1", "0x10", "%00",
                            "%ff", "1.5", "２"));
        }

        private void cancel() {
            endpoint = "POST cancel";
            method = "POST";
            // the one real turn has ended (409): no cancel is ever written
            target = concat(ascii("/v1/sessions/"), anySession(), ascii("/turns/"), anyTurn(), ascii("/cancel"));
            if (random.nextBoolean()) {
                body = turnBody();
                contentType();
                framing();
            }
        }

        private void events() {
            endpoint = "GET events (SSE)";
            target = concat(ascii("/v1/sessions/"), anySession(), ascii("/events"),
                    random.nextBoolean() ? query("after", cursors()) : query("turnId", turnIdTexts()));
            if (random.nextBoolean()) {
                header("Last-Event-ID", cursors()[random.nextInt(cursors().length)]);
                mark("last-event-id");
            }
            if (random.nextInt(4) == 0) {
                target = concat(target, ascii(new String(target, StandardCharsets.ISO_8859_1).contains("?")
                        ? "&trace=" : "?trace="), ascii(pick("true", "yes", "", "%00")));
            }
            header("Accept", pick("text/event-stream", "*/*", "application/json", "\u00ff\u00fe"));
        }

        private void webSocket() {
            endpoint = "GET ws (upgrade)";
            target = concat(ascii("/v1/sessions/"), anySession(), ascii("/ws"),
                    random.nextBoolean() ? query("after", cursors()) : query("turnId", turnIdTexts()));
            String key = Base64.getEncoder().encodeToString(randomBytes(16));
            switch (random.nextInt(10)) {
                case 0 -> mark("no-upgrade-headers");
                case 1 -> {
                    upgradeHeaders("websocket", null, "13");
                    mark("no-key");
                }
                case 2 -> {
                    upgradeHeaders("websocket", "not base64 at all!", "13");
                    mark("bad-key");
                }
                case 3 -> {
                    upgradeHeaders("websocket", key, pick("99", "abc", "", "8", "-1"));
                    mark("bad-version");
                }
                case 4 -> {
                    // not h2c: Vert.x's own h2c upgrade answers a malformed one before the router (left out)
                    upgradeHeaders(pick("WebSocket2", "", "websocket2, websocket", "\u00ff"), key, "13");
                    mark("bad-upgrade");
                }
                case 5 -> {
                    upgradeHeaders("websocket", key, "13");
                    header("Sec-WebSocket-Extensions", pick("permessage-deflate; garbage=;;", ",,,",
                            "permessage-deflate; client_max_window_bits=99"));
                    header("Sec-WebSocket-Protocol", pick(",,,", "a b c", "\u00ff"));
                    mark("odd-extensions");
                }
                default -> {
                    upgradeHeaders("websocket", key, "13");
                    frame = hostileFrame();
                    mark("valid-upgrade");
                }
            }
        }

        private void search() {
            endpoint = "GET search";
            String q = pick("", " ", "a", "what is my name?", "x".repeat(1_001), "😀".repeat(1_000), "%zz", "%ff%fe",
                    "%00", "%", "a%2Fb", "\u00ff\u00fe", "'; DROP TABLE turns; --", "${jndi:ldap://x/a}");
            String k = pick("", "0", "1", "5", "50", "51", "-1", "abc", "2147483648", "1e2", "%00");
            target = concat(ascii("/v1/sessions/"), anySession(), ascii("/search"));
            List<String> params = new ArrayList<>();
            if (random.nextInt(5) > 0) {
                params.add("q=" + encodeQuery(q));
            }
            if (random.nextBoolean()) {
                params.add("k=" + k);
            }
            if (random.nextInt(6) == 0) {
                params.add("q=" + encodeQuery(q)); // twice
            }
            target = concat(target, params.isEmpty() ? new byte[0] : latin1("?" + String.join("&", params)));
        }

        private void view() {
            endpoint = "GET session view";
            target = concat(ascii("/v1/sessions/"), anySession(), pick(new byte[0], ascii("/"), ascii("//"),
                    ascii("/.."), ascii("?x=%zz"), ascii("/%2e%2e/%2e%2e/etc/passwd")));
        }

        private void chatCompletions() {
            endpoint = "POST /v1/chat/completions";
            method = "POST";
            target = ascii(pick("/v1/chat/completions", "/v1/chat/completions/", "/v1/chat/completions?stream=true",
                    "/v1/chat/%2e%2e/models", "/v1/chat/completion", "/v1/chat/completions%00"));
            body = chatBody();
            contentType();
            framing();
            // never a new session: continue one that does not exist
            headerBytes(ascii("X-Parley-Session-Id: "), unknownSession());
        }

        private void models() {
            endpoint = "GET /v1/models";
            target = ascii(pick("/v1/models", "/v1/models/", "/v1/models?x=%zz", "/v1/models/parley-simulator",
                    "/v1//models", "/V1/MODELS", "/v1/models;x=1", "/v1/models%2F"));
            if (random.nextBoolean()) {
                header("Accept", pick("application/json", "text/html", "*/*;q=abc", ""));
            }
        }

        private void durable() {
            boolean turnStream = random.nextBoolean();
            endpoint = turnStream ? "durable turn stream" : "durable session stream";
            target = turnStream ? concat(ascii("/v1/sessions/"), anySession(), ascii("/turns/"), anyTurn(),
                    ascii("/stream")) : concat(ascii("/v1/sessions/"), anySession(), ascii("/stream"));
            method = pick("GET", "GET", "GET", "HEAD", "PUT", "POST", "DELETE", "PATCH");
            head = method.equals("HEAD");
            List<String> params = new ArrayList<>();
            String live = pick(null, null, "long-poll", "sse", "", "poll", "SSE", "%00");
            if (random.nextInt(5) > 0) {
                params.add("offset=" + pick(offsets()));
            }
            if (live != null) {
                params.add("live=" + live);
                if (live.equals("long-poll")) {
                    // a valid long-poll waits for its timeout: only short ones or malformed ones
                    params.add("timeout=" + pick("0", "1", "-1", "abc", "", "99999999999", "1.5"));
                }
            }
            if (random.nextInt(4) == 0) {
                params.add("cursor=" + pick("", "x", "%00", "9".repeat(40), "-1", "%ff"));
            }
            if (random.nextInt(6) == 0) {
                params.add("offset=" + pick(offsets())); // twice
            }
            target = concat(target, params.isEmpty() ? new byte[0] : latin1("?" + String.join("&", params)));
            if (random.nextInt(4) == 0) {
                header("If-None-Match", pick("*", "\"x\"", "W/\"\"", "\"", "\u00ff"));
            }
            if (!method.equals("GET") && !head && random.nextBoolean()) {
                body = ascii("[{\"type\":\"token\"}]");
                header("Content-Type", pick("application/json", "text/plain", "application/octet-stream"));
                header("Content-Length", Integer.toString(body.length));
            }
            mark(method);
        }

        private void health() {
            endpoint = "GET health";
            target = ascii(pick("/health/live", "/health/ready", "/health/", "/health/live?x=%zz", "/health/ready/x",
                    "/health/%2e%2e/live", "/health"));
        }

        private void staticPage() {
            endpoint = "GET static";
            target = ascii(pick("/", "/index.html", "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                    "/..%2f..%2fetc/passwd", "/webroot/index.html", "/.hidden", "/index.html%00.txt",
                    "/%c0%ae%c0%ae/etc/passwd", "/" + "a".repeat(2_000), "/index.html?%zz", "/favicon.ico",
                    "/index.html/", "//index.html", "/\\index.html"));
            if (random.nextInt(3) == 0) {
                header("Range", pick("bytes=0-10", "bytes=999999-", "bytes=abc", "bytes=5-1", "bytes=-0",
                        "bytes=0-1,2-3,4-5", "lines=0-1", "bytes=99999999999999999999-"));
                mark("range");
            }
            if (random.nextInt(4) == 0) {
                header("If-Modified-Since", pick("Thu, 01 Jan 2099 00:00:00 GMT", "garbage", ""));
            }
        }

        // ---- hostile parts ----

        private byte[] turnBody() {
            return switch (random.nextInt(30)) {
                case 0 -> new byte[0];
                case 1 -> ascii("{");
                case 2 -> ascii("[]");
                case 3 -> ascii("null");
                case 4 -> ascii("1");
                case 5 -> ascii("\"text\"");
                case 6 -> ascii("{\"text\": 5}");
                case 7 -> ascii("{\"text\": null}");
                case 8 -> ascii("{\"text\": [\"a\"]}");
                case 9 -> ascii("{\"text\": {\"a\": 1}}");
                case 10 -> ascii("{\"text\": true}");
                case 11 -> ascii("{\"text\": \"hi\", \"clientTurnId\": {}}");
                case 12 -> ascii("{\"text\": \"hi\", \"route\": 5}");
                case 13 -> ascii("{\"text\": \"hi\", \"spotlight\": \"yes\"}");
                case 14 -> ascii("{\"text\": \"" + "x".repeat(bodyLimit / 6 + 10) + "\"}");
                case 15 -> ascii("[".repeat(5_000) + "]".repeat(5_000));
                case 16 -> ascii("{\"text\": \"hi\", \"spotlight\": 1e999999}");
                case 17 -> ascii("{\"text\": \"a\", \"text\": 7}");
                case 18 -> ascii("{\"text\": NaN}");
                case 19 -> concat(ascii("{\"text\": \""), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3},
                        ascii("\"}"));
                case 20 -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, ascii("{\"text\": \"bom\"}"));
                case 21 -> "{\"text\": \"utf16\"}".getBytes(StandardCharsets.UTF_16);
                case 22 -> ascii("{\"text\": \"tab\tnewline\n\u0001\"}");
                case 23 -> ascii("{\"" + "k".repeat(3_000) + "\": 1}");
                case 24 -> ascii("{\"text\": \"hi\"} trailing garbage");
                case 25 -> ascii("/* comment */ {\"text\": \"hi\"}");
                case 26 -> ascii("{\"text\": \"hi\", \"clientTurnId\": \"" + "c".repeat(300) + "\"}");
                case 27 -> ascii("{\"text\": \"\\ud800\"}");
                case 28 -> randomBytes(1 + random.nextInt(200));
                default -> ascii("{\"text\": \"a valid turn for a session that does not exist\"}");
            };
        }

        private byte[] chatBody() {
            String model = pick("\"parley-simulator\"", "\"nope\"", "5", "null", "\"\"", "[]",
                    "\"" + "m".repeat(3_000) + "\"");
            String messages = pick("[{\"role\": \"user\", \"content\": \"hi\"}]", "[]", "null", "\"hi\"", "{}",
                    "[null]", "[1]", "[{\"role\": 5, \"content\": \"hi\"}]", "[{\"role\": \"user\", \"content\": 5}]",
                    "[{\"role\": \"user\", \"content\": {\"a\": 1}}]", "[{\"role\": \"user\", \"content\": [null]}]",
                    "[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": 5}]}]",
                    "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]",
                    "[{\"role\": \"user\", \"content\": [{\"text\": \"no type\"}]}]",
                    "[{\"role\": \"user\", \"content\": [5, \"x\"]}]",
                    "[{\"role\": \"tool\", \"content\": \"hi\"}, {\"role\": \"user\", \"content\": \"hi\"}]",
                    "[{\"role\": \"assistant\", \"content\": \"hi\"}]", "[{\"role\": \"user\"}]",
                    "[{\"role\": \"user\", \"content\": \"" + "x".repeat(bodyLimit / 6 + 10) + "\"}]",
                    "[{\"role\": \"user\", \"content\": null}]", "[{}]");
            List<String> fields = new ArrayList<>();
            fields.add("\"model\": " + model);
            fields.add("\"messages\": " + messages);
            for (int extra = random.nextInt(3); extra > 0; extra--) {
                fields.add(pick("\"stream\": \"yes\"", "\"stream\": true", "\"stream\": 1", "\"stream\": null",
                        "\"stream_options\": 5", "\"stream_options\": {\"include_usage\": \"x\"}",
                        "\"temperature\": \"hot\"", "\"temperature\": 3", "\"temperature\": -1e308",
                        "\"temperature\": 1e999", "\"top_p\": []", "\"n\": 2", "\"n\": \"two\"", "\"n\": 1.5",
                        "\"n\": 99999999999999999999", "\"max_tokens\": \"1\"", "\"max_tokens\": 1e30",
                        "\"max_tokens\": -1", "\"max_tokens\": 3000000000", "\"max_completion_tokens\": {}",
                        "\"tools\": \"x\"", "\"tools\": [{}]", "\"functions\": 5", "\"audio\": {}", "\"stop\": 5",
                        "\"stop\": [[]]", "\"user\": []", "\"seed\": \"s\"", "\"response_format\": 5",
                        "\"logprobs\": \"yes\"", "\"metadata\": [1]"));
            }
            return switch (random.nextInt(8)) {
                case 0 -> turnBody();
                case 1 -> ascii("{" + String.join(", ", fields)); // unterminated
                default -> latin1("{" + String.join(", ", fields) + "}");
            };
        }

        private byte[] hostileFrame() {
            String text = pick("not json", "[1, 2]", "null", "\"turn\"", "42", "{}", "{\"type\": 5}",
                    "{\"type\": \"turn\"}", "{\"type\": \"turn\", \"text\": 5}",
                    "{\"type\": \"turn\", \"text\": \"hi\", \"route\": \"a b\"}",
                    "{\"type\": \"turn\", \"text\": \"hi\", \"spotlight\": \"yes\"}",
                    "{\"type\": \"turn\", \"text\": \"hi\", \"clientTurnId\": 7}",
                    "{\"type\": \"turn\", \"text\": \"" + "x".repeat(bodyLimit / 6 + 10) + "\"}",
                    "{\"type\": \"resume\"}", "{\"type\": \"resume\", \"cursor\": 5}",
                    "{\"type\": \"resume\", \"cursor\": \"x\"}",
                    "{\"type\": \"resume\", \"cursor\": \"" + partition + "-9223372036854775807\"}",
                    "{\"type\": \"resume\", \"cursor\": \"" + partition + "-999999999\"}",
                    "{\"type\": \"nope\"}", "[".repeat(5_000));
            return maskedFrame(1, text.getBytes(StandardCharsets.UTF_8));
        }

        private void authorization() {
            String value = pick("Bearer ", "Bearer", "Bearer x", "Bearer " + "t".repeat(9_000), "Basic ???",
                    "Basic " + Base64.getEncoder().encodeToString("a:b".getBytes(StandardCharsets.UTF_8)),
                    "bearer sk-test", "Bearer \u00ff\u00fe", "Token a b c", "", " ", "Bearer sk-" + "x".repeat(60),
                    "Bearer ../../etc/passwd", "Bearer %00");
            header("Authorization", value);
            if (random.nextInt(4) == 0) {
                header("Authorization", "Bearer second");
                mark("auth-twice");
            }
            mark("auth");
        }

        private void wrongMethod() {
            // never POST: a GET path that normalizes to POST /v1/sessions would create a session
            method = pick("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO", "get", "post", "CONNECT", "PROPFIND",
                    method.equals("GET") ? "HEAD" : "GET");
            head = method.equals("HEAD");
            mark("method-" + method);
        }

        private void hostileHeaders() {
            switch (random.nextInt(9)) {
                case 0 -> {
                    header("X-Huge", "h".repeat(9_000 + random.nextInt(8_000)));
                    mark("huge-header");
                }
                case 1 -> {
                    for (int i = 0; i < 300; i++) {
                        header("X-Many-" + i, "v".repeat(40));
                    }
                    mark("many-headers");
                }
                case 2 -> {
                    headerBytes(ascii("X-Bytes: "), new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xc3, 0x7f});
                    mark("ctl-header");
                }
                case 3 -> {
                    headerBytes(ascii("Bad Name: x"));
                    mark("header-name-space");
                }
                case 4 -> {
                    headerBytes(ascii("NoColonHere"));
                    mark("header-no-colon");
                }
                case 5 -> {
                    headerBytes(ascii("X-Folded: a"), ascii("\r\n  continued"));
                    mark("obs-fold");
                }
                case 6 -> {
                    header("Expect", pick("100-continue", "garbage", "200-ok"));
                    mark("expect");
                }
                case 7 -> {
                    header("Host", "other");
                    mark("host-twice");
                }
                default -> {
                    header("Content-Type", pick("application/json; charset=utf-16", "multipart/form-data",
                            "multipart/form-data; boundary=zz", "application/x-www-form-urlencoded", "*/*",
                            "\u00ff", ";;;"));
                    mark("content-type");
                }
            }
        }

        private void hostileRequestLine() {
            switch (random.nextInt(10)) {
                case 0 -> {
                    version = pick("HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "HTTP/1.x", "http/1.1", "HTCPCP/1.0");
                    mark(version.equals("HTTP/1.0") || version.equals("HTTP/1.x") ? "version-" + version
                            : "unsupported-version-" + version);
                    oneShot = true;
                }
                case 1 -> {
                    version = "";
                    mark("no-version");
                    oneShot = true;
                }
                case 2 -> {
                    target = concat(ascii("http://localhost"), target);
                    mark("absolute-form");
                }
                case 3 -> {
                    target = concat(target, ascii(pick("?x=", "&x=")), ascii("y".repeat(17_000)));
                    mark("line-too-long");
                    oneShot = true;
                }
                case 4 -> {
                    target = concat(target, ascii(pick(" extra", "\t", " ")));
                    mark("space-in-target");
                    oneShot = true;
                }
                case 5 -> {
                    target = concat(target, new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28});
                    mark("raw-invalid-utf8-target");
                }
                case 6 -> {
                    target = concat(target, new byte[] {0});
                    mark("raw-nul-target");
                    oneShot = true;
                }
                case 7 -> {
                    target = ascii("*");
                    mark("asterisk");
                }
                case 8 -> {
                    target = concat(target, ascii("#fragment"));
                    mark("fragment");
                }
                default -> {
                    target = concat(ascii("/"), target);
                    mark("double-slash");
                }
            }
        }

        private void framing() {
            if (body == null) {
                return;
            }
            switch (random.nextInt(12)) {
                case 0 -> {
                    chunked = true;
                    mark("chunked");
                }
                case 1 -> {
                    chunked = true;
                    header("Content-Length", Integer.toString(body.length));
                    mark("chunked+content-length");
                    oneShot = true;
                }
                case 2 -> {
                    // not "chunked, identity": Netty then reads the body to the end of the connection (left out)
                    transferEncoding = pick("gzip", "identity", "xchunked", "Chunked", " chunked", "chunked\t",
                            "gzip, chunked");
                    // chunked in some spelling: the body is sent chunked, so the request is complete either way
                    chunked = transferEncoding.trim().equalsIgnoreCase("chunked")
                            || transferEncoding.endsWith(", chunked");
                    if (!chunked) {
                        header("Transfer-Encoding", transferEncoding);
                    }
                    mark("odd-transfer-encoding");
                    oneShot = true;
                }
                case 3 -> {
                    body = concat(ascii(pick("zz", "-1", "fffffffffffffffff", "3;" + "e".repeat(9_000), "", "3;ext=1")),
                            ascii("\r\n"), body, ascii("\r\n0\r\n\r\n"));
                    header("Transfer-Encoding", "chunked");
                    mark("bad-chunk-size");
                    oneShot = true;
                }
                case 4 -> {
                    header("Content-Length", pick("-1", "abc", "1e3", "0x10", "99999999999999999999", ""));
                    mark("bad-content-length");
                    oneShot = true;
                }
                case 5 -> {
                    header("Content-Length", Integer.toString(body.length));
                    header("Content-Length", Integer.toString(body.length + 1));
                    mark("two-content-lengths");
                    oneShot = true;
                }
                case 6 -> {
                    header("Content-Length", Integer.toString(Math.max(0, body.length - 1 - random.nextInt(3))));
                    mark("content-length-short");
                    oneShot = true;
                }
                case 7 -> {
                    mark("no-length");
                    oneShot = true;
                }
                case 8 -> {
                    body = concat(body, ascii("x".repeat(bodyLimit + random.nextInt(bodyLimit * 3))));
                    mark("huge-body");
                    if (random.nextBoolean()) {
                        chunked = true;
                    }
                }
                default -> {
                    // a Content-Length, as any client sends
                }
            }
        }

        // ---- ids, cursors, offsets ----

        /** A session id that is not a session: every kind of odd path segment, or an unknown id. */
        private byte[] unknownSession() {
            return switch (random.nextInt(24)) {
                case 0 -> ascii(UuidV7.next().toString());
                case 1 -> ascii(UuidV7.at(0).toString());
                case 2 -> ascii(UuidV7.at(0xFFFF_FFFF_FFFFL).toString());
                case 3 -> ascii(UUID.randomUUID().toString());
                case 4 -> ascii("..");
                case 5 -> ascii("%2e%2e");
                case 6 -> ascii("%00");
                case 7 -> ascii("a%2Fb");
                case 8 -> ascii("%2F");
                case 9 -> ascii("x".repeat(5_000 + random.nextInt(6_000)));
                case 10 -> "ü😀".getBytes(StandardCharsets.UTF_8);
                case 11 -> new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28};
                case 12 -> ascii("%ff%fe%c3%28");
                case 13 -> ascii("%zz");
                case 14 -> ascii("%");
                case 15 -> ascii("a;b=c");
                case 16 -> ascii("");
                case 17 -> ascii("-1");
                case 18 -> ascii("null");
                case 19 -> ascii("%3Cscript%3E");
                case 20 -> ascii(UuidV7.next().toString().toUpperCase());
                case 21 -> ascii(UuidV7.next().toString().replace("-", ""));
                case 22 -> ascii("%u0000");
                default -> ascii(UuidV7.next() + "%00");
            };
        }

        /** For reads: the real session (and variants of it) as well as unknown ones. */
        private byte[] anySession() {
            return switch (random.nextInt(5)) {
                case 0, 1 -> ascii(session);
                case 2 -> ascii(pick(session.toUpperCase(), session + "%00", session + "/", session + "%2F",
                        "%20" + session, session.substring(1)));
                default -> unknownSession();
            };
        }

        private byte[] anyTurn() {
            return switch (random.nextInt(4)) {
                case 0 -> ascii(turn);
                case 1 -> ascii(pick(turnIdTexts()));
                default -> unknownSession();
            };
        }

        private String[] turnIdTexts() {
            return new String[] {turn, turn.toUpperCase(), "42", "", UuidV7.next().toString(),
                    UUID.randomUUID().toString(), "%00", turn + "%00", "%ff", UuidV7.at(0).toString(),
                    "x".repeat(3_000)};
        }

        private String[] cursors() {
            int other = (partition + 1) % 6;
            return new String[] {"", "12", "3-x", "-1", "0--1", "0-1", partition + "-0", partition + "--1",
                    partition + "-999999999", partition + "-9223372036854775807", partition + "-9223372036854775806",
                    partition + "-99999999999999999999", other + "-0", "99999999999-0", "2147483648-0", "٣-١",
                    "0-00000000000000000000001", " " + partition + "-0 ", partition + "-0%00", "%ff-%fe",
                    partition + "-0\u00ff", "1-1-1", "-", "a-b"};
        }

        private String[] offsets() {
            String p = String.format("%010d", partition);
            return new String[] {"-1", "now", "", "NOW", "-2", "0", p + "_0000000000000000000",
                    p + "_9223372036854775807", p + "_9999999999999999999", "9999999999_0000000000000000000",
                    String.format("%010d", (partition + 1) % 6) + "_0000000000000000000", p + "_000000000000000000a",
                    "%00", "%ff", p + "_-000000000000000001", "٠".repeat(10) + "_" + "٠".repeat(19),
                    p + "_0000000000000000000%00", "x".repeat(3_000)};
        }

        // ---- encoding ----

        private void upgradeHeaders(String upgrade, String key, String version) {
            header("Upgrade", upgrade);
            header("Connection", pick("Upgrade", "keep-alive, Upgrade", "upgrade"));
            if (key != null) {
                header("Sec-WebSocket-Key", key);
            }
            header("Sec-WebSocket-Version", version);
        }

        private void contentType() {
            String type = pick("application/json", "application/json", "application/json; charset=utf-8",
                    "text/plain", null, "application/xml", "application/json; charset=latin-1");
            if (type != null) {
                header("Content-Type", type);
            }
        }

        private byte[] query(String name, String... values) {
            return random.nextInt(6) == 0 ? new byte[0] : latin1("?" + name + "=" + pick(values));
        }

        private String encodeQuery(String value) {
            StringBuilder out = new StringBuilder();
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c > 0x20 && c < 0x7f && c != '&' && c != '#' && c != '+') {
                    out.append((char) c);
                } else {
                    out.append('%').append(String.format("%02X", c));
                }
            }
            return out.toString();
        }

        private byte[] encode() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(latin1(method + " "));
            out.writeBytes(target);
            out.writeBytes(latin1(version.isEmpty() ? "\r\n" : " " + version + "\r\n"));
            boolean lengthGiven = headers.stream().anyMatch(h -> startsWithIgnoreCase(h, "Content-Length:")
                    || startsWithIgnoreCase(h, "Transfer-Encoding:"));
            for (byte[] h : headers) {
                out.writeBytes(h);
                out.writeBytes(ascii("\r\n"));
            }
            byte[] payload = body == null ? new byte[0] : body;
            if (chunked) {
                out.writeBytes(latin1("Transfer-Encoding: " + transferEncoding + "\r\n\r\n"));
                int at = 0;
                while (at < payload.length) {
                    int size = Math.min(payload.length - at, 1 + random.nextInt(8_192));
                    out.writeBytes(ascii(Integer.toHexString(size) + "\r\n"));
                    out.write(payload, at, size);
                    out.writeBytes(ascii("\r\n"));
                    at += size;
                }
                out.writeBytes(ascii("0\r\n\r\n"));
                return out.toByteArray();
            }
            if (body != null && !lengthGiven && !mutation.contains("no-length")) {
                out.writeBytes(ascii("Content-Length: " + payload.length + "\r\n"));
            }
            out.writeBytes(ascii("\r\n"));
            out.writeBytes(payload);
            return out.toByteArray();
        }

        private void header(String name, String value) {
            headers.add(latin1(name + ": " + value));
        }

        private void headerBytes(byte[]... parts) {
            headers.add(concat(parts));
        }

        private void mark(String what) {
            mutation += "," + what;
        }

        private String pick(String... values) {
            return values[random.nextInt(values.length)];
        }

        private byte[] pick(byte[]... values) {
            return values[random.nextInt(values.length)];
        }

        private byte[] randomBytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return bytes;
        }
    }

    /** A client-to-server WebSocket frame (masked, final) of {@code opcode}. */
    public static byte[] maskedFrame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >> shift) & 0xff);
            }
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private static boolean startsWithIgnoreCase(byte[] header, String prefix) {
        return header.length >= prefix.length()
                && new String(header, 0, prefix.length(), StandardCharsets.ISO_8859_1).equalsIgnoreCase(prefix);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Characters up to 255 as single bytes (how raw non-ASCII bytes get into a request line or header), every other
     * character as its UTF-8 bytes.
     */
    private static byte[] latin1(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        text.codePoints().forEach(c -> {
            if (c <= 0xff) {
                out.write(c);
            } else {
                out.writeBytes(Character.toString(c).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
