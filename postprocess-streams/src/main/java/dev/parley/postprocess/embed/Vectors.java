package dev.parley.postprocess.embed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Arithmetic, Avro conversion and hashing for embedding vectors. */
public final class Vectors {

    private Vectors() {
    }

    /**
     * Cosine similarity of two vectors of any length (they need not be normalized), in [-1, 1]; 0 when either is
     * all zeros, which has no direction.
     *
     * @throws IllegalArgumentException when the vectors differ in length
     */
    public static float cosine(float[] a, float[] b) {
        requireSameLength(a, b);
        // double sums: 384+ float products lose several digits in float.
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        if (normA == 0 || normB == 0) {
            return 0f;
        }
        double cosine = dot / (Math.sqrt(normA) * Math.sqrt(normB));
        // rounding can put parallel vectors a hair past 1
        return (float) Math.max(-1.0, Math.min(1.0, cosine));
    }

    /** A new vector of length 1 pointing the same way as {@code v}; an all-zero vector comes back as a zero copy. */
    public static float[] normalize(float[] v) {
        double sumOfSquares = 0;
        for (float x : v) {
            sumOfSquares += (double) x * x;
        }
        float[] normalized = new float[v.length];
        if (sumOfSquares == 0) {
            return normalized;
        }
        double norm = Math.sqrt(sumOfSquares);
        for (int i = 0; i < v.length; i++) {
            normalized[i] = (float) (v[i] / norm);
        }
        return normalized;
    }

    /** The vector as Avro holds it ({@code EmbeddingIndexed.vector}). */
    public static List<Float> toList(float[] v) {
        List<Float> values = new ArrayList<>(v.length);
        for (float value : v) {
            values.add(value);
        }
        return values;
    }

    /** A vector Avro holds, as an array. */
    public static float[] toArray(List<Float> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    /** Lowercase hex SHA-256 of the text's UTF-8 bytes: a stable key for "this exact text was embedded". */
    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors differ in dimensions: " + a.length + " vs " + b.length);
        }
    }
}
