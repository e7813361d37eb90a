package io.tensorswarm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm benchmark's harness on a micro model and real English text: 2 miners x 2 rounds through
 * the miner's training job, the validators' scoring and the averager's merge, beside one machine.
 */
class SwarmBenchTest {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoMinersTwoRoundsLowerTheHeldOutLossAndReportEverything(@TempDir Path tmp) throws Exception {
        TorchRuntime.configure();
        Path text = TestModels.writeEnglishSample(tmp.resolve("data").resolve("english.txt"));
        SwarmSettings s = new SwarmSettings("micro", TestModels.micro(), 1, text, tmp.resolve("tokens"),
                Files.createDirectories(tmp.resolve("work")), List.of(2), 2, 4, 4, 8, 1e-2,
                4, 0, true, List.of("fp32", "sparseloco"), List.of(0.7f), List.of(0.9f), 0, 8, 8, 8, 8, 2, 8, true);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<String> tables = new ArrayList<>();
        List<RunResult> finished = new ArrayList<>();
        SwarmBench.Results results = SwarmBench.run(s, new PrintStream(progress, true, StandardCharsets.UTF_8),
                (k, runs) -> tables.add(Report.table(s, k, runs)), finished::add, r -> { });

        List<RunResult> runs = results.byMiners().get(2);
        assertEquals(3, runs.size());
        assertEquals(runs, finished);
        RunResult one = runs.get(0);
        assertTrue(one.isOneMachine());
        for (RunResult run : runs) {
            assertEquals(3, run.points().size(), run.label());
            // Equal tokens at every point: the swarm's K x S steps per round are one machine's.
            for (int i = 0; i < 3; i++) {
                assertEquals(one.points().get(i).tokens(), run.points().get(i).tokens(), run.label());
            }
        }
        RunResult dense = runs.get(1);
        RunResult sparse = runs.get(2);
        // One machine and the dense swarm learn; sparseloco's 1.6% of a micro model's delta may not in 2 rounds.
        assertTrue(one.finalLoss() < one.initialLoss() - 0.1, "one machine: " + one.points());
        assertTrue(dense.finalLoss() < dense.initialLoss() - 0.1, "dense swarm: " + dense.points());
        assertEquals("fp32", dense.codec());
        assertEquals(4, dense.deltas());
        assertEquals(dense.fp32Bytes(), (long) dense.deltaBytes(), "an fp32 delta is its own reference");
        assertTrue(sparse.fp32Bytes() / sparse.deltaBytes() > 2, "sparseloco is smaller than fp32: " + sparse);
        assertEquals(4, dense.evaluated() + dense.rejected().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(dense.mergesAccepted() >= 1, "a merge was accepted: " + dense);

        String table = tables.get(0);
        assertTrue(table.contains("| one machine ("), table);
        assertTrue(table.contains("| fp32 | 0.7 / 0.9 |"), table);
        assertTrue(table.contains("sparseloco: delta file"), table);
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("swarm micro K=2 sparseloco r=2/2"), lines);
        assertTrue(Report.csvRows("micro", sparse).lines().count() == 3);

        Path png = tmp.resolve("plot.png");
        LossPlot.write(png, "test", List.of(Map.entry("K = 2", runs)));
        assertNotNull(ImageIO.read(png.toFile()));
    }

    @Test
    void parsesListsAndDefaults(@TempDir Path tmp) {
        Map<String, String> o = SwarmBench.parse(new String[] {"--miners", "3,8", "--codecs=fp32,sparseloco",
            "--outer-lr", "0.4,1.0", "--steps", "30", "--no-one-machine"});
        SwarmSettings s = SwarmBench.settings(o, "tiny", tmp);
        assertEquals(List.of(3, 8), s.minerCounts());
        assertEquals(List.of("fp32", "sparseloco"), s.codecs());
        assertEquals(List.of(0.4f, 1.0f), s.outerLearningRates());
        assertEquals(120, s.pages());
        assertEquals(8, s.topGFor(8));
        assertTrue(s.sweepsOuter());
        assertTrue(!s.oneMachine());
    }
}
