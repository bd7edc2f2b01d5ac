package dev.parley.standalone.cluster;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.ingest.IngestMain;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.kafka.EmbeddedKafkaCluster;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.postprocess.PostprocessMain;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.config.WorkerGroup;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.WorkerMain;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parley as a cluster on this machine, for fail-over tests and the chaos benchmark: three Kafka brokers and a
 * controller, the schema registry and the LLM simulator in this JVM; every service a JVM of its own (gateways,
 * workers, postprocess instances), on free ports with its own state directory and log file, that can be killed
 * with SIGKILL and started again. Topics are created first (replication 3, min.insync.replicas 2), so the services
 * find them at start.
 *
 * <p>Fail-over is tuned the way an operator would: workers and postprocess instances leave their groups 2.5 s
 * after their last heartbeat ({@code PARLEY_WORKER_SESSION_TIMEOUT_MS}, {@code PARLEY_KAFKA_SESSION_TIMEOUT_MS}),
 * which the brokers allow ({@code group.min.session.timeout.ms} is 1 s here, 6 s by default).
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);
    /** Small JVMs: two cores are shared by everything here. */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Xss512k");
    public static final Duration START = Duration.ofSeconds(180);
    public static final String WORKER_SESSION_TIMEOUT_MS = "2500";
    public static final String POSTPROCESS_SESSION_TIMEOUT_MS = "2500";
    private static final String WORKER_GROUP = "parley-workers";

    /**
     * What to run.
     *
     * @param extraEnv settings every service gets on top of the harness's (e.g. {@code PARLEY_EMBEDDINGS})
     */
    public record Settings(int gateways, int workers, int postprocessors, int partitions, Map<String, String> extraEnv) {

        /**
         * Two of each service, six partitions; postprocess embeds through the harness's {@link HashEmbeddings} (the
         * ONNX model would take both cores), so search works.
         */
        public static Settings pairs() {
            return new Settings(2, 2, 2, Topics.DEFAULT_PARTITIONS, Map.of());
        }
    }

    private final Path dir;
    private final EmbeddedKafkaCluster kafka;
    private final int registryPort;
    private final Vertx vertx;
    private final LlmSimulator simulator;
    private final HashEmbeddings embeddings;
    private int partitions;
    private final List<ServiceProcess> gateways = new ArrayList<>();
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> postprocessors = new ArrayList<>();
    private volatile SchemaRegistry registry;

    private LocalCluster(Path dir, EmbeddedKafkaCluster kafka, SchemaRegistry registry, Vertx vertx,
                         LlmSimulator simulator, HashEmbeddings embeddings) {
        this.dir = dir;
        this.kafka = kafka;
        this.registry = registry;
        this.registryPort = registry.port();
        this.vertx = vertx;
        this.simulator = simulator;
        this.embeddings = embeddings;
    }

    /** Starts everything and waits until every gateway is ready and every worker holds partitions. */
    public static LocalCluster start(Path dir, Settings settings) {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(3, Map.of("group.min.session.timeout.ms", "1000"));
        LocalCluster cluster = null;
        Vertx vertx = null;
        try {
            Files.createDirectories(dir);
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                Topics.all(settings.partitions()));
            SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), freePort());
            vertx = Vertx.vertx();
            LlmSimulator simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults());
            cluster = new LocalCluster(dir, kafka, registry, vertx, simulator, HashEmbeddings.start(vertx));
            cluster.launch(settings);
            return cluster;
        } catch (IOException e) {
            kafka.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            } else {
                if (vertx != null) {
                    vertx.close();
                }
                kafka.close();
            }
            throw e;
        }
    }

    private void launch(Settings settings) throws IOException {
        partitions = settings.partitions();
        String classpath = classpath();
        List<Integer> postprocessPorts = new ArrayList<>();
        for (int i = 0; i < settings.postprocessors(); i++) {
            postprocessPorts.add(freePort());
        }
        for (int i = 0; i < settings.postprocessors(); i++) {
            Map<String, String> env = common(settings);
            int port = postprocessPorts.get(i);
            Path state = Files.createDirectories(dir.resolve("postprocess-" + i));
            env.put(PostprocessConfig.PORT, String.valueOf(port));
            env.put(PostprocessConfig.HOST, "localhost");
            env.put(PostprocessConfig.STATE_DIR, state.toString());
            env.put(PostprocessConfig.INSTANCE_ID, "postprocess-" + i);
            env.put(PostprocessConfig.EMBEDDINGS, "openai");
            env.put(PostprocessConfig.EMBEDDINGS_URL, embeddings.baseUrl());
            env.put(PostprocessConfig.EMBEDDINGS_MODEL, HashEmbeddings.MODEL);
            env.put(Env.KAFKA_PREFIX + "SESSION_TIMEOUT_MS", POSTPROCESS_SESSION_TIMEOUT_MS);
            env.put(Env.KAFKA_PREFIX + "HEARTBEAT_INTERVAL_MS", "500");
            postprocessors.add(service("postprocess-" + i, PostprocessMain.class.getName(), env, classpath,
                URI.create("http://localhost:" + port + "/health")));
        }
        for (int i = 0; i < settings.workers(); i++) {
            Map<String, String> env = common(settings);
            env.put(WorkerConfig.WORKER_ID, "worker-" + i);
            env.put("PARLEY_LLM_URL", simulator.baseUrl());
            env.put(WorkerConfig.METRICS_PORT, String.valueOf(freePort()));
            env.put(WorkerConfig.SESSION_TIMEOUT_MS, WORKER_SESSION_TIMEOUT_MS);
            workers.add(service("worker-" + i, WorkerMain.class.getName(), env, classpath, null));
        }
        for (int i = 0; i < settings.gateways(); i++) {
            Map<String, String> env = common(settings);
            int port = freePort();
            env.put(IngestConfig.HTTP_PORT, String.valueOf(port));
            env.put(IngestConfig.METRICS_PORT, String.valueOf(freePort()));
            // on loopback, like the tests that drive it; the gateway's own default is API keys
            env.putIfAbsent(AuthConfig.MODE, "none");
            // each gateway asks its own postprocess instance (a load balancer would pick any live one)
            int postprocess = postprocessPorts.isEmpty() ? freePort() : postprocessPorts.get(i % postprocessPorts.size());
            env.put(IngestConfig.POSTPROCESS_URL, "http://localhost:" + postprocess);
            gateways.add(service("gateway-" + i, IngestMain.class.getName(), env, classpath,
                URI.create("http://localhost:" + port + "/health/ready")));
        }
        all().forEach(ServiceProcess::start);
        all().forEach(service -> service.awaitReady(START));
        awaitWorkers(settings.workers(), START);
        log.info("Local cluster up in {}: Kafka {}, registry {}, simulator {}, {}", dir, kafka.bootstrapServers(),
            registryUrl(), simulator.baseUrl(), all());
    }

    private Map<String, String> common(Settings settings) {
        Map<String, String> env = new HashMap<>();
        env.put(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        env.put(Env.REGISTRY_URL, registryUrl());
        env.put(WorkerGroup.KEY, WORKER_GROUP);
        env.putAll(settings.extraEnv());
        return env;
    }

    private ServiceProcess service(String name, String mainClass, Map<String, String> env, String classpath,
                                   URI readyUrl) {
        return new ServiceProcess(name, mainClass, env, JVM_OPTIONS, classpath, dir.resolve(name + ".log"),
            readyUrl);
    }

    public List<ServiceProcess> gateways() {
        return List.copyOf(gateways);
    }

    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    public List<ServiceProcess> postprocessors() {
        return List.copyOf(postprocessors);
    }

    /** Every service process: postprocess instances, workers, gateways. */
    public List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(postprocessors);
        all.addAll(workers);
        all.addAll(gateways);
        return all;
    }

    /** A client of each gateway, in order. */
    public List<ParleyHttp> gatewayClients() {
        return gateways.stream().map(g -> new ParleyHttp("http://localhost:" + g.env().get(IngestConfig.HTTP_PORT)))
            .toList();
    }

    /** The query API of postprocess instance {@code index}. */
    public String postprocessUrl(int index) {
        return "http://localhost:" + postprocessors.get(index).env().get(PostprocessConfig.PORT);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return "http://localhost:" + registryPort;
    }

    public String workerGroup() {
        return WORKER_GROUP;
    }

    /** Starts a service again (after a kill) and waits until it is ready; workers until they hold partitions. */
    public void restart(ServiceProcess service) {
        service.start();
        service.awaitReady(START);
        if (workers.contains(service)) {
            awaitWorkers((int) workers.stream().filter(ServiceProcess::isAlive).count(), START);
        }
    }

    /** Stops broker {@code index} (0 to 2) with a controlled shutdown; its data stays for {@link #startBroker}. */
    public void stopBroker(int index) {
        kafka.stopBroker(index);
    }

    /** Starts broker {@code index} again on its port and data; returns once clients see it. */
    public void startBroker(int index) {
        kafka.startBroker(index);
    }

    /** Stops the schema registry: its port stops answering, as when its host goes away. */
    public void stopRegistry() {
        SchemaRegistry current = registry;
        registry = null;
        if (current != null) {
            current.close();
        }
    }

    /** Starts the schema registry again on the same port, from its {@code _schemas} topic. */
    public void startRegistry() {
        if (registry == null) {
            registry = SchemaRegistry.start(kafka.bootstrapServers(), registryPort);
        }
    }

    /**
     * Waits until the worker group has {@code count} members that all hold ledger partitions.
     *
     * @throws IllegalStateException with the workers' logs when it does not happen in time
     */
    public void awaitWorkers(int count, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            while (true) {
                List<MemberDescription> members = workerMembers(admin);
                if (members.size() == count && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the worker group has " + members + ", not " + count
                        + " members holding partitions, after " + atMost + "\n" + logTails(workers, 40));
                }
                ServiceProcess.pause(200);
            }
        }
    }

    private List<MemberDescription> workerMembers(Admin admin) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(WORKER_GROUP)).all()
                .get(10, TimeUnit.SECONDS).get(WORKER_GROUP);
            return List.copyOf(group.members());
        } catch (Exception notYet) {
            return List.of();
        }
    }

    /** The worker that holds ledger partition {@code partition} now, or null while none does. */
    public ServiceProcess workerOwning(int partition) {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            for (MemberDescription member : workerMembers(admin)) {
                boolean owns = member.assignment().topicPartitions().stream()
                    .anyMatch(tp -> tp.topic().equals(Topics.LEDGER.name()) && tp.partition() == partition);
                if (owns) {
                    return workers.stream().filter(w -> member.clientId().equals("parley-worker-"
                        + w.env().get(WorkerConfig.WORKER_ID))).findFirst().orElse(null);
                }
            }
            return null;
        }
    }

    /** The ledger partition of a session, as the gateway picks it. */
    public int partitionOf(String sessionId) {
        return TopicLayout.partitionFor(sessionId, partitions);
    }

    /** The end of every service's log, for a failure message. */
    public String logTails(int lines) {
        return logTails(all(), lines);
    }

    private static String logTails(List<ServiceProcess> services, int lines) {
        return services.stream().map(s -> "--- " + s + ", " + s.log() + ":\n" + s.logTail(lines))
            .collect(Collectors.joining("\n"));
    }

    /** The Parley threads' stacks of every running worker, for a failure message. */
    public String workerThreadDumps() {
        return workers().stream().map(w -> "--- threads of " + w + ":\n" + w.threadDump())
            .collect(Collectors.joining("\n"));
    }

    /** The ERROR lines of every service's log, by service. */
    public Map<String, List<String>> errors() {
        Map<String, List<String>> errors = new HashMap<>();
        for (ServiceProcess service : all()) {
            List<String> lines = service.errors();
            if (!lines.isEmpty()) {
                errors.put(service.name(), lines);
            }
        }
        return errors;
    }

    /** Kills every service, then stops the registry, the simulator and Kafka. */
    @Override
    public void close() {
        all().forEach(ServiceProcess::kill);
        stopRegistry();
        embeddings.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        kafka.close();
    }

    /**
     * The classpath this code runs with, for the services' JVMs: the class loader's URLs under {@code mvn
     * exec:java}, the test classpath under Surefire/Failsafe (whose {@code java.class.path} may be a manifest-only
     * jar), else {@code java.class.path}.
     */
    static String classpath() {
        ClassLoader loader = LocalCluster.class.getClassLoader();
        if (loader instanceof URLClassLoader urls && urls.getURLs().length > 0) {
            return Arrays.stream(urls.getURLs()).map(LocalCluster::path)
                .collect(Collectors.joining(java.io.File.pathSeparator));
        }
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static String path(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (Exception e) {
            return url.getPath();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
