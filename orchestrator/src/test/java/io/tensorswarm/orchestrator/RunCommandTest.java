package io.tensorswarm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.orchestrator.http.TestClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code orchestrator run} in-process: starts on a free port with an embedded chain, serves, stops. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesOnAFreePortAndStopsCleaningUp() throws Exception {
        RunCommand run = new RunCommand();
        StringWriter err = new StringWriter();
        CommandLine cmd = Cli.commandLine(run, new PrintWriter(new StringWriter()), new PrintWriter(err));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(cmd.execute("--http.port", "0", "--netuid", "3",
                "--local-chain.dir", dir.resolve("chain").toString(), "--local-chain.block-time", "2s",
                "--state.dir", dir.resolve("state").toString(), "--round.blocks", "10", "--round.deadline-margin", "2",
                "--assign.fingerprint", "ab".repeat(32), "--assign.page-count", "100", "--assign.pages", "3")));
        t.start();
        int port = run.awaitPort(Duration.ofSeconds(15));
        assertTrue(port > 0, err.toString());
        TestClient client = new TestClient(port);
        assertEquals(200, client.get("/healthz").status());
        assertEquals(10, client.get("/v1/round").json().get("roundBlocks").asLong());
        assertEquals(3, client.get("/v1/assignment?hotkey=5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty")
                .json().get("pages").size());
        run.requestStop();
        t.join(15_000);
        assertFalse(t.isAlive());
        assertEquals(ExitCodes.OK, exit.get(), err.toString());
        assertTrue(Files.exists(dir.resolve("state/roster.json")));
        assertTrue(Files.exists(dir.resolve("chain/state.json")));
    }

    @Test
    void refusesContradictoryRoundSettingsAndUnsupportedNetworksAsUsageErrors() {
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(new RunCommand(), new PrintWriter(new StringWriter()), new PrintWriter(err))
                .execute("--round.blocks", "10", "--round.deadline-margin", "10", "--local-chain.dir", dir.toString());
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("--round.deadline-margin"), err.toString());

        StringWriter err2 = new StringWriter();
        int code2 = Cli.commandLine(new RunCommand(), new PrintWriter(new StringWriter()), new PrintWriter(err2))
                .execute("--subtensor.chain_endpoint", "ws://127.0.0.1:1", "--state.dir", dir.toString());
        assertEquals(ExitCodes.STATE, code2, "an unreachable node is a state error");
        assertTrue(err2.toString().contains("127.0.0.1:1"), err2.toString());

        StringWriter err3 = new StringWriter();
        int code3 = Cli.commandLine(new RunCommand(), new PrintWriter(new StringWriter()), new PrintWriter(err3))
                .execute("--local-chain.block-time", "soon");
        assertEquals(ExitCodes.USAGE, code3);
    }

    @Test
    void refusesDataWithoutABaseModelAndContradictoryAssignmentFlags() {
        assertUsage("--data needs --base.location", "--data", dir.toString());
        assertUsage("not both", "--base.location", dir.toUri().toString(), "--base.dir", dir.toString());
        assertUsage("go together", "--assign.fingerprint", "ab".repeat(32));
        assertUsage("invalid assignment settings", "--assign.fingerprint", "xyz", "--assign.page-count", "10");
        assertUsage("--assign.pages must be at least 1", "--assign.pages", "0");
        assertUsage("--dashboard.eval-pages", "--dashboard.eval-pages", "-1");
        assertUsage("--shutdown.grace", "--shutdown.grace", "soon");
    }

    private void assertUsage(String message, String... args) {
        StringWriter err = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--local-chain.dir", dir.resolve("chain").toString(), "--state.dir",
                        dir.resolve("state").toString(), "--http.port", "0")).toArray(String[]::new);
        int code = Cli.commandLine(new RunCommand(), new PrintWriter(new StringWriter()), new PrintWriter(err)).execute(all);
        assertEquals(ExitCodes.USAGE, code, err.toString());
        assertTrue(err.toString().contains(message), err.toString());
    }
}
