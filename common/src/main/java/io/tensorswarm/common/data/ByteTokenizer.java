package io.tensorswarm.common.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Encodes text as its UTF-8 bytes, one token per byte (ids 0 to 255). It has no end-of-text token;
 * documents are separated by a newline byte.
 *
 * <p>Decoding tolerates ids that do not form valid UTF-8 (a window cut in the middle of a
 * character): such bytes become U+FFFD. Stateless and safe for concurrent use.
 */
public final class ByteTokenizer implements Tokenizer {
    /** The vocabulary size: one id per byte value. */
    public static final int VOCAB_SIZE = 256;
    /** The name used in cache keys and fingerprints. */
    public static final String NAME = "byte";

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /**
     * Returns the UTF-8 text of {@code ids}, with U+FFFD for malformed or cut sequences.
     *
     * @throws IllegalArgumentException when an id is outside 0 to 255
     */
    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= VOCAB_SIZE) {
                throw new IllegalArgumentException("byte token id out of range: " + ids[i]);
            }
            bytes[i] = (byte) ids[i];
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("UTF-8 decoder set to REPLACE still failed", e);
        }
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public OptionalInt eosTokenId() {
        return OptionalInt.empty();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String toString() {
        return "ByteTokenizer";
    }
}
