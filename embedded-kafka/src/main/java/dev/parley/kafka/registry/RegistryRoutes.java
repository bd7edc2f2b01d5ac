package dev.parley.kafka.registry;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Confluent Schema Registry REST API (Avro subset) over {@link SchemaService}. */
final class RegistryRoutes {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger log = LoggerFactory.getLogger(RegistryRoutes.class);
    private static final Set<String> ACCEPTED_TYPES = Set.of(
            CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json");
    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    /** A handler's work: returns a JSON value, or a String sent as is; throws {@link RegistryException}. */
    @FunctionalInterface
    private interface Action {
        Object apply(RoutingContext ctx);
    }

    private final Vertx vertx;
    private final SchemaService service;

    private RegistryRoutes(Vertx vertx, SchemaService service) {
        this.vertx = vertx;
        this.service = service;
    }

    static Router router(Vertx vertx, SchemaService service) {
        return new RegistryRoutes(vertx, service).build();
    }

    private Router build() {
        Router router = Router.router(vertx);
        router.route().handler(RegistryRoutes::checkContentType);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));

        router.get("/").handler(onEventLoop(ctx -> new JsonObject()));
        router.get("/schemas/types").handler(onEventLoop(ctx -> new JsonArray().add("AVRO")));
        router.get("/schemas/ids/:id").handler(onEventLoop(this::schemaById));
        router.get("/schemas/ids/:id/versions").handler(onEventLoop(this::versionsWithId));

        router.get("/subjects").handler(onEventLoop(ctx -> new JsonArray(service.subjects(flag(ctx, "deleted")))));
        router.post("/subjects/:subject").handler(onEventLoop(this::lookup));
        router.delete("/subjects/:subject").handler(onWorker(this::deleteSubject));
        router.get("/subjects/:subject/versions").handler(onEventLoop(this::versions));
        router.post("/subjects/:subject/versions").handler(onWorker(this::register));
        router.get("/subjects/:subject/versions/:version").handler(onEventLoop(this::version));
        router.get("/subjects/:subject/versions/:version/schema")
                .handler(onEventLoop(ctx -> versionOf(ctx).schema()));

        router.post("/compatibility/subjects/:subject/versions/:version").handler(onEventLoop(this::testCompatibility));

        router.get("/config").handler(onEventLoop(ctx -> levelJson(service.globalLevel())));
        router.put("/config").handler(onWorker(ctx -> setLevel(ctx, null)));
        router.get("/config/:subject").handler(onEventLoop(this::subjectLevel));
        router.put("/config/:subject").handler(onWorker(ctx -> setLevel(ctx, subject(ctx))));
        router.delete("/config/:subject")
                .handler(onWorker(ctx -> levelJson(service.deleteSubjectLevel(subject(ctx)))));

