package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.run.MergeReport;
import io.tensorswarm.averager.run.ModelPublisher;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir Path tmp;

    @Test
    void onceWaitsForTheMergeBlockAndRecordsARoundWithoutDeltas() throws IOException {
        Path chainDir = tmp.resolve("chain");
        LocalChain.builder().setDirectory(chainDir).optBlockTime(Duration.ofMillis(20))
                .optSubnet(1, LocalSubnetConfig.defaults()).build().close();
        String location = tmp.resolve("store").toUri().toString();
        LatestPointer seeded;
        try (ObjectStore store = ObjectStores.open(location, StorageOptions.defaults())) {
            seeded = new ModelPublisher(store).publish(TestModels.writeMicroModel(tmp.resolve("m"), 1), 0);
        }
        Path data = TestModels.writeEnglishSample(tmp.resolve("english.txt"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Cli.commandLine(new AveragerCommand(), new PrintWriter(out), new PrintWriter(err)).execute("run",
                "--subtensor.network", "embedded", "--local-chain.dir", chainDir.toString(), "--netuid", "1",
                "--storage.location", location, "--data", data.toString(), "--token-cache", tmp.resolve("tok").toString(),
                "--state.dir", tmp.resolve("state").toString(), "--round.blocks", "4", "--round.deadline-margin", "1",
                "--merge.delay-blocks", "1", "--start-round", "0", "--once", "--poll-seconds", "0.01",
                "--merge.fit-pages", "4", "--merge.check-pages", "4", "--miner.pages", "4");

        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("r=0 no usable deltas"), out.toString());
        MergeReport report = MergeReport.read(tmp.resolve("state/merges/0.json"));
        assertFalse(report.accepted());
        assertEquals(seeded.revision(), report.baseRevision());
        try (LocalChain chain = LocalChain.open(chainDir)) {
            assertTrue(chain.currentBlock() >= 4, "merged before deadline(0) + delay = block 4");
        }
    }

    @Test
    void badLocatorSchemesAndOuterHyperparametersAreOneLineUsageErrorsBeforeAnythingStarts() {
        String[] base = {"run", "--subtensor.network", "embedded", "--local-chain.dir", tmp.resolve("none").toString(),
            "--netuid", "1", "--storage.location", tmp.resolve("store").toUri().toString(), "--data", "x.txt"};
        CliRun badScheme = CliRun.of(new AveragerCommand(), concat(base, "--locators.allow", "s3,fi le"));
        CliRun empty = CliRun.of(new AveragerCommand(), concat(base, "--locators.allow", " , "));
        CliRun momentum = CliRun.of(new AveragerCommand(), concat(base, "--outer.momentum", "1"));

        for (CliRun run : new CliRun[] {badScheme, empty, momentum}) {
            assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
            assertTrue(run.isOneLineError(), run.err());
        }
        assertTrue(badScheme.err().contains("--locators.allow: not a URI scheme"), badScheme.err());
        assertTrue(momentum.err().contains("outer momentum must be in [0, 1)"), momentum.err());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("none")), "no chain was created");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
