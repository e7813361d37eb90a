package io.tensorswarm.storage.cli;

import io.tensorswarm.storage.DotEnv;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --location} and {@code --storage.*} options shared by the storage subcommands.
 * Secrets are not options (they would show in {@code ps}): they come from the environment or the
 * {@code --env-file} ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code HF_TOKEN}).
 */
public final class StorageLocationOptions {
    @Option(names = "--location", required = true, paramLabel = "<uri>",
            description = "file:///dir (or a plain path), s3://bucket/prefix, hf://owner/repo[@rev][/prefix], hf://datasets/owner/name.")
    String location;

    @Option(names = "--storage.s3.endpoint", paramLabel = "<url>",
            description = "S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS).")
    URI s3Endpoint;

    @Option(names = "--storage.s3.path-style", description = "Use path-style bucket addressing (MinIO, s3proxy, most non-AWS servers).")
    boolean s3PathStyle;

    @Option(names = "--storage.s3.region", paramLabel = "<region>", description = "S3 region (default: AWS_REGION, profile, else us-east-1).")
    String s3Region;

    @Option(names = "--storage.hf.endpoint", paramLabel = "<url>", description = "Hub endpoint (default: HF_ENDPOINT or https://huggingface.co).")
    URI hfEndpoint;

    @Option(names = "--storage.cache-dir", paramLabel = "<dir>",
            description = "Download cache and resumable-upload state (default: ~/.cache/tensorswarm/storage).")
    Path cacheDir;

    @Option(names = "--env-file", paramLabel = "<file>", defaultValue = ".env",
            description = "KEY=value file read under the real environment (default: ${DEFAULT-VALUE}; missing is fine).")
    Path envFile;

    /** Returns the options these flags, the environment and the env file describe. */
    public StorageOptions options(Map<String, String> env) {
        StorageOptions.Builder b = StorageOptions.builder().applyEnvironment(DotEnv.merge(env, envFile));
        if (s3Endpoint != null) {
            b.optS3Endpoint(s3Endpoint);
        }
        if (s3PathStyle) {
            b.optS3PathStyle(true);
        }
        if (s3Region != null) {
            b.optS3Region(s3Region);
        }
        if (hfEndpoint != null) {
            b.optHfEndpoint(hfEndpoint);
        }
        if (cacheDir != null) {
            b.optCacheDir(cacheDir);
        }
        return b.build();
    }

    /** Opens the store at {@code --location}. */
    public ObjectStore open(Map<String, String> env) {
        return ObjectStores.open(location, options(env));
    }
}
