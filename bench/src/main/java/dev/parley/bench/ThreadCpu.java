package dev.parley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM's threads between two snapshots, grouped by the service each thread belongs to, told by its
 * name. Everything runs in one JVM, so this is how the gateway's and the worker's shares are told apart. The JVM's own
 * threads (garbage collector, JIT compilers), which ThreadMXBean does not list, are read from /proc/self/task (in
 * clock ticks of 10 ms); what remains of the process's CPU time is native threads (ONNX Runtime's) and threads that
 * ended between the snapshots.
 */
final class ThreadCpu {

    static final String GATEWAY = "gateway";
    static final String WORKER = "worker";
    static final String SIMULATOR = "simulator";
    static final String POSTPROCESS = "postprocess";
    static final String REGISTRY = "schema registry";
    static final String BROKER = "kafka broker";
    static final String CLIENT = "bench client";
    static final String OTHER = "other threads";
    static final String GC = "JVM: GC";
    static final String JIT = "JVM: JIT";
    static final String UNATTRIBUTED = "native and ended threads";

    /** The groups in report order. */
    static final List<String> GROUPS = List.of(GATEWAY, WORKER, SIMULATOR, POSTPROCESS, REGISTRY, BROKER, CLIENT,
        OTHER, GC, JIT, UNATTRIBUTED);

    /** The JVM's own threads by their /proc name (15 characters at most), and their group. */
    private static final List<String[]> JVM_RULES = List.of(
        new String[] {"GC Thread", GC},
        new String[] {"G1 ", GC},
        new String[] {"VM Thread", GC},
        new String[] {"C1 CompilerThre", JIT},
        new String[] {"C2 CompilerThre", JIT});
    private static final long NANOS_PER_TICK = 10_000_000; // USER_HZ is 100 on Linux

    /**
     * Thread-name prefixes and their group; the first match wins. Kafka clients' I/O threads are named after their
     * client id ({@code kafka-producer-network-thread | parley-ingest-ledger-writer}), and count for the service
     * that owns the client.
     */
    private static final List<String[]> RULES = List.of(
        new String[] {BenchParley.GATEWAY + "-", GATEWAY},
        new String[] {"parley-relay-", GATEWAY},
        new String[] {"parley-ledger-writer", GATEWAY},
        new String[] {"parley-offsets-", GATEWAY},
        new String[] {"kafka-producer-network-thread | parley-ingest-", GATEWAY},
        new String[] {"kafka-admin-client-thread | parley-ingest-", GATEWAY},
        new String[] {BenchParley.WORKER + "-", WORKER},
        new String[] {"parley-turn-", WORKER},
        new String[] {"parley-ledger-commit-", WORKER},
        new String[] {"parley-snapshot-cache", WORKER},
        new String[] {"kafka-producer-network-thread | parley-worker-", WORKER},
        new String[] {"kafka-coordinator-heartbeat-thread | parley-inference-worker", WORKER},
        new String[] {BenchParley.SIMULATOR + "-", SIMULATOR},
        new String[] {BenchParley.POSTPROCESS + "-", POSTPROCESS},
        new String[] {"parley-postprocess", POSTPROCESS},
        new String[] {"kafka-producer-network-thread | parley-postprocess", POSTPROCESS},
        new String[] {"kafka-admin-client-thread | parley-postprocess", POSTPROCESS},
        new String[] {"kafka-coordinator-heartbeat-thread | parley-postprocess", POSTPROCESS},
        new String[] {"vert.x-", REGISTRY},
        new String[] {"parley-schema-registry-", REGISTRY},
        new String[] {"kafka-producer-network-thread | parley-schema-registry", REGISTRY},
        // anyone else's Kafka clients, before the broker's own kafka-* threads
        new String[] {"kafka-producer-network-thread", OTHER},
        new String[] {"kafka-admin-client-thread", OTHER},
        new String[] {"kafka-coordinator-heartbeat-thread", OTHER},
        new String[] {"data-plane-kafka-", BROKER},
        new String[] {"controller-", BROKER},
        new String[] {"broker-", BROKER},
        new String[] {"kafka-", BROKER},
        new String[] {"raft-", BROKER},
        new String[] {"quorum-", BROKER},
        new String[] {"ExpirationReaper-", BROKER},
        new String[] {"group-coordinator-", BROKER},
        new String[] {"share-coordinator-", BROKER},
        new String[] {"TxnMarkerSenderThread-", BROKER},
        new String[] {"transaction-log-manager-", BROKER},
        new String[] {"LogDirFailureHandler", BROKER},
        new String[] {"ReplicaFetcher", BROKER},
        new String[] {"metrics-meter-tick-thread", BROKER},
        new String[] {"AddPartitionsToTxnSenderThread-", BROKER},
        new String[] {"executor-", BROKER},
        new String[] {"share-group-", BROKER},
        new String[] {"persister-", BROKER},
        new String[] {"network-partition-metadata-", BROKER},
        new String[] {Bench.class.getName(), CLIENT},
        new String[] {"bench-", CLIENT},
        new String[] {"HttpClient-", CLIENT});

