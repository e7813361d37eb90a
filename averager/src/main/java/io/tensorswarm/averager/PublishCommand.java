package io.tensorswarm.averager;

import io.tensorswarm.averager.run.ModelPublisher;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code averager publish}: uploads a model directory as revision {@code sha256(model.safetensors)}
 * and, once it reads back complete, moves {@code latest} to it (see {@link ModelPublisher}).
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = "Publish a model directory as models/<sha256>/ and move latest to it (seeds a subnet after init).")
public final class PublishCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    @Option(names = "--model", required = true, paramLabel = "<dir>",
            description = "Model directory: model.safetensors, config.json (and tokenizer.json if present).")
    Path model;

    @Option(names = "--storage.location", required = true, paramLabel = "<uri>",
            defaultValue = "${env:TS_STORAGE_LOCATION}",
            description = "Where models and latest live: file:///dir, s3://bucket/prefix, hf://owner/repo (env TS_STORAGE_LOCATION).")
    String location;

    @Option(names = "--round", defaultValue = "${env:TS_ROUND:-0}", paramLabel = "<r>",
            description = "First round that trains on this model, written into latest (default: ${DEFAULT-VALUE}; env TS_ROUND).")
    long round;

    @Override
    public Integer call() {
        logging.apply();
        try (ObjectStore store = ObjectStores.open(location, StorageOptions.fromEnvironment(System.getenv()))) {
            LatestPointer pointer = new ModelPublisher(store).publish(model, round);
            spec.commandLine().getOut().println("published " + pointer.revision() + " to " + store.location()
                    + "; latest -> " + pointer.revision() + " (round " + pointer.round() + ")");
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }
}
