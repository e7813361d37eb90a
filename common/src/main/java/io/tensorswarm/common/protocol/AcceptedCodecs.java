package io.tensorswarm.common.protocol;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The delta codecs a subnet accepts: the protocol rule that every validator and the averager apply
 * before downloading a delta, so a miner cannot pick a codec that validators score differently (a
 * denser one keeps more of the delta and scores higher per round than the subnet's sparse codec,
 * at many times the traffic).
 *
 * <p>Daemons take it from their {@code --codec} flag (env {@code TS_CODEC}, the same variable the
 * miners write with), whose default is {@link DeltaCodecs#DEFAULT}. Immutable.
 *
 * <pre>{@code
 * AcceptedCodecs accepted = AcceptedCodecs.parse("sparseloco");
 * accepted.refusal("bf16"); // Optional["delta is bf16, the subnet accepts sparseloco"]
 * }</pre>
 */
public final class AcceptedCodecs {
    private final List<String> names;

    private AcceptedCodecs(Collection<String> names) {
        this.names = List.copyOf(new LinkedHashSet<>(names));
    }

    /**
     * Returns the set of {@code names}.
     *
     * @throws IllegalArgumentException when it is empty or a name is not a known codec
     */
    public static AcceptedCodecs of(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name at least one codec; known: " + String.join(", ", DeltaCodecs.names()));
        }
        for (String n : names) {
            if (!DeltaCodecs.isKnown(n)) {
                throw new IllegalArgumentException("unknown codec " + Quote.of(n) + "; known: "
                        + String.join(", ", DeltaCodecs.names()));
            }
        }
        return new AcceptedCodecs(names);
    }

    /**
     * Parses a comma-separated list such as {@code sparseloco} or {@code sparseloco,bf16} (a subnet
     * moving from one codec to another accepts both for a while).
     *
     * @throws IllegalArgumentException when it names no codec or an unknown one
     */
    public static AcceptedCodecs parse(String csv) {
        Objects.requireNonNull(csv, "csv");
        Set<String> out = new LinkedHashSet<>();
        for (String part : csv.split(",", -1)) {
            String name = part.strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty codec name in " + Quote.of(csv));
            }
            out.add(name);
        }
        return of(out);
    }

    /** Returns the subnet default: {@link DeltaCodecs#DEFAULT} only. */
    public static AcceptedCodecs subnetDefault() {
        return of(List.of(DeltaCodecs.DEFAULT));
    }

    /** Returns every codec the protocol knows (for offline tools that score any delta). */
    public static AcceptedCodecs all() {
        return of(DeltaCodecs.names());
    }

    /** Returns the accepted names, in the order given. */
    public List<String> names() {
        return names;
    }

    /** Returns whether a delta stored with {@code codec} is accepted. */
    public boolean accepts(String codec) {
        return codec != null && names.contains(codec);
    }

    /**
     * Returns why a delta stored with {@code codec} is refused (one line), or empty when it is
     * accepted. The codec name is quoted safely: it comes from an untrusted manifest.
     */
    public Optional<String> refusal(String codec) {
        if (accepts(codec)) {
            return Optional.empty();
        }
        String shown = codec == null ? "of no codec" : DeltaCodecs.isKnown(codec) ? codec : Quote.of(codec);
        return Optional.of("delta is " + shown + ", the subnet accepts " + String.join(" or ", names));
    }

    @Override
    public String toString() {
        return String.join(",", names);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptedCodecs a && a.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }
}
