package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.tensor.Shapes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parsed header of a safetensors file: its tensors in data-buffer order, and its {@code
 * __metadata__}. Immutable.
 *
 * <p>A header read from a file keeps the file's header length ({@link #headerLength()}); a header
 * built here lays tensors out back to back in the order they were added, and its header length is
 * that of {@link #encode()}.
 *
 * <pre>{@code
 * SafetensorsHeader header = SafetensorsHeader.builder()
 *         .add("wte", DType.F32, new long[] {50257, 768})
 *         .putMetadata("format", "pt")
 *         .build();
 * }</pre>
 */
public final class SafetensorsHeader {
    private final List<TensorEntry> entries;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;
    private final long dataLength;
    private final long headerLength;
    private byte[] encoded;

    /** Takes entries already validated as contiguous from offset 0, sorted by begin. */
    SafetensorsHeader(List<TensorEntry> entries, Map<String, String> metadata, long headerLength) {
        this.entries = List.copyOf(entries);
        LinkedHashMap<String, TensorEntry> map = new LinkedHashMap<>();
        long expected = 0;
        for (TensorEntry e : this.entries) {
            if (map.put(e.name(), e) != null) {
                throw new IllegalArgumentException("duplicate tensor name " + e.name());
            }
            if (e.begin() != expected) {
                throw new IllegalArgumentException("tensor " + e.name() + " does not start at " + expected);
            }
            expected = e.end();
        }
        this.byName = Collections.unmodifiableMap(map);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.dataLength = expected;
        this.headerLength = headerLength >= 0 ? headerLength : encode().length;
    }

    /** Returns a builder that lays tensors out back to back in the order added. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the header of the file that holds {@code set}, tensors in the set's order. */
    public static SafetensorsHeader describing(ParameterSet set) {
        Builder b = builder();
        for (NamedTensor t : set) {
            b.add(t.name(), t.dtype(), t.shape());
        }
        return b.putAllMetadata(set.metadata()).build();
    }

    /** Returns the tensors in data-buffer order. */
    public List<TensorEntry> entries() {
        return entries;
    }

    /** Returns the tensor names in data-buffer order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Returns the entry with this name, or {@code null}. */
    public TensorEntry get(String name) {
        return byName.get(name);
    }

    /** Returns the number of tensors. */
    public int size() {
        return entries.size();
    }

    /** Returns the {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Returns the size of the data buffer: the sum of all tensor byte lengths. */
    public long dataLength() {
        return dataLength;
    }

    /** Returns the header length field {@code N}: the JSON bytes including padding. */
    public long headerLength() {
        return headerLength;
    }

    /** Returns the file offset where the data buffer starts: {@code 8 + N}. */
    public long dataStart() {
        return 8 + headerLength;
    }

    /** Returns the whole file's length: {@code 8 + N + dataLength}. */
    public long fileLength() {
        return dataStart() + dataLength;
    }

    /**
     * Returns this header as the Hugging Face library writes it: compact JSON, {@code __metadata__}
     * first when present, then tensors in buffer order, padded with spaces to a multiple of 8 bytes.
     */
    public byte[] encode() {
        byte[] e = encoded;
        if (e == null) {
            e = HeaderJson.encode(this);
            encoded = e;
        }
        return e.clone();
    }

    @Override
    public String toString() {
        return "SafetensorsHeader[" + entries.size() + " tensors, " + dataLength + " data bytes]";
    }

    /** Builds a {@link SafetensorsHeader} whose tensors lie back to back in the order added. */
    public static final class Builder {
        private final List<TensorEntry> entries = new ArrayList<>();
        private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        private long offset;

        private Builder() {}

        /**
         * Appends a tensor right after the previous one.
         *
         * @throws IllegalArgumentException when the name is {@code __metadata__} or the shape is
         *     invalid
         */
        public Builder add(String name, DType dtype, long[] shape) {
            if (HeaderJson.METADATA_KEY.equals(name)) {
                throw new IllegalArgumentException("a tensor cannot be named " + name);
            }
            long bytes = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
            entries.add(new TensorEntry(name, dtype, shape, offset, Math.addExact(offset, bytes)));
            offset += bytes;
            return this;
        }

        public Builder putMetadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder putAllMetadata(Map<String, String> entries) {
            entries.forEach(this::putMetadata);
            return this;
        }

        /**
         * Returns the header.
         *
         * @throws IllegalArgumentException when two tensors share a name
         */
        public SafetensorsHeader build() {
            return new SafetensorsHeader(entries, metadata, -1);
        }
    }
}
