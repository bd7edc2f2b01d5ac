package dev.parley.worker.simulator;

import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;
import dev.parley.schemas.config.Env;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Runs the LLM simulator on its own: the default backend of workers run as processes of their own
 * (PARLEY_LLM_URL defaults to its address), as {@code ./parley start} runs it for its worker.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./parley simulator} (PARLEY_SIMULATOR_PORT, default 8090; PARLEY_BIND_HOST; PARLEY_SIM_TTFT_MS,
 *       PARLEY_SIM_ITL_MS, PARLEY_SIM_TOKENS, PARLEY_SIM_FAULT).</li>
 *   <li>{@code ./parley worker}: its default backend is {@code http://localhost:8090/v1}.</li>
 * </ol>
 */
public final class SimulatorMain {

    public static final String PORT = "PARLEY_SIMULATOR_PORT";
    public static final int DEFAULT_PORT = 8090;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("The LLM simulator", () -> {
            Env env = Env.system();
            int port = env.port(PORT, DEFAULT_PORT);
            SimulatorConfig config = SimulatorConfig.fromEnvironment(env);
            env.validate();
            PortCheck.requireFree(env.bindHost(), List.of(PortCheck.port(PORT, port)));
            Vertx vertx = Vertx.vertx();
            return Launcher.owning(() -> vertx.close().toCompletionStage().toCompletableFuture().join(),
                () -> LlmSimulator.start(vertx, env.bindHost(), port, config));
        });
    }
}
