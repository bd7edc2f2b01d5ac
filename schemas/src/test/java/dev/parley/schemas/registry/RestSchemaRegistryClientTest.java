package dev.parley.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.StubHttpServer.Request;
import dev.parley.schemas.registry.StubHttpServer.Response;
import dev.parley.schemas.serde.AvroSerde;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The REST schema-registry client")
class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema SCHEMA = TokenChunk.getClassSchema();

    private final List<StubHttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(StubHttpServer::close);
    }

    @Test
    @DisplayName("registers with POST /subjects/{s}/versions, Confluent's media type and an AVRO body")
    void register() throws IOException {
        StubHttpServer server = server(request -> new Response(200, "{\"id\":7}"));

        int id = client(Map.of("schema.registry.url", server.url())).register("parley.tokens.v1-value", SCHEMA);

        assertEquals(7, id);
        Request request = server.requests().get(0);
        assertEquals("POST", request.method());
        assertEquals("/subjects/parley.tokens.v1-value/versions", request.path());
        assertEquals(RestSchemaRegistryClient.CONTENT_TYPE, request.header("Content-Type"));
        assertEquals(RestSchemaRegistryClient.CONTENT_TYPE, request.header("Accept"));
        JsonNode body = JSON.readTree(request.body());
        assertEquals("AVRO", body.get("schemaType").asText());
        assertEquals(SCHEMA, new Schema.Parser().parse(body.get("schema").asText()));
    }

    @Test
    @DisplayName("looks up with POST /subjects/{s}, reads latest and schemas by id with GET")
    void lookupLatestAndById() {
        String answer = registered("s", 3, 7);
        StubHttpServer server = server(request -> request.path().startsWith("/schemas/ids/")
                ? new Response(200, schemaOnly()) : new Response(200, answer));
        SchemaRegistryClient client = client(Map.of("schema.registry.url", server.url()));

        assertEquals(new RegisteredSchema("s", 7, 3, SCHEMA), client.lookup("s", SCHEMA));
        assertEquals(new RegisteredSchema("s", 7, 3, SCHEMA), client.latest("s"));
        assertEquals(SCHEMA, client.schemaById(7));

        List<String> calls = server.requests().stream().map(r -> r.method() + " " + r.path()).toList();
        assertEquals(List.of("POST /subjects/s", "GET /subjects/s/versions/latest", "GET /schemas/ids/7"), calls);
        assertEquals(RestSchemaRegistryClient.CONTENT_TYPE, server.requests().get(1).header("Accept"));
    }

    @Test
    @DisplayName("encodes the subject as one path segment")
    void encodesSubject() {
        StubHttpServer server = server(request -> new Response(200, "{\"id\":1}"));
        client(Map.of("schema.registry.url", server.url())).register("a b/c", SCHEMA);
        assertEquals("/subjects/a%20b%2Fc/versions", server.requests().get(0).path());
    }

    @Test
    @DisplayName("turns a registry error body into an exception carrying error_code and message")
    void registryError() {
        StubHttpServer server = server(request ->
                new Response(404, "{\"error_code\":40403,\"message\":\"Schema 9 not found\"}"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(Map.of("schema.registry.url", server.url())).schemaById(9));
        assertEquals(40403, e.errorCode());
        assertEquals(404, e.httpStatus());
        assertTrue(e.getMessage().contains("Schema 9 not found"), e.getMessage());
        assertTrue(e.getMessage().contains("/schemas/ids/9"), e.getMessage());
    }

    @Test
    @DisplayName("an error without a JSON body carries the HTTP status and the body's start")
    void nonJsonError() {
        StubHttpServer server = server(request -> new Response(503, "upstream connect error"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(Map.of("schema.registry.url", server.url())).latest("s"));
        assertEquals(503, e.errorCode());
        assertTrue(e.getMessage().contains("upstream connect error"), e.getMessage());
    }

    @Test
    @DisplayName("refuses a schema that is not Avro")
    void notAvro() {
        StubHttpServer server = server(request ->
                new Response(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(Map.of("schema.registry.url", server.url())).schemaById(4));
        assertTrue(e.getMessage().contains("PROTOBUF"), e.getMessage());
    }

    @Test
    @DisplayName("sends basic auth from basic.auth.user.info, its older key, or the URL")
    void basicAuth() {
        StubHttpServer server = server(request -> new Response(200, "{\"id\":1}"));
        String expected = "Basic " + Base64.getEncoder().encodeToString("ada:s3cret:x".getBytes(StandardCharsets.UTF_8));

        client(Map.of("schema.registry.url", server.url(), "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "ada:s3cret:x")).register("s", SCHEMA);
        client(Map.of("schema.registry.url", server.url(), "basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "ada:s3cret:x")).register("s", SCHEMA);
        client(Map.of("schema.registry.url", server.url().replace("http://", "http://ada:s3cret%3Ax@")))
                .register("s", SCHEMA);
        client(Map.of("schema.registry.url", server.url())).register("s", SCHEMA);

        List<String> headers = server.requests().stream().map(r -> String.valueOf(r.header("Authorization"))).toList();
        assertEquals(List.of(expected, expected, expected, "null"), headers);
    }

    @Test
    @DisplayName("tries the URLs in turn when one is unreachable, then sticks to the one that answered")
    void failover() throws IOException {
        StubHttpServer server = server(request -> new Response(200, "{\"id\":5}"));
        SchemaRegistryClient client = client(Map.of("schema.registry.url", StubHttpServer.closedUrl() + "," + server.url()));

        assertEquals(5, client.register("s", SCHEMA));
        assertEquals(5, client.register("t", SCHEMA));
        assertEquals(2, server.requests().size());
    }

    @Test
    @DisplayName("when no URL answers, says the registry is unreachable and names every URL")
    void unreachable() throws IOException {
        String first = StubHttpServer.closedUrl();
        String second = StubHttpServer.closedUrl();
        SchemaRegistryClient client = client(Map.of("schema.registry.url", first + "," + second));

        SchemaRegistryUnreachableException e = assertThrows(SchemaRegistryUnreachableException.class,
                () -> client.schemaById(1));

        assertTrue(e.getMessage().startsWith("schema registry unreachable at " + first + ", " + second), e.getMessage());
        assertEquals(List.of(URI.create(first), URI.create(second)), e.urls());
    }

    @Test
    @DisplayName("behind a serde built from config, hits the registry once per schema over HTTP")
    void serdeCachesOverHttp() {
        AtomicReference<String> registered = new AtomicReference<>();
        StubHttpServer server = server(request -> {
            if (request.method().equals("POST")) {
                registered.set(request.body());
                return new Response(200, "{\"id\":1}");
            }
            return new Response(200, registered.get());
        });
        Map<String, String> config = Map.of("schema.registry.url", server.url());
        AvroSerde<TokenChunk> producer = AvroSerde.forClass(TokenChunk.class, config, false);
        AvroSerde<TokenChunk> consumer = AvroSerde.forClass(TokenChunk.class, config, false);

        for (int seq = 0; seq < 50; seq++) {
            byte[] bytes = producer.serializer().serialize("tokens", SampleRecords.tokenChunk(seq));
            assertEquals(seq, consumer.deserializer().deserialize("tokens", bytes).getSeq());
        }

        List<String> calls = server.requests().stream().map(r -> r.method() + " " + r.path()).toList();
        assertEquals(List.of("POST /subjects/tokens-value/versions", "GET /schemas/ids/1"), calls);
    }

    @Test
    @DisplayName("an unknown id over HTTP becomes 'unknown schema id N' in the deserializer")
    void unknownIdOverHttp() {
        StubHttpServer server = server(request ->
                new Response(404, "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}"));
        AvroSerde<TokenChunk> consumer = AvroSerde.forClass(TokenChunk.class,
                Map.of("schema.registry.url", server.url()), false);
        SerializationException e = assertThrows(SerializationException.class,
                () -> consumer.deserializer().deserialize("tokens", new byte[] {0, 0, 0, 0, 77, 0}));
        assertTrue(e.getMessage().contains("unknown schema id 77"), e.getMessage());
        assertInstanceOf(SchemaRegistryException.class, e.getCause());
    }

    private StubHttpServer server(java.util.function.Function<Request, Response> responder) {
        try {
            StubHttpServer server = new StubHttpServer(responder);
            servers.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SchemaRegistryClient client(Map<String, ?> config) {
        return new RestSchemaRegistryClient(SchemaRegistryConfig.from(config));
    }

    private static String registered(String subject, int version, int id) {
        ObjectNode node = JSON.createObjectNode();
        node.put("subject", subject).put("version", version).put("id", id).put("schema", SCHEMA.toString());
        return node.toString();
    }

    private static String schemaOnly() {
        return JSON.createObjectNode().put("schema", SCHEMA.toString()).toString();
    }
}
