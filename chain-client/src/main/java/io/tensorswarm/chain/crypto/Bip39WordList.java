package io.tensorswarm.chain.crypto;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The 2048-word BIP39 English list, loaded once from the bundled resource {@code
 * bip39-english.txt} (see the package documentation for its source).
 */
final class Bip39WordList {
    static final int SIZE = 2048;
    private static final String RESOURCE = "bip39-english.txt";

    private static final List<String> WORDS = load();
    private static final Map<String, Integer> INDEX = index(WORDS);

    private Bip39WordList() {}

    static String word(int index) {
        return WORDS.get(index);
    }

    /** Returns the index of {@code word}, or -1 if it is not in the list. */
    static int indexOf(String word) {
        return INDEX.getOrDefault(word, -1);
    }

    private static List<String> load() {
        try (InputStream in = Bip39WordList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("BIP39 word list resource " + RESOURCE + " is missing");
            }
            List<String> words = new ArrayList<>(SIZE);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    words.add(line.strip());
                }
            }
            if (words.size() != SIZE) {
                throw new IllegalStateException("BIP39 word list has " + words.size() + " words, expected 2048");
            }
            return List.copyOf(words);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read BIP39 word list " + RESOURCE, e);
        }
    }

    private static Map<String, Integer> index(List<String> words) {
        Map<String, Integer> map = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            map.put(words.get(i), i);
        }
        return Map.copyOf(map);
    }
}
