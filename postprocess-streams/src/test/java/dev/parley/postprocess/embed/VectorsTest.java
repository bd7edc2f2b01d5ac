package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class VectorsTest {

    @Test
    @DisplayName("cosine ignores length: a vector and its multiple score 1, its opposite -1, a right angle 0")
    void cosineOfNonNormalizedVectors() {
        float[] v = {1f, 2f, 3f};
        assertEquals(1f, Vectors.cosine(v, new float[] {2f, 4f, 6f}), 1e-6f);
        assertEquals(-1f, Vectors.cosine(v, new float[] {-3f, -6f, -9f}), 1e-6f);
        assertEquals(0f, Vectors.cosine(new float[] {1f, 0f}, new float[] {0f, 5f}), 1e-6f);
        assertEquals(0.5f, Vectors.cosine(new float[] {1f, 0f}, new float[] {1f, (float) Math.sqrt(3)}), 1e-6f);
    }

    @Test
    @DisplayName("cosine of a vector with itself stays within [-1, 1] despite rounding")
    void cosineIsClamped() {
        float[] v = {0.1f, 0.7f, 0.3f, 0.9f, 0.33333334f};
        float self = Vectors.cosine(v, v);
        assertTrue(self <= 1f, "cosine was " + self);
        assertEquals(1f, self, 1e-6f);
    }

    @Test
    @DisplayName("cosine with an all-zero vector is 0 rather than NaN")
    void cosineWithZeroVector() {
        assertEquals(0f, Vectors.cosine(new float[] {0f, 0f}, new float[] {1f, 1f}));
    }

    @Test
    @DisplayName("cosine of vectors with different dimensions is refused, naming both")
    void cosineDimensionMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vectors.cosine(new float[3], new float[4]));
        assertTrue(e.getMessage().contains("3 vs 4"), e.getMessage());
    }

    @Test
    @DisplayName("normalize gives a unit vector in the same direction and leaves the input alone")
    void normalizeGivesUnitLength() {
        float[] v = {3f, 4f};
        float[] unit = Vectors.normalize(v);
        assertArrayEquals(new float[] {0.6f, 0.8f}, unit, 1e-6f);
        assertArrayEquals(new float[] {3f, 4f}, v);
        assertEquals(1f, Vectors.cosine(v, unit), 1e-6f);
    }

    @Test
    @DisplayName("normalize of an all-zero vector returns zeros instead of NaN")
    void normalizeZeroVector() {
        assertArrayEquals(new float[] {0f, 0f, 0f}, Vectors.normalize(new float[3]));
    }

    @Test
    @DisplayName("a vector round-trips exactly through the list Avro holds")
    void listRoundTrip() {
        float[] v = {1f, -0.5f, Float.MIN_VALUE, 123456.78f, -0f};
        List<Float> values = Vectors.toList(v);
        assertEquals(5, values.size());
        assertArrayEquals(v, Vectors.toArray(values));
        assertEquals(0, Vectors.toArray(List.of()).length);
    }

    @Test
    @DisplayName("sha256Hex matches the published digests and tells texts apart")
    void sha256Hex() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Vectors.sha256Hex(""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Vectors.sha256Hex("abc"));
        // UTF-8, not the platform charset: U+00E9 hashes as the two bytes C3 A9, not Latin-1's single E9
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", Vectors.sha256Hex("\u00e9"));
        assertNotEquals(Vectors.sha256Hex("abc"), Vectors.sha256Hex("abc "));
    }
}
