package dev.parley.bench;

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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Chaos: Parley as a cluster of processes ({@link LocalCluster}: three brokers, two gateways, two workers, two
 * postprocess instances) under a load of many sessions posting turns back to back with SSE watchers, while a
 * random worker, gateway or postprocess instance is killed with SIGKILL every few seconds (and started again once
 * its work has moved), and one broker is stopped and started. Then the audit: the ledger (read_committed) against
 * what every client was told and saw.
 */
final class ChaosScenario {

    private static final String PROMPT = "go on\n#sim: tokens=60 itl_ms=25";
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int turns;
    private final int sessions;
    private final long seed;
    private final Random random;

    /** One disruption: what, when (seconds into the run), and how long until its work went on elsewhere. */
    record Disruption(String what, double atSeconds, long recoveredMillis, String recovery) {
    }

    ChaosScenario(int turns, int sessions, long seed) {
        this.turns = turns;
        this.sessions = sessions;
        this.seed = seed;
        this.random = new Random(seed);
    }

    void run() throws Exception {
        Path dir = Files.createTempDirectory("parley-chaos-");
        long started = System.nanoTime();
        List<Disruption> disruptions = new ArrayList<>();
        LedgerAudit.Report audit;
        int deadLetters;
        long loadMillis;
        Map<String, Integer> errorLines = new LinkedHashMap<>();
        try (LocalCluster cluster = LocalCluster.start(dir, LocalCluster.Settings.pairs())) {
            long clusterMillis = millisSince(started);
            System.out.printf("Cluster up in %d ms (%s); %d turns over %d sessions%n", clusterMillis, dir, turns,
                sessions);
            List<ParleyHttp> gateways = cluster.gatewayClients();
            List<SessionDriver> drivers = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int share = turns / sessions + (i < turns % sessions ? 1 : 0);
                drivers.add(new SessionDriver(gateways, i, SessionDriver.createSession(gateways, i), PROMPT, share));
            }
            long loadStart = System.nanoTime();
            drivers.forEach(SessionDriver::start);
            boolean brokerRestarted = false;
            int kills = 0;
            while (!drivers.stream().allMatch(SessionDriver::finished)) {
                Thread.sleep(2_000 + random.nextInt(3_000)); // the next disruption's moment, not an outcome
                if (drivers.stream().allMatch(SessionDriver::finished)) {
                    break;
                }
                double at = secondsSince(loadStart);
                int done = drivers.stream().mapToInt(SessionDriver::completed).sum();
                if (!brokerRestarted && done >= turns / 2) {
                    brokerRestarted = true;
                    disruptions.add(restartBroker(cluster, drivers, at));
                    continue;
                }
                // every kind in turn, its victim and moment at random
                disruptions.add(switch (kills++ % 3) {
                    case 0 -> killWorker(cluster, drivers, at);
                    case 1 -> killGateway(cluster, drivers, at);
                    default -> killPostprocess(cluster, drivers, at);
                });
                System.out.println("chaos: " + disruptions.get(disruptions.size() - 1));
            }
            for (SessionDriver driver : drivers) {
                driver.join();
            }
            loadMillis = millisSince(loadStart);
            audit = LedgerAudit.audit(cluster.bootstrapServers(), cluster.registryUrl(), drivers);
            deadLetters = TopicReader.readAll(cluster.bootstrapServers(), cluster.registryUrl(), Topics.DLQ,
                "read_committed").size();
            cluster.errors().forEach((service, lines) -> errorLines.put(service, lines.size()));
            if (!audit.clean()) {
                System.out.println(audit.describe(30));
            }
        }
        report(disruptions, audit, deadLetters, loadMillis, errorLines);
    }

    /**
     * Kills a worker; recovered once every session still in its load has streamed a token since (the killed worker's
     * turns continue on the other: as their next attempt when they had streamed, else as their first).
     */
    private Disruption killWorker(LocalCluster cluster, List<SessionDriver> drivers, double at) {
        ServiceProcess victim = cluster.workers().get(random.nextInt(cluster.workers().size()));
        List<SessionDriver> running = drivers.stream().filter(d -> !d.finished()).toList();
        List<Integer> tokensAtKill = drivers.stream().map(SessionDriver::currentTurnTokens).toList();
        long killed = System.nanoTime();
        victim.kill();
        long recovered = until(() -> running.stream().allMatch(d -> d.finished() || d.firstAfter(killed, "token") > 0));
        long regenerated = drivers.stream().mapToLong(d -> d.firstTokenAfter(killed, a -> a > 1)).filter(t -> t > 0)
            .min().orElse(0);
        if (recovered >= RECOVERY_LIMIT.toMillis()) {
            System.out.println("chaos: not every session streamed within " + RECOVERY_LIMIT + " of the kill of "
                + victim.name() + "; each session: tokens of its turn at the kill (-1 between turns), then what it "
                + "received after the kill");
            for (int i = 0; i < drivers.size(); i++) {
                System.out.println("  " + drivers.get(i).session() + " " + tokensAtKill.get(i) + " | "
                    + afterKill(drivers.get(i), killed));
            }
        }
        cluster.restart(victim);
        String streaming = tokensAtKill.stream().anyMatch(tokens -> tokens > 0)
            ? "turns were streaming" : "no turn had streamed yet";
        return new Disruption("kill -9 " + victim.name(), at, recovered, "every session's next token ("
            + streaming + "; " + (regenerated > 0
                ? "first token of a regenerated attempt after " + TimeUnit.NANOSECONDS.toMillis(regenerated - killed)
                + " ms" : "no regenerated attempt") + ")");
    }

    /** What a session received after {@code killed}: each run of one event type and attempt, with when it began. */
    private static String afterKill(SessionDriver driver, long killed) {
        StringBuilder runs = new StringBuilder();
        String last = null;
        int count = 0;
        for (var event : driver.everything()) {
            if (event.receivedNanos() <= killed) {
                continue;
            }
            String key = event.type();
            try {
                key = event.type() + (event.type().equals("token")
                    ? "#" + ParleyHttp.JSON.readTree(event.data()).path("attempt").asText() : "");
            } catch (Exception notJson) {
                // keep the type alone
            }
            if (key.equals(last)) {
                count++;
                continue;
            }
            if (last != null) {
                runs.append(last).append(" x").append(count).append(", ");
            }
            runs.append("@").append(TimeUnit.NANOSECONDS.toMillis(event.receivedNanos() - killed)).append("ms ");
            last = key;
            count = 1;
        }
        return last == null ? "nothing" : runs.append(last).append(" x").append(count).toString();
    }

    /** Kills a gateway; recovered when every client that watched through it has an event from the other. */
    private Disruption killGateway(LocalCluster cluster, List<SessionDriver> drivers, double at) {
        int index = random.nextInt(cluster.gateways().size());
        ServiceProcess victim = cluster.gateways().get(index);
        List<SessionDriver> affected = drivers.stream().filter(d -> d.gateway() == index && !d.finished()).toList();
        long killed = System.nanoTime();
        victim.kill();
        long recovered = until(() -> affected.stream().allMatch(d -> d.finished()
            || d.firstAfter(killed, "token") > 0 && d.gateway() != index));
        cluster.restart(victim);
        return new Disruption("kill -9 " + victim.name(), at, recovered,
            affected.size() + " client(s) resumed on the other gateway (first token)");
    }

    /** Kills a postprocess instance; recovered when the other answers every session's snapshot. */
    private Disruption killPostprocess(LocalCluster cluster, List<SessionDriver> drivers, double at) {
        int index = random.nextInt(cluster.postprocessors().size());
        ServiceProcess victim = cluster.postprocessors().get(index);
        String survivor = cluster.postprocessUrl(1 - index);
        long killed = System.nanoTime();
        victim.kill();
        long recovered = until(() -> drivers.stream().allMatch(d -> snapshotAnswers(survivor, d.session())));
        cluster.restart(victim);
        return new Disruption("kill -9 " + victim.name(), at, recovered, "every session's snapshot answered by the other");
    }

    /** Stops a broker for a while; recovered when it is back and turns go on. */
    private Disruption restartBroker(LocalCluster cluster, List<SessionDriver> drivers, double at) throws Exception {
        int broker = random.nextInt(3);
        long stopping = System.nanoTime();
        cluster.stopBroker(broker);
        long stopped = System.nanoTime();
        int atStop = drivers.stream().mapToInt(SessionDriver::completed).sum();
        long stall = until(() -> drivers.stream().mapToInt(SessionDriver::completed).sum() > atStop
            || drivers.stream().allMatch(SessionDriver::finished));
        long down = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
        if (down < 5_000) {
            Thread.sleep(5_000 - down); // how long the broker stays down, not a wait for an outcome
        }
        int whileDown = drivers.stream().mapToInt(SessionDriver::completed).sum() - atStop;
        long starting = System.nanoTime();
        cluster.startBroker(broker);
        long start = millisSince(starting);
        Disruption restart = new Disruption("broker " + (broker + 1) + " stopped (controlled shutdown "
            + TimeUnit.NANOSECONDS.toMillis(stopped - stopping) + " ms), started again " + start + " ms", at,
            stall, whileDown + " turns ended while it was down; the value is from its stop to the next turn's end");
        System.out.println("chaos: " + restart);
        return restart;
    }

    /** Milliseconds until {@code condition} holds (checked every 50 ms), or the limit. */
    private static long until(BooleanSupplier condition) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean() && System.nanoTime() - start < RECOVERY_LIMIT.toNanos()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return millisSince(start);
    }

    private static boolean snapshotAnswers(String url, String session) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/sessions/" + session))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = ParleyHttp.JSON.readTree(answer.body());
            return answer.statusCode() == 200 && body.has("turnCount")
                || answer.statusCode() == 404 && body.path("error").path("code").asText().equals("session_not_found");
        } catch (Exception notNow) {
            return false;
        }
    }

    private void report(List<Disruption> disruptions, LedgerAudit.Report audit, int deadLetters, long loadMillis,
                        Map<String, Integer> errorLines) {
        Report report = new Report("chaos", "Chaos: kill -9 of workers, gateways and postprocess, a broker restart");
        report.paragraph(String.format("%d turns over %d sessions (each posting back to back, `%s`, an SSE watcher "
                + "resuming with Last-Event-ID on the other gateway), %d brokers, 2 gateways, 2 workers and 2 "
                + "postprocess instances, each service its own JVM (%s), on %d cores; %d disruptions, 2-5 s apart, "
                + "killing a worker, a gateway and a postprocess instance in turn (which one at random, seed %d), "
                + "each victim started again once its work had moved, and one broker restart halfway. The load "
                + "took %.1f s.",
            turns, sessions, PROMPT.replace("\n", " "), 3, String.join(" ", LocalCluster.JVM_OPTIONS),
            Runtime.getRuntime().availableProcessors(), disruptions.size(), seed, loadMillis / 1000.0));
        report.heading("## Audit (ledger read with read_committed against every client)");
        report.table("accepted", "in the ledger", "lost", "duplicate terminal events", "duplicate turns",
                "ended without a reply", "text mismatches", "client terminal mismatches", "resume gaps",
                "resume duplicates", "dead letters")
            .row(audit.accepted(), audit.ledgerTurns(), audit.lost(), audit.duplicateTerminals(),
                audit.duplicateTurns(), audit.notReplied(), audit.textMismatches(), audit.clientEndMismatches(),
                audit.resumeGaps(), audit.resumeDuplicates(), deadLetters)
            .end();
        if (!audit.clean()) {
            report.paragraph("Problems:\n\n```\n" + audit.describe(30) + "\n```");
        }
        report.heading("## Disruptions and time to recover");
        Report.Table table = report.table("at", "what", "recovered after", "measured to");
        for (Disruption d : disruptions) {
            table.row(String.format("%.1f s", d.atSeconds()), d.what(), Report.ms(d.recoveredMillis()), d.recovery());
        }
        table.end();
        report.paragraph("ERROR lines in the services' logs: " + (errorLines.isEmpty() ? "none" : errorLines) + ".");
        report.put("turns", turns);
        report.put("sessions", sessions);
        report.put("seed", seed);
        report.put("loadMillis", loadMillis);
        report.put("audit", audit.summary());
        report.put("accepted", audit.accepted());
        report.put("lost", audit.lost());
        report.put("duplicateTerminals", audit.duplicateTerminals());
        report.put("duplicateTurns", audit.duplicateTurns());
        report.put("textMismatches", audit.textMismatches());
        report.put("resumeGaps", audit.resumeGaps());
        report.put("resumeDuplicates", audit.resumeDuplicates());
        report.put("deadLetters", deadLetters);
        report.put("disruptions", disruptions);
        report.put("errorLines", errorLines);
        report.write();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