        // Confluent's clients probe optional endpoints (e.g. /associations) and expect a JSON 404, never HTML.
        for (int status : new int[] {400, 404, 405, 413, 500}) {
            router.errorHandler(status, RegistryRoutes::routingError);
        }
        return router;
    }

    private Object schemaById(RoutingContext ctx) {
        return new JsonObject().put("schema", service.schemaById(schemaId(ctx)));
    }

    private Object versionsWithId(RoutingContext ctx) {
        JsonArray versions = new JsonArray();
        for (RegisteredSchema schema : service.versionsWithId(schemaId(ctx))) {
            versions.add(new JsonObject().put("subject", schema.subject()).put("version", schema.version()));
        }
        return versions;
    }

    private Object lookup(RoutingContext ctx) {
        return versionJson(service.lookup(subject(ctx), schemaText(ctx)));
    }

    private Object deleteSubject(RoutingContext ctx) {
        return new JsonArray(service.deleteSubject(subject(ctx)));
    }

    private Object versions(RoutingContext ctx) {
        return new JsonArray(service.versions(subject(ctx), flag(ctx, "deleted")));
    }

    private Object register(RoutingContext ctx) {
        return new JsonObject().put("id", service.register(subject(ctx), schemaText(ctx)));
    }

    private Object version(RoutingContext ctx) {
        return versionJson(versionOf(ctx));
    }

    private RegisteredSchema versionOf(RoutingContext ctx) {
        return service.version(subject(ctx), ctx.pathParam("version"), flag(ctx, "deleted"));
    }

    private Object testCompatibility(RoutingContext ctx) {
        List<String> problems = service.testCompatibility(subject(ctx), ctx.pathParam("version"), schemaText(ctx));
        JsonObject result = new JsonObject().put("is_compatible", problems.isEmpty());
        if (flag(ctx, "verbose")) {
            result.put("messages", new JsonArray(problems));
        }
        return result;
    }

    private Object subjectLevel(RoutingContext ctx) {
        String subject = subject(ctx);
        Optional<CompatibilityLevel> level = service.subjectLevel(subject);
        if (level.isEmpty() && flag(ctx, "defaultToGlobal")) {
            return levelJson(service.globalLevel());
        }
        return levelJson(level.orElseThrow(() -> RegistryException.subjectConfigNotFound(subject)));
    }

    private Object setLevel(RoutingContext ctx, String subjectOrNull) {
        Object requested = jsonBody(ctx).getValue("compatibility");
        CompatibilityLevel level = CompatibilityLevel.parse(requested instanceof String ? (String) requested : null);
        service.setLevel(subjectOrNull, level);
        return new JsonObject().put("compatibility", level.name());
    }

    private Handler<RoutingContext> onEventLoop(Action action) {
        return ctx -> {
            Object result;
            try {
                result = action.apply(ctx);
            } catch (RuntimeException e) {
                fail(ctx, e);
                return;
            }
            ok(ctx, result);
        };
    }

    /** For writes: they wait for Kafka, which must never happen on the event loop. */
    private Handler<RoutingContext> onWorker(Action action) {
        return ctx -> vertx.executeBlocking(() -> action.apply(ctx), false).onComplete(done -> {
            if (done.succeeded()) {
                ok(ctx, done.result());
            } else {
                fail(ctx, done.cause());
            }
        });
    }

    private static void ok(RoutingContext ctx, Object result) {
        String body = result instanceof String ? (String) result : result.toString();
        respond(ctx, 200, body);
    }

    private static void fail(RoutingContext ctx, Throwable failure) {
        if (failure instanceof RegistryException e) {
            error(ctx, e.httpStatus(), e.errorCode(), e.getMessage());
        } else {
            log.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
            error(ctx, 500, 500, "Internal Server Error: " + failure);
        }
    }

    private static void routingError(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status == 500 && ctx.failure() != null) {
            log.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
        }
        error(ctx, status, status, "HTTP " + status + " " + reasonPhrase(status));
    }

    private static String reasonPhrase(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 413: return "Payload Too Large";
            default: return "Internal Server Error";
        }
    }

    private static void error(RoutingContext ctx, int status, int errorCode, String message) {
        respond(ctx, status, new JsonObject().put("error_code", errorCode).put("message", message).encode());
    }

    private static void respond(RoutingContext ctx, int status, String body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(body);
    }

    private static void checkContentType(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || ACCEPTED_TYPES.contains(type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
            ctx.next();
        } else {
            error(ctx, 415, 415, "HTTP 415 Unsupported Media Type: " + type);
        }
    }

    private static String subject(RoutingContext ctx) {
        return ctx.pathParam("subject");
    }

    private static int schemaId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("Schema " + id + " not found");
        }
    }

    private static boolean flag(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return !values.isEmpty() && Boolean.parseBoolean(values.get(0));
    }

    /** The Avro text of a {@code {"schema": ..., "schemaType": ...}} body; only AVRO without references. */
    private static String schemaText(RoutingContext ctx) {
        JsonObject body = jsonBody(ctx);
        Object type = body.getValue("schemaType");
        if (type != null && !"AVRO".equals(type)) {
            throw RegistryException.invalidSchema("Invalid schema type " + type + ": this registry supports AVRO only");
        }
        Object references = body.getValue("references");
        if (references instanceof JsonArray && !((JsonArray) references).isEmpty()) {
            throw RegistryException.invalidSchema("Schema references are not supported by this registry");
        }
        Object schema = body.getValue("schema");
        if (!(schema instanceof String)) {
            throw RegistryException.invalidSchema("Invalid schema: the request has no \"schema\" string");
        }
        return (String) schema;
    }

    private static JsonObject jsonBody(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        if (body == null || body.length() == 0) {
            throw RegistryException.badRequest("The request body is empty");
        }
        try {
            return new JsonObject(body);
        } catch (RuntimeException e) {
            throw RegistryException.badRequest("The request body is not a JSON object: " + e.getMessage());
        }
    }

    private static JsonObject versionJson(RegisteredSchema schema) {
        return new JsonObject()
                .put("subject", schema.subject())
                .put("version", schema.version())
                .put("id", schema.id())
                .put("schema", schema.schema());
    }

    private static JsonObject levelJson(CompatibilityLevel level) {
        return new JsonObject().put("compatibilityLevel", level.name());
    }
}
