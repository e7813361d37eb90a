package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.ManifestException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

/**
 * The signed manifest a miner uploads next to its delta ({@code manifest.json}): who made the
 * delta, for which subnet, round and base model, with which codec, and the delta file's SHA-256
 * and size; optionally what the miner says it trained (steps and tokens).
 *
 * <p><b>Wire form.</b> A UTF-8 JSON object with exactly these keys (no others), plus optionally both
 * of the training keys below:
 *
 * <table>
 *   <caption>manifest fields</caption>
 *   <tr><th>key</th><th>JSON type</th><th>rule</th></tr>
 *   <tr><td>{@code base_revision}</td><td>string</td><td>64 lowercase hex chars: SHA-256 of the base {@code model.safetensors}</td></tr>
 *   <tr><td>{@code codec}</td><td>string</td><td>a {@link DeltaCodecs} name ({@code fp32}, {@code bf16}, {@code int8}, {@code topk}, {@code sparseloco})</td></tr>
 *   <tr><td>{@code created_at_block}</td><td>integer</td><td>[0, 2^53 - 1]</td></tr>
 *   <tr><td>{@code delta_sha256}</td><td>string</td><td>64 lowercase hex chars: SHA-256 of the delta file's bytes</td></tr>
 *   <tr><td>{@code delta_size}</td><td>integer</td><td>[0, 2^53 - 1], the delta file's length in bytes</td></tr>
 *   <tr><td>{@code hotkey}</td><td>string</td><td>SS58 address: 47 or 48 base58 characters</td></tr>
 *   <tr><td>{@code netuid}</td><td>integer</td><td>[0, 65535]</td></tr>
 *   <tr><td>{@code round}</td><td>integer</td><td>[0, 2^53 - 1]</td></tr>
 *   <tr><td>{@code signature}</td><td>string</td><td>{@code 0x} + 128 lowercase hex chars (64-byte sr25519 signature)</td></tr>
 *   <tr><td>{@code tensor_count}</td><td>integer</td><td>[0, 2^31 - 1], tensors in the delta file</td></tr>
 *   <tr><td>{@code train_steps}</td><td>integer</td><td>optional, with {@code train_tokens}: [0, 2^53 - 1], optimizer steps trained</td></tr>
 *   <tr><td>{@code train_tokens}</td><td>integer</td><td>optional, with {@code train_steps}: [0, 2^53 - 1], tokens trained on</td></tr>
 *   <tr><td>{@code version}</td><td>integer</td><td>1</td></tr>
 * </table>
 *
 * <p>Integers are JSON integers (no fraction, no exponent). A reader refuses anything larger than
 * {@link #MAX_BYTES} before parsing, duplicate keys, unknown or missing keys (one training key without
 * the other included) and wrong types. A manifest without the training keys (every manifest written
 * before they existed) reads as before, with {@link #training()} {@code null}. The training numbers
 * are the miner's own claim, signed like the rest but not checked against the delta.
 *
 * <p><b>What is signed.</b> {@link #canonicalBytes()}: the object above <em>without</em> the {@code
 * signature} key, keys sorted by code point, no whitespace ({@code ,} and {@code :} separators),
 * integers in plain decimal, strings as-is (every allowed value is printable ASCII needing no
 * escape), encoded UTF-8. The hotkey signs those bytes as they are (for sr25519, with the usual
 * {@code "substrate"} signing context). In Python:
 *
 * <pre>{@code
 * m = json.loads(manifest_bytes); sig = bytes.fromhex(m.pop("signature")[2:])
 * msg = json.dumps(m, sort_keys=True, separators=(",", ":")).encode("utf-8")
 * assert keypair_of(m["hotkey"]).verify(msg, sig)
 * }</pre>
 *
 * <p>{@link #toJson()} writes the same canonical form with {@code signature} included at its sorted
 * place. A manifest built in code is unsigned ({@code signature == null}) until {@link #sign}.
 *
 * <pre>{@code
 * DeltaManifest m = DeltaManifest.unsigned(hotkey, 3, round, baseRev, "int8", sha, size, count, block).sign(signer);
 * store.put(StorageLayout.manifestKey(round, hotkey), m.toJson());
 * DeltaManifest got = DeltaManifest.parse(bytes);   // validator side
 * got.verify(verifier);
 * got.requireFor(hotkey, 3, round, baseRev);
 * }</pre>
 *
 * @param version schema version, {@link #VERSION}
 * @param hotkey SS58 address of the miner's hotkey
 * @param netuid the subnet
 * @param round the round the delta is for
 * @param baseRevision SHA-256 hex of the base model file
 * @param codec the delta's codec name
 * @param deltaSha256 SHA-256 hex of the delta file
 * @param deltaSize the delta file's size in bytes
 * @param tensorCount number of tensors in the delta file
 * @param createdAtBlock the chain block when the manifest was made
 * @param signature {@code 0x}-hex sr25519 signature of {@link #canonicalBytes()}, or {@code null}
 * @param training the steps and tokens the miner trained, or {@code null} when the manifest does not say
 */
