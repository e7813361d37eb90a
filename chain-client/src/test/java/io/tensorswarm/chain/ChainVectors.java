package io.tensorswarm.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.metadata.MetadataDecoder;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: the spec's {@code chain-vectors.json} (a copy of {@code
 * shared/specs/chain-vectors.json}; each vector carries its {@code source}) and the real subtensor
 * spec-381 V16 metadata blob, both loaded from the test classpath.
 */
public final class ChainVectors {
    /** //Alice's sr25519 public key, as used by the derived vectors. */
    public static final String ALICE = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";

    private static final JsonNode ROOT = load();
    private static RuntimeMetadata metadata;

    private ChainVectors() {}

    private static JsonNode load() {
        try (InputStream in = resource("/chain-vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ChainVectors.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return in;
    }

    /** Returns the {@code vectors} array of group {@code name}. */
    public static List<JsonNode> vectors(String name) {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get(name).get("vectors").forEach(out::add);
        if (out.isEmpty()) {
            throw new IllegalStateException("vector group " + name + " is empty");
        }
        return out;
    }

    /** Returns the raw bytes of the spec-381 V16 metadata blob. */
    public static byte[] metadataBytes() {
        try (InputStream in = resource("/subtensor-spec381-metadata-v16.scale")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the decoded spec-381 metadata (decoded once, then shared). */
    public static synchronized RuntimeMetadata metadata() {
        if (metadata == null) {
            metadata = MetadataDecoder.decode(metadataBytes());
        }
        return metadata;
    }
}
