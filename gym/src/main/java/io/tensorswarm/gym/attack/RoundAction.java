package io.tensorswarm.gym.attack;

import io.tensorswarm.gym.net.PublishResult;
import java.util.List;

/**
 * What an adversary did in a round: a human summary (what it read and built) and the results of
 * the miner CLI runs that published it.
 *
 * @param summary e.g. "mixed 5F3s…@7, 5Dbz…@7"
 * @param published one result per {@code miner publish} run, empty when it published nothing
 */
public record RoundAction(String summary, List<PublishResult> published) {
    public RoundAction {
        published = List.copyOf(published);
    }

    /** Returns an action that published nothing. */
    public static RoundAction skipped(String why) {
        return new RoundAction(why, List.of());
    }
}