public record DeltaManifest(
        int version,
        String hotkey,
        int netuid,
        long round,
        String baseRevision,
        String codec,
        String deltaSha256,
        long deltaSize,
        int tensorCount,
        long createdAtBlock,
        String signature,
        Training training) {
    /** The schema version this class reads and writes. */
    public static final int VERSION = 1;
    /** The largest manifest a reader accepts, in bytes (16 KiB). */
    public static final int MAX_BYTES = 16 * 1024;

    private static final Set<String> KEYS = Set.of("base_revision", "codec", "created_at_block", "delta_sha256",
            "delta_size", "hotkey", "netuid", "round", "signature", "tensor_count", "version");
    private static final Set<String> TRAINING_KEYS = Set.of("train_steps", "train_tokens");
    private static final Set<String> KEYS_WITH_TRAINING = union(KEYS, TRAINING_KEYS);

    /**
     * What the miner says it trained for the delta: {@code train_steps} and {@code train_tokens}.
     *
     * @param steps optimizer steps
     * @param tokens tokens trained on (pages x page length, padding included)
     */
    public record Training(long steps, long tokens) {
        /**
         * Validates the ranges.
         *
         * @throws ManifestException ({@link Kind#SCHEMA}) when a number is outside [0, 2^53 - 1]
         */
        public Training {
            requireRange(steps, 0, StrictJson.MAX_SAFE_INTEGER, "train_steps");
            requireRange(tokens, 0, StrictJson.MAX_SAFE_INTEGER, "train_tokens");
        }
    }

    /** Returns a manifest without training numbers (the form of every manifest before they existed). */
    public DeltaManifest(int version, String hotkey, int netuid, long round, String baseRevision, String codec,
            String deltaSha256, long deltaSize, int tensorCount, long createdAtBlock, String signature) {
        this(version, hotkey, netuid, round, baseRevision, codec, deltaSha256, deltaSize, tensorCount, createdAtBlock,
                signature, null);
    }

    /**
     * Validates every field.
     *
     * @throws ManifestException ({@link Kind#SCHEMA} or {@link Kind#UNSUPPORTED_VERSION}) when a field breaks its rule
     */
    public DeltaManifest {
        if (version != VERSION) {
            throw new ManifestException(Kind.UNSUPPORTED_VERSION, "manifest version " + version + " is not " + VERSION);
        }
        requireShape(ProtocolIds.isSs58Shaped(hotkey), "hotkey", hotkey, "an SS58 address");
        requireRange(netuid, 0, 65535, "netuid");
        requireRange(round, 0, StrictJson.MAX_SAFE_INTEGER, "round");
        requireShape(ProtocolIds.isSha256Hex(baseRevision), "base_revision", baseRevision, "64 lowercase hex chars");
        requireShape(DeltaCodecs.isKnown(codec), "codec", codec, "one of " + DeltaCodecs.names());
        requireShape(ProtocolIds.isSha256Hex(deltaSha256), "delta_sha256", deltaSha256, "64 lowercase hex chars");
        requireRange(deltaSize, 0, StrictJson.MAX_SAFE_INTEGER, "delta_size");
        requireRange(tensorCount, 0, Integer.MAX_VALUE, "tensor_count");
        requireRange(createdAtBlock, 0, StrictJson.MAX_SAFE_INTEGER, "created_at_block");
        if (signature != null) {
            requireShape(ProtocolIds.isSignatureHex(signature), "signature", signature, "0x and 128 lowercase hex chars");
        }
    }

    /** Returns an unsigned manifest of the current {@link #VERSION}. */
    public static DeltaManifest unsigned(String hotkey, int netuid, long round, String baseRevision, String codec,
            String deltaSha256, long deltaSize, int tensorCount, long createdAtBlock) {
        return new DeltaManifest(VERSION, hotkey, netuid, round, baseRevision, codec, deltaSha256, deltaSize,
                tensorCount, createdAtBlock, null);
    }

    /**
     * Returns an unsigned copy that records {@code value} (or no training numbers, for {@code null}); the
     * signature is dropped, since the signed bytes change.
     */
    public DeltaManifest withTraining(Training value) {
        return new DeltaManifest(version, hotkey, netuid, round, baseRevision, codec, deltaSha256, deltaSize,
                tensorCount, createdAtBlock, null, value);
    }

    /**
     * Parses a manifest's bytes, refusing more than {@link #MAX_BYTES} before parsing.
     *
     * @throws ManifestException when the bytes are too large, malformed or break the schema
     */
    public static DeltaManifest parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ManifestException(Kind.TOO_LARGE,
                    "manifest is " + bytes.length + " bytes, more than the " + MAX_BYTES + "-byte cap");
        }
        try {
            StrictJson j = StrictJson.parseObject(bytes);
            long version = j.integer("version", 0, Integer.MAX_VALUE);
            if (version != VERSION) {
                throw new ManifestException(Kind.UNSUPPORTED_VERSION, "manifest version " + version + " is not " + VERSION);
            }
            boolean withTraining = requireKeys(j);
            return new DeltaManifest(
                    VERSION,
                    j.string("hotkey"),
                    (int) j.integer("netuid", 0, 65535),
                    j.integer("round", 0, StrictJson.MAX_SAFE_INTEGER),
                    j.string("base_revision"),
                    j.string("codec"),
                    j.string("delta_sha256"),
                    j.integer("delta_size", 0, StrictJson.MAX_SAFE_INTEGER),
                    (int) j.integer("tensor_count", 0, Integer.MAX_VALUE),
                    j.integer("created_at_block", 0, StrictJson.MAX_SAFE_INTEGER),
                    j.string("signature"),
                    withTraining ? new Training(j.integer("train_steps", 0, StrictJson.MAX_SAFE_INTEGER),
                            j.integer("train_tokens", 0, StrictJson.MAX_SAFE_INTEGER)) : null);
        } catch (StrictJson.Problem p) {
            throw new ManifestException(p.schema ? Kind.SCHEMA : Kind.MALFORMED, "manifest: " + p.getMessage());
        }
    }

    /**
     * Checks the object's keys: exactly {@link #KEYS}, or those and both training keys; returns whether
     * the training keys are there. Of two failures, reports the one about the training keys when the
     * object has one of them (a missing partner), else the one about the base keys.
     */
    private static boolean requireKeys(StrictJson j) {
        try {
            j.requireKeys(KEYS_WITH_TRAINING);
            return true;
        } catch (StrictJson.Problem withTraining) {
            try {
                j.requireKeys(KEYS);
                return false;
            } catch (StrictJson.Problem without) {
                boolean partnerMissing = TRAINING_KEYS.stream().anyMatch(k -> without.getMessage().contains(Quote.of(k)));
                throw partnerMissing ? withTraining : without;
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * Reads and parses a manifest from {@code in}, reading at most {@link #MAX_BYTES} + 1 bytes; the
     * stream is not closed.
     *
     * @throws ManifestException when the content is too large, malformed or breaks the schema
     * @throws IOException when the stream fails
     */
    public static DeltaManifest read(InputStream in, String source) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        try {
            return parse(bytes);
        } catch (ManifestException e) {
            throw new ManifestException(e.kind(), source + ": " + e.getMessage(), e);
        }
    }

    /** Returns the bytes the hotkey signs: the canonical JSON without {@code signature} (see the class doc). */
    public byte[] canonicalBytes() {
        return json(false).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the manifest's wire form: canonical JSON with the signature.
     *
     * @throws IllegalStateException when the manifest is unsigned
     */
    public byte[] toJson() {
        if (signature == null) {
            throw new IllegalStateException("manifest is not signed");
        }
        return json(true).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns a copy signed by {@code signer}.
     *
     * @throws IllegalArgumentException when the signer's hotkey is not this manifest's, or the
     *     signature is not 64 bytes
     */
    public DeltaManifest sign(ManifestSigner signer) {
        if (!hotkey.equals(signer.ss58())) {
            throw new IllegalArgumentException("manifest is for hotkey " + hotkey + ", signer is " + signer.ss58());
        }
        byte[] sig = signer.sign(canonicalBytes());
        if (sig == null || sig.length != 64) {
            throw new IllegalArgumentException("signer returned " + (sig == null ? "null" : sig.length + " bytes")
                    + ", expected a 64-byte signature");
        }
        return new DeltaManifest(version, hotkey, netuid, round, baseRevision, codec, deltaSha256, deltaSize,
                tensorCount, createdAtBlock, "0x" + HexFormat.of().formatHex(sig), training);
    }

    /** Returns the signature's 64 bytes, or {@code null} when unsigned. */
    public byte[] signatureBytes() {
        return signature == null ? null : HexFormat.of().parseHex(signature, 2, signature.length());
    }

    /**
     * Checks that the hotkey signed this manifest's canonical bytes.
     *
     * @throws ManifestException ({@link Kind#BAD_SIGNATURE}) when unsigned or the signature does not verify
     */
    public void verify(SignatureVerifier verifier) {
        if (signature == null) {
            throw new ManifestException(Kind.BAD_SIGNATURE, "manifest of " + hotkey + " round " + round + " is not signed");
        }
        if (!verifier.verify(hotkey, canonicalBytes(), signatureBytes())) {
            throw new ManifestException(Kind.BAD_SIGNATURE,
                    "manifest of " + hotkey + " round " + round + ": signature does not verify for the hotkey");
        }
    }

    /**
     * Checks that the manifest is for this hotkey, subnet, round and base revision.
     *
     * @throws ManifestException ({@link Kind#MISMATCH}) naming the first field that differs
     */
    public void requireFor(String expectedHotkey, int expectedNetuid, long expectedRound, String expectedBaseRevision) {
        mismatch(!hotkey.equals(expectedHotkey), "hotkey", hotkey, expectedHotkey);
        mismatch(netuid != expectedNetuid, "netuid", netuid, expectedNetuid);
        mismatch(round != expectedRound, "round", round, expectedRound);
        mismatch(!baseRevision.equals(expectedBaseRevision), "base_revision", baseRevision, expectedBaseRevision);
    }

    private void mismatch(boolean differs, String field, Object got, Object expected) {
        if (differs) {
            throw new ManifestException(Kind.MISMATCH, "manifest of " + hotkey + ": " + field + " is " + got
                    + ", expected " + expected);
        }
    }

    private String json(boolean withSignature) {
        StringBuilder b = new StringBuilder(512).append('{');
        b.append("\"base_revision\":\"").append(baseRevision).append("\",");
        b.append("\"codec\":\"").append(codec).append("\",");
        b.append("\"created_at_block\":").append(createdAtBlock).append(',');
        b.append("\"delta_sha256\":\"").append(deltaSha256).append("\",");
        b.append("\"delta_size\":").append(deltaSize).append(',');
        b.append("\"hotkey\":\"").append(hotkey).append("\",");
        b.append("\"netuid\":").append(netuid).append(',');
        b.append("\"round\":").append(round).append(',');
        if (withSignature) {
            b.append("\"signature\":\"").append(signature).append("\",");
        }
        b.append("\"tensor_count\":").append(tensorCount).append(',');
        if (training != null) {
            b.append("\"train_steps\":").append(training.steps()).append(',');
            b.append("\"train_tokens\":").append(training.tokens()).append(',');
        }
        b.append("\"version\":").append(version);
        return b.append('}').toString();
    }

    private static void requireShape(boolean ok, String field, String value, String rule) {
        if (!ok) {
            throw new ManifestException(Kind.SCHEMA, "manifest field " + field + " is " + Quote.of(value) + ", expected " + rule);
        }
    }

    private static void requireRange(long value, long min, long max, String field) {
        if (value < min || value > max) {
            throw new ManifestException(Kind.SCHEMA,
                    "manifest field " + field + " is " + value + ", expected an integer in [" + min + ", " + max + "]");
        }
    }
}
