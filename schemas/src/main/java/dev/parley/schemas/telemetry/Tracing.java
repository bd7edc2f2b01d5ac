package dev.parley.schemas.telemetry;

import dev.parley.schemas.config.Env;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * W3C trace context across Parley's hops, and the OpenTelemetry spans of each: the gateway takes a request's
 * {@code traceparent} (or starts a trace), the UserTurn carries it as a Kafka header, the worker continues it in
 * its spans, its backend request and every token chunk and terminal event it writes. Propagation always works; spans
 * leave the process only when an OTLP endpoint is configured: OpenTelemetry's own {@value #OTEL_ENDPOINT} (OTLP over
 * HTTP, e.g. {@code http://collector:4318}; service name {@code OTEL_SERVICE_NAME}, default {@code parley}). One per JVM, like OpenTelemetry's own global: the services of {@code ./parley start}
 * share it.
 */
public final class Tracing {

    private static final Logger log = LoggerFactory.getLogger(Tracing.class);

    /** The W3C header, on HTTP requests and Kafka records alike. */
    public static final String TRACEPARENT = "traceparent";
    public static final String OTEL_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    /** The instrumentation scope of each service's spans. */
    public static final String GATEWAY = "parley-gateway";
    public static final String WORKER = "parley-worker";

    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static volatile OpenTelemetry installed;

    private Tracing() {
    }

    /** The process' OpenTelemetry: the one {@link #install}ed, else one configured from the environment. */
    public static OpenTelemetry openTelemetry() {
        OpenTelemetry current = installed;
        if (current == null) {
            synchronized (Tracing.class) {
                if (installed == null) {
                    installed = fromEnvironment(System.getenv());
                }
                current = installed;
            }
        }
        return current;
    }

    /** Uses {@code openTelemetry} from now on (e.g. an SDK with an in-memory exporter in a test). */
    public static synchronized void install(OpenTelemetry openTelemetry) {
        installed = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    public static Tracer tracer(String scope) {
        return openTelemetry().getTracer(scope);
    }

    /**
     * Spans are always made (sampled by the parent, else always), so trace ids flow and a test sees them; they are
     * exported by OTLP over HTTP only with an endpoint, batched on the SDK's own thread.
     */
    static OpenTelemetry fromEnvironment(Map<String, String> environment) {
        Env env = new Env(environment);
        String endpoint = env.string(OTEL_ENDPOINT, null);
        SdkTracerProviderBuilder tracers = SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                env.string("OTEL_SERVICE_NAME", "parley")))));
        if (endpoint != null) {
            String traces = endpoint.endsWith("/v1/traces") ? endpoint
                : endpoint.replaceAll("/+$", "") + "/v1/traces";
            tracers.addSpanProcessor(BatchSpanProcessor.builder(
                OtlpHttpSpanExporter.builder().setEndpoint(traces).build()).build());
            log.info("Traces exported by OTLP to {}", traces);
        } else {
            // without any processor the SDK makes no spans at all, and no trace context would flow
            tracers.addSpanProcessor(KEEP_NOTHING);
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracers.build())
            .setPropagators(ContextPropagators.create(PROPAGATOR)).build();
        Runtime.getRuntime().addShutdownHook(new Thread(sdk::close, "parley-tracing-shutdown"));
        return sdk;
    }

    /** The context a {@code traceparent} value names (the current one when it is null or not valid). */
    public static Context fromTraceparent(String traceparent) {
        return traceparent == null ? Context.root()
            : PROPAGATOR.extract(Context.root(), traceparent, SINGLE_VALUE);
    }

    /** The context the record's {@code traceparent} header names, or the root context without one. */
    public static Context extract(Headers headers) {
        return PROPAGATOR.extract(Context.root(), headers, KAFKA_HEADERS);
    }

    /** Adds the span's {@code traceparent} to a record's headers. */
    public static void inject(Context context, Headers headers) {
        PROPAGATOR.inject(context, headers, (carrier, key, value) ->
            carrier.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The {@code traceparent} of {@code span}, or null when it is not valid. */
    public static String traceparent(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        List<String> value = new ArrayList<>(1);
        PROPAGATOR.inject(Context.root().with(span), value, (carrier, key, v) -> {
            if (TRACEPARENT.equals(key)) {
                carrier.add(v);
            }
        });
        return value.isEmpty() ? null : value.get(0);
    }

    /** Takes part in nothing: spans are made, so their ids propagate, and dropped when they end. */
    private static final SpanProcessor KEEP_NOTHING = new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    private static final TextMapGetter<String> SINGLE_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private static final TextMapGetter<Headers> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            Header header = carrier.lastHeader(key);
            return header == null || header.value() == null ? null
                : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

}
