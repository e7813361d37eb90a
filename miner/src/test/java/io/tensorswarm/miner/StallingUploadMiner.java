package io.tensorswarm.miner;

import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code miner run} whose delta uploads stall halfway, for kill -9 tests run in a child JVM: the
 * delta is fed to the real store through a named pipe that receives half its bytes and then nothing
 * more, so the store is caught in the middle of writing the object. Manifests upload normally.
 */
public final class StallingUploadMiner {
    /** Printed (on stderr) once half the delta went into the store's write. */
    public static final String STALLED = "delta upload stalled halfway";

    private StallingUploadMiner() {}

    /** Same arguments as {@code miner run} (without the word {@code run}). */
    public static void main(String[] args) {
        TorchRuntime.configure();
        System.exit(Cli.commandLine(new RunCommand(StallingUploadMiner::stallDeltaUploads), Cli.stdout(), Cli.stderr())
                .execute(args));
    }

    static ObjectStore stallDeltaUploads(ObjectStore store) {
        return new ForwardingObjectStore(store) {
            @Override
            public ObjectInfo put(PutRequest request) {
                if (!request.key().endsWith("/delta.safetensors")) {
                    return super.put(request);
                }
                try {
                    byte[] bytes = Files.readAllBytes(request.file());
                    Path fifo = request.file().resolveSibling("upload.fifo");
                    if (new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() != 0) {
                        throw new IOException("mkfifo failed");
                    }
                    Thread feeder = new Thread(() -> {
                        try (OutputStream out = Files.newOutputStream(fifo)) {
                            out.write(bytes, 0, bytes.length / 2);
                            out.flush();
                            System.err.println(STALLED + " (" + bytes.length / 2 + " of " + bytes.length + " bytes)");
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (IOException | InterruptedException e) {
                            System.err.println("feeder stopped: " + e);
                        }
                    }, "stalling-feeder");
                    feeder.setDaemon(true);
                    feeder.start();
                    return super.put(request.toBuilder().setFile(fifo).build());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
