package io.tensorswarm.common.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.CommitmentException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link CommitmentPayload}: the exact byte layout, the 128-byte limit and hostile payloads. */
class CommitmentPayloadTest {
    private static final String HASH = "0123456789abcdef".repeat(4);

    @Test
    void encodesVersionLittleEndianRoundHashThenLocator() {
        byte[] payload = new CommitmentPayload(0x0102, HASH, "s3://b/m").encode();
        String expected = "02" + "0201000000000000" + HASH + HexFormat.of().formatHex("s3://b/m".getBytes(StandardCharsets.US_ASCII));
        assertEquals(expected, HexFormat.of().formatHex(payload));
        assertEquals(49, payload.length);
        assertEquals(new CommitmentPayload(258, HASH, "s3://b/m"), CommitmentPayload.parse(payload));
    }

    @Test
    void theLongestLocatorThatFitsMakesExactly128Bytes() {
        String locator = "file:///" + "a".repeat(CommitmentPayload.MAX_LOCATOR_BYTES - 8);
        byte[] payload = new CommitmentPayload(5, HASH, locator).encode();
        assertEquals(128, payload.length);
        assertEquals(locator, CommitmentPayload.parse(payload).locator());
        CommitmentException e = assertThrows(CommitmentException.class, () -> new CommitmentPayload(5, HASH, locator + "a"));
        assertEquals(Kind.TOO_LONG, e.kind());
        assertTrue(e.getMessage().contains("at most 87 fit in a 128-byte Raw commitment"), e.getMessage());
    }

    @Test
    void countsTheLocatorInUtf8Bytes() {
        String locator = "hf://o/" + "\u00e9".repeat(41); // 7 + 82 bytes = 89 > 87
        assertEquals(Kind.TOO_LONG, assertThrows(CommitmentException.class, () -> CommitmentPayload.checkLocator(locator)).kind());
        String fits = "hf://o/" + "\u00e9".repeat(40);
        assertEquals(fits, CommitmentPayload.parse(new CommitmentPayload(1, HASH, fits).encode()).locator());
    }

    @Test
    void refusesLocatorsWithoutSchemeOrWithWhitespaceOrControlCharacters() {
        for (String bad : new String[] {"", "/plain/path", "s3://b/has space", "s3://b/\u0000", "S3://b", "s3://b/\u2028x"}) {
            assertEquals(Kind.BAD_LOCATOR,
                    assertThrows(CommitmentException.class, () -> CommitmentPayload.checkLocator(bad), bad).kind(), bad);
        }
    }

    @Test
    void refusesHostilePayloads() {
        byte[] good = new CommitmentPayload(7, HASH, "file:///x").encode();
        assertEquals(Kind.TOO_LONG, parseFails(new byte[129]));
        assertEquals(Kind.TRUNCATED, parseFails(new byte[0]));
        assertEquals(Kind.TRUNCATED, parseFails(Arrays.copyOf(good, 41)));
        byte[] v1 = good.clone();
        v1[0] = 1; // version 1 committed the bare delta hash, which anyone could re-commit under another hotkey
        assertEquals(Kind.UNSUPPORTED_VERSION, parseFails(v1));
        byte[] hugeRound = good.clone();
        hugeRound[8] = (byte) 0x80;
        assertEquals(Kind.BAD_ROUND, parseFails(hugeRound));
        byte[] badUtf8 = Arrays.copyOf(good, good.length + 1);
        badUtf8[good.length] = (byte) 0xc3;
        assertEquals(Kind.BAD_LOCATOR, parseFails(badUtf8));
        assertEquals(Kind.BAD_HASH,
                assertThrows(CommitmentException.class, () -> new CommitmentPayload(1, HASH.toUpperCase(), "file:///x")).kind());
    }

    @Test
    void aParsedPayloadReEncodesToTheSameBytes() {
        byte[] payload = new CommitmentPayload(123456789L, HASH, "s3://bucket/prefix/miner-7").encode();
        assertArrayEquals(payload, CommitmentPayload.parse(payload).encode());
    }

    @Test
    void theBindingNamesTheCommitterSoACopiedCommitmentBindsNothingOfTheCopier() {
        String honest = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        String griefer = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
        CommitmentPayload committed = CommitmentPayload.forDelta(3, 12, honest, HASH, "s3://b/m");
        assertTrue(committed.isBindingOf(3, honest, HASH));
        CommitmentPayload copied = CommitmentPayload.parse(committed.encode()); // the griefer re-sends the same bytes
        assertEquals(false, copied.isBindingOf(3, griefer, HASH), "bound to the honest hotkey, not the copier");
        assertEquals(false, committed.isBindingOf(4, honest, HASH), "bound to the netuid");
        assertEquals(false, committed.isBindingOf(3, honest, "f".repeat(64)), "bound to the delta");
        assertEquals(false, CommitmentPayload.forDelta(3, 13, honest, HASH, "s3://b/m").binding().equals(committed.binding()),
                "bound to the round");
    }

    @Test
    void theBindingIsSha256OfTheDocumentedBytes() throws Exception {
        String hotkey = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write("tensorswarm/commit/v2".getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {0, 3, 0, 12, 0, 0, 0, 0, 0, 0, 0});
        b.write(hotkey.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
        b.write(HexFormat.of().parseHex(HASH));
        assertEquals(Sha256.of(b.toByteArray()), CommitmentPayload.binding(3, 12, hotkey, HASH));
    }

    private static Kind parseFails(byte[] payload) {
        return assertThrows(CommitmentException.class, () -> CommitmentPayload.parse(payload)).kind();
    }
}
