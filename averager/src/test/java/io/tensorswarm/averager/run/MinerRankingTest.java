package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinerRankingTest {
    private static Neuron neuron(int uid, String hotkey, double incentive) {
        return new Neuron(uid, hotkey, "cold", 0, false, 0, incentive, 0, null);
    }

    @Test
    void ordersByIncentiveThenHotkeyAndDropsUnregisteredHotkeys() {
        Metagraph mg = new Metagraph(1, 100, List.of(neuron(0, "hk-c", 0.25), neuron(1, "hk-a", 0.5),
                neuron(2, "hk-b", 0.25), neuron(3, "hk-d", 0.0)));

        List<MinerRanking.Ranked> ranked = MinerRanking.rank(mg, List.of("hk-d", "hk-b", "hk-c", "hk-a", "hk-gone"));

        assertEquals(List.of("hk-a", "hk-b", "hk-c", "hk-d"), ranked.stream().map(MinerRanking.Ranked::hotkey).toList());
        assertEquals(List.of(1, 2, 0, 3), ranked.stream().map(MinerRanking.Ranked::uid).toList());
    }
}
