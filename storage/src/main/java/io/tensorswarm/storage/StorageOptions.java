package io.tensorswarm.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings shared by all backends: credentials and endpoints, timeouts, retry policy,
 * multipart sizes, and where caches and resumable-transfer state live.
 *
 * <p>{@link #fromEnvironment(Map)} reads the standard variables ({@code AWS_ENDPOINT_URL_S3},
 * {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code HF_TOKEN}, {@code HF_ENDPOINT}); pass
 * {@link DotEnv#merge(Map, Path)} to add a {@code .env} file under the real environment.
 *
 * <p>{@link #toString()} never shows secrets.
 */
public final class StorageOptions {
    private final URI s3Endpoint;
    private final boolean s3PathStyle;
    private final String s3Region;
    private final String s3AccessKey;
    private final String s3SecretKey;
    private final long s3PartSize;
    private final long s3MultipartThreshold;
    private final int parallelism;
    private final String hfToken;
    private final URI hfEndpoint;
    private final List<String> hfRedirectHosts;
    private final Path cacheDir;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long minBytesPerSecond;
    private final int maxAttempts;
    private final Duration backoffBase;
    private final Duration backoffMax;
    private final Sleeper sleeper;

    private StorageOptions(Builder b) {
        this.s3Endpoint = b.s3Endpoint;
        this.s3PathStyle = b.s3PathStyle;
        this.s3Region = b.s3Region;
        this.s3AccessKey = b.s3AccessKey;
        this.s3SecretKey = b.s3SecretKey;
        this.s3PartSize = b.s3PartSize;
        this.s3MultipartThreshold = b.s3MultipartThreshold;
        this.parallelism = b.parallelism;
        this.hfToken = b.hfToken;
        this.hfEndpoint = b.hfEndpoint;
        this.hfRedirectHosts = List.copyOf(b.hfRedirectHosts);
        this.cacheDir = b.cacheDir;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.minBytesPerSecond = b.minBytesPerSecond;
        this.maxAttempts = b.maxAttempts;
        this.backoffBase = b.backoffBase;
        this.backoffMax = b.backoffMax;
        this.sleeper = b.sleeper;
    }

    /** Returns defaults: no endpoints or credentials set, caches under {@code ~/.cache/tensorswarm}. */
    public static StorageOptions defaults() {
        return builder().build();
    }

    /** Returns defaults overridden by the standard environment variables found in {@code env}. */
    public static StorageOptions fromEnvironment(Map<String, String> env) {
        return builder().applyEnvironment(env).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.s3Endpoint = s3Endpoint;
        b.s3PathStyle = s3PathStyle;
        b.s3Region = s3Region;
        b.s3AccessKey = s3AccessKey;
        b.s3SecretKey = s3SecretKey;
        b.s3PartSize = s3PartSize;
        b.s3MultipartThreshold = s3MultipartThreshold;
        b.parallelism = parallelism;
        b.hfToken = hfToken;
        b.hfEndpoint = hfEndpoint;
        b.hfRedirectHosts = hfRedirectHosts;
        b.cacheDir = cacheDir;
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.minBytesPerSecond = minBytesPerSecond;
        b.maxAttempts = maxAttempts;
        b.backoffBase = backoffBase;
        b.backoffMax = backoffMax;
        b.sleeper = sleeper;
        return b;
    }

    /** Returns the S3 endpoint override, or {@code null} for AWS itself. */
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public boolean s3PathStyle() {
        return s3PathStyle;
    }

    /** Returns the S3 region, or {@code null} to use the SDK's default chain. */
    public String s3Region() {
        return s3Region;
    }

    /** Returns the access key id, or {@code null} to use the SDK's default credential chain. */
    public String s3AccessKey() {
        return s3AccessKey;
    }

    public String s3SecretKey() {
        return s3SecretKey;
    }

    /** Returns the multipart part size (at least 5 MiB). */
    public long s3PartSize() {
        return s3PartSize;
    }

    /** Returns the size from which uploads go multipart. */
    public long s3MultipartThreshold() {
        return s3MultipartThreshold;
    }

    /** Returns how many parts move at once. */
    public int parallelism() {
        return parallelism;
    }

    /** Returns the Hugging Face token, or {@code null} for anonymous access. */
    public String hfToken() {
        return hfToken;
    }

    public URI hfEndpoint() {
        return hfEndpoint;
    }

    /**
     * Returns the hosts a Hub download may be redirected to, besides the endpoint's own host; an
     * entry starting with a dot matches every subdomain.
     */
    public List<String> hfRedirectHosts() {
        return hfRedirectHosts;
    }

    public Path cacheDir() {
        return cacheDir;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Returns the longest wait for any single read or write on a connection. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * Returns the slowest average rate a transfer may have after its first {@link #readTimeout()};
     * slower senders (slow-loris) are cut off with {@code TIMEOUT}.
     */
    public long minBytesPerSecond() {
        return minBytesPerSecond;
    }

    /** Returns how many times a retryable call is tried in all (1 = no retry). */
    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration backoffBase() {
        return backoffBase;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    /** Returns how backoff waits; tests pass one that does not sleep. */
    public Sleeper sleeper() {
        return sleeper;
    }

    @Override
    public String toString() {
        return "StorageOptions[s3Endpoint=" + s3Endpoint + ", s3PathStyle=" + s3PathStyle + ", s3Region=" + s3Region
                + ", s3Credentials=" + (s3AccessKey != null ? "static" : "default chain")
                + ", hfEndpoint=" + hfEndpoint + ", hfToken=" + (hfToken != null ? "set" : "none")
                + ", cacheDir=" + cacheDir + "]";
    }

    /** Waits between retries. */
    @FunctionalInterface
    public interface Sleeper {
        /** The real clock. */
        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    /** Builds {@link StorageOptions}; every value has a default. */
    public static final class Builder {
        private URI s3Endpoint;
        private boolean s3PathStyle;
        private String s3Region;
        private String s3AccessKey;
        private String s3SecretKey;
        private long s3PartSize = 16L << 20;
        private long s3MultipartThreshold = 32L << 20;
        private int parallelism = 4;
        private String hfToken;
        private URI hfEndpoint = URI.create("https://huggingface.co");
        private List<String> hfRedirectHosts = List.of(".huggingface.co", ".hf.co");
        private Path cacheDir = Path.of(System.getProperty("user.home"), ".cache", "tensorswarm", "storage");
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private long minBytesPerSecond = 64 * 1024;
        private int maxAttempts = 5;
        private Duration backoffBase = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(8);
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder() {}

        /** Applies the standard variables present in {@code env}; absent ones leave values unchanged. */
        public Builder applyEnvironment(Map<String, String> env) {
            String endpoint = firstNonBlank(env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
            if (endpoint != null) {
                s3Endpoint = parseUri(endpoint, "AWS_ENDPOINT_URL_S3");
            }
            String region = firstNonBlank(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
            if (region != null) {
                s3Region = region;
            }
            String key = firstNonBlank(env.get("AWS_ACCESS_KEY_ID"));
            String secret = firstNonBlank(env.get("AWS_SECRET_ACCESS_KEY"));
            if (key != null && secret != null) {
                s3AccessKey = key;
                s3SecretKey = secret;
            }
            String token = firstNonBlank(env.get("HF_TOKEN"), env.get("HUGGING_FACE_HUB_TOKEN"));
            if (token != null) {
                hfToken = token;
            }
            String hf = firstNonBlank(env.get("HF_ENDPOINT"));
            if (hf != null) {
                hfEndpoint = parseUri(hf, "HF_ENDPOINT");
            }
            return this;
        }

        public Builder optS3Endpoint(URI endpoint) {
            this.s3Endpoint = endpoint;
            return this;
        }

        public Builder optS3PathStyle(boolean pathStyle) {
            this.s3PathStyle = pathStyle;
            return this;
        }

        public Builder optS3Region(String region) {
            this.s3Region = region;
            return this;
        }

        /** Sets static S3 credentials; {@code null}s go back to the SDK's default chain. */
        public Builder optS3Credentials(String accessKey, String secretKey) {
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("set both the S3 access key and secret key, or neither");
            }
            this.s3AccessKey = accessKey;
            this.s3SecretKey = secretKey;
            return this;
        }

        public Builder optS3PartSize(long bytes) {
            if (bytes < (5L << 20)) {
                throw new IllegalArgumentException("S3 parts must be at least 5 MiB, got " + bytes);
            }
            this.s3PartSize = bytes;
            return this;
        }

        public Builder optS3MultipartThreshold(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("multipart threshold must be positive, got " + bytes);
            }
            this.s3MultipartThreshold = bytes;
            return this;
        }

        public Builder optParallelism(int parallelism) {
            if (parallelism < 1 || parallelism > 64) {
                throw new IllegalArgumentException("parallelism must be 1..64, got " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        public Builder optHfToken(String token) {
            this.hfToken = token;
            return this;
        }

        public Builder optHfEndpoint(URI endpoint) {
            this.hfEndpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        public Builder optHfRedirectHosts(List<String> hosts) {
            this.hfRedirectHosts = List.copyOf(hosts);
            return this;
        }

        public Builder optCacheDir(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        public Builder optReadTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "read timeout");
            return this;
        }

        public Builder optMinBytesPerSecond(long rate) {
            if (rate < 0) {
                throw new IllegalArgumentException("negative minimum rate " + rate);
            }
            this.minBytesPerSecond = rate;
            return this;
        }

        public Builder optMaxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        public Builder optBackoff(Duration base, Duration max) {
            this.backoffBase = positive(base, "backoff base");
            this.backoffMax = positive(max, "backoff max");
            return this;
        }

        public Builder optSleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        public StorageOptions build() {
            return new StorageOptions(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }

        private static URI parseUri(String value, String what) {
            try {
                URI uri = URI.create(value.trim());
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException("no scheme or host");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new StorageException(
                        StorageException.Kind.CONFIGURATION, what + " is not a URL: " + Keys.printable(value));
            }
        }

        private static String firstNonBlank(String... values) {
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    return v.trim();
                }
            }
            return null;
        }
    }
}
