package io.tensorswarm.common.model;

import java.util.Locale;

/**
 * The number format a forward and backward pass computes in. Weights, gradients and optimizer
 * state stay F32 in every mode (they are the master copy); only the step's activations and the
 * weights' per-step copies change.
 */
public enum Precision {
    /** Everything in F32. */
    FP32("fp32"),
    /**
     * Weights cast to BF16 for each step; BF16 activations, matrix products and attention softmax
     * (libtorch accumulates them in F32); F32 logits, loss and softmax over the vocabulary. BF16 keeps
     * F32's exponent range, so unlike F16 it needs no loss scaling.
     */
    BF16("bf16");

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** Returns the name used on command lines and in logs: {@code fp32} or {@code bf16}. */
    public String label() {
        return label;
    }

    /**
     * Returns the precision named {@code text} ({@code fp32} or {@code bf16}, any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Precision p : values()) {
            if (p.label.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + text + "' is not one of fp32, bf16");
    }

    @Override
    public String toString() {
        return label;
    }
}
