package io.tensorswarm.storage.local;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A parsed {@code file:///absolute/dir} location. Parsing is strict because miners commit locators
 * on chain and a validator opens them: only an absolute, hierarchical {@code file:///} URI with a
 * plain path is accepted, so no locator can name a path relative to the working directory, carry a
 * part that {@link Path#of(URI)} would choke on, or reach a directory by {@code ..}. Parsing
 * touches no file.
 *
 * <p>Refused: {@code file:dir} and {@code file:/dir} (write {@code file:///dir}), a host, user,
 * port, query or fragment, {@code %00} and every other control, format, unassigned or
 * private-use character, malformed escapes or UTF-8, empty, {@code .} and {@code ..} segments
 * (one trailing {@code /} is fine), {@code file:///} itself, paths over {@value #MAX_PATH_BYTES}
 * bytes and names over {@value #MAX_NAME_BYTES} bytes.
 *
 * @param root the absolute, normalized directory
 */
public record LocalLocation(Path root) {
    /** Longest accepted path, in UTF-8 bytes (Linux {@code PATH_MAX}). */
    public static final int MAX_PATH_BYTES = 4096;
    /** Longest accepted file name, in UTF-8 bytes (Linux {@code NAME_MAX}). */
    public static final int MAX_NAME_BYTES = 255;

    /**
     * Parses {@code uri}, a {@code file:///} URI or (from {@code ObjectStores.toUri}'s callers) a
     * scheme-less absolute path.
     *
     * @throws StorageException ({@code CONFIGURATION}) naming what is wrong, in one line
     */
    public static LocalLocation parse(URI uri) {
        if (uri.getScheme() != null && !"file".equalsIgnoreCase(uri.getScheme())) {
            throw bad(uri, "scheme must be file");
        }
        if (uri.isOpaque() || (uri.getScheme() != null && !uri.getRawSchemeSpecificPart().startsWith("///"))) {
            throw bad(uri, "write file:///absolute/dir");
        }
        if (uri.getRawAuthority() != null || uri.getRawUserInfo() != null || uri.getPort() != -1) {
            throw bad(uri, "no host, user or port: write file:///absolute/dir");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(uri, "no query (?) or fragment (#)");
        }
        String raw = uri.getRawPath();
        if (raw == null || !raw.startsWith("/")) {
            throw bad(uri, "the path must be absolute");
        }
        String path = decode(uri, raw);
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw bad(uri, "the path is longer than " + MAX_PATH_BYTES + " bytes");
        }
        path.codePoints().filter(LocalLocation::isOdd).findFirst().ifPresent(c -> {
            throw bad(uri, String.format("the path holds U+%04X, a backslash, control, format, unassigned or private-use character", c));
        });
        String[] segments = path.split("/", -1);
        int last = segments.length - 1;
        if (segments.length < 2 || segments[1].isEmpty()) {
            throw bad(uri, "name a directory below /");
        }
        for (int i = 1; i <= last; i++) {
            String s = segments[i];
            if (s.isEmpty() && i < last) {
                throw bad(uri, "empty path segment (//)");
            }
            if (s.equals(".") || s.equals("..")) {
                throw bad(uri, "'" + s + "' path segment");
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                throw bad(uri, "a name is longer than " + MAX_NAME_BYTES + " bytes");
            }
        }
        try {
            return new LocalLocation(Path.of(path).normalize());
        } catch (InvalidPathException e) {
            throw bad(uri, e.getReason());
        }
    }

    /** Decodes percent escapes and literal non-ASCII characters into a string, refusing what is not UTF-8. */
    private static String decode(URI uri, String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); ) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw bad(uri, "malformed % escape");
                }
                bytes.write(hi << 4 | lo);
                i += 3;
            } else if (c < 0x80) {
                bytes.write(c);
                i++;
            } else {
                int cp = raw.codePointAt(i);
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    throw bad(uri, "the path is not UTF-8");
                }
                bytes.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad(uri, "the path is not UTF-8");
        }
    }

    private static boolean isOdd(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            case Character.SPACE_SEPARATOR -> c != ' ';
            default -> c == '\\';
        };
    }

    private static StorageException bad(URI uri, String why) {
        String shown = uri.toASCIIString();
        if (shown.length() > 120) {
            shown = shown.substring(0, 120) + "...";
        }
        return new StorageException(Kind.CONFIGURATION, "bad file location '" + shown + "': " + why);
    }
}
