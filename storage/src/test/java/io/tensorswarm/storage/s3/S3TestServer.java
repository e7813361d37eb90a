package io.tensorswarm.storage.s3;

import io.tensorswarm.storage.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * A real S3 server (s3proxy, filesystem blob store) in this JVM that a test can stop and start
 * again on the same port and data directory, to break transfers the way a crashed server would.
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret";

    private final Path dataDir;
    private int port;
    private S3Proxy proxy;
    private boolean running;

    public S3TestServer(Path dataDir) throws Exception {
        this.dataDir = dataDir;
        start();
    }

    /** Starts the server unless running; the first start picks a free port, later ones reuse it. */
    public synchronized void start() throws Exception {
        if (running) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", p))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        port = proxy.getPort();
        running = true;
    }

    /** Stops the server, cutting open connections. */
    public synchronized void stop() throws Exception {
        if (running) {
            proxy.stop();
            running = false;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Returns options pointing at this server, with fast retries and a cache under {@code cacheDir}. */
    public StorageOptions options(Path cacheDir) {
        return StorageOptions.builder()
                .optS3Endpoint(endpoint())
                .optS3PathStyle(true)
                .optS3Region("us-east-1")
                .optS3Credentials(ACCESS_KEY, SECRET_KEY)
                .optCacheDir(cacheDir)
                .optMaxAttempts(3)
                .optBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .optConnectTimeout(Duration.ofSeconds(2))
                .optReadTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
