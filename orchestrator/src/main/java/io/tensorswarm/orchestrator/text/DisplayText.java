package io.tensorswarm.orchestrator.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Text that people will see, made safe to show: control characters, Unicode format characters
 * (bidi overrides and isolates such as U+202E, zero-width characters, the BOM), line and paragraph
 * separators, private-use, unassigned and unpaired surrogate code points each become U+FFFD, so no
 * string can reorder, hide or fake what is around it on a page or in a terminal. {@link #json}
 * serializes a value with every string in it (map keys included) cleaned and cut to {@link
 * #MAX_CHARS}.
 */
public final class DisplayText {
    /** Longest string shown, in characters; longer ones are cut and end with an ellipsis. */
    public static final int MAX_CHARS = 512;

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("display-text")
            .addSerializer(String.class, new JsonSerializer<>() {
                @Override
                public void serialize(String value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeString(clean(value));
                }
            })
            .addKeySerializer(String.class, new JsonSerializer<>() {
                @Override
                public void serialize(String value, JsonGenerator gen, SerializerProvider p) throws IOException {
                    gen.writeFieldName(clean(value));
                }
            }));

    private DisplayText() {}

    /** Returns whether the code point may not be shown as it is. */
    public static boolean unsafe(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    /** Returns whether {@code s} holds a character {@link #unsafe(int)} (an unpaired surrogate included). */
    public static boolean hasUnsafe(String s) {
        return s.codePoints().anyMatch(DisplayText::unsafe);
    }

    /** Returns {@code s} with each unsafe code point replaced by U+FFFD and cut to {@link #MAX_CHARS}. */
    public static String clean(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_CHARS + 1));
        for (int i = 0; i < s.length() && out.length() < MAX_CHARS; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (unsafe(cp)) {
                out.append('\uFFFD');
            } else {
                out.appendCodePoint(cp);
            }
            if (i < s.length() && out.length() >= MAX_CHARS) {
                out.append('…');
            }
        }
        return out.toString();
    }

    /** Serializes {@code value} to JSON with every string in it {@link #clean cleaned}. */
    public static byte[] json(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
