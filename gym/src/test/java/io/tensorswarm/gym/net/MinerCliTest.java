package io.tensorswarm.gym.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.attack.AdversaryKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MinerCliTest {
    private final GymSettings settings = GymSettings.builder()
            .setKind(AdversaryKind.COPIER)
            .setNetuid(7)
            .setWallet(new WalletPaths(Path.of("/w"), "copier", "default"))
            .setChainFlags(List.of("--subtensor.network", "embedded", "--local-chain.dir", "/c"))
            .setStorageLocation("file:///s/copier")
            .setBaseLocation("file:///s/averager")
            .setClock(new RoundClock(40, 20))
            .setStateDir(Path.of("/state"))
            .setCommitLeadBlocks(10)
            .setMinerJar(Path.of("/dist/miner.jar"))
            .optMinerJvmArgs(List.of("-Xmx256m"))
            .setTrain(new GymSettings.TrainSettings(Path.of("data"), "text", null, "cpu", 4, 2, 1, 2, 1e-3))
            .build();

    private static String after(List<String> cmd, String flag) {
        int i = cmd.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < cmd.size(), flag + " in " + cmd);
        return cmd.get(i + 1);
    }

    @Test
    void publishRunsTheMinerJarWithTheFlagsOfMinerRun() {
        List<String> cmd = new MinerCli(settings).publish(new WalletPaths(Path.of("/w"), "sybil-2", "hk"),
                Path.of("/tmp/d.safetensors"), 12, UploadMode.NEVER, Path.of("/state/publish/sybil-2"));

        assertTrue(cmd.get(0).endsWith("/bin/java"), cmd.get(0));
        assertEquals(List.of("-Xmx256m", "-jar", "/dist/miner.jar", "publish"), cmd.subList(1, 5));
        assertEquals("/tmp/d.safetensors", after(cmd, "--delta"));
        assertEquals("12", after(cmd, "--round"));
        assertEquals(io.tensorswarm.common.protocol.DeltaCodecs.DEFAULT, after(cmd, "--codec"));
        assertEquals("never", after(cmd, "--upload"));
        assertEquals("7", after(cmd, "--netuid"));
        assertEquals("sybil-2", after(cmd, "--wallet.name"));
        assertEquals("hk", after(cmd, "--wallet.hotkey"));
        assertEquals("/w", after(cmd, "--wallet.path"));
        assertEquals("embedded", after(cmd, "--subtensor.network"));
        assertEquals("/c", after(cmd, "--local-chain.dir"));
        assertEquals("file:///s/copier", after(cmd, "--storage.location"));
        assertEquals("file:///s/averager", after(cmd, "--base.location"));
        assertEquals("40", after(cmd, "--round.blocks"));
        assertEquals("20", after(cmd, "--round.deadline-margin"));
        assertEquals("/state/publish/sybil-2", after(cmd, "--state.dir"));
    }

    @Test
    void commitRawPassesTheBytesAsHex() {
        List<String> cmd = new MinerCli(settings).commitRaw(settings.wallet(), new byte[] {2, 0, (byte) 0xff});

        assertEquals(List.of("chain", "commit"), cmd.subList(4, 6));
        assertEquals("0x0200ff", after(cmd, "--data-hex"));
        assertEquals("copier", after(cmd, "--wallet.name"));
        assertEquals("7", after(cmd, "--netuid"));
        assertEquals("/c", after(cmd, "--local-chain.dir"));
    }

    @Test
    void theResultIsTheLastJsonLineOnStdout() {
        PublishResult r = PublishResult.of("mixer", 0, List.of("fee: none", "{\"round\":3,\"commit_block\":121,"
                + "\"uploaded\":true,\"delta_sha256\":\"abcdef0123456789\"}", ""));
        assertTrue(r.ok());
        assertEquals(121L, r.commitBlock().orElseThrow());
        assertEquals("mixer: exit 0, committed in block 121, uploaded true, delta abcdef012345", r.summary());

        PublishResult failed = PublishResult.of("mixer", 1, List.of("not json"));
        assertTrue(failed.commitBlock().isEmpty());
        assertEquals("mixer: exit 1, no JSON line", failed.summary());
    }
}
