package io.tensorswarm.storage.s3;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.Keys;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.transfer.Downloader;
import io.tensorswarm.storage.transfer.Hex;
import io.tensorswarm.storage.transfer.Retrier;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Stores objects in one S3 bucket under a key prefix. Large files go up as multipart uploads with
 * {@link StorageOptions#parallelism()} parts in flight, each sent with {@code Content-MD5} and its
 * ETag checked; the whole file's SHA-256 is stored as user metadata {@code x-amz-meta-sha256} and
 * verified by every download. A multipart upload that fails part-way keeps its upload id in
 * {@code <cacheDir>/s3-uploads/}; the next put of the same file and key uploads only the missing
 * parts. Downloads are ranged GETs pinned to the object's ETag that resume where they broke.
 * Objects appear atomically (S3 semantics). Safe for concurrent use.
 */
public final class S3ObjectStore implements ObjectStore {
    /** The user-metadata key holding the hex SHA-256 of the content. */
    public static final String SHA256_METADATA = "sha256";

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);
    private static final int MAX_PARTS = 10_000;

    private final S3Location location;
    private final StorageOptions options;
    private final S3Client s3;
    private final ExecutorService partPool;
    private final Retrier retrier;
    private final Downloader downloader;
    private final Path stateDir;

    /** Opens a store on {@code location}; the S3 client is built from {@code options}. */
    public S3ObjectStore(S3Location location, StorageOptions options) {
        this.location = location;
        this.options = options;
        this.s3 = buildClient(options);
        AtomicInteger threadNo = new AtomicInteger();
        this.partPool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "s3-part-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.retrier = new Retrier(options);
        this.downloader = new Downloader(options);
        this.stateDir = options.cacheDir().resolve("s3-uploads");
    }

    static S3Client buildClient(StorageOptions o) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(o.connectTimeout())
                        .socketTimeout(o.readTimeout())
                        .maxConnections(Math.max(8, 2 * o.parallelism())))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .forcePathStyle(o.s3PathStyle());
        if (o.s3Endpoint() != null) {
            b.endpointOverride(o.s3Endpoint());
            // Third-party S3 servers vary in their support of the SDK's newer default checksums;
            // integrity is covered by Content-MD5 per part and our SHA-256 metadata instead.
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
            b.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        b.region(o.s3Region() != null ? Region.of(o.s3Region()) : defaultRegion());
        if (o.s3AccessKey() != null) {
            b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(o.s3AccessKey(), o.s3SecretKey())));
        }
        return b.build();
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1;
        }
    }

    @Override
    public URI location() {
        return location.uri();
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        String key = location.objectKey(request.key());
        String what = describe(key);
        if (request.file() == null) {
            return putSingle(what, key, request.bytes(), request);
        }
        Path file = request.file();
        try {
            long size = Files.size(file);
            if (size < options.s3MultipartThreshold()) {
                return putSingle(what, key, Files.readAllBytes(file), request);
            }
            return putMultipart(what, key, file, size, request);
        } catch (NoSuchFileException e) {
            throw new StorageException(Kind.LOCAL_IO, "no such file " + file, e);
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private ObjectInfo putSingle(String what, String key, byte[] bytes, PutRequest request) {
        String sha = Hex.sha256Hex(bytes);
        String md5 = Base64.getEncoder().encodeToString(md5(bytes, 0, bytes.length));
        String etag = call(what, () -> s3.putObject(b -> b.bucket(location.bucket()).key(key)
                        .contentType(request.contentType())
                        .contentLength((long) bytes.length)
                        .contentMD5(md5)
                        .metadata(Map.of(SHA256_METADATA, sha)),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes), bytes.length, request.contentType()))
                .eTag());
        request.listener().transferred(bytes.length);
        return new ObjectInfo(request.key(), bytes.length, sha, etag, null);
    }

    private ObjectInfo putMultipart(String what, String key, Path file, long size, PutRequest request) throws IOException {
        long partSize = Math.max(options.s3PartSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
        int partCount = (int) ((size + partSize - 1) / partSize);
        long modified = Files.getLastModifiedTime(file).toMillis();
        Path stateFile = UploadState.fileFor(stateDir, location.bucket(), key, file);
        UploadState state = UploadState.read(stateFile)
                .filter(s -> s.matches(location.bucket(), key, file, size, modified, partSize))
                .orElse(null);
        Map<Integer, String> reusable = new TreeMap<>();
        if (state != null) {
            try {
                reusable.putAll(uploadedParts(what, key, state.uploadId(), partSize, size));
                log.info("resuming upload of {} to {}: {} of {} parts already there", file, what, reusable.size(), partCount);
            } catch (StorageException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
                state = null;
            }
        }
        if (state == null) {
            String sha = Hex.sha256Hex(file);
            String uploadId = call(what, () -> s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(key)
                    .contentType(request.contentType())
                    .metadata(Map.of(SHA256_METADATA, sha))).uploadId());
            state = new UploadState(location.bucket(), key, file.toAbsolutePath().toString(), size, modified, partSize, sha, uploadId);
            state.write(stateFile);
        }
        UploadState upload = state;
        List<Future<CompletedPart>> futures = new ArrayList<>();
        for (int part = 1; part <= partCount; part++) {
            int partNumber = part;
            long offset = (part - 1) * partSize;
            int length = (int) Math.min(partSize, size - offset);
            String oldEtag = reusable.get(partNumber);
            futures.add(partPool.submit(() -> uploadPart(what, key, upload.uploadId(), file, partNumber, offset, length, oldEtag, request)));
        }
        List<CompletedPart> parts = new ArrayList<>();
        StorageException failure = null;
        for (Future<CompletedPart> f : futures) {
            try {
                if (failure == null) {
                    parts.add(f.get());
                } else {
                    f.cancel(true);
                }
            } catch (ExecutionException e) {
                failure = e.getCause() instanceof StorageException se ? se
                        : new StorageException(Kind.UNAVAILABLE, what + ": part upload failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new StorageException(Kind.INTERRUPTED, what + ": interrupted", e);
            }
        }
        if (failure != null) {
            if (!failure.retryable() && failure.kind() != Kind.INTERRUPTED) {
                abort(what, key, upload.uploadId());
                Files.deleteIfExists(stateFile);
            }
            throw failure;
        }
        parts.sort(Comparator.comparing(CompletedPart::partNumber));
        String etag = call(what, () -> s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(key)
                .uploadId(upload.uploadId())
                .multipartUpload(m -> m.parts(parts))).eTag());
        Files.deleteIfExists(stateFile);
        ObjectInfo stored = stat(request.key())
                .orElseThrow(() -> new StorageException(Kind.UNAVAILABLE, what + ": not visible after completing the upload"));
        if (stored.size() != size || !upload.sha256().equals(stored.sha256())) {
            throw new StorageException(Kind.INTEGRITY, what + ": stored object has " + stored.size() + " bytes and sha256 "
                    + stored.sha256() + ", sent " + size + " bytes with sha256 " + upload.sha256());
        }
        return new ObjectInfo(request.key(), size, upload.sha256(), etag, stored.lastModified());
    }

    private CompletedPart uploadPart(
            String what, String key, String uploadId, Path file, int partNumber, long offset, int length, String oldEtag, PutRequest request)
            throws IOException {
        byte[] buf = readSlice(file, offset, length);
        String md5Hex = Hex.hex(md5(buf, 0, length));
        if (oldEtag != null && stripQuotes(oldEtag).equalsIgnoreCase(md5Hex)) {
            return CompletedPart.builder().partNumber(partNumber).eTag(oldEtag).build();
        }
        String md5 = Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(md5Hex));
        String etag = call(what + " part " + partNumber, () -> s3.uploadPart(b -> b.bucket(location.bucket()).key(key)
                        .uploadId(uploadId).partNumber(partNumber)
                        .contentLength((long) length)
                        .contentMD5(md5),
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf), length, "application/octet-stream"))
                .eTag());
        String plain = stripQuotes(etag);
        if (plain.matches("[0-9a-fA-F]{32}") && !plain.equalsIgnoreCase(md5Hex)) {
            throw new StorageException(Kind.INTEGRITY, what + " part " + partNumber + ": server stored MD5 " + plain + ", sent " + md5Hex);
        }
        request.listener().transferred(length);
        return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
    }

    private Map<Integer, String> uploadedParts(String what, String key, String uploadId, long partSize, long size) {
        Map<Integer, String> out = new TreeMap<>();
        Integer marker = null;
        while (true) {
            Integer from = marker;
            ListPartsResponse page = call(what, () -> s3.listParts(b -> b.bucket(location.bucket()).key(key)
                    .uploadId(uploadId).partNumberMarker(from)));
            for (Part p : page.parts()) {
                long expected = Math.min(partSize, size - (p.partNumber() - 1) * partSize);
                if (p.size() != null && p.size() == expected) {
                    out.put(p.partNumber(), p.eTag());
                }
            }
            if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
                return out;
            }
            marker = page.nextPartNumberMarker();
        }
    }

    private void abort(String what, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            log.warn("{}: cannot abort multipart upload: {}", what, e.getMessage());
        }
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        String key = location.objectKey(request.key());
        ObjectInfo info = stat(request.key()).orElseThrow(() -> notFound(key));
        return downloader.toFile(describe(key), info, request, target, (offset, length) -> openRange(key, offset, length, info.version()));
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        String key = location.objectKey(request.key());
        ObjectInfo info = stat(request.key()).orElseThrow(() -> notFound(key));
        return downloader.toBytes(describe(key), info, request, (offset, length) -> openRange(key, offset, length, info.version()));
    }

    private InputStream openRange(String key, long offset, long length, String etag) {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        ResponseInputStream<GetObjectResponse> in = call(describe(key), () -> s3.getObject(b -> b.bucket(location.bucket()).key(key)
                .range("bytes=" + offset + "-" + (offset + length - 1))
                .ifMatch(etag)));
        return new SdkStream(in);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String objectKey = location.objectKey(Keys.check(key));
        try {
            HeadObjectResponse h = call(describe(objectKey), () -> s3.headObject(b -> b.bucket(location.bucket()).key(objectKey)));
            return Optional.of(new ObjectInfo(key, h.contentLength(), h.metadata().get(SHA256_METADATA), h.eTag(), h.lastModified()));
        } catch (StorageException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        String p = Keys.checkPrefix(prefix);
        String full = location.prefix().isEmpty() ? p : location.prefix() + "/" + p;
        List<ObjectInfo> out = new ArrayList<>();
        String token = null;
        do {
            String from = token;
            var page = call(describe(full), () -> s3.listObjectsV2(b -> b.bucket(location.bucket()).prefix(full).continuationToken(from)));
            for (S3Object o : page.contents()) {
                if (!o.key().startsWith(location.prefix())) {
                    continue;
                }
                String rel = location.relativeKey(o.key());
                if (Keys.isValid(rel)) {
                    out.add(new ObjectInfo(rel, o.size(), null, o.eTag(), o.lastModified()));
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public void delete(String key) {
        String objectKey = location.objectKey(Keys.check(key));
        call(describe(objectKey), () -> s3.deleteObject(b -> b.bucket(location.bucket()).key(objectKey)));
    }

    /** Creates the bucket if it does not exist (for tests and the local demo). */
    public void createBucketIfMissing() {
        try {
            call(describe(""), () -> s3.createBucket(b -> b.bucket(location.bucket())));
        } catch (StorageException e) {
            if (e.kind() != Kind.CONFLICT) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        partPool.shutdownNow();
        s3.close();
    }

    private <T> T call(String what, Retrier.Call<T> call) {
        return retrier.call(what, () -> {
            try {
                return call.run();
            } catch (RuntimeException e) {
                throw S3Errors.map(what, e);
            }
        });
    }

    private String describe(String objectKey) {
        return "s3://" + location.bucket() + "/" + objectKey;
    }

    private StorageException notFound(String objectKey) {
        return new StorageException(Kind.NOT_FOUND, "no object " + describe(objectKey));
    }

    private static byte[] readSlice(Path file, long offset, int length) throws IOException {
        byte[] buf = new byte[length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (bb.hasRemaining()) {
                if (ch.read(bb, offset + bb.position()) < 0) {
                    throw new IOException(file + " shrank while uploading");
                }
            }
        }
        return buf;
    }

    private static byte[] md5(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(b, off, len);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without MD5", e);
        }
    }

    private static String stripQuotes(String etag) {
        return etag == null ? "" : etag.replace("\"", "");
    }

    /** Turns SDK runtime failures during reads into IOExceptions and aborts unfinished bodies on close. */
    private static final class SdkStream extends FilterInputStream {
        private final ResponseInputStream<?> response;
        private boolean eof;

        SdkStream(ResponseInputStream<?> in) {
            super(in);
            this.response = in;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                eof |= b < 0;
                return b;
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                eof |= n < 0;
                return n;
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!eof) {
                response.abort();
            }
            try {
                super.close();
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
