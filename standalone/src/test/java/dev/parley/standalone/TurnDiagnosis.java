package dev.parley.standalone;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.SseClient;
import dev.parley.standalone.client.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What each side knows about one turn, for a failure message: the ledger (read_committed), the token topic, the
 * events the client received, and the lines of every run's log that name it. Tells which side lost a turn's end:
 * the worker (no terminal event in the ledger), the token topic (a terminal event but no final chunk), or the
 * gateway (both there, the client never got them).
 */
final class TurnDiagnosis {

    private TurnDiagnosis() {
    }

    /** The report for {@code turnId} of {@code ./parley start}, whose runs' logs are in {@code dataDir}. */
    static String of(String turnId, ParleyProcess parley, List<SseClient.Event> seen, String connection,
                     Path dataDir) {
        List<Path> logs = new java.util.ArrayList<>();
        for (int run = 0; Files.exists(dataDir.resolve("run-" + run + ".log")); run++) {
            logs.add(dataDir.resolve("run-" + run + ".log"));
        }
        return of(turnId, parley.bootstrapServers(), parley.registryUrl(), seen, connection, logs);
    }

    /** The report for {@code turnId}: never throws, whatever it cannot read it says so. */
    static String of(String turnId, String bootstrapServers, String registryUrl, List<SseClient.Event> seen,
                     String connection, List<Path> logs) {
        StringBuilder report = new StringBuilder("\n--- turn ").append(turnId).append(" ---");
        report.append("\nledger (read_committed):");
        try {
            for (TopicReader.Logged<LedgerEvent> logged : TopicReader.readAll(bootstrapServers, registryUrl, Topics.LEDGER,
                "read_committed")) {
                LedgerEvent event = logged.value();
                if (turnId.equals(event.getTurnId())) {
                    report.append("\n  ").append(logged.partition()).append('-').append(logged.offset()).append(' ')
                        .append(event.getPayload().getClass().getSimpleName()).append(" attempt ")
                        .append(event.getAttempt()).append(" by ").append(event.getProducer()).append(" at ")
                        .append(event.getTimestamp());
                }
            }
        } catch (RuntimeException e) {
            report.append("\n  (could not read it: ").append(e).append(')');
        }
        report.append("\ntoken topic:");
        try {
            for (TopicReader.Logged<TokenChunk> logged : TopicReader.readAll(bootstrapServers, registryUrl, Topics.TOKENS,
                "read_uncommitted")) {
                TokenChunk chunk = logged.value();
                if (turnId.equals(chunk.getTurnId())) {
                    report.append("\n  ").append(logged.partition()).append('-').append(logged.offset())
                        .append(" attempt ").append(chunk.getAttempt()).append(" seq ").append(chunk.getSeq())
                        .append(chunk.getFinal$() ? " FINAL " + chunk.getFinishReason() : "");
                }
            }
        } catch (RuntimeException e) {
            report.append("\n  (could not read it: ").append(e).append(')');
        }
        report.append("\nclient (").append(connection).append("):");
        for (SseClient.Event event : seen) {
            if (event.data().contains(turnId) || event.type().equals("error") || event.type().equals("client-error")) {
                report.append("\n  ").append(event.id()).append(' ').append(event.type()).append(' ')
                    .append(event.data().length() > 160 ? event.data().substring(0, 160) + "..." : event.data());
            }
        }
        report.append("\nlogs:");
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log).stream().filter(line -> line.contains(turnId)).toList();
                report.append("\n  ").append(log.getFileName()).append(": ")
                    .append(lines.isEmpty() ? "nothing about it" : lines.size() + " line(s)");
                lines.forEach(line -> report.append("\n    ").append(line));
            } catch (IOException e) {
                report.append("\n  ").append(log).append(": (could not read it: ").append(e).append(')');
            }
        }
        return report.toString();
    }
}
