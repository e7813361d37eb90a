package io.tensorswarm.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code KEY=value} lines from a {@code .env} file: {@code #} comments, optional
 * {@code export } prefix, optional single or double quotes around the value. No interpolation.
 */
public final class DotEnv {
    private DotEnv() {}

    /** Returns the variables in {@code file}, or an empty map when it does not exist. */
    public static Map<String, String> read(Path file) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                if (s.startsWith("export ")) {
                    s = s.substring(7).strip();
                }
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new StorageException(
                            StorageException.Kind.CONFIGURATION, file + " line " + lineNo + ": expected KEY=value");
                }
                String key = s.substring(0, eq).strip();
                String value = s.substring(eq + 1).strip();
                if (value.length() >= 2
                        && (value.startsWith("\"") && value.endsWith("\"")
                                || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(key, value);
            }
            return out;
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Returns {@code env} with the variables of {@code file} added where {@code env} lacks them. */
    public static Map<String, String> merge(Map<String, String> env, Path file) {
        Map<String, String> out = new HashMap<>(read(file));
        out.putAll(env);
        return out;
    }
}
