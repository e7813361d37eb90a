package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.tensor.DeltaMismatchException;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OuterOptimizer#propose(ParameterSet, java.util.function.Function)}: the pseudo-gradient
 * asked for one tensor at a time gives the step the whole set gives, bit for bit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamedOuterStepTest {
    private static ParameterSet random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ParameterSet.Builder b = ParameterSet.builder();
        for (String name : new String[] {"a", "b"}) {
            float[] v = new float[50];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            b.add(NamedTensor.ofFloats(name, new long[] {5, 10}, v));
        }
        return b.build();
    }

    private static void assertSameSet(ParameterSet expected, ParameterSet actual) {
        for (NamedTensor t : expected) {
            float[] e = t.toFloats();
            float[] a = actual.require(t.name()).toFloats();
            for (int i = 0; i < e.length; i++) {
                assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), t.name() + "[" + i + "]");
            }
        }
    }

    @Test
    void aStepAlongAStreamedPseudoGradientIsTheStepAlongTheWholeSet() {
        ParameterSet base = random(1);
        ParameterSet g = random(2);
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        outer.accept(outer.propose(base, random(3))); // some momentum
        List<String> asked = new ArrayList<>();
        OuterOptimizer.Step streamed = outer.propose(base, t -> {
            asked.add(t.name());
            return g.require(t.name()).toFloats();
        });
        OuterOptimizer.Step whole = outer.propose(base, g);
        assertEquals(List.of("a", "b"), asked, "once per tensor, in the base's order");
        assertSameSet(whole.weights(), streamed.weights());
        assertSameSet(whole.velocity(), streamed.velocity());
        assertSameSet(outer.proposeFromRest(base, g).weights(),
                outer.proposeFromRest(base, t -> g.require(t.name()).toFloats()).weights());
    }

    @Test
    void aPseudoGradientTensorOfTheWrongSizeIsRefused() {
        ParameterSet base = random(1);
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class,
                () -> new OuterOptimizer(0.7f, 0.9f).propose(base, t -> new float[49]));
        assertEquals("a", e.tensor());
    }
}
