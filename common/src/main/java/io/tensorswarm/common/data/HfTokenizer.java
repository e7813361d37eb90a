package io.tensorswarm.common.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.model.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code tokenizer.json} (BPE, WordPiece or Unigram) run by DJL's native tokenizers
 * library, loaded from a local file only; nothing is ever fetched from the Hub.
 *
 * <p>No special tokens are added and nothing is truncated. Only the ids are fetched from the
 * native library (through DJL's {@code TokenizersLibrary}, skipping the token strings, offsets and
 * masks of DJL's {@code Encoding}). Texts longer than
 * {@link #CHUNK_CHARS} characters are encoded in pieces cut after a newline (or whitespace) so
 * multi-megabyte documents do not go through one native call; the cut points are deterministic, so
 * the ids are too, but a token spanning a cut (e.g. a double newline) may be split in two.
 *
 * <p>The end-of-text id is {@code eos_token} of a {@code tokenizer_config.json} next to the file, or
 * else the first of {@code <|endoftext|>}, {@code </s>}, {@code <|end_of_text|>}, {@code <eos>}
 * found in the vocabulary. {@link #name()} is {@code hf-} plus a hash of the file's bytes and the
 * end-of-text id. Safe for concurrent use; close it to free the native tokenizer.
 */
public final class HfTokenizer implements Tokenizer {
    private static final Logger log = LoggerFactory.getLogger(HfTokenizer.class);
    /** Texts longer than this many characters are encoded in pieces. */
    public static final int CHUNK_CHARS = 65_536;
    private static final List<String> EOS_CANDIDATES =
            List.of("<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>");

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;
    private final OptionalInt eosTokenId;
    private final String name;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize, OptionalInt eosTokenId, String name) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
        this.eosTokenId = eosTokenId;
        this.name = name;
    }

    /**
     * Loads {@code tokenizerJson} (a {@code tokenizer.json} file).
     *
     * @throws DataException when the file is missing, unreadable or not a tokenizer definition
     */
    public static HfTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new DataException("tokenizer file not found: " + tokenizerJson);
        }
        byte[] bytes;
        JsonNode root;
        try {
            bytes = Files.readAllBytes(tokenizerJson);
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new DataException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        TokenizerVocabulary vocabulary = TokenizerVocabulary.parse(root, tokenizerJson);
        OptionalInt eos = findEos(vocabulary, tokenizerJson);
        TorchRuntime.configure();
        HuggingFaceTokenizer loaded;
        try {
            loaded = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false",
                    "maxLength", Integer.toString(Integer.MAX_VALUE)));
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        String name = "hf-" + sha256Hex(bytes).substring(0, 16)
                + (eos.isPresent() ? "-eos" + eos.getAsInt() : "");
        log.debug("loaded tokenizer {} ({} ids, eos {}) from {}", name, vocabulary.size(), eos, tokenizerJson);
        return new HfTokenizer(loaded, vocabulary.size(), eos, name);
    }

    private static OptionalInt findEos(TokenizerVocabulary vocabulary, Path tokenizerJson) {
        Path config = tokenizerJson.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            try {
                JsonNode eos = new ObjectMapper().readTree(config.toFile()).path("eos_token");
                String content = eos.isTextual() ? eos.asText() : eos.path("content").asText(null);
                if (content != null) {
                    Integer id = vocabulary.idOf(content);
                    if (id == null) {
                        throw new DataException("eos_token " + content + " of " + config + " is not in " + tokenizerJson);
                    }
                    return OptionalInt.of(id);
                }
            } catch (IOException e) {
                throw new DataException("cannot read " + config + ": " + e.getMessage(), e);
            }
        }
        for (String candidate : EOS_CANDIDATES) {
            Integer id = vocabulary.idOf(candidate);
            if (id != null) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public int[] encode(String text) {
        return encodeAll(List.of(text)).get(0);
    }

    /**
     * Returns the ids of each text, encoding them in one native batch (parallel inside the native
     * library). Calls the native library directly for the ids only, which is about twice as fast
     * as building DJL {@code Encoding} objects with tokens, offsets and masks nobody reads.
     */
    @Override
    public List<int[]> encodeAll(List<String> texts) {
        List<String> pieces = new ArrayList<>();
        int[] piecesPerText = new int[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            List<String> split = TextChunks.split(texts.get(i), CHUNK_CHARS);
            piecesPerText[i] = split.size();
            pieces.addAll(split);
        }
        long[][] pieceIds = encodePieces(pieces);
        List<int[]> out = new ArrayList<>(texts.size());
        int at = 0;
        for (int count : piecesPerText) {
            int total = 0;
            for (int k = 0; k < count; k++) {
                total += pieceIds[at + k].length;
            }
            int[] ids = new int[total];
            int filled = 0;
            for (int k = 0; k < count; k++) {
                for (long id : pieceIds[at + k]) {
                    ids[filled++] = (int) id;
                }
            }
            out.add(ids);
            at += count;
        }
        return out;
    }

    private long[][] encodePieces(List<String> pieces) {
        long handle = tokenizer.getHandle();
        long[][] ids = new long[pieces.size()][];
        if (pieces.size() == 1) {
            long encoding = TokenizersLibrary.LIB.encode(handle, pieces.get(0), false);
            try {
                ids[0] = TokenizersLibrary.LIB.getTokenIds(encoding);
            } finally {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
            return ids;
        }
        long[] encodings = TokenizersLibrary.LIB.batchEncode(handle, pieces.toArray(new String[0]), false);
        try {
            for (int i = 0; i < encodings.length; i++) {
                ids[i] = TokenizersLibrary.LIB.getTokenIds(encodings[i]);
            }
        } finally {
            for (long encoding : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public OptionalInt eosTokenId() {
        return eosTokenId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + name + "]";
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** Token-to-id map of a tokenizer.json: the model vocabulary plus the added tokens. */
    private record TokenizerVocabulary(Map<String, Integer> ids, int size) {
        static TokenizerVocabulary parse(JsonNode root, Path file) {
            Map<String, Integer> ids = new HashMap<>();
            JsonNode vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                vocab.properties().forEach(e -> ids.put(e.getKey(), e.getValue().asInt()));
            } else if (vocab.isArray()) {
                for (int i = 0; i < vocab.size(); i++) {
                    ids.put(vocab.get(i).path(0).asText(), i);
                }
            } else {
                throw new DataException("tokenizer " + file + " has no model.vocab");
            }
            for (JsonNode added : root.path("added_tokens")) {
                ids.put(added.path("content").asText(), added.path("id").asInt());
            }
            int size = 0;
            for (int id : ids.values()) {
                if (id < 0) {
                    throw new DataException("tokenizer " + file + " has a negative token id " + id);
                }
                size = Math.max(size, id + 1);
            }
            if (size == 0) {
                throw new DataException("tokenizer " + file + " has an empty vocabulary");
            }
            return new TokenizerVocabulary(ids, size);
        }

        Integer idOf(String token) {
            return ids.get(token);
        }
    }
}
