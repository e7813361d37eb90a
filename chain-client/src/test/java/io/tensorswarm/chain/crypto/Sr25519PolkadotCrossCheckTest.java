package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks our sr25519 against @polkadot/util-crypto (the wasm build of schnorrkel) in both
 * directions: polkadot-js verifies our signatures and we verify theirs; key expansion and
 * substrate-bip39 agree. Runs {@code src/test/js/sr25519-check.mjs} with the pinned packages that
 * {@code src/test/js/install-polkadot.sh} caches in {@code <repo>/.cache/npm-crosscheck}
 * (git-ignored). Skipped, with a message on stderr, when node/npm are absent or the install fails.
 */
class Sr25519PolkadotCrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JS_DIR = Path.of("src/test/js").toAbsolutePath();
    private static Path cacheDir;

    @BeforeAll
    static void installPolkadotJs() throws Exception {
        cacheDir = JS_DIR.getParent().getParent().getParent().getParent().resolve(".cache/npm-crosscheck");
        requireOrSkip(run(List.of("node", "--version"), null, 30).exitCode == 0, "node is not on PATH");
        Result install = run(List.of("bash", JS_DIR.resolve("install-polkadot.sh").toString(), cacheDir.toString()), null, 300);
        requireOrSkip(install.exitCode == 0, "npm install of @polkadot/util-crypto failed: " + install.stderr.strip());
    }

    @Test
    void polkadotJsVerifiesOurSignaturesAndWeVerifyTheirs() throws Exception {
        Random random = new Random(20240531L);
        List<Sr25519KeyPair> pairs = new ArrayList<>();
        List<byte[]> minis = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] mini = new byte[32];
            random.nextBytes(mini);
            minis.add(mini);
            pairs.add(Sr25519KeyPair.fromMiniSecret(mini));
            byte[] message = new byte[new int[] {0, 1, 32, 165, 166, 1000}[i]];
            random.nextBytes(message);
            messages.add(message);
        }

        ObjectNode request = JSON.createObjectNode();
        ArrayNode verify = request.putArray("verify");
        ArrayNode sign = request.putArray("sign");
        for (int i = 0; i < pairs.size(); i++) {
            byte[] sig = pairs.get(i).sign(messages.get(i));
            verify.addObject().put("publicKey", hex(pairs.get(i).publicKey().toBytes()))
                    .put("message", hex(messages.get(i))).put("signature", hex(sig));
            // A control that must fail: the same signature under another key.
            verify.addObject().put("publicKey", hex(pairs.get((i + 1) % pairs.size()).publicKey().toBytes()))
                    .put("message", hex(messages.get(i))).put("signature", hex(sig));
            sign.addObject().put("miniSecret", hex(minis.get(i))).put("message", hex(messages.get(i)));
        }
        JsonNode response = check(request);

        JsonNode verified = response.get("verified");
        for (int i = 0; i < pairs.size(); i++) {
            assertTrue(verified.get(2 * i).asBoolean(), "polkadot-js rejected our signature " + i);
            assertFalse(verified.get(2 * i + 1).asBoolean(), "polkadot-js accepted a wrong-key control " + i);
        }
        JsonNode signed = response.get("signed");
        for (int i = 0; i < pairs.size(); i++) {
            JsonNode s = signed.get(i);
            assertEquals(hex(pairs.get(i).publicKey().toBytes()), s.get("publicKey").asText(), "key expansion " + i);
            byte[] theirs = hex(s.get("signature").asText());
            assertTrue(pairs.get(i).verify(messages.get(i), theirs), "we rejected polkadot-js signature " + i);
            byte[] otherMessage = messages.get(i).clone();
            otherMessage = java.util.Arrays.copyOf(otherMessage, otherMessage.length + 1);
            assertFalse(pairs.get(i).verify(otherMessage, theirs), "we accepted a wrong-message control " + i);
        }
    }

    @Test
    void mnemonicsGiveTheSameMiniSecretAndKeyInBothImplementations() throws Exception {
        List<Mnemonic> mnemonics = List.of(Mnemonic.generate(12), Mnemonic.generate(24),
                Mnemonic.parse(SecretUri.DEV_PHRASE));
        ObjectNode request = JSON.createObjectNode();
        ArrayNode list = request.putArray("mnemonics");
        mnemonics.forEach(m -> list.add(m.phrase()));
        JsonNode keys = check(request).get("mnemonicKeys");
        for (int i = 0; i < mnemonics.size(); i++) {
            byte[] mini = mnemonics.get(i).toMiniSecret("");
            assertEquals(hex(mini), keys.get(i).get("miniSecret").asText());
            assertEquals(hex(Sr25519KeyPair.fromMiniSecret(mini).publicKey().toBytes()), keys.get(i).get("publicKey").asText());
        }
    }

    private static JsonNode check(ObjectNode request) throws Exception {
        Result r = run(List.of("node", JS_DIR.resolve("sr25519-check.mjs").toString(), cacheDir.toString()),
                JSON.writeValueAsString(request), 120);
        assertEquals(0, r.exitCode, "sr25519-check.mjs failed: " + r.stderr);
        return JSON.readTree(r.stdout);
    }

    private static void requireOrSkip(boolean condition, String why) {
        if (!condition) {
            System.err.println("Sr25519PolkadotCrossCheckTest skipped: " + why);
        }
        Assumptions.assumeTrue(condition, why);
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private static Result run(List<String> command, String stdin, int timeoutSeconds) throws Exception {
        Process p;
        try {
            Path err = Files.createTempFile("xcheck", ".err");
            p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "", "timed out after " + timeoutSeconds + " s");
            }
            String errText = Files.readString(err);
            Files.deleteIfExists(err);
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), errText);
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        }
    }
}
