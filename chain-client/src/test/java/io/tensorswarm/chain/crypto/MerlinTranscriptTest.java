package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Merlin over STROBE-128 (chain-spec §6.4) against the gtank/merlin vector. */
class MerlinTranscriptTest {

    @Test
    void reproducesTheSimpleTranscriptVector() {
        JsonNode v = Sr25519Vectors.group("merlin");
        MerlinTranscript t = new MerlinTranscript(v.get("transcript_label").asText());
        for (JsonNode pair : v.get("append")) {
            t.appendMessage(pair.get(0).asText(), pair.get(1).asText().getBytes(StandardCharsets.UTF_8));
        }
        byte[] challenge = t.challengeBytes(v.get("challenge_label").asText(), v.get("challenge_len").asInt());
        assertEquals(v.get("challenge_hex").asText(), hex(challenge));
    }

    @Test
    void copiesEvolveIndependently() {
        MerlinTranscript a = new MerlinTranscript("test protocol");
        a.appendMessage("some label", "some data".getBytes(StandardCharsets.UTF_8));
        MerlinTranscript b = a.copy();
        b.appendMessage("extra", new byte[] {1});
        byte[] fromA = a.challengeBytes("challenge", 32);
        assertEquals("d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615", hex(fromA));
        assertFalse(Arrays.equals(fromA, b.challengeBytes("challenge", 32)));
    }

    @Test
    void longMessagesCrossTheSpongeRateDeterministically() {
        byte[] big = new byte[1000];
        Arrays.fill(big, (byte) 0x5a);
        MerlinTranscript a = new MerlinTranscript("rate");
        a.appendMessage("big", big);
        MerlinTranscript b = new MerlinTranscript("rate");
        b.appendMessage("big", big);
        byte[] ca = a.challengeBytes("c", 400);
        assertArrayEquals(ca, b.challengeBytes("c", 400));
        big[999] = 0;
        MerlinTranscript c = new MerlinTranscript("rate");
        c.appendMessage("big", big);
        assertFalse(Arrays.equals(ca, c.challengeBytes("c", 400)));
    }

    @Test
    void keccakPermutationOfZeroStateMatchesFips202() {
        // Keccak-f[1600] applied once to the all-zero state: first lane is F1258F7940E1DDE7
        // (the Keccak team's KeccakF-1600 intermediate values, "zero state" test).
        long[] lanes = new long[25];
        KeccakF1600.permute(lanes);
        assertEquals(0xF1258F7940E1DDE7L, lanes[0]);
        assertEquals(0x84D5CCF933C0478AL, lanes[1]);
    }
}
