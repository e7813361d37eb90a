package io.tensorswarm.gym.net;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.Identity;
import java.nio.file.Path;
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
    public List<PublishResult> publish(long round, Path delta, UploadMode upload, List<Identity> as)
            throws InterruptedException {
        List<ChildProcess> children = new ArrayList<>();
        for (Identity id : as) {
            Path state = settings.stateDir().resolve("publish").resolve(id.wallet().name());
            children.add(ChildProcess.start(cli.publish(id.wallet(), delta, round, upload, state)));
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
