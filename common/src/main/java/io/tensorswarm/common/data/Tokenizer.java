package io.tensorswarm.common.data;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Turns text into token ids and back; the ids index the model's embedding table.
 *
 * <p>Implementations are deterministic: the same text gives the same ids on every machine, which
 * page assignment relies on. {@link #name()} identifies the exact vocabulary and rules (two
 * tokenizers with the same name encode identically), so it can key caches and fingerprints.
 * Implementations must be safe for concurrent use. Close a tokenizer to free native resources;
 * for pure-Java tokenizers {@link #close()} does nothing.
 *
 * <pre>{@code
 * try (Tokenizer tokenizer = Tokenizers.forModelDir(modelDir, config.vocabSize())) {
 *     int[] ids = tokenizer.encode("The jury said");
 *     String text = tokenizer.decode(ids);
 * }
 * }</pre>
 */
public interface Tokenizer extends AutoCloseable {

    /** Returns the token ids of {@code text}, with no special tokens added. */
    int[] encode(String text);

    /**
     * Returns the ids of each text, in order; the same as calling {@link #encode} on each.
     * Implementations may encode the batch in parallel.
     */
    default List<int[]> encodeAll(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(encode(text));
        }
        return out;
    }

    /** Returns the text of {@code ids}; ids that do not form valid text decode to U+FFFD. */
    String decode(int[] ids);

    /** Returns the number of distinct ids: every id from {@link #encode} is below this. */
    int vocabSize();

    /** Returns the end-of-text id placed between documents, if the vocabulary has one. */
    OptionalInt eosTokenId();

    /** Returns a stable identifier of this vocabulary and its rules, e.g. {@code byte}. */
    String name();

    /** Frees native resources; the tokenizer must not be used afterwards. */
    @Override
    default void close() {}
}
