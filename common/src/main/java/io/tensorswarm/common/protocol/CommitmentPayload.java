package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.CommitmentException.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A miner's on-chain announcement for a round: where its files will be and a binding of the round's
 * delta to the committing hotkey, in a compact byte payload that fits one {@code Raw} field of the
 * Commitments pallet.
 *
 * <p>Layout (version 2), {@code 41 + L} bytes:
 *
 * <pre>
 * offset  size  field
 * 0       1     version = 0x02
 * 1       8     round, unsigned little-endian (at most 2^53 - 1)
 * 9       32    binding = SHA-256("tensorswarm/commit/v2" 0x00 netuid(u16 LE) round(u64 LE)
 *               hotkey-SS58(ASCII) 0x00 delta-SHA-256(32 bytes))
 * 41      L     storage locator, UTF-8, L &gt;= 1, to the end of the payload
 * </pre>
 *
 * <p>Why a binding and not the delta's hash: the binding names the committer, so nobody can commit
 * an honest miner's delta under another hotkey by copying its commitment bytes from the mempool
 * (the copy would not match the copier's own hotkey), and it reveals nothing about the delta before
 * the delta itself is uploaded, which happens only after the round's commit deadline
 * ({@link RoundClock}). A validator recomputes it from the committer's hotkey and the delta hash in
 * the signed manifest ({@link #isBindingOf}).
 *
 * <p>The pallet's {@code Raw} data holds at most {@value #MAX_BYTES} bytes, so the locator can take
 * at most {@value #MAX_LOCATOR_BYTES} UTF-8 bytes; a longer one fails with {@link Kind#TOO_LONG}
 * (choose a shorter bucket, prefix or path). The locator is a URI with a scheme ({@code file:},
 * {@code s3:}, {@code hf:}, ...), without whitespace or control characters.
 *
 * <pre>{@code
 * byte[] payload = CommitmentPayload.forDelta(netuid, round, hotkeySs58, deltaSha256, "s3://bucket/miner7").encode();
 * CommitmentPayload c = CommitmentPayload.parse(payloadFromChain);
 * boolean ok = c.isBindingOf(netuid, committerSs58, manifest.deltaSha256());
 * }</pre>
 *
 * @param round the round the delta is for
 * @param binding the binding hex (64 lowercase chars), see the class doc
 * @param locator the miner's storage location URI
 */
public record CommitmentPayload(long round, String binding, String locator) {
    /** The payload format version this class writes and reads. */
    public static final int VERSION = 2;
    private static final byte[] DOMAIN = "tensorswarm/commit/v2".getBytes(StandardCharsets.US_ASCII);
    /** The largest payload a {@code Raw} commitment field holds. */
    public static final int MAX_BYTES = 128;
    /** Bytes before the locator: version, round, binding. */
    public static final int HEADER_BYTES = 1 + 8 + 32;
    /** The longest locator that fits, in UTF-8 bytes. */
    public static final int MAX_LOCATOR_BYTES = MAX_BYTES - HEADER_BYTES;

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    private static final long MAX_ROUND = (1L << 53) - 1;

    /**
     * Validates the fields.
     *
     * @throws CommitmentException when the round is out of range, the hash is not 64 lowercase hex
     *     chars, or the locator is invalid or too long
     */
    public CommitmentPayload {
        if (round < 0 || round > MAX_ROUND) {
            throw new CommitmentException(Kind.BAD_ROUND, "commitment round " + Long.toUnsignedString(round)
                    + " is outside [0, 2^53 - 1]");
        }
        if (!ProtocolIds.isSha256Hex(binding)) {
            throw new CommitmentException(Kind.BAD_HASH, "commitment binding " + Quote.of(binding)
                    + " is not 64 lowercase hex characters");
        }
        checkLocator(locator);
    }

    /**
     * Returns the payload a miner commits for its delta of {@code round}.
     *
     * @throws CommitmentException when a field is invalid
     */
    public static CommitmentPayload forDelta(int netuid, long round, String hotkeySs58, String deltaSha256,
            String locator) {
        return new CommitmentPayload(round, binding(netuid, round, hotkeySs58, deltaSha256), locator);
    }

    /**
     * Returns the binding hex of a delta to its committer (see the class doc).
     *
     * @throws CommitmentException when the hash is not 64 lowercase hex characters, the netuid is not
     *     a u16 or the hotkey is not printable ASCII
     */
    public static String binding(int netuid, long round, String hotkeySs58, String deltaSha256) {
        if (!ProtocolIds.isSha256Hex(deltaSha256)) {
            throw new CommitmentException(Kind.BAD_HASH, "delta hash " + Quote.of(deltaSha256)
                    + " is not 64 lowercase hex characters");
        }
        if (netuid < 0 || netuid > 0xffff) {
            throw new CommitmentException(Kind.BAD_ROUND, "netuid " + netuid + " is not in [0, 65535]");
        }
        if (hotkeySs58 == null || hotkeySs58.isEmpty() || !hotkeySs58.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new CommitmentException(Kind.BAD_LOCATOR, "hotkey " + Quote.of(hotkeySs58) + " is not an SS58 address");
        }
        byte[] hotkey = hotkeySs58.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(DOMAIN.length + 1 + 2 + 8 + hotkey.length + 1 + 32)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(DOMAIN).put((byte) 0).putShort((short) netuid).putLong(round).put(hotkey).put((byte) 0)
                .put(HexFormat.of().parseHex(deltaSha256));
        return Sha256.of(b.array());
    }

    /**
     * Returns whether this payload binds the delta with hash {@code deltaSha256} to {@code hotkeySs58}
     * on {@code netuid}: false for a copied commitment and for a delta other than the committed one.
     */
    public boolean isBindingOf(int netuid, String hotkeySs58, String deltaSha256) {
        try {
            return binding.equals(binding(netuid, round, hotkeySs58, deltaSha256));
        } catch (CommitmentException e) {
            return false;
        }
    }

    /**
     * Checks that {@code locator} can be committed: a URI with a scheme, no whitespace or control
     * characters, at most {@value #MAX_LOCATOR_BYTES} UTF-8 bytes. Daemons call it at start-up.
     *
     * @throws CommitmentException ({@link Kind#BAD_LOCATOR} or {@link Kind#TOO_LONG}) when it cannot
     */
    public static void checkLocator(String locator) {
        if (locator == null || locator.isEmpty()) {
            throw new CommitmentException(Kind.BAD_LOCATOR, "storage locator is empty");
        }
        if (locator.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)
                || Character.isSpaceChar(c))) {
            throw new CommitmentException(Kind.BAD_LOCATOR,
                    "storage locator " + Quote.of(locator) + " holds whitespace or control characters");
        }
        try {
            URI uri = new URI(locator);
            if (uri.getScheme() == null || !SCHEME.matcher(uri.getScheme()).matches()) {
                throw new CommitmentException(Kind.BAD_LOCATOR,
                        "storage locator " + Quote.of(locator) + " needs a lowercase scheme such as file:, s3: or hf:");
            }
        } catch (URISyntaxException e) {
            throw new CommitmentException(Kind.BAD_LOCATOR, "storage locator " + Quote.of(locator)
                    + " is not a URI: " + e.getReason());
        }
        int bytes = locator.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LOCATOR_BYTES) {
            throw new CommitmentException(Kind.TOO_LONG, "storage locator is " + bytes + " UTF-8 bytes; at most "
                    + MAX_LOCATOR_BYTES + " fit in a " + MAX_BYTES + "-byte Raw commitment (" + HEADER_BYTES
                    + " bytes go to version, round and hash): use a shorter bucket, prefix or path");
        }
    }

    /** Returns the payload bytes (see the class doc). */
    public byte[] encode() {
        byte[] loc = locator.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(HEADER_BYTES + loc.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) VERSION)
                .putLong(round)
                .put(HexFormat.of().parseHex(binding))
                .put(loc)
                .array();
    }

    /**
     * Parses a payload read from the chain.
     *
     * @throws CommitmentException when it is too long or short, of another version, or holds an
     *     invalid round or locator
     */
    public static CommitmentPayload parse(byte[] payload) {
        if (payload.length > MAX_BYTES) {
            throw new CommitmentException(Kind.TOO_LONG, "commitment is " + payload.length + " bytes, more than " + MAX_BYTES);
        }
        if (payload.length < 1) {
            throw new CommitmentException(Kind.TRUNCATED, "commitment is empty");
        }
        if ((payload[0] & 0xff) != VERSION) {
            throw new CommitmentException(Kind.UNSUPPORTED_VERSION,
                    "commitment version " + (payload[0] & 0xff) + " is not " + VERSION);
        }
        if (payload.length < HEADER_BYTES + 1) {
            throw new CommitmentException(Kind.TRUNCATED, "commitment is " + payload.length + " bytes, at least "
                    + (HEADER_BYTES + 1) + " expected");
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        long round = b.getLong(1);
        String hash = HexFormat.of().formatHex(payload, 9, HEADER_BYTES);
        String locator;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload, HEADER_BYTES, payload.length - HEADER_BYTES));
            locator = chars.toString();
        } catch (CharacterCodingException e) {
            throw new CommitmentException(Kind.BAD_LOCATOR, "commitment locator is not valid UTF-8");
        }
        return new CommitmentPayload(round, hash, locator);
    }
}
