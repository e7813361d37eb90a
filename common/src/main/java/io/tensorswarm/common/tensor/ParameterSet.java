package io.tensorswarm.common.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered set of named tensors: a model's weights, a weight delta, or any safetensors file.
 *
 * <p>Immutable; the order is the order tensors were added (for models, the Hugging Face parameter
 * order). Names are unique.
 *
 * <pre>{@code
 * ParameterSet set = ParameterSet.builder()
 *         .add(NamedTensor.ofFloats("transformer.wte.weight", new long[] {256, 64}, wte))
 *         .putMetadata("format", "pt")
 *         .build();
 * }</pre>
 */
public final class ParameterSet implements Iterable<NamedTensor> {
    private final Map<String, NamedTensor> tensors;
    private final Map<String, String> metadata;

    private ParameterSet(Builder b) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(b.tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding this set's tensors and metadata. */
    public Builder toBuilder() {
        Builder b = new Builder();
        tensors.values().forEach(b::add);
        b.metadata.putAll(metadata);
        return b;
    }

    /** Returns the tensor with this name, or {@code null}. */
    public NamedTensor get(String name) {
        return tensors.get(name);
    }

    /**
     * Returns the tensor with this name.
     *
     * @throws IllegalArgumentException when there is none
     */
    public NamedTensor require(String name) {
        NamedTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return t;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** Returns the tensor names in order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Returns the tensors in order. */
    public List<NamedTensor> tensors() {
        return new ArrayList<>(tensors.values());
    }

    /** Returns the free-form string metadata (safetensors {@code __metadata__}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public int size() {
        return tensors.size();
    }

    /** Returns the total number of elements over all tensors. */
    public long elementCount() {
        long n = 0;
        for (NamedTensor t : tensors.values()) {
            n += t.elementCount();
        }
        return n;
    }

    /** Returns the total size of all element bytes. */
    public long byteSize() {
        long n = 0;
        for (NamedTensor t : tensors.values()) {
            n += t.byteSize();
        }
        return n;
    }

    @Override
    public Iterator<NamedTensor> iterator() {
        return tensors.values().iterator();
    }

    @Override
    public String toString() {
        return "ParameterSet[" + tensors.size() + " tensors, " + elementCount() + " elements]";
    }

    /** Builds a {@link ParameterSet}; names must be unique. */
    public static final class Builder {
        private final LinkedHashMap<String, NamedTensor> tensors = new LinkedHashMap<>();
        private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Appends a tensor.
         *
         * @throws IllegalArgumentException when the name is already present
         */
        public Builder add(NamedTensor t) {
            Objects.requireNonNull(t, "tensor");
            if (tensors.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("duplicate tensor name " + t.name());
            }
            return this;
        }

        /** Replaces the tensor of the same name, or appends it. */
        public Builder put(NamedTensor t) {
            tensors.put(t.name(), t);
            return this;
        }

        public Builder putMetadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder putAllMetadata(Map<String, String> entries) {
            entries.forEach(this::putMetadata);
            return this;
        }

        public ParameterSet build() {
            return new ParameterSet(this);
        }
    }
}
