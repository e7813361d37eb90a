package io.tensorswarm.gym.net;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.Identity;
import io.tensorswarm.common.model.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes through the real miner command line: one {@code java -jar miner.jar publish} child per
 * hotkey, all started at once (the sybil's pair aims for one block), and {@code chain commit
 * --data-hex} for raw commitment bytes.
 */
public final class MinerCliPublisher implements Publisher {
    private static final Logger log = LoggerFactory.getLogger(MinerCliPublisher.class);
    private static final Pattern IN_BLOCK = Pattern.compile("in block (\\d+)");

    private final GymSettings settings;
    private final MinerCli cli;
    private final Chain chain;

    public MinerCliPublisher(GymSettings settings, Chain chain) {
        this.settings = settings;
        this.cli = new MinerCli(settings);
        this.chain = chain;
    }

    @Override
    public List<PublishResult> publish(long round, Path delta, UploadMode upload, List<Identity> as,
            BaseModels.Base base) throws InterruptedException {
        List<Path> states = new ArrayList<>();
        for (Identity id : as) {
            Path state = settings.stateDir().resolve("publish").resolve(id.wallet().name());
            seedModelCache(state, base);
            states.add(state);
        }
        List<ChildProcess> children = new ArrayList<>();
        for (int i = 0; i < as.size(); i++) {
            children.add(ChildProcess.start(cli.publish(as.get(i).wallet(), delta, round, upload, states.get(i))));
        }
        // A publish still running half a round after the upload window closed has hung.
        RoundClock clock = settings.clock();
        long giveUp = clock.readableBlock(round) + clock.roundBlocks() / 2;
        List<PublishResult> results = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            int code = children.get(i).await(() -> chain.currentBlock() > giveUp, settings.poll().toMillis());
            PublishResult result = PublishResult.of(as.get(i).wallet().name(), code, children.get(i).stdout());
            log.info("r={} miner publish {}", round, result.summary());
            results.add(result);
        }
        return results;
    }

    /**
     * Puts the verified base into {@code miner publish}'s model cache ({@code <state.dir>/models/<revision>/},
     * as its help says), so that children started together do the same work and commit together.
     */
    private static void seedModelCache(Path stateDir, BaseModels.Base base) {
        Path dir = stateDir.resolve("models").resolve(base.revision());
        if (Files.isRegularFile(dir.resolve(ModelDirectory.WEIGHTS_FILE))) {
            return;
        }
        Path staging = stateDir.resolve("models").resolve(".gym-" + base.revision());
        try {
            Files.createDirectories(staging);
            for (String file : List.of(ModelDirectory.WEIGHTS_FILE, ModelDirectory.CONFIG_FILE)) {
                Files.copy(base.dir().resolve(file), staging.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.debug("cannot seed {}: {}", dir, e.toString()); // the child downloads it instead
        }
    }

    @Override
    public OptionalLong commitRaw(Identity as, byte[] data) throws InterruptedException {
        ChildProcess child = ChildProcess.start(cli.commitRaw(as.wallet(), data));
        long giveUp = chain.currentBlock() + settings.clock().roundBlocks();
        int code = child.await(() -> chain.currentBlock() > giveUp, settings.poll().toMillis());
        if (code != 0) {
            log.warn("miner chain commit --data-hex exited {}", code);
            return OptionalLong.empty();
        }
        return child.stdout().stream().map(IN_BLOCK::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).findFirst();
    }
}
