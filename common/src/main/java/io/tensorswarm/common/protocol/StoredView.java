package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.TensorEntry;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the codecs' structural rules look at in a stored delta: its metadata and each tensor's dtype
 * and shape. Built from a parsed header, before any tensor byte is read, or from the tensors
 * themselves, so the same rules run at both points.
 */
final class StoredView {
    /** One stored tensor's dtype and shape. */
    record Spec(DType dtype, long[] shape) {}

    private final Map<String, String> metadata;
    private final Map<String, Spec> tensors;

    private StoredView(Map<String, String> metadata, Map<String, Spec> tensors) {
        this.metadata = metadata;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    static StoredView of(SafetensorsHeader header) {
        Map<String, Spec> tensors = new LinkedHashMap<>();
        for (TensorEntry e : header.entries()) {
            tensors.put(e.name(), new Spec(e.dtype(), e.shape()));
        }
        return new StoredView(header.metadata(), tensors);
    }

    static StoredView of(ParameterSet stored) {
        Map<String, Spec> tensors = new LinkedHashMap<>();
        for (NamedTensor t : stored) {
            tensors.put(t.name(), new Spec(t.dtype(), t.shape()));
        }
        return new StoredView(stored.metadata(), tensors);
    }

    Map<String, String> metadata() {
        return metadata;
    }

    Collection<String> names() {
        return tensors.keySet();
    }

    /** Returns the tensor's spec, or {@code null}. */
    Spec get(String name) {
        return tensors.get(name);
    }
}
