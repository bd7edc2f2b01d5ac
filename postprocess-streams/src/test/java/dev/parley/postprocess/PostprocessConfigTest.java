package dev.parley.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PostprocessConfigTest {

    @Test
    @DisplayName("by default promises are found by the rules and summaries are extractive, with no model server")
    void defaults() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of()));
        assertEquals("rules", config.commitmentExtractor());
        assertNull(config.commitmentExtractorRemote());
        assertEquals("extractive", config.summarizer());
        assertNull(config.summarizerRemote());
        assertEquals(PostprocessConfig.DEFAULT_PORT, config.port());
    }

    @Test
    @DisplayName("the llm extractor uses PARLEY_LLM_URL, _MODEL and _API_KEY unless its own keys are set")
    void llmExtractorDefaultsToTheLlmSettings() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.COMMITMENT_EXTRACTOR, "llm", "PARLEY_LLM_URL", "http://ollama:11434/v1/",
            "PARLEY_LLM_MODEL", "llama3.2", "PARLEY_LLM_API_KEY", "sk-shared")));
        assertEquals("llm", config.commitmentExtractor());
        assertEquals(new PostprocessConfig.Remote(URI.create("http://ollama:11434/v1"), "llama3.2", "sk-shared",
            Duration.ofSeconds(60)), config.commitmentExtractorRemote());
        assertNull(config.summarizerRemote(), "the summarizer stays extractive");
    }

    @Test
    @DisplayName("PARLEY_COMMITMENT_EXTRACTOR_URL, _MODEL and _API_KEY override the shared LLM settings")
    void llmExtractorOwnSettings() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.COMMITMENT_EXTRACTOR, "llm", "PARLEY_LLM_URL", "http://ollama:11434/v1",
            "PARLEY_LLM_MODEL", "llama3.2", "PARLEY_LLM_API_KEY", "sk-shared",
            PostprocessConfig.COMMITMENT_EXTRACTOR_URL, "https://small.example/v1",
            PostprocessConfig.COMMITMENT_EXTRACTOR_MODEL, "qwen2.5:0.5b",
            PostprocessConfig.COMMITMENT_EXTRACTOR_API_KEY, "sk-own")));
        PostprocessConfig.Remote remote = config.commitmentExtractorRemote();
        assertEquals(URI.create("https://small.example/v1"), remote.url());
        assertEquals("qwen2.5:0.5b", remote.model());
        assertEquals("sk-own", remote.apiKey());
    }

    @Test
    @DisplayName("PARLEY_POSTPROCESS_LLM_TIMEOUT_MS bounds both LLM helpers; 0 is refused")
    void llmTimeout() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.COMMITMENT_EXTRACTOR, "llm", PostprocessConfig.SUMMARIZER, "llm",
            "PARLEY_LLM_URL", "http://ollama:11434/v1", "PARLEY_LLM_MODEL", "llama3.2",
            PostprocessConfig.LLM_TIMEOUT_MS, "5000")));
        assertEquals(Duration.ofSeconds(5), config.commitmentExtractorRemote().timeout());
        assertEquals(Duration.ofSeconds(5), config.summarizerRemote().timeout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of(PostprocessConfig.LLM_TIMEOUT_MS, "0"))));
        assertTrue(e.getMessage().contains("PARLEY_POSTPROCESS_LLM_TIMEOUT_MS=0"), e.getMessage());
    }

    @Test
    @DisplayName("the extractor's settings are ignored while it is rules")
    void rulesIgnoreRemoteSettings() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.COMMITMENT_EXTRACTOR_URL, "not a url")));
        assertEquals("rules", config.commitmentExtractor());
        assertNull(config.commitmentExtractorRemote());
    }

    @Test
    @DisplayName("llm without a URL or model fails naming the keys that would supply them")
    void llmWithoutServerFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of(PostprocessConfig.COMMITMENT_EXTRACTOR, "llm",
                "PARLEY_LLM_URL", "http://ollama:11434/v1"))));
        assertTrue(e.getMessage().contains("PARLEY_COMMITMENT_EXTRACTOR_URL"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_COMMITMENT_EXTRACTOR_MODEL"), e.getMessage());
    }

    @Test
    @DisplayName("llm with a URL that is not http(s) fails naming the key and the value")
    void llmWithBadUrlFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of(PostprocessConfig.COMMITMENT_EXTRACTOR, "llm",
                PostprocessConfig.COMMITMENT_EXTRACTOR_URL, "ftp://models", "PARLEY_LLM_MODEL", "llama3.2"))));
        assertTrue(e.getMessage().contains("PARLEY_COMMITMENT_EXTRACTOR_URL=ftp://models"), e.getMessage());
    }

    @Test
    @DisplayName("an unknown extractor fails naming the allowed values, reported with every other bad key")
    void unknownExtractorFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of(PostprocessConfig.COMMITMENT_EXTRACTOR, "gpt",
                PostprocessConfig.SUMMARY_MAX, "5"))));
        assertTrue(e.getMessage().contains("PARLEY_COMMITMENT_EXTRACTOR=gpt is not one of rules, llm"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_SUMMARY_MAX_CHARS=5"), e.getMessage());
        assertFalse(e.getMessage().contains("PARLEY_COMMITMENT_EXTRACTOR_URL"),
            "a bad value is not also reported as a missing server");
    }

    @Test
    @DisplayName("copies for another port or the reset flag keep the extractor")
    void copiesKeepTheExtractor() {
        PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.COMMITMENT_EXTRACTOR, "llm", "PARLEY_LLM_URL", "http://ollama:11434/v1",
            "PARLEY_LLM_MODEL", "llama3.2")));
        PostprocessConfig copy = config.withPortAndStateDir(0, Path.of("/tmp/x")).withReset(true);
        assertEquals("llm", copy.commitmentExtractor());
        assertEquals(config.instanceId(), copy.instanceId());
        assertEquals(config.commitmentExtractorRemote(), copy.commitmentExtractorRemote());
    }

    @Test
    @DisplayName("PARLEY_POSTPROCESS_INSTANCE_ID is unset by default, so the id kept in the state directory is used")
    void instanceIdDefaultsToTheStateDirectory() {
        assertNull(PostprocessConfig.fromEnvironment(new Env(Map.of())).instanceId());
        assertEquals("postprocess-1", PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.INSTANCE_ID, "postprocess-1"))).instanceId());
        assertEquals("none", PostprocessConfig.fromEnvironment(new Env(Map.of(
            PostprocessConfig.INSTANCE_ID, "none"))).instanceId());
    }

    @Test
    @DisplayName("an instance id Kafka would refuse fails naming the key and the value")
    void badInstanceIdFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of(PostprocessConfig.INSTANCE_ID, "pod 1/a"))));
        assertTrue(e.getMessage().contains("PARLEY_POSTPROCESS_INSTANCE_ID=pod 1/a"), e.getMessage());
    }

    @Test
    @DisplayName("with the streams group protocol static membership is off by default and an instance id is refused")
    void streamsProtocolHasNoStaticMembership() {
        assertEquals("none", PostprocessConfig.fromEnvironment(new Env(Map.of(
            "PARLEY_KAFKA_GROUP_PROTOCOL", "streams"))).instanceId());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> PostprocessConfig.fromEnvironment(new Env(Map.of("PARLEY_KAFKA_GROUP_PROTOCOL", "streams",
                PostprocessConfig.INSTANCE_ID, "postprocess-1"))));
        assertTrue(e.getMessage().contains("PARLEY_POSTPROCESS_INSTANCE_ID=postprocess-1"), e.getMessage());
    }
}
