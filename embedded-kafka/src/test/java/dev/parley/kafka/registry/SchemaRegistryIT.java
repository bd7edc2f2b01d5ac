package dev.parley.kafka.registry;

import static dev.parley.kafka.registry.TestSchemas.USER_EMPTY;
import static dev.parley.kafka.registry.TestSchemas.USER_NAME_AS_INT;
import static dev.parley.kafka.registry.TestSchemas.USER_V1;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_AGE;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_EMAIL;
import static dev.parley.kafka.registry.RegistryHttp.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.RegistryHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaRegistryIT {

    private static EmbeddedKafka kafka;
    private static SchemaRegistry registry;
    private static RegistryHttp http;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("a registered schema can be looked up, listed and fetched by id and version")
    void registerLookupAndFetch() {
        String subject = uniqueSubject();
        int id = http.register(subject, USER_V1);
        String normalized = new Schema.Parser().parse(USER_V1).toString();

        Response lookup = http.post("/subjects/" + subject, schemaBody(USER_V1));
        assertEquals(200, lookup.status(), lookup.body());
        assertEquals(SchemaRegistry.CONTENT_TYPE, lookup.contentType());
        assertEquals(new JsonObject().put("subject", subject).put("version", 1).put("id", id).put("schema", normalized),
                lookup.json());

        assertEquals(new JsonObject().put("schema", normalized), http.get("/schemas/ids/" + id).json());
        assertEquals(normalized, http.get("/schemas/ids/" + id + "?subject=" + subject).json().getString("schema"));
        // Other tests register the same schema under their own subjects.
        assertTrue(http.get("/schemas/ids/" + id + "/versions").array()
                .contains(new JsonObject().put("subject", subject).put("version", 1)));
        assertTrue(http.get("/subjects").array().contains(subject));
        assertEquals(new JsonArray().add(1), http.get("/subjects/" + subject + "/versions").array());
        assertEquals(lookup.json(), http.get("/subjects/" + subject + "/versions/1").json());
        assertEquals(lookup.json(), http.get("/subjects/" + subject + "/versions/latest").json());
        assertEquals(normalized, http.get("/subjects/" + subject + "/versions/1/schema").body());
        assertEquals(new JsonArray().add("AVRO"), http.get("/schemas/types").array());
        assertEquals(new JsonObject(), http.get("/").json());
    }

    @Test
    @DisplayName("the same schema under two subjects, even spelled differently, gets the same id")
    void sameSchemaSameId() {
        int first = http.register(uniqueSubject(), USER_V1);
        int second = http.register(uniqueSubject(), USER_V1.replace(",", " ,\n   "));
        assertEquals(first, second);
        assertNotEquals(first, http.register(uniqueSubject(), USER_WITH_AGE));
    }

    @Test
    @DisplayName("re-registering a schema returns its id and adds no version")
    void reRegisterIsIdempotent() {
        String subject = uniqueSubject();
        int id = http.register(subject, USER_V1);
        http.register(subject, USER_WITH_EMAIL);
        assertEquals(id, http.register(subject, USER_V1));
        assertEquals(new JsonArray().add(1).add(2), http.get("/subjects/" + subject + "/versions").array());
    }

    @Test
    @DisplayName("an incompatible schema is refused with 409 and reported as not compatible")
    void incompatibleSchemaRefused() {
        String subject = uniqueSubject();
        http.register(subject, USER_V1);

        Response check = http.post("/compatibility/subjects/" + subject + "/versions/latest?verbose=true",
                schemaBody(USER_WITH_AGE));
        assertEquals(200, check.status(), check.body());
        assertEquals(false, check.json().getBoolean("is_compatible"));
        assertFalse(check.json().getJsonArray("messages").isEmpty());

        Response refused = http.post("/subjects/" + subject + "/versions", schemaBody(USER_WITH_AGE));
        assertEquals(409, refused.status(), refused.body());
        assertEquals(409, refused.errorCode());
        assertTrue(refused.json().getString("message").contains("READER_FIELD_MISSING_DEFAULT_VALUE"), refused.body());
        assertEquals(new JsonArray().add(1), http.get("/subjects/" + subject + "/versions").array());

        assertEquals(true, http.post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(USER_WITH_EMAIL))
                .json().getBoolean("is_compatible"));
        http.register(subject, USER_WITH_EMAIL);
        assertEquals(new JsonArray().add(1).add(2), http.get("/subjects/" + subject + "/versions").array());
    }

    @Test
    @DisplayName("unknown ids, subjects and versions answer Confluent's 404 error codes")
    void notFoundCodes() {
        String subject = uniqueSubject();
        assertError(404, 40403, http.get("/schemas/ids/999999"));
        assertError(404, 40403, http.get("/schemas/ids/999999/versions"));
        assertError(404, 40401, http.get("/subjects/" + subject + "/versions"));
        assertError(404, 40401, http.get("/subjects/" + subject + "/versions/latest"));
        assertError(404, 40401, http.post("/subjects/" + subject, schemaBody(USER_V1)));
        assertError(404, 40401, http.post("/compatibility/subjects/" + subject + "/versions/1", schemaBody(USER_V1)));
        assertEquals(true, http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(USER_V1))
                .json().getBoolean("is_compatible"));

        http.register(subject, USER_V1);
        assertError(404, 40403, http.post("/subjects/" + subject, schemaBody(USER_WITH_EMAIL)));
        assertError(404, 40402, http.get("/subjects/" + subject + "/versions/7"));
        assertError(404, 40402, http.post("/compatibility/subjects/" + subject + "/versions/7", schemaBody(USER_V1)));
        assertError(422, 42202, http.get("/subjects/" + subject + "/versions/seven"));
    }

    @Test
    @DisplayName("unknown paths and methods answer a JSON error, never HTML")
    void unknownPaths() {
        Response association = http.get("/associations/resources/-/chat?resourceType=topic&associationType=value");
        assertError(404, 404, association);
        assertEquals(SchemaRegistry.CONTENT_TYPE, association.contentType());
        assertError(404, 404, http.get("/no/such/thing"));
        assertError(405, 405, http.delete("/schemas/types"));
    }

    @Test
    @DisplayName("bad input answers 42201 for Avro, 400 for JSON, 415 for the content type")
    void badInput() {
        String subject = uniqueSubject();
        assertError(422, 42201, http.post("/subjects/" + subject + "/versions", schemaBody("{\"type\":\"recrod\"}")));
        assertError(422, 42201, http.post("/subjects/" + subject + "/versions", "{\"schemaType\":\"AVRO\"}"));
        assertError(422, 42201, http.post("/subjects/" + subject + "/versions",
                new JsonObject().put("schemaType", "PROTOBUF").put("schema", "syntax = \"proto3\";").encode()));
        assertError(400, 400, http.post("/subjects/" + subject + "/versions", "{\"schema\": "));
        assertError(400, 400, http.post("/subjects/" + subject + "/versions", "[1, 2]"));
        assertError(415, 415, http.post("/subjects/" + subject + "/versions", schemaBody(USER_V1), "text/plain"));
        assertError(404, 40401, http.get("/subjects/" + subject + "/versions"));

        assertEquals(200, http.post("/subjects/" + subject + "/versions?normalize=false", schemaBody(USER_V1),
                "application/json; charset=utf-8").status());
        assertEquals(200, http.post("/subjects/" + subject + "/versions",
                new JsonObject().put("schema", USER_WITH_EMAIL).encode(), null).status());
    }

    @Test
    @DisplayName("a FORWARD subject accepts an added field and refuses a removed one; its config can be removed")
    void forwardSubjectConfig() {
        String subject = uniqueSubject();
        assertError(404, 40408, http.get("/config/" + subject));
        assertEquals("BACKWARD", http.get("/config/" + subject + "?defaultToGlobal=true").json()
                .getString("compatibilityLevel"));

        Response put = http.put("/config/" + subject, "{\"compatibility\":\"FORWARD\"}");
        assertEquals(new JsonObject().put("compatibility", "FORWARD"), put.json());
        assertEquals(new JsonObject().put("compatibilityLevel", "FORWARD"), http.get("/config/" + subject).json());

        http.register(subject, USER_V1);
        http.register(subject, USER_WITH_AGE);
        assertError(409, 409, http.post("/subjects/" + subject + "/versions", schemaBody(USER_EMPTY)));

        assertError(422, 42203, http.put("/config/" + subject, "{\"compatibility\":\"SIDEWAYS\"}"));
        assertEquals(new JsonObject().put("compatibilityLevel", "FORWARD"), http.delete("/config/" + subject).json());
        assertError(404, 40408, http.get("/config/" + subject));
        assertEquals("BACKWARD", http.get("/config").json().getString("compatibilityLevel"));
    }

    @Test
    @DisplayName("BACKWARD_TRANSITIVE checks every earlier version where BACKWARD checks only the latest")
    void transitiveSubjectConfig() {
        String transitive = uniqueSubject();
        String plain = uniqueSubject();
        http.put("/config/" + transitive, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
        for (String subject : List.of(transitive, plain)) {
            http.register(subject, USER_V1);
            http.register(subject, USER_EMPTY);
        }

        assertError(409, 409, http.post("/subjects/" + transitive + "/versions", schemaBody(USER_NAME_AS_INT)));
        assertEquals(false, isCompatible(transitive, "1", USER_NAME_AS_INT));
        assertEquals(true, isCompatible(transitive, "2", USER_NAME_AS_INT));

        http.register(plain, USER_NAME_AS_INT);
        assertEquals(new JsonArray().add(1).add(2).add(3), http.get("/subjects/" + plain + "/versions").array());
    }

    @Test
    @DisplayName("the global level applies to subjects without their own, and NONE lets anything through")
    void globalConfig() {
        // Its own storage topic, so changing the global level cannot affect the other tests.
        try (SchemaRegistry own = SchemaRegistry.start(kafka.bootstrapServers(), 0, "_schemas-global-config")) {
            RegistryHttp ownHttp = new RegistryHttp(own.url());
            assertEquals(new JsonObject().put("compatibilityLevel", "BACKWARD"), ownHttp.get("/config").json());
            assertError(422, 42203, ownHttp.put("/config", "{\"compatibility\":\"sometimes\"}"));
            assertError(400, 400, ownHttp.put("/config", "{compatibility"));

            assertEquals(new JsonObject().put("compatibility", "NONE"), ownHttp.put("/config", "{\"compatibility\":\"NONE\"}").json());
            assertEquals(new JsonObject().put("compatibilityLevel", "NONE"), ownHttp.get("/config").json());
            ownHttp.register("global-value", USER_V1);
            ownHttp.register("global-value", "\"string\"");
            assertEquals(new JsonArray().add(1).add(2), ownHttp.get("/subjects/global-value/versions").array());
        }
    }

    @Test
    @DisplayName("a deleted subject disappears, its ids stay resolvable, and re-registering continues its versions")
    void deleteSubject() {
        String subject = uniqueSubject();
        int id = http.register(subject, USER_V1);
        http.register(subject, USER_WITH_EMAIL);

        assertEquals(new JsonArray().add(1).add(2), http.delete("/subjects/" + subject).array());
        assertFalse(http.get("/subjects").array().contains(subject));
        assertTrue(http.get("/subjects?deleted=true").array().contains(subject));
        assertError(404, 40401, http.get("/subjects/" + subject + "/versions"));
        assertError(404, 40401, http.delete("/subjects/" + subject));
        assertEquals(200, http.get("/schemas/ids/" + id).status());

        assertEquals(id, http.register(subject, USER_V1));
        assertEquals(new JsonArray().add(3), http.get("/subjects/" + subject + "/versions").array());
    }

    private static boolean isCompatible(String subject, String version, String schema) {
        Response response = http.post("/compatibility/subjects/" + subject + "/versions/" + version, schemaBody(schema));
        assertEquals(200, response.status(), response.body());
        return response.json().getBoolean("is_compatible");
    }

    private static void assertError(int status, int errorCode, Response response) {
        assertEquals(status, response.status(), response.body());
        assertEquals(errorCode, response.errorCode(), response.body());
        assertTrue(response.json().getString("message") != null, response.body());
    }

    private static String uniqueSubject() {
        return "t" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    }
}
