package io.tensorswarm.chain.extrinsic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import io.tensorswarm.chain.hash.Hashing;
import io.tensorswarm.chain.metadata.ExtrinsicMetadata;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.SignedExtension;
import io.tensorswarm.chain.metadata.TypeDef;
import io.tensorswarm.chain.metadata.TypeRegistry;
import io.tensorswarm.chain.scale.Era;
import io.tensorswarm.chain.scale.Hex;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks the builder against the spec's {@code signed_extrinsic_v4} vector, using the spec-381 metadata. */
class ExtrinsicBuilderTest {
    private static final JsonNode VECTOR = load();

    private static JsonNode load() {
        try (InputStream in = ExtrinsicBuilderTest.class.getResourceAsStream("/chain-vectors.json")) {
            return new ObjectMapper().readTree(in).get("signed_extrinsic_v4");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String v(String prefix) {
        var it = VECTOR.fieldNames();
        while (it.hasNext()) {
            String name = it.next();
            if (name.startsWith(prefix)) {
                return VECTOR.get(name).asText();
            }
        }
        throw new IllegalStateException("no field " + prefix);
    }

    private static ExtrinsicParams vectorParams() {
        JsonNode in = VECTOR.get("inputs");
        Era era = Era.mortal(128, 1000);
        assertEquals(in.get("era_hex").asText(), Hex.encode(era.toBytes()));
        return new ExtrinsicParams(in.get("spec_version").asLong(), in.get("transaction_version").asLong(),
                Hex.decode(in.get("genesis_hash (finney)").asText()), era,
                Hex.decode(in.get("birth_block_hash (ARBITRARY placeholder for block 1000)").asText()),
                in.get("nonce").asLong(), in.get("tip").asLong());
    }

    @Test
    void payloadMatchesTheSignedExtrinsicVectorByteForByte() {
        ExtrinsicBuilder builder = new ExtrinsicBuilder(ChainVectors.metadata());
        byte[] call = Hex.decode(VECTOR.get("inputs").get("call_hex").asText());
        SigningPayload payload = builder.payload(call, vectorParams());
        assertEquals(v("extra_hex"), Hex.encode(payload.extra()));
        assertEquals(v("implicit_hex"), Hex.encode(payload.additional()));
        assertEquals(v("signing_payload_hex"), Hex.encode(payload.bytes()));
        assertEquals(VECTOR.get("signing_payload_len").asInt(), payload.bytes().length);
        assertArrayEquals(payload.bytes(), payload.toSign());
    }

    @Test
    void assemblyWithTheVectorSignatureReproducesTheExtrinsicAndItsHash() {
        ExtrinsicBuilder builder = new ExtrinsicBuilder(ChainVectors.metadata());
        byte[] call = Hex.decode(VECTOR.get("inputs").get("call_hex").asText());
        SigningPayload payload = builder.payload(call, vectorParams());
        byte[] signature = Hex.decode(v("signature"));
        byte[] alice = Hex.decode(ChainVectors.ALICE);
        assertTrue(Sr25519PublicKey.fromBytes(alice).verify(payload.toSign(), signature));
        SignedExtrinsic xt = ExtrinsicBuilder.assemble(alice, signature, payload);
        assertEquals(v("extrinsic_hex"), Hex.encode(xt.bytes()));
        assertEquals(v("extrinsic_hash"), Hex.encode(xt.hash()));
    }

    @Test
    void signedExtrinsicCarriesAVerifyingSignatureOverThePayload() {
        ExtrinsicBuilder builder = new ExtrinsicBuilder(ChainVectors.metadata());
        Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
        byte[] call = Hex.decode(VECTOR.get("inputs").get("call_hex").asText());
        SignedExtrinsic xt = builder.sign(call, vectorParams(), alice);
        byte[] bytes = xt.bytes();
        String expected = v("extrinsic_hex");
        // Same bytes except the 64 random signature bytes after length(2) 0x84 0x00 pubkey(32) 0x01.
        int sigStart = 2 + 1 + 1 + 32 + 1;
        assertEquals(expected.substring(0, sigStart * 2), Hex.encode(bytes).substring(0, sigStart * 2));
        assertEquals(expected.substring((sigStart + 64) * 2), Hex.encode(bytes).substring((sigStart + 64) * 2));
        byte[] sig = java.util.Arrays.copyOfRange(bytes, sigStart, sigStart + 64);
        assertTrue(alice.verify(Hex.decode(v("signing_payload_hex")), sig));
    }

    @Test
    void payloadsLongerThan256BytesAreSignedAsTheirBlake2Hash() {
        ExtrinsicBuilder builder = new ExtrinsicBuilder(ChainVectors.metadata());
        SigningPayload payload = builder.payload(new byte[300], vectorParams());
        assertArrayEquals(Hashing.blake2b256(payload.bytes()), payload.toSign());
    }

    @Test
    void unknownExtensionWithDataIsRefusedByName() {
        RuntimeMetadata md = ChainVectors.metadata();
        List<SignedExtension> exts = new ArrayList<>(md.signedExtensions());
        // an extension whose extra type is u32 (type of CheckSpecVersion's additional data)
        int u32 = exts.stream().filter(e -> e.identifier().equals("CheckSpecVersion")).findFirst().orElseThrow()
                .additionalSignedTypeId();
        int empty = exts.get(0).additionalSignedTypeId();
        exts.add(new SignedExtension("FancyNewExtension", u32, empty));
        ExtrinsicMetadata x = md.extrinsic();
        RuntimeMetadata changed = new RuntimeMetadata(md.version(), md.types(), md.pallets(),
                new ExtrinsicMetadata(x.versions(), x.addressTypeId(), x.callTypeId(), x.signatureTypeId(), exts,
                        Map.of()),
                md.apis(), md.outerEnums().orElse(null));
        ChainException e = assertThrows(ChainException.class,
                () -> new ExtrinsicBuilder(changed).payload(new byte[] {7, 0}, vectorParams()));
        assertEquals("cannot sign for this runtime: signed extension FancyNewExtension has non-empty extra data "
                + "(type #" + u32 + ")", e.getMessage());
    }

    @Test
    void zeroSizedUnknownExtensionsAddNoBytes() {
        TypeRegistry types = ChainVectors.metadata().types();
        long zeroSized = ChainVectors.metadata().signedExtensions().stream()
                .filter(e -> types.isZeroSized(e.typeId()) && types.isZeroSized(e.additionalSignedTypeId())).count();
        assertEquals(5, zeroSized); // CheckNonZeroSender, CheckWeight, Sudo-, Subtensor-TransactionExtension, DrandPriority
        assertTrue(types.get(ChainVectors.metadata().signedExtensions().get(0).typeId()).def()
                instanceof TypeDef.Composite);
    }
}
