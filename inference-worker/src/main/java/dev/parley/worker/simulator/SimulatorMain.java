package dev.parley.worker.simulator;

import dev.parley.schemas.config.Env;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the LLM simulator on its own, as a stand-in LLM server for workers in other processes or containers (the
 * standalone run starts one in its own JVM).
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code java -cp inference-worker/target/parley-worker.jar dev.parley.worker.simulator.SimulatorMain}
 *       (PARLEY_SIMULATOR_PORT, default 8090; PARLEY_SIM_TTFT_MS, PARLEY_SIM_ITL_MS, PARLEY_SIM_TOKENS,
 *       PARLEY_SIM_FAULT as in the README).</li>
 *   <li>Point workers at it: {@code PARLEY_LLM_URL=http://localhost:8090/v1}, or a catalogue backend
 *       {@code {kind: openai, url: http://localhost:8090/NAME/v1, model: parley-simulator}}.</li>
 *   <li>Ctrl-C stops it.</li>
 * </ol>
 */
public final class SimulatorMain {

    /** The port the simulator listens on; the standalone run reads the same key. */
    public static final String PORT = "PARLEY_SIMULATOR_PORT";
    public static final int DEFAULT_PORT = 8090;

    private static final Logger log = LoggerFactory.getLogger(SimulatorMain.class);

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        LlmSimulator simulator;
        try {
            Env env = Env.system();
            int port = env.port(PORT, DEFAULT_PORT);
            SimulatorConfig config = SimulatorConfig.fromEnvironment(env);
            env.validate();
            simulator = LlmSimulator.start(vertx, port, config);
        } catch (RuntimeException e) {
            log.error("The LLM simulator did not start: {}", e.getMessage(), e);
            vertx.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "parley-simulator-shutdown"));
        stopped.await();
    }
}
