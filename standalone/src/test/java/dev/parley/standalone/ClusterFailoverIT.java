package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.DeadLetter;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.LedgerAudit;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SessionDriver;
import dev.parley.standalone.client.TopicReader;
import dev.parley.standalone.cluster.LocalCluster;
import dev.parley.standalone.cluster.ServiceProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over across processes: Parley as a cluster ({@link LocalCluster}: three brokers, two gateways, two workers,
 * two postprocess instances, each service its own JVM). One cluster serves the scenarios in order; each puts a short
 * streaming load on it, breaks one thing (kill -9 of a service, a broker stopped, the registry gone) and then audits
 * the ledger (read_committed) against what every client saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Parley as a cluster of processes: kill -9 a worker, a gateway, a postprocess instance, stop a broker, "
    + "lose the registry — every accepted turn ends exactly once and clients miss nothing")
class ClusterFailoverIT {

    private static final int SESSIONS = 6;
    /** About 1.5 s per reply: a kill lands mid-stream. */
    private static final String LONG = "tell me more\n#sim: tokens=60 itl_ms=25";
    private static final String SHORT = "and then?\n#sim: tokens=30 itl_ms=20";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalCluster cluster;
    private final List<String> measurements = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) {
        long started = System.nanoTime();
        cluster = LocalCluster.start(dir, LocalCluster.Settings.pairs());
        measure("cluster started in %d ms", millisSince(started));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            Map<String, List<String>> errors = cluster == null ? Map.of() : cluster.errors();
            errors.forEach((service, lines) -> measure("%s logged %d ERROR line(s), the first: %s", service,
                lines.size(), lines.get(0)));
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "cluster-failover.txt"), measurements);
            measurements.forEach(line -> System.out.println("cluster-failover: " + line));
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    @DisplayName("kill -9 a worker mid-stream: its turns continue on the other worker as the next attempt, watchers "
        + "get reset and the whole new reply (the time from the kill to the first new token is measured)")
    void workerKilled() throws Exception {
        Load load = new Load(LONG);
        load.awaitEach(1);
        // kill while the first session's turn streams, early in its 60 tokens: its worker is then mid-stream for sure
        SessionDriver first = load.drivers.get(0);
        ServiceProcess victim = cluster.workerOwning(cluster.partitionOf(first.session()));
        assertNotNull(victim, "a worker owns the first session's partition");
        await().atMost(WAIT).until(() -> first.currentTurnTokens() >= 1 && first.currentTurnTokens() <= 20);
        long killed = killWhileStreaming(victim, load);

        List<Long> firstTokens = new ArrayList<>();
        List<Long> resets = new ArrayList<>();
        for (SessionDriver driver : load.drivers) {
            long reset = driver.firstAfter(killed, "reset");
            if (reset > 0) {
                resets.add(TimeUnit.NANOSECONDS.toMillis(reset - killed));
                firstTokens.add(TimeUnit.NANOSECONDS.toMillis(driver.firstTokenAfter(killed, attempt -> attempt > 1)
                    - killed));
            }
        }
        assertFalse(firstTokens.isEmpty(), "the killed worker was streaming: some turn got a new attempt");
        measure("worker kill -9: %d turn(s) regenerated; kill → reset %s ms, kill → first token of the new attempt %s ms",
            firstTokens.size(), resets, firstTokens);
    }

    @Test
    @Order(2)
    @DisplayName("kill -9 a gateway: its SSE clients resume on the other one with Last-Event-ID and miss nothing")
    void gatewayKilled() throws Exception {
        Load load = new Load(LONG);
        load.awaitEach(1);
        ServiceProcess victim = cluster.gateways().get(0);
        List<SessionDriver> affected = load.drivers.stream().filter(d -> d.gateway() == 0).toList();
        assertFalse(affected.isEmpty());
        long killed = killWhileStreaming(victim, load);

        List<Long> resumed = new ArrayList<>();
        for (SessionDriver driver : affected) {
            resumed.add(TimeUnit.NANOSECONDS.toMillis(driver.firstAfter(killed, "token") - killed));
            assertTrue(driver.connectionLog().contains("gateway 1 Last-Event-ID"), driver.connectionLog());
        }
        measure("gateway kill -9: %d client(s) resumed on the other gateway; kill → first token there %s ms",
            affected.size(), resumed);
    }

    @Test
    @Order(3)
    @DisplayName("kill -9 a postprocess instance: the other takes over its partitions, restores the state, and "
        + "snapshots and search keep answering")
    void postprocessKilled() throws Exception {
        Load load = new Load(SHORT);
        load.awaitEach(2);
        ServiceProcess victim = cluster.postprocessors().get(0);
        Map<String, Integer> before = new HashMap<>();
        for (SessionDriver driver : load.drivers) {
            before.put(driver.session(), driver.completed());
        }
        long killed = System.nanoTime();
        victim.kill();
        try {
            // the survivor takes the dead instance's partitions over (a rebalance: 503 meanwhile), restores their
            // state, and answers every session's view and search through the gateway that asks it
            ParleyHttp gateway = cluster.gatewayClients().get(1);
            String survivor = cluster.postprocessUrl(1);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> load.drivers.stream()
                .allMatch(d -> answers(gateway, d.session()) && turnCount(survivor, d.session()) >= before.get(d.session())));
            long takeover = millisSince(killed);
            load.awaitMore(1);
            load.finishAndAudit();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> load.drivers.stream()
                .allMatch(d -> answers(gateway, d.session())));
            measure("postprocess kill -9: every session's view and search answered through the survivor %d ms after "
                + "the kill, with the turns that had ended before it", takeover);
        } finally {
            cluster.restart(victim);
        }
    }

    /**
     * Kills {@code victim} with SIGKILL, lets every session end two more turns, audits, and starts the victim again
     * (also when the audit fails, so the next scenario has the whole cluster); returns when it was killed.
     */
    private long killWhileStreaming(ServiceProcess victim, Load load) throws InterruptedException {
        long killed = System.nanoTime();
        victim.kill();
        try {
            load.awaitMore(2);
            load.finishAndAudit();
        } finally {
            cluster.restart(victim);
        }
        return killed;
    }

    /** True when the gateway answers the session's view and a search in it with 200. */
    private static boolean answers(ParleyHttp gateway, String session) {
        try {
            return gateway.send("GET", "/v1/sessions/" + session, null).statusCode() == 200
                && gateway.send("GET", "/v1/sessions/" + session + "/search?q="
                    + URLEncoder.encode("tell me more", StandardCharsets.UTF_8), null).statusCode() == 200;
        } catch (Exception notNow) {
            return false;
        }
    }

    @Test
    @Order(4)
    @DisplayName("stop a broker under load and bring it back: no acknowledged turn lost, no duplicate terminal event")
    void brokerRestarted() throws Exception {
        Load load = new Load(SHORT);
        load.awaitEach(1);
        long stopping = System.nanoTime();
        cluster.stopBroker(1);
        long stopped = System.nanoTime();
        int atStop = load.completed();
        long starting;
        int whileDown;
        try {
            load.awaitMore(2);
        } finally {
            whileDown = load.completed() - atStop;
            starting = System.nanoTime();
            cluster.startBroker(1);
        }
        long started = System.nanoTime();
        load.awaitMore(2);
        load.finishAndAudit();
        measure("broker stop (controlled shutdown) %d ms, %d turns ended while it was down, start %d ms",
            TimeUnit.NANOSECONDS.toMillis(stopped - stopping), whileDown,
            TimeUnit.NANOSECONDS.toMillis(started - starting));
    }

    @Test
    @Order(5)
    @DisplayName("the schema registry unreachable for 30 s, a worker and a postprocess instance restarted meanwhile: "
        + "nothing dead-lettered, processing resumes when it returns, snapshots hold every turn")
    void registryOutage() throws Exception {
        Load load = new Load(SHORT);
        load.awaitEach(1);
        ServiceProcess worker = cluster.workers().get(1);
        ServiceProcess postprocess = cluster.postprocessors().get(1);
        long down = System.nanoTime();
        cluster.stopRegistry();
        // cold processes: no schema cached, so they need the registry for every record they read
        worker.kill();
        postprocess.kill();
        worker.start();
        postprocess.start();
        int atOutage = load.completed();
        Thread.sleep(30_000); // the outage's length, not a wait for an outcome
        int duringOutage = load.completed() - atOutage;
        cluster.startRegistry();
        long back = System.nanoTime();
        postprocess.awaitReady(LocalCluster.START);
        cluster.awaitWorkers(2, LocalCluster.START);
        load.awaitMore(2);
        long resumed = millisSince(back);
        load.finishAndAudit();

        List<TopicReader.Logged<DeadLetter>> letters = TopicReader.readAll(cluster.bootstrapServers(),
            cluster.registryUrl(), Topics.DLQ, "read_committed");
        assertEquals(List.of(), letters.stream().map(l -> l.value().getConsumer() + ": " + l.value().getReason())
            .toList(), "no consumer dead-lettered a record it could decode");
        // every accepted turn reached the snapshots (before the fix a cold postprocess dead-lettered them)
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> load.drivers.stream()
            .allMatch(d -> turnCount(cluster.postprocessUrl(1), d.session()) == d.accepted().size()));
        measure("registry outage %d s: %d turns ended during it (warm processes need no registry), the restarted "
                + "worker and postprocess caught up %d ms after it returned; 0 dead letters",
            TimeUnit.NANOSECONDS.toSeconds(back - down), duringOutage, resumed);
    }

    /** The session's turn count in postprocess instance {@code url}'s snapshot, or -1 while it cannot answer. */
    private static int turnCount(String url, String session) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/sessions/" + session)).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return -1;
            }
            JsonNode body = ParleyHttp.JSON.readTree(answer.body());
            return body.path("turnCount").asInt(-1);
        } catch (Exception notNow) {
            return -1;
        }
    }

    private void measure(String format, Object... args) {
        measurements.add(String.format(format, args));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** {@link #SESSIONS} sessions spread over the gateways, each posting turns back to back with an SSE watcher. */
    private final class Load {

        final List<SessionDriver> drivers = new ArrayList<>();

        Load(String prompt) throws Exception {
            List<ParleyHttp> gateways = cluster.gatewayClients();
            for (int i = 0; i < SESSIONS; i++) {
                drivers.add(new SessionDriver(gateways, i, SessionDriver.createSession(gateways, i), prompt,
                    Integer.MAX_VALUE));
            }
            drivers.forEach(SessionDriver::start);
        }

        int completed() {
            return drivers.stream().mapToInt(SessionDriver::completed).sum();
        }

        void awaitEach(int turns) {
            await().atMost(WAIT).until(() -> drivers.stream().allMatch(d -> d.completed() >= turns || d.finished()));
        }

        /** Until every session has ended {@code turns} more turns than now. */
        void awaitMore(int turns) {
            Map<SessionDriver, Integer> now = drivers.stream().collect(Collectors.toMap(d -> d, SessionDriver::completed));
            try {
                await().atMost(WAIT).until(() -> drivers.stream()
                    .allMatch(d -> d.completed() >= now.get(d) + turns || d.finished()));
            } catch (ConditionTimeoutException stalled) {
                StringBuilder why = new StringBuilder("sessions that did not end " + turns + " more turn(s) within "
                    + WAIT.toSeconds() + " s:");
                for (SessionDriver driver : drivers) {
                    if (driver.completed() < now.get(driver) + turns && !driver.finished()) {
                        List<String> accepted = List.copyOf(driver.accepted().values());
                        String waiting = accepted.isEmpty() ? null : accepted.get(accepted.size() - 1);
                        why.append("\nsession ").append(driver.session()).append(" (partition ")
                            .append(cluster.partitionOf(driver.session())).append(", gateway ").append(driver.gateway())
                            .append("): ").append(driver.completed()).append(" ended, ").append(accepted.size())
                            .append(" accepted, waiting for ").append(waiting).append("; ").append(driver.connectionLog());
                        if (waiting != null) {
                            List<Path> logs = cluster.all().stream().map(ServiceProcess::log).toList();
                            why.append(TurnDiagnosis.of(waiting, cluster.bootstrapServers(), cluster.registryUrl(),
                                driver.everything(), driver.connectionLog(), logs));
                        }
                    }
                }
                throw new AssertionError(why + "\n" + cluster.workerThreadDumps() + "\n" + cluster.logTails(60),
                    stalled);
            }
        }

        void finishAndAudit() throws InterruptedException {
            drivers.forEach(SessionDriver::stop);
            for (SessionDriver driver : drivers) {
                driver.join();
            }
            LedgerAudit.Report report = LedgerAudit.audit(cluster.bootstrapServers(), cluster.registryUrl(), drivers);
            measure("audit: %s", report.summary());
            assertTrue(report.clean(), () -> report.describe(20) + diagnosis(report) + "\n" + cluster.logTails(40));
        }

        private String diagnosis(LedgerAudit.Report report) {
            for (LedgerAudit.Problem problem : report.problems()) {
                for (SessionDriver driver : drivers) {
                    if (problem.turnId() != null && driver.session().equals(problem.session())) {
                        List<Path> logs = cluster.all().stream().map(ServiceProcess::log).toList();
                        return TurnDiagnosis.of(problem.turnId(), cluster.bootstrapServers(), cluster.registryUrl(),
                            driver.everything(), driver.connectionLog(), logs);
                    }
                }
            }
            return "";
        }
    }
}
