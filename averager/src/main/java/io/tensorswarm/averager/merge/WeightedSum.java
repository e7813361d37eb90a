package io.tensorswarm.averager.merge;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The mixed delta {@code Σ_k w_k δ_k} of one tensor, the only sum the merge forms (the mixing fit's
 * {@code θ(α)} and the pseudo-gradient). When every delta is dense it is {@link
 * Deltas#weightedSum(List, String, float[])}, unchanged; otherwise one dense F32 accumulator of the
 * tensor's size, into which each delta adds {@code w_k δ_k} in order {@code k = 0, 1, ...}: a sparse
 * delta only at its kept entries. Both add the same float terms in the same order (a term a sparse
 * delta leaves out is a zero, which leaves a float sum unchanged), so a sparse delta mixes to the
 * values its dense decode would, up to the sign of a zero.
 */
final class WeightedSum {
    private WeightedSum() {}

    /** Returns {@code Σ_k weights[k] * deltas[k]} of {@code tensor} (a tensor of the base), a fresh array. */
    static float[] of(List<MergeDelta> deltas, NamedTensor tensor, float[] weights) {
        if (deltas.size() != weights.length) {
            throw new IllegalArgumentException(deltas.size() + " deltas but " + weights.length + " weights");
        }
        List<ParameterSet> dense = new ArrayList<>(deltas.size());
        for (MergeDelta d : deltas) {
            if (d instanceof DenseMergeDelta whole) {
                dense.add(whole.set());
            }
        }
        if (dense.size() == deltas.size()) {
            return Deltas.weightedSum(dense, tensor.name(), weights);
        }
        float[] acc = new float[Math.toIntExact(tensor.elementCount())];
        for (int k = 0; k < weights.length; k++) {
            deltas.get(k).addScaled(tensor.name(), weights[k], acc);
        }
        return acc;
    }
}
