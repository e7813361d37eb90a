package io.tensorswarm.gym.attack;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The adversaries of the gym, by their {@code --kind} name. See {@code docs/local-subnet.md}. */
public enum AdversaryKind {
    LAZY("lazy", "commits a delta every round, never uploads it", LazyMiner::new),
    COPIER("copier", "exact copy of the newest readable delta of another miner", () -> new Copier(1f, "copied")),
    SCALED_COPIER("scaled-copier", "2x the newest readable delta", () -> new Copier(2f, "scaled 2x")),
    NOISY_COPIER("noisy-copier", "the newest readable delta plus Gaussian noise (cosine 0.80 to it)", NoisyCopier::new),
    MIXER("mixer", "mean of the newest readable deltas of two or more miners", Mixer::new),
    REPLAYER("replayer", "a delta of an earlier round, re-labelled for this round and base", Replayer::new),
    STALE("stale", "trains honestly on its own pages, but on the previous base (and names it)", StaleMiner::new),
    FINETUNE_COPIER("finetune-copier", "the newest readable delta plus a few steps of its own training",
            () -> new FinetuneCopier(false)),
    NOISY_FINETUNE_COPIER("noisy-finetune-copier",
            "the fine-tune copier's delta plus Gaussian noise (cosine 0.80 to it)", () -> new FinetuneCopier(true)),
    NOISE("noise", "pure Gaussian noise with an honest delta's per-tensor norms", NoiseMiner::new),
    NORM_BOMB("norm-bomb", "100x the newest readable delta (aimed at the averager as well)",
            () -> new Copier(100f, "scaled 100x")),
    GRIEFER("griefer", "re-commits an honest miner's commitment bytes, then uploads a copy of its delta", Griefer::new),
    SYBIL("sybil", "two hotkeys commit the same copied delta in the same block", Sybil::new);

    private final String flagValue;
    private final String description;
    private final Supplier<Adversary> factory;

    AdversaryKind(String flagValue, String description, Supplier<Adversary> factory) {
        this.flagValue = flagValue;
        this.description = description;
        this.factory = factory;
    }

    /**
     * Returns the kind named {@code name} (as in {@code --kind}, any case).
     *
     * @throws IllegalArgumentException naming the known kinds
     */
    public static AdversaryKind parse(String name) {
        for (AdversaryKind k : values()) {
            if (k.flagValue.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown adversary kind '" + name + "' (known: " + names() + ")");
    }

    /** Returns every kind's name, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(AdversaryKind::flagValue).collect(Collectors.joining(", "));
    }

    public String flagValue() {
        return flagValue;
    }

    public String description() {
        return description;
    }

    /** Returns whether the kind plays with a second hotkey. */
    public boolean needsTwin() {
        return this == SYBIL;
    }

    /** Returns a fresh adversary of this kind. */
    public Adversary create() {
        return factory.get();
    }
}
