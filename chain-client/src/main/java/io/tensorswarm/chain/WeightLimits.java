package io.tensorswarm.chain;

import io.tensorswarm.chain.model.SubnetHyperparameters;
import java.util.Optional;

/**
 * The limits subtensor puts on how often a hotkey may send weights ({@code
 * pallets/subtensor/src/subnets/weights.rs}), in one place for the chain that enforces them (the
 * embedded {@code LocalChain}) and the senders that check them first (the validator daemon): {@code
 * set_weights} and {@code commit_weights} alike wait {@code WeightsSetRateLimit} blocks after the
 * neuron's {@code LastUpdate}, which both calls set (a reveal does not) and whose 0 means "never";
 * and a hotkey holds at most {@link #MAX_UNREVEALED_COMMITS} commits that are neither revealed nor
 * expired.
 */
public final class WeightLimits {
    /** Most unrevealed, unexpired weight commits a hotkey may hold on a subnet, as on chain. */
    public static final int MAX_UNREVEALED_COMMITS = 10;

    private WeightLimits() {}

    /** Why a weights call would be refused: {@code reason} is short ("rate limit"), {@code detail} one line. */
    public record Refusal(String reason, String detail) {}

    /**
     * Returns whether the rate limit lets a neuron last updated at {@code lastUpdate} send weights (or
     * a commit) in {@code block}: never updated (0), or at least {@code rateLimit} blocks ago.
     */
    public static boolean rateLimitPassed(long lastUpdate, long block, long rateLimit) {
        return lastUpdate == 0 || block - lastUpdate >= rateLimit;
    }

    /**
     * Returns why the chain would refuse a weights call from a neuron last updated at {@code
     * lastUpdate} in {@code block}, or empty when it would not for these reasons; {@code
     * unrevealedCommits} counts the hotkey's commits not yet revealed or expired (only consulted
     * on a commit-reveal subnet).
     */
    public static Optional<Refusal> check(SubnetHyperparameters hp, long lastUpdate, long block, long unrevealedCommits) {
        if (!rateLimitPassed(lastUpdate, block, hp.weightsRateLimit())) {
            return Optional.of(new Refusal("rate limit", "weights were " + (hp.commitRevealEnabled() ? "committed" : "set")
                    + " in block " + lastUpdate + "; the rate limit of " + hp.weightsRateLimit()
                    + " blocks lets the next go in block " + (lastUpdate + hp.weightsRateLimit()) + " (now " + block + ")"));
        }
        if (hp.commitRevealEnabled() && unrevealedCommits >= MAX_UNREVEALED_COMMITS) {
            return Optional.of(new Refusal(MAX_UNREVEALED_COMMITS + " unrevealed commits", "the hotkey holds "
                    + unrevealedCommits + " unrevealed weight commits, the most the chain keeps; the next commit waits "
                    + "for a reveal or an expiry"));
        }
        return Optional.empty();
    }
}
