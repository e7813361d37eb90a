package io.tensorswarm.common.safetensors;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of a valid file: the reader must either read the result or throw {@link
 * SafetensorsException}, never another exception or an out-of-memory error.
 */
class SafetensorsFuzzTest {
    private static final int ROUNDS = 3000;

    @TempDir Path dir;

    private static byte[] validFile() throws IOException {
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("h.0.w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}))
                .add(new NamedTensor("h.0.b", DType.BF16, new long[] {2}, ByteBuffer.wrap(new byte[] {0, 63, 0, 64})))
                .add(new NamedTensor("ids", DType.I64, new long[] {1}, ByteBuffer.wrap(new byte[8])))
                .add(new NamedTensor("mask", DType.BOOL, new long[] {0}, ByteBuffer.wrap(new byte[0])))
                .putMetadata("format", "pt")
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(set, out);
        return out.toByteArray();
    }

    private static byte[] mutate(byte[] valid, Random r) {
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] b = valid.clone();
        switch (r.nextInt(6)) {
            case 0 -> { // flip bytes, mostly in the header
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    int at = r.nextInt(10) < 8 ? r.nextInt(headerEnd) : r.nextInt(b.length);
                    b[at] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length)); // truncate
            case 2 -> b = Arrays.copyOf(b, b.length + 1 + r.nextInt(16)); // trailing bytes
            case 3 -> { // a lying length field
                long[] choices = {r.nextLong(), headerEnd - 8 + r.nextInt(17) - 8, r.nextInt(1 << 30), Long.MIN_VALUE};
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, choices[r.nextInt(choices.length)]);
            }
            case 4 -> { // a digit in the header becomes a long run of digits or a sign
                int at = 8 + r.nextInt(headerEnd - 8);
                while (at < headerEnd && !Character.isDigit(b[at])) {
                    at++;
                }
                if (at < headerEnd) {
                    String[] swaps = {"99999999999", "-1", "18446744073709551616", "1e3", "0", "3000000000",
                        "4611686018427387904", "9223372036854775807"};
                    b = splice(b, at, swaps[r.nextInt(swaps.length)].getBytes(), headerEnd);
                }
            }
            default -> { // a structural character becomes another
                int at = 8 + r.nextInt(headerEnd - 8);
                byte[] structural = {'{', '}', '[', ']', ',', ':', '"', 'n', ' ', 0};
                b[at] = structural[r.nextInt(structural.length)];
            }
        }
        return b;
    }

    /** Replaces one byte at {@code at} with {@code text} and fixes the length field to match. */
    private static byte[] splice(byte[] b, int at, byte[] text, int headerEnd) {
        byte[] out = new byte[b.length - 1 + text.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(text, 0, out, at, text.length);
        System.arraycopy(b, at + 1, out, at + text.length, b.length - at - 1);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerEnd - 8 - 1 + text.length);
        return out;
    }

    @Test
    void mutatedFilesOnlyEverFailWithSafetensorsException() throws IOException {
        byte[] valid = validFile();
        Random r = new Random(20261122);
        SafetensorsReader reader = new SafetensorsReader();
        Path file = dir.resolve("fuzz.safetensors");
        int rejected = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] bytes = mutate(valid, r);
            try {
                reader.read(new ByteArrayInputStream(bytes), "fuzz");
            } catch (SafetensorsException e) {
                rejected++;
            } catch (Throwable t) {
                fail("round " + i + ": stream read threw " + t + " for " + new String(bytes, StandardCharsets.ISO_8859_1), t);
            }
            if (i % 10 == 0) {
                Files.write(file, bytes);
                try {
                    reader.read(file);
                } catch (SafetensorsException e) {
                    // expected for most mutations
                } catch (Throwable t) {
                    fail("round " + i + ": path read threw " + t + " for " + new String(bytes, StandardCharsets.ISO_8859_1), t);
                }
            }
        }
        assertTrue(rejected > ROUNDS / 2, "most mutations should be rejected, got " + rejected);
    }
}
