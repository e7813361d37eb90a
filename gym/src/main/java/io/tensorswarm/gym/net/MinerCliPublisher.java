package io.tensorswarm.gym.net;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.Identity;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final BaseModels bases;

    public MinerCliPublisher(GymSettings settings, Chain chain, BaseModels bases) {
        this.settings = settings;
        this.cli = new MinerCli(settings);
        this.chain = chain;
        this.bases = bases;
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
        RoundClock clock = settings.clock();
        // Children started before the round wait for it; the averager may publish the round's base
        // meanwhile: seed that one too, so that they still do the same work when it starts.
        String seeded = base.revision();
        while (chain.currentBlock() < clock.startBlock(round) && children.get(0).isAlive()) {
            Optional<String> revision = bases.forRound(round).map(LatestPointer::revision);
            if (revision.isPresent() && !revision.get().equals(seeded)) {
                BaseModels.Base next = bases.fetch(revision.get());
                states.forEach(state -> seedModelCache(state, next));
                seeded = next.revision();
                log.info("r={} seeded the round's new base {} for the waiting publish runs", round,
                        seeded.substring(0, 12));
            }
            Thread.sleep(MinerCli.PUBLISH_POLL_MILLIS);
        }
        // A publish still running half a round after the upload window closed has hung.
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
