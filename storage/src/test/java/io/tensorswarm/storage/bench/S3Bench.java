package io.tensorswarm.storage.bench;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.s3.S3Location;
import io.tensorswarm.storage.s3.S3ObjectStore;
import io.tensorswarm.storage.s3.S3TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Upload and download throughput of one object through our S3 backend against the AWS CLI
 * ({@code /usr/bin/aws}, Debian's awscli) on the same embedded S3 server (s3proxy, filesystem
 * store), same machine, same run. Prints a Markdown table with medians and the ratio.
 *
 * <p>Usage: {@code S3Bench [sizeMiB=512] [reps=3]}. Both clients use 16 MiB parts; ours moves 4
 * parts at once, the CLI 10 ({@code max_concurrent_requests}).
 */
public final class S3Bench {
    private static final int MIB = 1 << 20;

    private S3Bench() {}

    public static void main(String[] args) throws Exception {
        int sizeMiB = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("s3bench");
        try (S3TestServer server = new S3TestServer(Files.createDirectories(work.resolve("server")))) {
            Path file = work.resolve("object.bin");
            writeRandom(file, (long) sizeMiB * MIB);
            StorageOptions options = server.options(work.resolve("cache")).toBuilder()
                    .optS3PartSize(16L * MIB).optS3MultipartThreshold(16L * MIB).optParallelism(4).build();
            List<Double> oursUp = new ArrayList<>();
            List<Double> oursDown = new ArrayList<>();
            try (ObjectStore store = new S3ObjectStore(S3Location.parse(URI.create("s3://bench-bucket")), options)) {
                ((S3ObjectStore) store).createBucketIfMissing();
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    store.put(PutRequest.ofFile("ours/object.bin", file));
                    oursUp.add(rate(sizeMiB, t0));
                    Path out = work.resolve("ours-down.bin");
                    Files.deleteIfExists(out);
                    t0 = System.nanoTime();
                    store.get(GetRequest.of("ours/object.bin", Long.MAX_VALUE), out);
                    oursDown.add(rate(sizeMiB, t0));
                    Files.delete(out);
                }
            }
            List<Double> awsUp = new ArrayList<>();
            List<Double> awsDown = new ArrayList<>();
            Path aws = Path.of("/usr/bin/aws");
            String awsNote = "";
            if (Files.isExecutable(aws)) {
                Path config = work.resolve("aws-config");
                Files.writeString(config, "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n"
                        + "  multipart_chunksize = 16MB\n  multipart_threshold = 16MB\n  max_concurrent_requests = 10\n");
                Map<String, String> env = Map.of(
                        "AWS_CONFIG_FILE", config.toString(),
                        "AWS_SHARED_CREDENTIALS_FILE", work.resolve("none").toString(),
                        "AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY,
                        "AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
                String endpoint = server.endpoint().toString();
                for (int i = 0; i < reps; i++) {
                    long t0 = System.nanoTime();
                    run(env, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", "--only-show-errors", file.toString(), "s3://bench-bucket/aws/object.bin");
                    awsUp.add(rate(sizeMiB, t0));
                    Path out = work.resolve("aws-down.bin");
                    t0 = System.nanoTime();
                    run(env, aws.toString(), "--endpoint-url", endpoint, "s3", "cp", "--only-show-errors", "s3://bench-bucket/aws/object.bin", out.toString());
                    awsDown.add(rate(sizeMiB, t0));
                    if (Files.size(out) != Files.size(file)) {
                        throw new IllegalStateException("aws download has the wrong size");
                    }
                    Files.delete(out);
                }
            } else {
                awsNote = " (aws CLI not found at /usr/bin/aws: apt-get install -y awscli)";
            }
            double ou = median(oursUp);
            double od = median(oursDown);
            double au = awsUp.isEmpty() ? Double.NaN : median(awsUp);
            double ad = awsDown.isEmpty() ? Double.NaN : median(awsDown);
            System.out.printf("### S3 throughput, %d MiB object, s3proxy filesystem store on localhost, median of %d%s%n%n", sizeMiB, reps, awsNote);
            System.out.println("| client | upload MiB/s | download MiB/s | runs up | runs down |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| tensorswarm S3ObjectStore (16 MiB parts x4) | %.0f | %.0f | %s | %s |%n", ou, od, fmt(oursUp), fmt(oursDown));
            System.out.printf("| aws CLI (`aws s3 cp`, 16 MiB parts x10) | %.0f | %.0f | %s | %s |%n", au, ad, fmt(awsUp), fmt(awsDown));
            System.out.printf("| **ratio ours / aws** | **%.2f** | **%.2f** | | |%n", ou / au, od / ad);
        } finally {
            deleteTree(work);
        }
    }

    private static double rate(int sizeMiB, long startNanos) {
        return sizeMiB / ((System.nanoTime() - startNanos) / 1e9);
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(List<Double> xs) {
        return xs.isEmpty() ? "-" : String.join(", ", xs.stream().map(x -> String.format("%.0f", x)).toList());
    }

    private static void writeRandom(Path file, long size) throws IOException {
        byte[] buf = new byte[MIB];
        Random r = new Random(42);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, size - done));
            }
        }
    }

    private static void run(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", Arrays.asList(cmd)) + " failed: " + output);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
