package io.tensorswarm.chain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The {@code wallet} subcommands, run in-process against a temporary wallets directory. */
class WalletCommandTest {
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
    private static final String PASSWORD = "correct-horse-7781";

    @TempDir
    Path root;

    private final Map<String, String> env = new HashMap<>();
    private final Deque<String> typed = new ArrayDeque<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        rootLogger().addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        rootLogger().detachAppender(logs);
    }

    private static Logger rootLogger() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private CliRun run(String... args) {
        WalletCommand command = new WalletCommand(CHEAP, env::get, prompt -> {
            String next = typed.poll();
            return next == null ? null : next.toCharArray();
        });
        if (args[0].equals("verify")) {
            return CliRun.of(command, args);
        }
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--wallet.path";
        full[args.length + 1] = root.toString();
        return CliRun.of(command, full);
    }

    private String logText() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).strip();
    }

    @Test
    void createShowSignVerifyRoundTrip() throws Exception {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        CliRun created = run("create", "--wallet.name", "w1", "--wallet.hotkey", "h1");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        assertTrue(created.out().contains("WARNING"), created.out());
        assertEquals(12, line(created.out(), "coldkey mnemonic:").split(" ").length);
        assertEquals(12, line(created.out(), "hotkey mnemonic:").split(" ").length);

        CliRun shown = run("show", "--json", "--wallet.name", "w1", "--wallet.hotkey", "h1");
        assertEquals(ExitCodes.OK, shown.exitCode(), shown.err());
        JsonNode json = new ObjectMapper().readTree(shown.out());
        assertEquals(line(created.out(), "coldkey:"), json.get("coldkey").asText());
        assertEquals(line(created.out(), "hotkey:"), json.get("hotkey").asText());
        assertEquals(2, json.size());

        CliRun hotSig = run("sign", "--hex", "0x0102ff", "--wallet.name", "w1", "--wallet.hotkey", "h1");
        assertEquals(ExitCodes.OK, hotSig.exitCode(), hotSig.err());
        String sig = hotSig.out().strip();
        assertEquals(2 + 128, sig.length());
        CliRun ok = run("verify", "--hex", "0102ff", "--signature", sig, "--ss58", json.get("hotkey").asText());
        assertEquals(ExitCodes.OK, ok.exitCode(), ok.err());
        assertEquals("valid", ok.out().strip());

        CliRun coldSig = run("sign", "--hex", "cafe", "--key", "coldkey", "--wallet.name", "w1", "--wallet.hotkey", "h1");
        assertEquals(ExitCodes.OK, coldSig.exitCode(), coldSig.err());
        assertEquals(ExitCodes.OK, run("verify", "--hex", "cafe", "--signature", coldSig.out().strip(),
                "--ss58", json.get("coldkey").asText()).exitCode());
        CliRun wrongSigner = run("verify", "--hex", "cafe", "--signature", coldSig.out().strip(),
                "--ss58", json.get("hotkey").asText());
        assertEquals(ExitCodes.FAILURE, wrongSigner.exitCode());
    }

    @Test
    void regenFromMnemonicFilesGivesTheVectorAddresses() throws Exception {
        List<JsonNode> vectors = ChainVectors.vectors("mnemonic_to_keys").stream()
                .filter(v -> v.get("password").asText().isEmpty())
                .toList();
        assertEquals(2, vectors.size());
        Path coldPhrase = Files.writeString(root.resolve("cold.txt"), vectors.get(0).get("phrase").asText() + "\n");
        Path hotPhrase = Files.writeString(root.resolve("hot.txt"), vectors.get(1).get("phrase").asText());
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);

        CliRun cold = run("regen-coldkey", "--mnemonic-file", coldPhrase.toString(), "--wallet.name", "r");
        assertEquals(ExitCodes.OK, cold.exitCode(), cold.err());
        CliRun hot = run("regen-hotkey", "--mnemonic-file", hotPhrase.toString(), "--wallet.name", "r");
        assertEquals(ExitCodes.OK, hot.exitCode(), hot.err());

        JsonNode json = new ObjectMapper().readTree(run("show", "--json", "--wallet.name", "r").out());
        assertEquals(vectors.get(0).get("ss58_42").asText(), json.get("coldkey").asText());
        assertEquals(vectors.get(1).get("ss58_42").asText(), json.get("hotkey").asText());

        CliRun coldSig = run("sign", "--hex", "00", "--key", "coldkey", "--wallet.name", "r");
        assertEquals(ExitCodes.OK, coldSig.exitCode(), coldSig.err());
        assertEquals(ExitCodes.OK, run("verify", "--hex", "00", "--signature", coldSig.out().strip(),
                "--ss58", vectors.get(0).get("ss58_42").asText()).exitCode());
    }

    @Test
    void regenRefusesToReplaceAKeyWithoutOverwrite() throws Exception {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        assertEquals(ExitCodes.OK, run("create").exitCode());
        Path phrase = Files.writeString(root.resolve("p.txt"),
                ChainVectors.vectors("mnemonic_to_keys").get(5).get("phrase").asText());
        String before = run("show", "--json").out();

        CliRun refused = run("regen-hotkey", "--mnemonic-file", phrase.toString());
        assertEquals(ExitCodes.FAILURE, refused.exitCode());
        assertTrue(refused.isOneLineError(), refused.err());
        assertTrue(refused.err().contains("--overwrite"), refused.err());
        assertEquals(before, run("show", "--json").out());

        assertEquals(ExitCodes.OK, run("regen-hotkey", "--overwrite", "--mnemonic-file", phrase.toString()).exitCode());
        assertFalse(before.equals(run("show", "--json").out()));
    }

    @Test
    void verifyOfATamperedMessageExitsOne() {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        assertEquals(ExitCodes.OK, run("create").exitCode());
        String hot = line(run("show").out(), "hotkey:");
        String sig = run("sign", "--hex", "68656c6c6f").out().strip();

        assertEquals(ExitCodes.OK, run("verify", "--hex", "68656c6c6f", "--signature", sig, "--ss58", hot).exitCode());
        CliRun tampered = run("verify", "--hex", "68656c6c6e", "--signature", sig, "--ss58", hot);
        assertEquals(ExitCodes.FAILURE, tampered.exitCode());
        assertTrue(tampered.isOneLineError(), tampered.err());
        assertEquals("", tampered.out());
    }

    @Test
    void malformedHexIsAUsageError() {
        CliRun bad = run("verify", "--hex", "zz", "--signature", "00", "--ss58", "5Et9zFyTmAeRcmcwCGVPvMTktj2RtWChpcH8th5GzUc4GzaM");
        assertEquals(ExitCodes.USAGE, bad.exitCode());
        assertTrue(bad.isOneLineError(), bad.err());
    }

    @Test
    void wrongPasswordIsAOneLineError() {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        assertEquals(ExitCodes.OK, run("create").exitCode());
        env.put(PasswordSource.ENV_VARIABLE, "not-the-password");

        CliRun wrong = run("sign", "--hex", "00", "--key", "coldkey");
        assertEquals(ExitCodes.FAILURE, wrong.exitCode());
        assertTrue(wrong.isOneLineError(), wrong.err());
        assertTrue(wrong.err().contains("wrong password"), wrong.err());
        assertFalse(wrong.err().contains("not-the-password"));
        assertEquals("", wrong.out());
    }

    @Test
    void missingWalletIsAOneLineErrorNamingThePath() {
        CliRun missing = run("show", "--wallet.name", "nowhere");
        assertEquals(ExitCodes.FAILURE, missing.exitCode());
        assertTrue(missing.isOneLineError(), missing.err());
        assertTrue(missing.err().contains(root.resolve("nowhere").toString()), missing.err());
    }

    @Test
    void createAsksForThePasswordTwiceWhenTheEnvironmentHasNone() {
        typed.add(PASSWORD);
        typed.add(PASSWORD + "x");
        CliRun mismatch = run("create");
        assertEquals(ExitCodes.FAILURE, mismatch.exitCode());
        assertTrue(mismatch.isOneLineError(), mismatch.err());
        assertTrue(mismatch.err().contains("differ"), mismatch.err());

        typed.add(PASSWORD);
        typed.add(PASSWORD);
        CliRun ok = run("create", "--wallet.name", "prompted");
        assertEquals(ExitCodes.OK, ok.exitCode(), ok.err());
        typed.add(PASSWORD);
        assertEquals(ExitCodes.OK, run("sign", "--hex", "00", "--key", "coldkey", "--wallet.name", "prompted").exitCode());

        CliRun noConsole = run("sign", "--hex", "00", "--key", "coldkey", "--wallet.name", "prompted");
        assertEquals(ExitCodes.FAILURE, noConsole.exitCode());
        assertTrue(noConsole.err().contains(PasswordSource.ENV_VARIABLE), noConsole.err());
    }

    @Test
    void secretsNeverAppearOnStderrOrInLogs() {
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD);
        CliRun created = run("create", "-vv");
        assertEquals(ExitCodes.OK, created.exitCode(), created.err());
        String coldPhrase = line(created.out(), "coldkey mnemonic:");
        String hotPhrase = line(created.out(), "hotkey mnemonic:");
        StringBuilder err = new StringBuilder(created.err());
        err.append(run("sign", "--hex", "00", "--key", "coldkey", "-vv").err());
        env.put(PasswordSource.ENV_VARIABLE, PASSWORD + "-wrong");
        err.append(run("sign", "--hex", "00", "--key", "coldkey", "-vv").err());
        err.append(run("create", "-vv").err());

        String logged = logText();
        assertFalse(logged.isEmpty(), "the wallet logs its addresses");
        for (String secret : new String[] {coldPhrase, hotPhrase, PASSWORD, coldPhrase.split(" ")[0] + " " + coldPhrase.split(" ")[1]}) {
            assertFalse(err.toString().contains(secret), "stderr leaks a secret");
            assertFalse(logged.contains(secret), "logs leak a secret");
        }
    }
}
