package io.tensorswarm.common.data;

import java.util.ArrayList;
import java.util.List;

/** Cuts long text into pieces at deterministic, tokenizer-friendly points. */
final class TextChunks {
    private TextChunks() {}

    /**
     * Returns {@code text} cut into pieces of at most {@code maxChars} characters (the text itself
     * when short enough). Each cut falls after the last newline of the window, else after its last
     * whitespace, else at the window's end (never inside a surrogate pair).
     */
    static List<String> split(String text, int maxChars) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("maxChars must be at least 2: " + maxChars);
        }
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (text.length() - start > maxChars) {
            int end = start + maxChars;
            int cut = text.lastIndexOf('\n', end - 1) + 1;
            if (cut <= start) {
                cut = lastWhitespaceEnd(text, start, end);
            }
            if (cut <= start) {
                cut = Character.isLowSurrogate(text.charAt(end)) ? end - 1 : end;
            }
            pieces.add(text.substring(start, cut));
            start = cut;
        }
        pieces.add(text.substring(start));
        return pieces;
    }

    private static int lastWhitespaceEnd(String text, int start, int end) {
        for (int i = end - 1; i > start; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i + 1;
            }
        }
        return -1;
    }
}
