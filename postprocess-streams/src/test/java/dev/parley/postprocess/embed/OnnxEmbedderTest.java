package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

    private static final String REMINDER = "I will remind you tomorrow at 9am to call the dentist.";
    private static final String PARAPHRASE = "when do I have to phone my dentist";
    private static final String UNRELATED = "Paris is the capital of France.";

    private static OnnxEmbedder embedder;

    @BeforeAll
    static void loadModel() {
        long start = System.nanoTime();
        embedder = new OnnxEmbedder();
        // only the first construction in this JVM loads the model; an earlier test class may have done it already
        System.out.printf("OnnxEmbedder: constructed in %.0f ms%n", (System.nanoTime() - start) / 1e6);
        start = System.nanoTime();
        embedder.embed(UNRELATED);
        System.out.printf("OnnxEmbedder: first embed after construction %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }

    @AfterAll
    static void closeModel() {
        embedder.close();
    }

    @Test
    @DisplayName("the one-thread session gives the same vectors as LangChain4j's own model class")
    void sameVectorsAsLangChain4j() {
        float[] theirs = new AllMiniLmL6V2QuantizedEmbeddingModel().embed(REMINDER).content().vector();
        float[] ours = embedder.embed(REMINDER);
        assertEquals(theirs.length, ours.length);
        for (int i = 0; i < ours.length; i++) {
            assertEquals(theirs[i], ours[i], 1e-5f, "dimension " + i);
        }
    }

    @Test
    @DisplayName("a paraphrase of a reminder scores clearly closer to it than an unrelated fact does")
    void paraphraseIsCloserThanUnrelatedText() {
        float[] reminder = embedder.embed(REMINDER);
        float paraphrase = Vectors.cosine(reminder, embedder.embed(PARAPHRASE));
        float unrelated = Vectors.cosine(reminder, embedder.embed(UNRELATED));
        System.out.printf("OnnxEmbedder: cosine paraphrase %.3f, unrelated %.3f%n", paraphrase, unrelated);
        assertTrue(paraphrase > 0.5f, "paraphrase cosine " + paraphrase);
        assertTrue(unrelated < 0.2f, "unrelated cosine " + unrelated);
    }

    @Test
    @DisplayName("vectors have 384 dimensions, unit length, and the advertised model id")
    void shapeAndIdentity() {
        float[] vector = embedder.embed(REMINDER);
        assertEquals(384, vector.length);
        assertEquals(384, embedder.dimensions());
        assertEquals("all-minilm-l6-v2-q", embedder.modelId());
        assertEquals(1.0, norm(vector), 1e-5);
    }

    @Test
    @DisplayName("the same text always gives the identical vector, and a different text a different one")
    void deterministic() {
        float[] first = embedder.embed(REMINDER);
        assertArrayEquals(first, embedder.embed(REMINDER));
        assertArrayEquals(first, new OnnxEmbedder().embed(REMINDER));
        assertTrue(!Arrays.equals(first, embedder.embed(PARAPHRASE)));
    }

    @Test
    @DisplayName("several threads embedding at once get exactly what one thread gets")
    void threadSafe() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add("message number " + i + " about " + (i % 2 == 0 ? "the dentist" : "the weather in Paris"));
        }
        List<float[]> sequential = texts.stream().map(embedder::embed).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> concurrent = new ArrayList<>();
            for (String text : texts) {
                concurrent.add(pool.submit(() -> embedder.embed(text)));
            }
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(sequential.get(i), concurrent.get(i).get(), texts.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a text longer than the model's 512-token window still gives one unit vector")
    void longText() {
        String longText = "The quick brown fox jumps over the lazy dog. ".repeat(200);
        float[] vector = embedder.embed(longText);
        assertEquals(384, vector.length);
        assertEquals(1.0, norm(vector), 1e-5);
    }

    @Test
    @DisplayName("loading the model opts out of DJL's phone-home telemetry and its downloads")
    void staysOffline() {
        // the environment variables win over these properties in DJL; CI sets neither
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getenv("DJL_OFFLINE") == null) {
            assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
            assertEquals("true", System.getProperty("ai.djl.offline"));
        }
    }

    @Test
    @DisplayName("blank text is refused rather than embedded")
    void blankText() {
        assertThrows(IllegalArgumentException.class, () -> embedder.embed(""));
        assertThrows(IllegalArgumentException.class, () -> embedder.embed(" \n\t"));
        assertThrows(NullPointerException.class, () -> embedder.embed(null));
    }

    @Test
    @DisplayName("timing of short sentences is printed for the record (not asserted)")
    void printTiming() {
        List<String> sentences = List.of(REMINDER, PARAPHRASE, UNRELATED,
                "Can you book a table for two at seven?", "My flight lands at 6 pm on Friday.",
                "Remember that the rent is due on the first.", "What is the weather like in Berlin today?",
                "Please summarize the meeting notes from yesterday.");
        for (int i = 0; i < 20; i++) {
            embedder.embed(sentences.get(i % sentences.size()));
        }
        int runs = 200;
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            embedder.embed(sentences.get(i % sentences.size()));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElseThrow() / 1e6;
        System.out.printf("OnnxEmbedder: short sentence, %d warm runs: mean %.2f ms, p50 %.2f ms, p99 %.2f ms%n",
                runs, mean, nanos[runs / 2] / 1e6, nanos[runs * 99 / 100] / 1e6);
        assertTrue(nanos[0] > 0);
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
