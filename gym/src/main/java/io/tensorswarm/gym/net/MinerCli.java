package io.tensorswarm.gym.net;

import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.gym.GymSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The real miner command line, as an adversary runs it: {@code java -jar miner.jar publish ...}
 * with the same wallet, chain, storage and round flags as {@code miner run}, and {@code chain commit
 * --data-hex} for raw commitment bytes. Only builds argument lists; {@link ChildProcess} runs them.
 */
public final class MinerCli {
    /** Publish children poll this often, so that two started together commit in the same block. */
    static final long PUBLISH_POLL_MILLIS = 200;
    static final String PUBLISH_POLL = Duration.ofMillis(PUBLISH_POLL_MILLIS).toString();

    private final GymSettings settings;
    private final List<String> java;

    public MinerCli(GymSettings settings) {
        this.settings = settings;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(settings.minerJvmArgs());
        cmd.add("-jar");
        cmd.add(settings.minerJar().toString());
        this.java = List.copyOf(cmd);
    }

    /**
     * Returns {@code miner publish} of {@code delta} (F32 safetensors of the base's tensors) for
     * {@code round} under {@code wallet}'s hotkey, into the adversary's own store.
     */
    public List<String> publish(WalletPaths wallet, Path delta, long round, UploadMode upload, Path stateDir) {
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of("publish", "--delta", delta.toString(), "--round", Long.toString(round),
                "--codec", settings.codec(), "--upload", upload.flagValue(),
                "--netuid", Integer.toString(settings.netuid())));
        cmd.addAll(walletFlags(wallet));
        cmd.addAll(settings.chainFlags());
        cmd.addAll(List.of("--storage.location", settings.storageLocation(),
                "--base.location", settings.baseLocation(),
                "--round.blocks", Long.toString(settings.clock().roundBlocks()),
                "--round.deadline-margin", Long.toString(settings.clock().deadlineMarginBlocks()),
                "--state.dir", stateDir.toString(),
                "--poll", PUBLISH_POLL));
        return cmd;
    }

    /** Returns {@code miner chain commit --data-hex} of {@code data} under {@code wallet}'s hotkey. */
    public List<String> commitRaw(WalletPaths wallet, byte[] data) {
        List<String> cmd = new ArrayList<>(java);
        cmd.addAll(List.of("chain", "commit", "--netuid", Integer.toString(settings.netuid()),
                "--data-hex", "0x" + HexFormat.of().formatHex(data)));
        cmd.addAll(walletFlags(wallet));
        cmd.addAll(settings.chainFlags());
        return cmd;
    }

    private static List<String> walletFlags(WalletPaths wallet) {
        return List.of("--wallet.name", wallet.name(), "--wallet.hotkey", wallet.hotkey(),
                "--wallet.path", wallet.root().toString());
    }
}
