package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

    @Test
    @DisplayName("without settings the simulator uses 50 ms, 10 ms, 40 tokens and no fault")
    void defaults() {
        Env env = new Env(Map.of());
        assertEquals(SimulatorConfig.defaults(), SimulatorConfig.fromEnvironment(env));
        env.validate();
    }

    @Test
    @DisplayName("PARLEY_SIM_* settings are read, the fault in directive syntax")
    void settings() {
        Env env = new Env(Map.of("PARLEY_SIM_TTFT_MS", "5", "PARLEY_SIM_ITL_MS", "0", "PARLEY_SIM_TOKENS", "7",
            "PARLEY_SIM_FAULT", "fail_after=5"));
        assertEquals(new SimulatorConfig(Duration.ofMillis(5), Duration.ZERO, 7, new Fault(Fault.Kind.FAIL_AFTER, 5)),
            SimulatorConfig.fromEnvironment(env));
        env.validate();
    }

    @Test
    @DisplayName("every bad setting is named in one error")
    void badSettings() {
        Env env = new Env(Map.of("PARLEY_SIM_TOKENS", "lots", "PARLEY_SIM_FAULT", "explode=1"));
        SimulatorConfig.fromEnvironment(env);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(e.getMessage().contains("PARLEY_SIM_TOKENS=lots"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_SIM_FAULT=explode=1"), e.getMessage());
    }
}
