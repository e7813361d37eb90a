package io.tensorswarm.common.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.tensor.DeltaMath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Throughput of the averager's inner loop, a weighted sum of 8 deltas, against a STREAM triad and
 * numpy, measured in the same run; plus l2 norm, dot and cosine.
 *
 * <p>Usage: {@code DeltaMathBench [n]} (default 124,000,000 floats per delta: 8 x 496 MB of
 * deltas plus the output, so run with {@code -Xmx6g}; {@code n = 10_000_000} needs {@code
 * -Xmx1g}). Bytes are counted as moved data: (8 + 1) x 4n for the weighted sum (8 reads, one
 * write), 3 x 4n for the triad {@code a[i] = b[i] + s*c[i]} (STREAM's convention), 4n for the norm
 * and 8n for dot and cosine. Each figure is the best of 3 after a warm-up. The numpy baseline
 * ({@code scripts/bench/numpy_weighted_sum.py}) runs first, as a subprocess, on the same data
 * formulas; its output hash is compared with ours (the float rounding order is the same, so they
 * should be bit-identical).
 */
public final class DeltaMathBench {
    private static final int K = 8;

    private DeltaMathBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 124_000_000;
        Optional<JsonNode> numpy = runNumpy(n);

        float[][] deltas = new float[K][];
        float[] weights = new float[K];
        for (int k = 0; k < K; k++) {
            deltas[k] = delta(n, k);
            weights[k] = (k + 1) / 36f;
        }
        float[] out = new float[n];

        double sum = BenchSupport.bestSeconds(3, () -> DeltaMath.weightedSum(deltas, weights, out));
        String ourHash = sha256(out);
        double triad = BenchSupport.bestSeconds(3, () -> triad(out, deltas[0], deltas[1], 3f));
        double norm = BenchSupport.bestSeconds(3, () -> DeltaMath.l2Norm(deltas[0]));
        double dot = BenchSupport.bestSeconds(3, () -> DeltaMath.dot(deltas[0], deltas[1]));
        double cosine = BenchSupport.bestSeconds(3, () -> DeltaMath.cosineSimilarity(deltas[0], deltas[1]));
        double finite = BenchSupport.bestSeconds(3, () -> DeltaMath.indexOfFirstNonFinite(deltas[0]));

        double sumBytes = (K + 1) * 4.0 * n;
        double triadGbps = 3 * 4.0 * n / triad / 1e9;
        System.out.printf("## DeltaMathBench: %d deltas of %,d floats (%.0f MB each)%n%n", K, n, 4.0 * n / 1e6);
        BenchSupport.printEnvironment();
        System.out.println("| operation | seconds | GB/s | vs Java triad | vs numpy |");
        System.out.println("|---|---:|---:|---:|---:|");
        double numpyGbps = numpy.map(j -> j.get("weighted_sum_gbps").asDouble()).orElse(Double.NaN);
        row("weighted sum of 8 (DeltaMath.weightedSum)", sum, sumBytes, triadGbps, numpyGbps);
        row("STREAM triad a = b + s*c (Java, same chunks)", triad, 3 * 4.0 * n, triadGbps, Double.NaN);
        numpy.ifPresent(j -> {
            System.out.printf("| numpy weighted sum of 8 (out += w*d) | %s | %s | %s | 1.00 |%n",
                    BenchSupport.fmt(j.get("weighted_sum_seconds").asDouble()), BenchSupport.fmt(numpyGbps),
                    BenchSupport.fmt(numpyGbps / triadGbps));
            System.out.printf("| numpy triad (2 ufunc passes) | %s | %s | %s | |%n",
                    BenchSupport.fmt(j.get("triad_seconds").asDouble()),
                    BenchSupport.fmt(j.get("triad_gbps").asDouble()),
                    BenchSupport.fmt(j.get("triad_gbps").asDouble() / triadGbps));
        });
        row("l2Norm (double accumulation)", norm, 4.0 * n, triadGbps, Double.NaN);
        row("dot (double accumulation)", dot, 8.0 * n, triadGbps, Double.NaN);
        row("cosineSimilarity (one pass)", cosine, 8.0 * n, triadGbps, Double.NaN);
        row("indexOfFirstNonFinite", finite, 4.0 * n, triadGbps, Double.NaN);
        System.out.println();
        System.out.println("Ratios are throughput / baseline throughput: above 1 means faster.");
        if (numpy.isPresent()) {
            boolean same = numpy.get().get("weighted_sum_sha256").asText().equals(ourHash);
            System.out.println("Weighted sum bit-identical to numpy (SHA-256 of the output): " + (same ? "yes" : "NO"));
        } else {
            System.out.println("numpy baseline not run: /usr/bin/python3 with numpy or the script is missing.");
        }
    }

    private static void row(String name, double seconds, double bytes, double triadGbps, double numpyGbps) {
        double gbps = bytes / seconds / 1e9;
        System.out.printf("| %s | %s | %s | %s | %s |%n", name, BenchSupport.fmt(seconds), BenchSupport.fmt(gbps),
                BenchSupport.fmt(gbps / triadGbps), Double.isNaN(numpyGbps) ? "" : BenchSupport.fmt(gbps / numpyGbps));
    }

    /** The same formula as the numpy script: ((i*7 + k*13) % 1000 - 500) * 1e-3 in float. */
    private static float[] delta(int n, int k) {
        float[] d = new float[n];
        IntStream.range(0, (n + DeltaMath.CHUNK - 1) / DeltaMath.CHUNK).parallel().forEach(c -> {
            int hi = Math.min(n, (c + 1) * DeltaMath.CHUNK);
            for (int i = c * DeltaMath.CHUNK; i < hi; i++) {
                d[i] = (float) ((i * 7L + k * 13L) % 1000 - 500) * 1e-3f;
            }
        });
        return d;
    }

    /** STREAM triad over the same chunking and pool as DeltaMath. */
    private static void triad(float[] a, float[] b, float[] c, float s) {
        int n = a.length;
        IntStream.range(0, (n + DeltaMath.CHUNK - 1) / DeltaMath.CHUNK).parallel().forEach(chunk -> {
            int hi = Math.min(n, (chunk + 1) * DeltaMath.CHUNK);
            for (int i = chunk * DeltaMath.CHUNK; i < hi; i++) {
                a[i] = b[i] + s * c[i];
            }
        });
    }

    private static String sha256(float[] values) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; ) {
            buf.clear();
            int m = Math.min(values.length - i, buf.capacity() / 4);
            buf.asFloatBuffer().put(values, i, m);
            md.update(buf.array(), 0, m * 4);
            i += m;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Optional<JsonNode> runNumpy(int n) {
        return BenchSupport.script("scripts/bench/numpy_weighted_sum.py")
                .flatMap(script -> BenchSupport.runPython(script, 30, Integer.toString(n), Integer.toString(K)))
                .map(out -> {
                    try {
                        return new ObjectMapper().readTree(out);
                    } catch (Exception e) {
                        System.err.println("numpy baseline printed no JSON: " + out.strip());
                        return null;
                    }
                });
    }
}
