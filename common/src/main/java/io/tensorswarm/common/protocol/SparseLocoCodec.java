package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sparseloco} codec, after Templar's SparseLoCo compressor: each tensor, flattened
 * row-major, is cut into chunks of {@code C} values (the last may be shorter); in each chunk the
 * {@code K} values of largest magnitude are kept ({@code ceil(K * L / C)} for a chunk of {@code L});
 * each kept value is stored in 2 bits as one of {@code ±lo, ±hi}, two BF16 magnitudes per chunk;
 * positions are Elias–Fano coded ({@link SparseChunk}). Everything else decodes to zero. Pair it with
 * {@link ErrorFeedback}, which carries what a round leaves out into the next.
 *
 * <p>At the defaults ({@code C = 4096}, {@code K = 64}, Templar's 1.56% density) a full chunk takes 84
 * bytes against 16,384 in F32: 195x fewer, which leaves room under Templar's 146x for short chunks and
 * the file header. The kept values are the {@code K} largest by {@code |x|}, ties to the lower index;
 * their magnitudes are split by rank, the larger {@code ceil(K / 2)} forming the {@code hi} group and
 * the rest {@code lo}; each level is its group's mean magnitude rounded to BF16, and each value takes
 * the nearer level (ties to {@code hi}). Deterministic: the same delta gives the same bytes.
 *
 * <p>For a tensor {@code <name>} it stores {@code <name>.__sparse}, U8 {@code [bytes]}, whose length
 * the layout and the parameters ({@value #CHUNK_KEY}, {@value #KEEP_KEY} in metadata) fix exactly, so
 * a hostile header cannot make a decoder allocate more than the layout implies, and every record is
 * checked as it is decoded.
 */
public final class SparseLocoCodec implements DeltaCodec {
    /** The codec's name. */
    public static final String NAME = "sparseloco";
    /** Metadata key of the chunk size {@code C}. */
    public static final String CHUNK_KEY = "tensorswarm.sparseloco.chunk";
    /** Metadata key of the values kept per full chunk, {@code K}. */
    public static final String KEEP_KEY = "tensorswarm.sparseloco.keep";
    /** Suffix of the stored tensor's name. */
    public static final String SUFFIX = ".__sparse";
    /** Templar's chunk: 64 x 64 values. */
    public static final int DEFAULT_CHUNK = 4096;
    /** Templar's top-64 per chunk. */
    public static final int DEFAULT_KEEP = 64;
    /** The smallest chunk a stored delta may use. */
    public static final int MIN_CHUNK = 64;
    /** The largest chunk a stored delta may use. */
    public static final int MAX_CHUNK = 1 << 20;

    private final int chunk;
    private final int keep;

    /** Creates the codec with Templar's parameters. */
    public SparseLocoCodec() {
        this(DEFAULT_CHUNK, DEFAULT_KEEP);
    }

    /**
     * Creates the codec keeping {@code keep} of every {@code chunk} values.
     *
     * @throws IllegalArgumentException when {@code chunk} is outside {@code [64, 2^20]} or {@code keep}
     *     outside {@code [1, chunk]}
     */
    public SparseLocoCodec(int chunk, int keep) {
        if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk must be in [" + MIN_CHUNK + ", " + MAX_CHUNK + "], got " + chunk);
        }
        if (keep < 1 || keep > chunk) {
            throw new IllegalArgumentException("keep must be in [1, " + chunk + "], got " + keep);
        }
        this.chunk = chunk;
        this.keep = keep;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsErrorFeedback() {
        return true;
    }

    @Override
    public ParameterSet encode(ParameterSet deltaF32) {
        ParameterSet.Builder out = CodecChecks.encodedBuilder(deltaF32, NAME)
                .putMetadata(CHUNK_KEY, Integer.toString(chunk))
                .putMetadata(KEEP_KEY, Integer.toString(keep));
        for (NamedTensor t : deltaF32) {
            float[] x = CodecChecks.encodableFloats(t);
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(tensorBytes(x.length))).order(ByteOrder.LITTLE_ENDIAN);
            int[] scratch = new int[Math.min(chunk, x.length)];
            for (int from = 0; from < x.length; from += chunk) {
                encodeChunk(x, from, chunkAt(x.length, from), scratch, bytes);
            }
            CodecChecks.addEncoded(out, new NamedTensor(t.name() + SUFFIX, DType.U8, new long[] {bytes.capacity()},
                    bytes.flip()));
        }
        return out.build();
    }

    private static void encodeChunk(float[] x, int from, SparseChunk record, int[] scratch, ByteBuffer out) {
        int k = record.k();
        int[] positions = TopKSelection.largestMagnitudes(x, from, record.length(), k, scratch);
        float[] magnitudes = new float[k];
        for (int j = 0; j < k; j++) {
            magnitudes[j] = Math.abs(x[from + positions[j]]);
        }
        float[] sorted = magnitudes.clone();
        Arrays.sort(sorted);
        int highCount = (k + 1) / 2;
        short lo = HalfFloats.floatToBf16(mean(sorted, 0, k - highCount));
        short hi = HalfFloats.floatToBf16(mean(sorted, k - highCount, k));
        if (k - highCount == 0) {
            lo = hi; // one kept value: both levels are its magnitude
        }
        float loValue = HalfFloats.bf16ToFloat(lo);
        float hiValue = HalfFloats.bf16ToFloat(hi);
        boolean[] negative = new boolean[k];
        boolean[] high = new boolean[k];
        for (int j = 0; j < k; j++) {
            negative[j] = x[from + positions[j]] < 0f;
            high[j] = Math.abs(magnitudes[j] - hiValue) <= Math.abs(magnitudes[j] - loValue);
        }
        record.write(out, lo, hi, positions, negative, high);
    }

    private static float mean(float[] sorted, int from, int to) {
        if (to <= from) {
            return 0f;
        }
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += sorted[i];
        }
        return (float) (sum / (to - from));
    }

    @Override
    public ParameterSet decode(ParameterSet stored, ParameterSet layout) {
        return decodeSparse(stored, layout).toDense();
    }

    @Override
    public boolean decodesSparse() {
        return true;
    }

    /**
     * Returns each tensor's kept positions and values, chunk by chunk, after the header rules
     * ({@link #checkHeader}: parameters in range and every record's length fixed by the layout).
     * The entries allocated per tensor are the sum of its chunks' {@code k}, which the layout and
     * the parameters fix; each record must hold exactly its {@code k} positions.
     */
    @Override
    public SparseDelta decodeSparse(ParameterSet stored, ParameterSet layout) {
        SparseLocoCodec format = check(StoredView.of(stored), layout);
        List<SparseTensor> out = new ArrayList<>();
        for (NamedTensor base : layout) {
            int n = CodecChecks.elementCount(base);
            String name = base.name() + SUFFIX;
            ByteBuffer in = stored.get(name).data();
            int kept = format.keptCount(n);
            int[] positions = new int[kept];
            float[] values = new float[kept];
            int at = 0;
            int index = 0;
            for (int from = 0; from < n; from += format.chunk) {
                at += format.chunkAt(n, from).read(in, positions, values, at, from, name, index++);
            }
            out.add(new SparseTensor(base.name(), base.shape(), n, positions, values));
        }
        return new SparseDelta(out);
    }

    @Override
    public void checkHeader(SafetensorsHeader header, ParameterSet layout) {
        check(StoredView.of(header), layout);
    }

    /**
     * Returns a bound on the stored bytes over every accepted parameter: at most 8 bytes per chunk of
     * the smallest size plus one byte per value (a record holds 4 bytes of levels and under half a
     * byte per value even when every value is kept).
     */
    @Override
    public long maxDataBytes(ParameterSet layout) {
        long total = 0;
        for (NamedTensor base : layout) {
            long n = base.elementCount();
            try {
                total = Math.addExact(total, Math.addExact(n, Math.multiplyExact((n + MIN_CHUNK - 1) / MIN_CHUNK, 8)));
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    /** Returns the record shape of the chunk of a tensor of {@code n} values that starts at {@code from}. */
    private SparseChunk chunkAt(int n, int from) {
        int length = Math.min(chunk, n - from);
        return new SparseChunk(length, SparseChunk.keptCount(length, chunk, keep));
    }

    /** Returns the values kept of a tensor of {@code n} values: the sum of its chunks' {@code k}. */
    private int keptCount(int n) {
        int total = 0;
        for (int from = 0; from < n; from += chunk) {
            total += chunkAt(n, from).k();
        }
        return total;
    }

    /** Returns the exact stored bytes of a tensor of {@code n} values. */
    private long tensorBytes(int n) {
        long total = 0;
        for (int from = 0; from < n; from += chunk) {
            total += chunkAt(n, from).bytes();
        }
        return total;
    }

    /** Checks the structure ({@link #checkHeader}) and returns the codec with the stored parameters. */
    private static SparseLocoCodec check(StoredView stored, ParameterSet layout) {
        CodecChecks.requireCodec(stored, NAME);
        int c = CodecParameters.integer(stored.metadata(), CHUNK_KEY, MIN_CHUNK, MAX_CHUNK);
        SparseLocoCodec format = new SparseLocoCodec(c, CodecParameters.integer(stored.metadata(), KEEP_KEY, 1, c));
        Set<String> expected = new HashSet<>();
        for (NamedTensor base : layout) {
            CodecChecks.expect(expected, base.name(), base.name() + SUFFIX);
        }
        CodecChecks.requireNoExtra(stored, expected);
        for (NamedTensor base : layout) {
            int n = CodecChecks.elementCount(base);
            if (n == 0) {
                throw new DeltaCodecException(DeltaCodecException.Kind.SHAPE, base.name(),
                        "base tensor " + Quote.of(base.name()) + " is empty");
            }
            CodecChecks.require(stored, base.name() + SUFFIX, new long[] {format.tensorBytes(n)}, DType.U8);
        }
        return format;
    }

    @Override
    public String toString() {
        return NAME + "(chunk " + chunk + ", keep " + keep + ")";
    }
}
