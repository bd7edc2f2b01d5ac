package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.standalone.client.LedgerAudit;
import dev.parley.standalone.client.SessionDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of the all-in-one process: concurrent sessions post turns back to back with SSE watchers while
 * {@code ./parley start} is SIGKILLed mid-stream and started again on the same data directory, several times. Then
 * the ledger is audited with read_committed and compared with what every client saw.
 */
@DisplayName("./parley start killed with SIGKILL mid-stream and restarted: every accepted turn ends exactly once, "
    + "and clients see exactly the ledger's replies")
class CrashRecoveryIT {

    private static final int SESSIONS = 6;
    private static final int KILLS = 3;
    private static final Duration START = Duration.ofSeconds(180);
    /** Long enough that a kill usually lands mid-stream, short enough that many turns end between kills. */
    private static final String PROMPT = "tell me more\n#sim: tokens=30 itl_ms=20";
    /**
     * The embedded broker's own threads (controller, coordinators, raft, request handlers, log maintenance): what they
     * log is Kafka's, not Parley's, and on a starved CPU they log ERRORs Parley cannot act on (a controller queue
     * overloaded, a coordinator load stopped by a leader-epoch bump and redone). The audit judges the outcome; every
     * ERROR of any other thread — Parley's own, and its Kafka clients' — fails the test.
     */
    private static final Pattern BROKER_THREAD = Pattern.compile(" ERROR \\[(quorum-controller-|group-coordinator-"
        + "|transaction-coordinator-|share-coordinator-|kafka-raft-|raft-|data-plane-kafka-|controller-|broker-\\d"
        + "|kafka-scheduler-|ReplicaFetcherThread|LogCleaner|ExpirationReaper)[^\\]]*\\] (o\\.a\\.k\\.|kafka\\.)");

    @Test
    @DisplayName("three SIGKILLs under six streaming sessions: one terminal event per accepted turn, no duplicate "
        + "turn from a retried POST, streamed text equals ledger text, no gap or duplicate in any resumed stream")
    void killedAndRestarted(@TempDir Path dataDir) throws Exception {
        // embeddings off: the ONNX model would take both cores during every catch-up
        ParleyProcess parley = new ParleyProcess(dataDir, Map.of("PARLEY_EMBEDDINGS", "none"));
        Random random = new Random(42);
        List<String> measurements = new ArrayList<>();
        parley.start(dataDir.resolve("run-0.log"));
        try {
            parley.awaitReady(START);
            List<SessionDriver> drivers = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                drivers.add(new SessionDriver(List.of(parley.api), 0, parley.api.createSession(), PROMPT,
                    Integer.MAX_VALUE));
            }
            drivers.forEach(SessionDriver::start);

            for (int kill = 1; kill <= KILLS; kill++) {
                int before = completed(drivers);
                await().atMost(Duration.ofSeconds(120)).until(() -> completed(drivers) >= before + SESSIONS);
                Thread.sleep(random.nextInt(800)); // the kill's moment, not an outcome: anywhere in a reply
                parley.kill();

                long restarted = System.nanoTime();
                parley.start(dataDir.resolve("run-" + kill + ".log"));
                parley.awaitReady(START);
                long ready = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).until(() -> drivers.stream()
                    .anyMatch(driver -> driver.firstAfter(restarted, "token") > 0));
                long firstToken = drivers.stream().mapToLong(driver -> driver.firstAfter(restarted, "token"))
                    .filter(at -> at > 0).min().orElseThrow();
                measurements.add(String.format("kill %d: ready %d ms after the restart, first token %d ms after it",
                    kill, TimeUnit.NANOSECONDS.toMillis(ready - restarted),
                    TimeUnit.NANOSECONDS.toMillis(firstToken - restarted)));
            }
            int afterKills = completed(drivers);
            await().atMost(Duration.ofSeconds(120)).until(() -> completed(drivers) >= afterKills + SESSIONS);
            drivers.forEach(SessionDriver::stop);
            for (SessionDriver driver : drivers) {
                driver.join();
            }

            LedgerAudit.Report report = LedgerAudit.audit(parley.bootstrapServers(), parley.registryUrl(), drivers);
            assertTrue(report.clean(), () -> report.describe(20) + diagnosis(report, drivers, parley, dataDir));
            measurements.add(report.ledgerTurns() + " turns in " + SESSIONS + " sessions audited");
            Files.write(Path.of("target", "crash-recovery.txt"), measurements);
            measurements.forEach(line -> System.out.println("crash-recovery: " + line));

            parley.interrupt();
            assertTrue(parley.process().waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nAfter: " + measurements + "\nTransactions: "
                + transactions(parley) + "\nThe log of the current run ends:\n" + parley.logTail(), e);
        } finally {
            parley.process().destroyForcibly();
        }
        for (int run = 0; run <= KILLS; run++) {
            Path log = dataDir.resolve("run-" + run + ".log");
            List<String> errors = Files.readAllLines(log).stream().filter(line -> line.contains(" ERROR "))
                .filter(line -> !BROKER_THREAD.matcher(line).find()).toList();
            assertEquals(List.of(), errors, "recovering from a kill is expected, not an error (" + log + ")");
        }
    }

    /** The broker's transactions and their states, for a failure message. */
    private static String transactions(ParleyProcess parley) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", parley.bootstrapServers()))) {
            List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .map(org.apache.kafka.clients.admin.TransactionListing::transactionalId).toList();
            return admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "(could not describe them: " + e + ")";
        }
    }

    private static int completed(List<SessionDriver> drivers) {
        return drivers.stream().mapToInt(SessionDriver::completed).sum();
    }

    /** The diagnosis of the first turn a problem names, for a failure message. */
    private static String diagnosis(LedgerAudit.Report report, List<SessionDriver> drivers, ParleyProcess parley,
                                    Path dataDir) {
        for (LedgerAudit.Problem problem : report.problems()) {
            for (SessionDriver driver : drivers) {
                if (problem.turnId() != null && driver.session().equals(problem.session())) {
                    return TurnDiagnosis.of(problem.turnId(), parley, driver.everything(), driver.connectionLog(),
                        dataDir);
                }
            }
        }
        return "";
    }
}