    /** How the CPU figures were taken, for the reports. */
    static final String NOTE = "CPU time from ThreadMXBean per-thread CPU time, sampled before and after the measured "
        + "stretch and grouped by thread name (a Kafka client's I/O thread counts for the service that owns the "
        + "client); the JVM's garbage collector and JIT compiler threads from /proc/self/task; \"native and ended "
        + "threads\" is the rest of the process's CPU time (ONNX Runtime's threads for postprocess-streams' "
        + "embeddings, threads that ended during the stretch). \"busy\" is the process's CPU time over the stretch's "
        + "wall time and all cores.";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static {
        if (THREADS.isThreadCpuTimeSupported()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    private ThreadCpu() {
    }

    /** Every live thread's CPU time so far, and the process's. */
    record Snapshot(Map<Long, ThreadTime> threads, Map<String, ThreadTime> jvmThreads, long processNanos,
                    long wallNanos) {
    }

    record ThreadTime(String name, long cpuNanos) {
    }

    /** One thread's share of a stretch, for the JSON results. */
    record ThreadUse(String name, String group, double cpuMs) {
    }

    static Snapshot snapshot() {
        Map<Long, ThreadTime> threads = new HashMap<>();
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = THREADS.getThreadCpuTime(ids[i]);
            if (infos[i] != null && cpu >= 0) {
                threads.put(ids[i], new ThreadTime(infos[i].getThreadName(), cpu));
            }
        }
        return new Snapshot(threads, jvmThreads(), OS.getProcessCpuTime(), System.nanoTime());
    }

    /** The JVM's own threads' CPU time by task id, from /proc/self/task/{tid}/stat; none where there is no /proc. */
    private static Map<String, ThreadTime> jvmThreads() {
        Map<String, ThreadTime> tasks = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (jvmGroupOf(name) != null) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                        tasks.put(dir.getFileName().toString(), new ThreadTime(name, ticks * NANOS_PER_TICK));
                    }
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException noProc) {
            // not Linux: the JVM's threads stay in the remainder
        }
        return tasks;
    }

    private static String jvmGroupOf(String taskName) {
        for (String[] rule : JVM_RULES) {
            if (taskName.startsWith(rule[0])) {
                return rule[1];
            }
        }
        return null;
    }

    static String groupOf(String threadName) {
        for (String[] rule : RULES) {
            if (threadName.startsWith(rule[0])) {
                return rule[1];
            }
        }
        return OTHER;
    }

    /** CPU time per group and per thread between two snapshots. */
    record Usage(Map<String, Double> groupMs, List<ThreadUse> threads, double processMs, double wallMs) {

        static Usage between(Snapshot before, Snapshot after) {
            Map<String, Double> groups = new LinkedHashMap<>();
            GROUPS.forEach(group -> groups.put(group, 0.0));
            List<ThreadUse> threads = new ArrayList<>();
            double threadsMs = 0;
            for (Map.Entry<Long, ThreadTime> entry : after.threads().entrySet()) {
                ThreadTime earlier = before.threads().get(entry.getKey());
                long nanos = entry.getValue().cpuNanos() - (earlier == null ? 0 : earlier.cpuNanos());
                String name = entry.getValue().name();
                String group = groupOf(name);
                double ms = nanos / 1e6;
                groups.merge(group, ms, Double::sum);
                threadsMs += ms;
                if (ms > 0) {
                    threads.add(new ThreadUse(name, group, Report.round(ms)));
                }
            }
            for (Map.Entry<String, ThreadTime> entry : after.jvmThreads().entrySet()) {
                ThreadTime earlier = before.jvmThreads().get(entry.getKey());
                double ms = (entry.getValue().cpuNanos() - (earlier == null ? 0 : earlier.cpuNanos())) / 1e6;
                groups.merge(jvmGroupOf(entry.getValue().name()), ms, Double::sum);
                threadsMs += ms;
            }
            double processMs = (after.processNanos() - before.processNanos()) / 1e6;
            groups.put(UNATTRIBUTED, Math.max(0, processMs - threadsMs));
            threads.sort(Comparator.comparingDouble(ThreadUse::cpuMs).reversed());
            return new Usage(groups, threads, processMs, (after.wallNanos() - before.wallNanos()) / 1e6);
        }

        /** The table columns of {@link #cells}. */
        static List<String> columns() {
            List<String> columns = new ArrayList<>(GROUPS);
            columns.addAll(List.of("whole process", "busy"));
            return columns;
        }

        /** Each group's, and the whole process's, CPU milliseconds per 1,000 tokens, and how busy the machine was. */
        List<Object> cells(long tokens) {
            List<Object> cells = new ArrayList<>();
            for (String group : GROUPS) {
                cells.add(Report.number(perThousand(group, tokens), 1));
            }
            cells.add(Report.number(tokens == 0 ? Double.NaN : processMs * 1000.0 / tokens, 1));
            cells.add(Report.number(100 * processMs / (wallMs * Runtime.getRuntime().availableProcessors()), 0) + " %");
            return cells;
        }

        /** A group's CPU milliseconds per 1,000 tokens. */
        double perThousand(String group, long tokens) {
            return tokens == 0 ? Double.NaN : groupMs.get(group) * 1000.0 / tokens;
        }

        /** The JSON form: per group total and per 1,000 tokens, the process, and the busiest threads. */
        Map<String, Object> summary(long tokens) {
            Map<String, Object> summary = new LinkedHashMap<>();
            Map<String, Object> groups = new LinkedHashMap<>();
            groupMs.forEach((group, ms) -> {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("cpuMs", Report.round(ms));
                figures.put("cpuMsPer1000Tokens", Report.round(perThousand(group, tokens)));
                groups.put(group, figures);
            });
            summary.put("groups", groups);
            summary.put("processCpuMs", Report.round(processMs));
            summary.put("wallMs", Report.round(wallMs));
            summary.put("cores", Runtime.getRuntime().availableProcessors());
            summary.put("threads", threads.subList(0, Math.min(60, threads.size())));
            return summary;
        }
    }
}
