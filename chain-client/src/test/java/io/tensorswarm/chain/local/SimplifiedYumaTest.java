package io.tensorswarm.chain.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The simplified Yuma epoch on small matrices with hand-computed answers. */
class SimplifiedYumaTest {
    private static final double EPS = 1e-12;

    /** uids 0,1 validate with stake 3:1; uids 2,3 mine. v0 backs miner 2, v1 backs miner 3. */
    private static final double[] STAKE = {3, 1, 0, 0};
    private static final double[][] SPLIT = {
        {0, 0, 1, 0},
        {0, 0, 0, 1},
        {0, 0, 0, 0},
        {0, 0, 0, 0},
    };

    @Test
    void withoutClippingIncentiveIsTheStakeWeightedSumOfWeights() {
        SimplifiedYuma.Result r = SimplifiedYuma.compute(STAKE, SPLIT, false);
        assertArrayEquals(new double[] {0, 0, 0.75, 0.25}, r.incentive(), EPS);
        // D_i = s_i W_ij / R_j * I_j: v0 = 1 * 0.75, v1 = 1 * 0.25
        assertArrayEquals(new double[] {0.75, 0.25, 0, 0}, r.dividends(), EPS);
    }

    @Test
    void clippingDropsWeightsTheStakeMajorityDoesNotBack() {
        SimplifiedYuma.Result r = SimplifiedYuma.compute(STAKE, SPLIT, true);
        assertArrayEquals(new double[] {0, 0, 1, 0}, r.incentive(), EPS);
        assertArrayEquals(new double[] {1, 0, 0, 0}, r.dividends(), EPS);
    }

    @Test
    void clippingCapsAWeightAtTheStakeWeightedMedian() {
        // v0 (stake 1) gives miner 2 all; v1, v2 (stake 1 each) split 1:1 between miners 2 and 3.
        double[] stake = {1, 1, 1, 0, 0};
        double[][] w = new double[5][5];
        w[0][3] = 1;
        w[1][3] = 1;
        w[1][4] = 1;
        w[2][3] = 1;
        w[2][4] = 1;
        SimplifiedYuma.Result r = SimplifiedYuma.compute(stake, w, true);
        // miner 3: weights {1, .5, .5}, median .5 -> clipped {.5,.5,.5}, R = .5
        // miner 4: weights {0, .5, .5}, median .5 -> R = 1/3
        assertArrayEquals(new double[] {0, 0, 0, 0.6, 0.4}, r.incentive(), EPS);
        // v0: (1/3 * .5)/.5 * .6 = .2; v1, v2: .2 + (1/3*.5)/(1/3) * .4 = .2 + .2 = .4 -> normalized /1.0
        assertArrayEquals(new double[] {0.2, 0.4, 0.4, 0, 0}, r.dividends(), EPS);
    }

    @Test
    void stakeThatCastsNoWeightsDoesNotCount() {
        double[] stake = {1, 100, 0};
        double[][] w = {{0, 0, 5}, {0, 0, 0}, {0, 0, 0}};
        SimplifiedYuma.Result r = SimplifiedYuma.compute(stake, w, true);
        assertArrayEquals(new double[] {0, 0, 1}, r.incentive(), EPS);
    }

    @Test
    void noStakeGivesNoIncentive() {
        SimplifiedYuma.Result r = SimplifiedYuma.compute(new double[] {0, 0}, new double[][] {{0, 1}, {1, 0}}, true);
        assertArrayEquals(new double[] {0, 0}, r.incentive(), EPS);
        assertArrayEquals(new double[] {0, 0}, r.dividends(), EPS);
    }

    @Test
    void rejectsNegativeWeightsAndRaggedMatrices() {
        assertThrows(IllegalArgumentException.class,
                () -> SimplifiedYuma.compute(new double[] {1, 0}, new double[][] {{0, -1}, {0, 0}}, false));
        assertThrows(IllegalArgumentException.class,
                () -> SimplifiedYuma.compute(new double[] {1, 0}, new double[][] {{0, 1}}, false));
    }
}
