package io.tensorswarm.validator.scoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.protocol.RoundClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes a {@link ScoreBook} as JSON:
 *
 * <pre>{@code
 * {"schema_version": 1, "last_round": 12, "scores": {"5F...a": 0.0213, "5G...b": 0.0042}}
 * }</pre>
 *
 * <p>Writes go to a temporary sibling ({@code .<name>.<random>.tmp}), which is fsynced and then
 * atomically renamed over the file, and the directory is fsynced. A writer killed before the rename
 * leaves the old file intact and a stray temporary file, which reads ignore. One writer per file.
 */
final class ScoreBookFile {
    /** The schema version this build writes and reads. */
    static final int SCHEMA_VERSION = 1;

    /** The largest round any chain can reach; a larger {@code last_round} would hold the book shut forever. */
    static final long MAX_ROUND = RoundClock.MAX_ROUND;

    /** Files larger than this are refused before parsing. */
    static final long MAX_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScoreBookFile() {}

    static ScoreBook read(Path file, double alpha) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ScoreBookException("score file " + file + " is " + size + " bytes, over the "
                        + MAX_BYTES + "-byte cap");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new ScoreBook(alpha);
        } catch (IOException e) {
            throw new ScoreBookException("cannot read score file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw corrupt(file, "not valid JSON (" + firstLine(e) + ")");
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "not a JSON object");
        }
        JsonNode version = root.get("schema_version");
        if (version == null || !version.isIntegralNumber()) {
            throw corrupt(file, "no integer schema_version");
        }
        if (!version.canConvertToInt() || version.asInt() != SCHEMA_VERSION) {
            throw new ScoreBookException("score file " + file + " has schema_version " + version.asText()
                    + "; this build reads version " + SCHEMA_VERSION);
        }
        JsonNode round = root.get("last_round");
        if (round == null || !round.isIntegralNumber() || !round.canConvertToLong() || round.asLong() < ScoreBook.NO_ROUND) {
            throw corrupt(file, "last_round is missing or not an integer >= -1");
        }
        if (round.asLong() > MAX_ROUND) {
            throw corrupt(file, "last_round " + round.asText() + " is beyond any chain's rounds (at most " + MAX_ROUND + ")");
        }
        JsonNode scoresNode = root.get("scores");
        if (scoresNode == null || !scoresNode.isObject()) {
            throw corrupt(file, "scores is missing or not an object");
        }
        Map<String, Double> scores = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = scoresNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
                throw corrupt(file, "score of " + e.getKey() + " is not a finite number >= 0");
            }
            scores.put(e.getKey(), v.asDouble());
        }
        return ScoreBook.restore(alpha, round.asLong(), scores);
    }

    static void write(ScoreBook book, Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema_version", SCHEMA_VERSION);
        root.put("last_round", book.lastRound());
        ObjectNode scores = root.putObject("scores");
        book.scores().forEach(scores::put);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the score book", e);
        }
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            boolean moved = false;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved = true;
            } finally {
                if (!moved) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new ScoreBookException("cannot write score file " + file + ": " + e.getMessage(), e);
        }
        syncDirectory(target.getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: the file's bytes are already synced
        }
    }

    private static ScoreBookException corrupt(Path file, String why) {
        return new ScoreBookException("score file " + file + " is corrupt: " + why
                + " (restore it from a backup, or delete it to start from empty scores)");
    }

    private static String firstLine(IOException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
