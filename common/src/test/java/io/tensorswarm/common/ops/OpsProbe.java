package io.tensorswarm.common.ops;

import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.OpsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A miniature daemon for the operations tests, run in a child JVM: a loop of "steps" that each write a
 * state file atomically, with the real {@link OpsOptions} and {@link LoggingMixin}.
 */
@Command(name = "probe")
public final class OpsProbe implements java.util.concurrent.Callable<Integer> {
    @Mixin LoggingMixin logging;
    @Mixin OpsOptions ops;

    @Option(names = "--state") Path state;
    @Option(names = "--step-ms", defaultValue = "200") long stepMillis;
    @Option(names = "--ignore-stop", description = "keep stepping after a stop request (tests the grace limit)")
    boolean ignoreStop;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OpsProbe()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        logging.apply();
        var log = LoggerFactory.getLogger(OpsProbe.class);
        try (Operations operations = ops.open(new LogIdentity("validator", "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", 3))) {
            operations.metrics().health().running();
            log.info("probe started; metrics port {}", operations.metricsPort());
            long step = 0;
            while (ignoreStop || !operations.shutdown().requested()) {
                step++;
                Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
                // a slow, two-part write: a torn file would show up as a mismatch
                Files.writeString(tmp, "step=" + step + "\n");
                Thread.sleep(stepMillis / 2);
                Files.writeString(tmp, "end=" + step + "\n", java.nio.file.StandardOpenOption.APPEND);
                Files.move(tmp, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                operations.metrics().step(step);
                log.info("step {} done", step);
                operations.shutdown().sleep(Duration.ofMillis(stepMillis / 2));
            }
            log.info("loop returned after step {}", step);
        }
        return 0;
    }
}
