package io.tensorswarm.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import io.tensorswarm.gym.attack.AdversaryKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gym run}'s flag checks: every bad input is one line and exit 2, before anything connects. */
@Timeout(30)
class RunCommandTest {
    @TempDir
    Path tmp;

    private CliRun run(String... extra) throws Exception {
        Path jar = Files.createFile(tmp.resolve("miner-" + System.nanoTime() + ".jar"));
        List<String> args = new ArrayList<>(List.of("run", "--netuid", "1", "--storage.location", "file:///tmp/s",
                "--base.location", "file:///tmp/b", "--miner.jar", jar.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(new GymCommand(), args.toArray(String[]::new));
    }

    private static void assertUsage(CliRun r, String message) {
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.err());
        assertTrue(r.isOneLineError(), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void badFlagsAreOneLineUsageErrors() throws Exception {
        assertUsage(run("--kind", "thief"), "unknown adversary kind 'thief' (known: lazy, copier,");
        assertUsage(run("--kind", "sybil"), "--kind sybil needs --twin.wallet.name");
        assertUsage(run("--kind", "stale"), "--kind stale trains: it needs --data");
        assertUsage(run("--kind", "copier", "--commit-lead-blocks", "20"), "--commit-lead-blocks 20 leaves no time in a 18-block commit window");
        assertUsage(run("--kind", "noisy-copier", "--noisy.cosine", "1.2"), "--noisy.cosine must be in (0, 1]");
        assertUsage(run("--kind", "replayer", "--replay.age", "0"), "--replay.age must be at least 1");
        assertUsage(run("--kind", "copier", "--poll", "1s"), "--poll: expected an ISO-8601 duration");
        assertUsage(run("--kind", "copier", "--round.blocks", "10", "--round.deadline-margin", "10"),
                "--round.blocks/--round.deadline-margin");
        assertUsage(CliRun.of(new GymCommand(), "run", "--kind", "copier", "--netuid", "1", "--storage.location",
                "file:///tmp/s", "--base.location", "file:///tmp/b", "--miner.jar", tmp.resolve("absent.jar").toString()),
                "does not exist");
    }

    @Test
    void theLocalSubnetScriptKnowsExactlyTheseKinds() throws Exception {
        String script = Files.readString(Path.of("..", "scripts", "local-subnet.sh"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("GYM_KINDS=\\(([^)]*)\\)").matcher(script);
        assertTrue(m.find(), "GYM_KINDS in scripts/local-subnet.sh");
        assertEquals(java.util.Arrays.stream(AdversaryKind.values()).map(AdversaryKind::flagValue).toList(),
                List.of(m.group(1).trim().split("\\s+")));
    }

    @Test
    void kindsListsEveryAdversary() {
        CliRun r = CliRun.of(new GymCommand(), "kinds");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(io.tensorswarm.gym.attack.AdversaryKind.values().length, r.out().strip().lines().count(), r.out());
        assertEquals(13, io.tensorswarm.gym.attack.AdversaryKind.values().length);
        assertTrue(r.out().contains("norm-bomb"), r.out());
    }
}
