package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.SparseLocoCodec;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A round of sparseloco deltas: merged from their kept files to the outer step along their decoded values. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SparseRoundTest {
    @TempDir Path tmp;

    @Test
    void sparselocoDeltasPublishTheOuterStepAlongTheirDecodedValues() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        SparseLocoCodec codec = new SparseLocoCodec(64, 16);
        try (ObjectStore store = f.store("averager")) {
            LatestPointer before = f.seedBase(store, 1);
            ParameterSet base = f.weights(store, before.revision());
            Map<String, ParameterSet> decoded = new TreeMap<>(); // by hotkey: the merge's order
            for (String name : new String[] {"Miner1", "Miner2"}) {
                Sr25519KeyPair m = f.registerMiner(name);
                ParameterSet delta = f.delta(store, m, 0, SubnetFixture.Behaviour.HONEST);
                f.commit(store, m, 0, delta, SubnetFixture.Behaviour.HONEST, codec);
                decoded.put(m.ss58Address(), codec.decode(codec.encode(delta), base));
            }
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(0) + 8);

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertTrue(report.accepted(), report.note());
            assertEquals(List.copyOf(decoded.keySet()), report.merged());
            float[] alphas = new float[decoded.size()];
            List<ParameterSet> deltas = new ArrayList<>(decoded.values());
            int i = 0;
            for (String hotkey : decoded.keySet()) {
                alphas[i++] = report.alphas().get(hotkey);
            }
            ParameterSet.Builder g = ParameterSet.builder();
            for (NamedTensor t : Deltas.weightedSum(deltas, alphas)) {
                float[] v = t.toFloats();
                for (int j = 0; j < v.length; j++) {
                    v[j] = -v[j];
                }
                g.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
            }
            ParameterSet expected = new OuterOptimizer(OuterOptimizer.DEFAULT_LEARNING_RATE, OuterOptimizer.DEFAULT_MOMENTUM).propose(base, g.build()).weights();
            ParameterSet published = f.weights(store, report.newRevision());
            for (NamedTensor t : expected) {
                assertArrayEquals(t.toFloats(), published.require(t.name()).toFloats(), 0f, t.name());
            }
        }
    }
}
