package io.tensorswarm.common.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.protocol.ManifestException.Kind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DeltaManifest}: the exact canonical bytes, signing and verification (with {@link
 * HmacTestSigner} standing in for sr25519, which lives in chain-client), and strict parsing.
 */
@Timeout(30)
class DeltaManifestTest {
    static final String ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
    static final String BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
    static final String BASE = "ab".repeat(32);
    static final String DELTA = "0123456789abcdef".repeat(4);

    private final DeltaManifest unsigned = DeltaManifest.unsigned(ALICE, 3, 12, BASE, "int8", DELTA, 1048576, 148, 1234);

    private static String json(DeltaManifest m) {
        return new String(m.toJson(), StandardCharsets.UTF_8);
    }

    @Test
    void canonicalBytesAreSortedCompactJsonWithoutTheSignature() {
        assertEquals("{\"base_revision\":\"" + BASE + "\",\"codec\":\"int8\",\"created_at_block\":1234,"
                + "\"delta_sha256\":\"" + DELTA + "\",\"delta_size\":1048576,\"hotkey\":\"" + ALICE + "\","
                + "\"netuid\":3,\"round\":12,\"tensor_count\":148,\"version\":1}",
                new String(unsigned.canonicalBytes(), StandardCharsets.UTF_8));
        DeltaManifest signed = unsigned.sign(new HmacTestSigner(ALICE));
        assertArrayEquals(unsigned.canonicalBytes(), signed.canonicalBytes());
        String wire = json(signed);
        assertEquals(wire.replace(",\"signature\":\"" + signed.signature() + "\"", ""),
                new String(signed.canonicalBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aSignedManifestRoundTripsAndVerifies() {
        DeltaManifest signed = unsigned.sign(new HmacTestSigner(ALICE));
        assertEquals(130, signed.signature().length());
        DeltaManifest parsed = DeltaManifest.parse(signed.toJson());
        assertEquals(signed, parsed);
        parsed.verify(new HmacTestSigner(ALICE));
        parsed.requireFor(ALICE, 3, 12, BASE);
    }

    @Test
    void aChangedFieldOrAnotherKeyBreaksTheSignature() {
        DeltaManifest signed = unsigned.sign(new HmacTestSigner(ALICE));
        DeltaManifest tampered = new DeltaManifest(1, ALICE, 3, 13, BASE, "int8", DELTA, 1048576, 148, 1234,
                signed.signature());
        assertEquals(Kind.BAD_SIGNATURE,
                assertThrows(ManifestException.class, () -> tampered.verify(new HmacTestSigner(ALICE))).kind());
        DeltaManifest stolen = new DeltaManifest(1, BOB, 3, 12, BASE, "int8", DELTA, 1048576, 148, 1234,
                signed.signature());
        assertEquals(Kind.BAD_SIGNATURE,
                assertThrows(ManifestException.class, () -> stolen.verify(new HmacTestSigner(BOB))).kind());
        assertEquals(Kind.BAD_SIGNATURE,
                assertThrows(ManifestException.class, () -> unsigned.verify(new HmacTestSigner(ALICE))).kind());
        assertThrows(IllegalArgumentException.class, () -> unsigned.sign(new HmacTestSigner(BOB)));
    }

    @Test
    void reportsTheFirstFieldThatDiffersFromWhatTheValidatorExpects() {
        ManifestException e = assertThrows(ManifestException.class, () -> unsigned.requireFor(ALICE, 3, 11, BASE));
        assertEquals(Kind.MISMATCH, e.kind());
        assertEquals("manifest of " + ALICE + ": round is 12, expected 11", e.getMessage());
        assertEquals(Kind.MISMATCH,
                assertThrows(ManifestException.class, () -> unsigned.requireFor(ALICE, 3, 12, DELTA)).kind());
    }

    @Test
    void refusesManifestsOverTheSizeCapBeforeParsing() throws Exception {
        byte[] big = new byte[DeltaManifest.MAX_BYTES + 1];
        assertEquals(Kind.TOO_LARGE, assertThrows(ManifestException.class, () -> DeltaManifest.parse(big)).kind());
        ManifestException e = assertThrows(ManifestException.class,
                () -> DeltaManifest.read(new ByteArrayInputStream(new byte[1 << 20]), "m.json"));
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertEquals(true, e.getMessage().startsWith("m.json: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", // missing field
        "\"round\":12,\"extra\":1,", // unknown field
        "\"round\":12.0,", // not an integer
        "\"round\":\"12\",", // string for integer
        "\"round\":-1,",
        "\"round\":9007199254740992,", // 2^53
        "\"round\":1e1,",
    })
    void refusesFieldsOfTheWrongTypeOrRange(String roundField) {
        String wire = json(unsigned.sign(new HmacTestSigner(ALICE)));
        String bad = wire.replace("\"round\":12,", roundField);
        ManifestException e = assertThrows(ManifestException.class,
                () -> DeltaManifest.parse(bad.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Kind.SCHEMA, e.kind(), bad);
    }

    @Test
    void refusesBadHexHotkeysCodecsAndSignatures() {
        String wire = json(unsigned.sign(new HmacTestSigner(ALICE)));
        String[][] swaps = {
            {BASE, BASE.toUpperCase()},
            {DELTA, DELTA.substring(2)},
            {ALICE, "../../etc/passwd"},
            {ALICE, ALICE.replace('G', '0')},
            {"\"int8\"", "\"gzip\""},
            {"\"signature\":\"0x", "\"signature\":\"0X"},
        };
        for (String[] s : swaps) {
            String bad = wire.replace(s[0], s[1]);
            ManifestException e = assertThrows(ManifestException.class,
                    () -> DeltaManifest.parse(bad.getBytes(StandardCharsets.UTF_8)), s[1]);
            assertEquals(Kind.SCHEMA, e.kind(), s[1]);
        }
    }

    @Test
    void refusesDuplicateKeysNonObjectsTrailingDataAndOtherVersions() {
        String wire = json(unsigned.sign(new HmacTestSigner(ALICE)));
        String[] malformed = {
            wire.replace("{", "{\"round\":12,"), "[1]", "", wire + "{}", "{\"round\":12", "\u00ff",
        };
        for (String bad : malformed) {
            assertEquals(Kind.MALFORMED, assertThrows(ManifestException.class,
                    () -> DeltaManifest.parse(bad.getBytes(StandardCharsets.ISO_8859_1)), bad).kind(), bad);
        }
        String v2 = wire.replace("\"version\":1", "\"version\":2,\"future\":true");
        assertEquals(Kind.UNSUPPORTED_VERSION, assertThrows(ManifestException.class,
                () -> DeltaManifest.parse(v2.getBytes(StandardCharsets.UTF_8))).kind());
    }

    @Test
    void trainingNumbersAreSignedAtTheirSortedPlaceAndRoundTrip() {
        DeltaManifest trained = unsigned.withTraining(new DeltaManifest.Training(50, 204800));
        assertEquals("{\"base_revision\":\"" + BASE + "\",\"codec\":\"int8\",\"created_at_block\":1234,"
                + "\"delta_sha256\":\"" + DELTA + "\",\"delta_size\":1048576,\"hotkey\":\"" + ALICE + "\","
                + "\"netuid\":3,\"round\":12,\"tensor_count\":148,\"train_steps\":50,\"train_tokens\":204800,"
                + "\"version\":1}", new String(trained.canonicalBytes(), StandardCharsets.UTF_8));
        DeltaManifest signed = trained.sign(new HmacTestSigner(ALICE));
        DeltaManifest parsed = DeltaManifest.parse(signed.toJson());
        assertEquals(signed, parsed);
        assertEquals(new DeltaManifest.Training(50, 204800), parsed.training());
        parsed.verify(new HmacTestSigner(ALICE));
        assertEquals(null, signed.withTraining(null).signature(), "changing the signed bytes drops the signature");
    }

    @Test
    void aManifestWrittenBeforeTheTrainingNumbersExistedStillReadsAndVerifies() {
        DeltaManifest signed = unsigned.sign(new HmacTestSigner(ALICE));
        String old = json(signed);
        assertEquals(false, old.contains("train_"), old);
        DeltaManifest parsed = DeltaManifest.parse(old.getBytes(StandardCharsets.UTF_8));
        assertEquals(null, parsed.training());
        parsed.verify(new HmacTestSigner(ALICE));
        DeltaManifest rebuilt = new DeltaManifest(1, ALICE, 3, 12, BASE, "int8", DELTA, 1048576, 148, 1234,
                signed.signature());
        assertEquals(parsed, rebuilt, "the constructor without training numbers still builds the old form");
    }

    @Test
    void addingChangingOrDroppingTrainingNumbersBreaksTheSignature() {
        String wire = json(unsigned.withTraining(new DeltaManifest.Training(50, 204800)).sign(new HmacTestSigner(ALICE)));
        String plainWire = json(unsigned.sign(new HmacTestSigner(ALICE)));
        String[] forged = {
            wire.replace("\"train_steps\":50", "\"train_steps\":5000"),
            wire.replace("\"train_steps\":50,\"train_tokens\":204800,", ""),
            plainWire.replace("\"version\":1", "\"train_steps\":9,\"train_tokens\":9,\"version\":1"),
        };
        for (String f : forged) {
            DeltaManifest parsed = DeltaManifest.parse(f.getBytes(StandardCharsets.UTF_8));
            assertEquals(Kind.BAD_SIGNATURE, assertThrows(ManifestException.class,
                    () -> parsed.verify(new HmacTestSigner(ALICE)), f).kind(), f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"train_steps\":50,", // without train_tokens
        "\"train_tokens\":50,", // without train_steps
        "\"train_steps\":-1,\"train_tokens\":5,",
        "\"train_steps\":1.5,\"train_tokens\":5,",
        "\"train_steps\":\"50\",\"train_tokens\":5,",
        "\"train_steps\":50,\"train_tokens\":9007199254740992,",
        "\"train_steps\":50,\"train_tokens\":5,\"train_seconds\":3,",
    })
    void refusesHalfOrMalformedTrainingNumbers(String trainingFields) {
        String wire = json(unsigned.sign(new HmacTestSigner(ALICE)));
        String bad = wire.replace("\"version\":1", trainingFields + "\"version\":1");
        ManifestException e = assertThrows(ManifestException.class,
                () -> DeltaManifest.parse(bad.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Kind.SCHEMA, e.kind(), bad);
        if (trainingFields.equals("\"train_steps\":50,")) {
            assertEquals("manifest: missing field train_tokens", e.getMessage(), "names the missing partner");
        }
    }
}
