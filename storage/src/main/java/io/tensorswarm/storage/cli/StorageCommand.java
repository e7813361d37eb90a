package io.tensorswarm.storage.cli;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.transfer.Hex;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code <daemon> storage}: operator commands to test and use a storage location.
 *
 * <pre>{@code
 * miner storage check --location s3://my-bucket/subnet3 --storage.s3.endpoint http://127.0.0.1:9000 --storage.s3.path-style
 * miner storage put --location hf://me/deltas --key rounds/1/me/delta.safetensors --file delta.safetensors
 * }</pre>
 */
@Command(
        name = "storage",
        mixinStandardHelpOptions = true,
        subcommands = {
            StorageCommand.Check.class,
            StorageCommand.Put.class,
            StorageCommand.Get.class,
            StorageCommand.Ls.class,
            HelpCommand.class
        },
        description = "Check and use a storage location (file://, s3://, hf://).")
public final class StorageCommand implements Runnable {
    @Spec CommandSpec spec;

    /** The environment the subcommands read credentials from; tests replace it. */
    static Map<String, String> environment = System.getenv();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** {@code storage check}: write, read back, list and delete a probe object, reporting each step. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Write, read back, list and delete a probe object; say which step fails.")
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin LoggingMixin logging;
        @Mixin StorageLocationOptions where;

        @Override
        public Integer call() {
            logging.apply();
            PrintWriter out = spec.commandLine().getOut();
            String key = "tensorswarm-check/" + UUID.randomUUID() + ".txt";
            byte[] probe = ("tensorswarm storage check " + key).getBytes(StandardCharsets.UTF_8);
            List<String> failures = new ArrayList<>();
            try (ObjectStore store = where.open(StorageCommand.environment)) {
                out.println("location " + store.location());
                boolean written = step(out, failures, "write", () -> store.put(PutRequest.ofBytes(key, probe)));
                if (written) {
                    step(out, failures, "read", () -> {
                        byte[] back = store.getBytes(GetRequest.builder().setKey(key).optMaxBytes(4096)
                                .optExpectedSha256(Hex.sha256Hex(probe)).build());
                        if (!Arrays.equals(back, probe)) {
                            throw new StorageException(StorageException.Kind.INTEGRITY, "read back different bytes");
                        }
                    });
                    step(out, failures, "list", () -> {
                        if (store.list("tensorswarm-check/").stream().noneMatch(i -> i.key().equals(key))) {
                            throw new StorageException(StorageException.Kind.PROTOCOL, "probe object missing from the listing");
                        }
                    });
                    step(out, failures, "delete", () -> {
                        store.delete(key);
                        if (store.stat(key).isPresent()) {
                            throw new StorageException(StorageException.Kind.PROTOCOL, "probe object still there after delete");
                        }
                    });
                }
            }
            if (!failures.isEmpty()) {
                throw new ExitException(ExitCodes.FAILURE, "storage check failed: " + String.join(", ", failures));
            }
            out.println("storage check passed");
            return ExitCodes.OK;
        }

        private static boolean step(PrintWriter out, List<String> failures, String name, Runnable action) {
            try {
                action.run();
                out.println("  " + name + ": ok");
                return true;
            } catch (StorageException e) {
                out.println("  " + name + ": FAILED (" + e.kind() + ") " + e.getMessage());
                failures.add(name);
                return false;
            }
        }
    }

    /** {@code storage put}: upload one file. */
    @Command(name = "put", mixinStandardHelpOptions = true, description = "Upload a file under a key.")
    static final class Put implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin LoggingMixin logging;
        @Mixin StorageLocationOptions where;

        @Option(names = "--key", required = true, paramLabel = "<key>", description = "Object key, e.g. rounds/1/<hotkey>/delta.safetensors.")
        String key;

        @Option(names = "--file", required = true, paramLabel = "<file>", description = "File to upload.")
        Path file;

        @Override
        public Integer call() {
            logging.apply();
            try (ObjectStore store = where.open(StorageCommand.environment)) {
                ObjectInfo info = store.put(PutRequest.ofFile(key, file));
                spec.commandLine().getOut().println(info.key() + "\t" + info.size() + "\t" + info.sha256());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code storage get}: download one object. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Download an object to a file.")
    static final class Get implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin LoggingMixin logging;
        @Mixin StorageLocationOptions where;

        @Option(names = "--key", required = true, paramLabel = "<key>", description = "Object key.")
        String key;

        @Option(names = "--out", required = true, paramLabel = "<file>", description = "Where to write it.")
        Path out;

        @Option(names = "--sha256", paramLabel = "<hex>", description = "Refuse the download unless it has this SHA-256.")
        String sha256;

        @Option(names = "--max-mb", defaultValue = "65536", description = "Refuse objects larger than this (default: ${DEFAULT-VALUE} MB).")
        long maxMb;

        @Override
        public Integer call() {
            logging.apply();
            try (ObjectStore store = where.open(StorageCommand.environment)) {
                ObjectInfo info = store.get(GetRequest.builder().setKey(key).optMaxBytes(maxMb << 20).optExpectedSha256(sha256).build(), out);
                spec.commandLine().getOut().println(info.key() + "\t" + info.size() + "\t" + info.sha256());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code storage ls}: list objects. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List objects (key, size, sha256 when known).")
    static final class Ls implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin LoggingMixin logging;
        @Mixin StorageLocationOptions where;

        @Option(names = "--prefix", defaultValue = "", paramLabel = "<p>", description = "Only keys starting with this.")
        String prefix;

        @Override
        public Integer call() {
            logging.apply();
            try (ObjectStore store = where.open(StorageCommand.environment)) {
                for (ObjectInfo i : store.list(prefix)) {
                    spec.commandLine().getOut().println(i.key() + "\t" + i.size() + (i.sha256() != null ? "\t" + i.sha256() : ""));
                }
            }
            return ExitCodes.OK;
        }
    }
}
