package io.tensorswarm.common.bench;

import io.tensorswarm.common.safetensors.ReadLimits;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.tensor.ParameterSet.Builder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Write and read throughput of our safetensors codec against plain copies of the same file,
 * measured in the same run.
 *
 * <p>Usage: {@code SafetensorsBench [MiB]} (default 512). Builds an F32 parameter set of about MiB
 * mebibytes (8 large tensors plus small ones, like a GPT), then times, best of 3 after a warm-up:
 * our atomic write to a path (temp file, fsync, rename), our write to a buffered stream, our full read from a path and from a
 * stream, header-only read, and as baselines {@code Files.copy} of the written file and {@code
 * FileChannel.transferTo} (each followed by fsync, like our write), and a raw chunked {@code
 * FileChannel} read of the file. Needs a heap of about 3x MB ({@code -Xmx2g} for 512).
 * Files live in {@code java.io.tmpdir}; set {@code -Djava.io.tmpdir} to measure another disk.
 */
public final class SafetensorsBench {
    private SafetensorsBench() {}

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 512;
        ParameterSet set = buildSet(mb << 20);
        long bytes = set.byteSize();
        Path dir = Files.createTempDirectory("tensorswarm-bench");
        try {
            run(set, bytes, dir);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(ParameterSet set, long tensorBytes, Path dir) throws Exception {
        Path file = dir.resolve("model.safetensors");
        Path copy = dir.resolve("copy.safetensors");
        SafetensorsWriter writer = new SafetensorsWriter();
        SafetensorsReader reader = new SafetensorsReader(ReadLimits.defaults());

        double write = BenchSupport.bestSeconds(3, () -> writer.write(set, file));
        long fileBytes = Files.size(file);
        Path plain = dir.resolve("plain.safetensors");
        double writeStream = BenchSupport.bestSeconds(3, () -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(plain), 1 << 20)) {
                writer.write(set, out);
            }
        });
        Files.delete(plain);
        double readPath = BenchSupport.bestSeconds(3, () -> reader.read(file));
        double readStream = BenchSupport.bestSeconds(3, () -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                reader.read(in, file.toString());
            }
        });
        double header = BenchSupport.bestSeconds(20, () -> reader.readHeader(file));
        double filesCopy = BenchSupport.bestSeconds(3, () -> {
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            fsync(copy);
        });
        double transfer = BenchSupport.bestSeconds(3, () -> {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(copy, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                long pos = 0;
                while (pos < fileBytes) {
                    pos += in.transferTo(pos, fileBytes - pos, out);
                }
                out.force(true);
            }
        });
        double rawRead = BenchSupport.bestSeconds(3, () -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                while (in.read(buf.clear()) >= 0) {
                    // the page-cache read rate, without keeping the bytes
                }
            }
        });

        System.out.printf("## SafetensorsBench: %d tensors, %.1f MB of F32, file %.1f MB%n%n",
                set.size(), tensorBytes / 1e6, fileBytes / 1e6);
        BenchSupport.printEnvironment();
        System.out.println("| operation | seconds | GB/s | vs Files.copy | vs transferTo |");
        System.out.println("|---|---:|---:|---:|---:|");
        row("our write (atomic: temp, fsync, rename)", write, fileBytes, filesCopy, transfer);
        row("our write to an OutputStream (no fsync)", writeStream, fileBytes, filesCopy, transfer);
        row("our read, path -> ParameterSet", readPath, fileBytes, filesCopy, transfer);
        row("our read, stream -> ParameterSet", readStream, fileBytes, filesCopy, transfer);
        row("baseline: Files.copy + fsync", filesCopy, fileBytes, filesCopy, transfer);
        row("baseline: FileChannel.transferTo + fsync", transfer, fileBytes, filesCopy, transfer);
        row("baseline: FileChannel read, 1 MiB chunks, discarded", rawRead, fileBytes, filesCopy, transfer);
        System.out.printf("%nHeader-only read (validation without loading): %.1f µs%n", header * 1e6);
        System.out.println("Ratios are baseline time / our time: above 1 means faster than the copy.");
    }

    private static void row(String name, double seconds, long bytes, double copy, double transfer) {
        System.out.printf("| %s | %s | %s | %s | %s |%n", name, BenchSupport.fmt(seconds),
                BenchSupport.fmt(bytes / seconds / 1e9), BenchSupport.fmt(copy / seconds),
                BenchSupport.fmt(transfer / seconds));
    }

    private static void fsync(Path path) throws Exception {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Returns F32 tensors totalling about {@code bytes}: 8 equal large ones plus 8 small ones. */
    static ParameterSet buildSet(long bytes) {
        Builder b = ParameterSet.builder().putMetadata("format", "pt");
        int small = 4096;
        long large = Math.max(1, (bytes / 4 - 8L * small) / 8);
        for (int layer = 0; layer < 8; layer++) {
            b.add(tensor("h." + layer + ".mlp.weight", Math.toIntExact(large), layer));
            b.add(tensor("h." + layer + ".ln.weight", small, layer + 100));
        }
        return b.build();
    }

    private static NamedTensor tensor(String name, int elements, int seed) {
        float[] v = new float[elements];
        for (int i = 0; i < elements; i++) {
            v[i] = ((i * 31 + seed) % 2001 - 1000) * 1e-4f;
        }
        return NamedTensor.ofFloats(name, new long[] {elements}, v);
    }
}
