package io.tensorswarm.orchestrator.roster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.JsonReadErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * The roster's append-only journal: one line per changed entry, {@code <crc32 as 8 hex> <entry as
 * JSON>\n}, appended and fsynced in batches, and emptied when the roster is compacted into its
 * snapshot. A line whose checksum does not hold (the torn tail of a write cut by a crash) is skipped
 * when the journal is read; a line whose checksum holds was written whole, so an entry in it that is
 * not valid is refused ({@link RosterException}), never skipped. Not thread-safe: the {@link Roster} serializes its use.
 */
final class RosterJournal implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** What {@link #read} found. */
    record Contents(List<RosterEntry> entries, int skippedLines, long bytes) {}

    private final Path file;
    private FileChannel channel;
    private long bytes;

    RosterJournal(Path file) {
        this.file = file;
    }

    /**
     * Returns the journal's entries in the order written, skipping damaged lines (short, or whose
     * checksum fails); empty when there is no file.
     *
     * @param check what is wrong with an entry ({@link Roster#problem}), or null when it is sound
     * @throws RosterException when a line's checksum holds but its entry is not valid JSON of an entry,
     *     breaks the heartbeat rules or {@code check}: it was written so, not cut short, and is refused
     *     with a message naming the file, the line and the field
     */
    static Contents read(Path file, long maxBytes, Function<RosterEntry, String> check) throws IOException {
        byte[] all;
        try {
            if (Files.size(file) > maxBytes) {
                throw new IOException("roster journal " + file + " is larger than " + maxBytes + " bytes");
            }
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), 0, 0);
        }
        List<RosterEntry> entries = new ArrayList<>();
        int skipped = 0;
        int start = 0;
        int line = 0;
        while (start < all.length) {
            line++;
            int end = start;
            while (end < all.length && all[end] != '\n') {
                end++;
            }
            if (end == all.length) {
                skipped++; // a line without its newline: a write cut short
                break;
            }
            RosterEntry e = parse(file, line, all, start, end);
            if (e == null) {
                skipped++;
            } else {
                String problem = check.apply(e);
                if (problem != null) {
                    throw refused(file, line, problem, null);
                }
                entries.add(e);
            }
            start = end + 1;
        }
        return new Contents(entries, skipped, all.length);
    }

    /** Returns the line's entry, or null when the line is damaged (short, or its checksum fails). */
    private static RosterEntry parse(Path file, int line, byte[] all, int start, int end) {
        if (end - start < 10 || all[start + 8] != ' ') {
            return null;
        }
        long crc;
        try {
            crc = Long.parseLong(new String(all, start, 8, StandardCharsets.US_ASCII), 16);
        } catch (NumberFormatException e) {
            return null;
        }
        CRC32 check = new CRC32();
        check.update(all, start + 9, end - start - 9);
        if (check.getValue() != crc) {
            return null;
        }
        try {
            return JSON.readValue(all, start + 9, end - start - 9, RosterEntry.class);
        } catch (IOException | HeartbeatException e) {
            throw refused(file, line, why(e), e);
        }
    }

    private static RosterException refused(Path file, int line, String why, Throwable cause) {
        return new RosterException("roster journal " + file + ": line " + line + " (its checksum holds) " + why
                + "; refusing it (fix or remove the line, or move the journal aside to lose its heartbeats)", cause);
    }

    /** The mapping error in one line, with where in the entry it is (e.g. {@code field heartbeat: heartbeat status is ...}). */
    private static String why(Exception e) {
        String path = JsonReadErrors.path(e);
        String m = JsonReadErrors.oneLine(e);
        return "is not a valid entry: " + (path.isEmpty() ? "" : "field " + path + ": ")
                + (m.length() > 200 ? m.substring(0, 200) + "..." : m);
    }

    /** Appends one line per entry and syncs them to disk; returns the bytes written. */
    long append(List<RosterEntry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(entries.size() * 256);
        for (RosterEntry e : entries) {
            byte[] json = JSON.writeValueAsBytes(e);
            CRC32 crc = new CRC32();
            crc.update(json);
            out.write(String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.write('\n');
        }
        FileChannel ch = channel();
        ByteBuffer buf = ByteBuffer.wrap(out.toByteArray());
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(false);
        bytes += out.size();
        return out.size();
    }

    /** Empties the journal (after its entries went into the snapshot) and syncs that. */
    void reset() throws IOException {
        FileChannel ch = channel();
        ch.truncate(0);
        ch.force(true);
        bytes = 0;
    }

    /** Returns the journal's size in bytes as this process knows it. */
    long bytes() {
        return bytes;
    }

    /** Sets the size read at start-up. */
    void assumeBytes(long existing) {
        bytes = existing;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return channel;
    }


    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
