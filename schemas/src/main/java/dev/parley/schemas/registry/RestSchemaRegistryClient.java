package dev.parley.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A schema-registry client for Confluent's REST API: Confluent, Karapace, Redpanda, the embedded registry. */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    // Blocking on purpose: Kafka serializers are synchronous. No caching here: SchemaRegistryClients
    // wraps it in a CachingSchemaRegistryClient.

    /** Media type of every request and answer in Confluent's API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_BODY = 300;
    /**
     * One HttpClient (and its selector thread) per connect timeout for the whole JVM: serdes are
     * created per topic and per client, and on Java 17 an HttpClient cannot be closed.
     */
    private static final Map<Duration, HttpClient> SHARED_HTTP_CLIENTS = new ConcurrentHashMap<>();

    private final List<URI> urls;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final SchemaRegistryConfig config;
    /** The URL that answered last: start there so a dead first URL costs one timeout, not one per call. */
    private final AtomicInteger preferred = new AtomicInteger();

    public RestSchemaRegistryClient(SchemaRegistryConfig config) {
        if (config.isMock()) {
            throw new IllegalArgumentException("mock:// URLs are served by InMemorySchemaRegistryClient");
        }
        this.config = config;
        this.urls = config.urls();
        this.authorization = config.userInfo().map(info ->
                "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.http = SHARED_HTTP_CLIENTS.computeIfAbsent(config.connectTimeout(),
                RestSchemaRegistryClient::newHttpClient);
    }

    private static HttpClient newHttpClient(Duration connectTimeout) {
        // HTTP/1.1: registries are plain REST servers; skipping the h2c upgrade avoids surprises
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return requiredInt(answer, "id", "register " + subject);
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        return registered(answer, subject, "lookup " + subject);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        return registered(answer, subject, "latest " + subject);
    }

    @Override
    public Schema schemaById(int id) {
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        return parseSchema(answer, "schema id " + id);
    }

    @Override
    public String toString() {
        return "RestSchemaRegistryClient" + config;
    }

    private JsonNode send(String method, String path, ObjectNode body) {
        IOException lastFailure = null;
        int start = preferred.get();
        for (int i = 0; i < urls.size(); i++) {
            int index = (start + i) % urls.size();
            URI url = URI.create(urls.get(index) + path);
            try {
                HttpResponse<String> response = http.send(request(method, url, body), BodyHandlers.ofString());
                preferred.set(index);
                return answer(method, url, response);
            } catch (IOException e) {
                // only an unreachable registry fails over: an HTTP error is the registry's answer
                log.warn("Schema registry {} unreachable for {} {}: {}", urls.get(index), method, path, e.toString());
                lastFailure = e;
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            }
        }
        throw new SchemaRegistryUnreachableException(urls, lastFailure);
    }

    private HttpRequest request(String method, URI url, ObjectNode body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(config.readTimeout())
                .header("Accept", CONTENT_TYPE);
        authorization.ifPresent(value -> builder.header("Authorization", value));
        if (body == null) {
            return builder.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return builder.header("Content-Type", CONTENT_TYPE)
                .method(method, BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
    }

    private static JsonNode answer(String method, URI url, HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = tryParse(response.body());
        if (status / 100 == 2) {
            if (json == null) {
                throw new SchemaRegistryException("schema registry answered " + method + " " + url
                        + " with a body that is not JSON: " + abbreviate(response.body()),
                        status, SchemaRegistryException.NO_ERROR_CODE);
            }
            return json;
        }
        if (json != null && json.hasNonNull("error_code")) {
            int code = json.get("error_code").asInt();
            String message = json.path("message").asText("");
            throw new SchemaRegistryException("schema registry error " + code + " (HTTP " + status + ") for "
                    + method + " " + url + ": " + message, status, code);
        }
        throw new SchemaRegistryException("schema registry answered HTTP " + status + " for " + method + " "
                + url + ": " + abbreviate(response.body()), status, status);
    }

    private static ObjectNode schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schemaType", "AVRO");
        body.put("schema", schema.toString());
        return body;
    }

    private static RegisteredSchema registered(JsonNode answer, String subject, String what) {
        int id = requiredInt(answer, "id", what);
        int version = requiredInt(answer, "version", what);
        String answeredSubject = answer.path("subject").asText(subject);
        return new RegisteredSchema(answeredSubject, id, version, parseSchema(answer, what));
    }

    private static Schema parseSchema(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(what + " is a " + type + " schema, not AVRO", 200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException("schema registry answer for " + what + " has no \"schema\" string",
                    200, SchemaRegistryException.NO_ERROR_CODE);
        }
        try {
            // a fresh parser each time: a parser remembers every named type it has seen
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("schema registry returned an invalid Avro schema for " + what
                    + ": " + e.getMessage(), 200, SchemaRegistryException.NO_ERROR_CODE, e);
        }
    }

    private static int requiredInt(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException("schema registry answer for " + what + " has no integer \""
                    + field + "\": " + abbreviate(answer.toString()), 200, SchemaRegistryException.NO_ERROR_CODE);
        }
        return value.asInt();
    }

    private static JsonNode tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(String subject) {
        // URLEncoder is for forms; a path segment wants %20, not +
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_ERROR_BODY ? text : text.substring(0, MAX_ERROR_BODY) + "...";
    }
}
