package io.tensorswarm.storage.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.tensorswarm.storage.transfer.LimitedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores objects as files of one Hugging Face Hub repository at one branch, under an optional path
 * prefix. Puts create the repository (public) if it is missing, ask the Hub whether a file goes
 * through Git-LFS ({@code preupload}), upload LFS content through the batch API (basic or
 * multipart, the token never sent to storage hosts), then commit with the NDJSON commit API: one
 * commit per put, so readers see whole files only. Gets resolve the revision to a commit
 * ({@code X-Repo-Commit}), follow redirects only to the endpoint or
 * {@link StorageOptions#hfRedirectHosts()}, check {@code X-Linked-Etag} (SHA-256) and size, and
 * cache files by commit under {@code <cacheDir>/hf/}. Safe for concurrent use.
 */
public final class HfObjectStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(HfObjectStore.class);
    private static final MediaType LFS_JSON = MediaType.get("application/vnd.git-lfs+json");
    private static final MediaType JSON = MediaType.get("application/json");
    private static final MediaType NDJSON = MediaType.get("application/x-ndjson");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final long MAX_REGULAR_BYTES = 64L << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_LIST_ENTRIES = 1_000_000;

    private final HfLocation location;
    private final StorageOptions options;
    private final HfHttp http;
    private final Downloader downloader;
    private final ExecutorService partPool;
    private final AtomicBoolean repoChecked = new AtomicBoolean();

    public HfObjectStore(HfLocation location, StorageOptions options) {
        this.location = location;
        this.options = options;
        this.http = new HfHttp(options);
        this.downloader = new Downloader(options);
        this.partPool = Executors.newFixedThreadPool(options.parallelism(), r -> {
            Thread t = new Thread(r, "hf-part");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public URI location() {
        return location.uri();
    }

    /** Returns the parsed location. */
    public HfLocation hfLocation() {
        return location;
    }

    // ---------------------------------------------------------------- repository

    /** Returns the commit sha the location's revision points at now. */
    public String resolveRevision() {
        JsonNode info = http.json(describe(""), get(http.url("/api/" + location.apiType() + "/" + location.repoId()
                + "/revision/" + enc(location.revision()))), true);
        String sha = info.path("sha").asText("");
        if (!sha.matches("[0-9a-f]{40}")) {
            throw new StorageException(Kind.PROTOCOL, describe("") + ": Hub returned no commit sha for revision " + location.revision());
        }
        return sha;
    }

    /** Creates the repository if it does not exist yet; idempotent and cheap after the first call. */
    public void ensureRepo() {
        if (repoChecked.get()) {
            return;
        }
        try {
            http.json(describe(""), get(http.url("/api/" + location.apiType() + "/" + location.repoId())), true);
        } catch (StorageException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
            String[] ownerName = location.repoId().split("/", 2);
            ObjectNode body = HfHttp.JSON.createObjectNode()
                    .put("name", ownerName[1])
                    .put("organization", ownerName[0])
                    .put("type", location.type())
                    .put("visibility", "public");
            try {
                http.json("create " + describe(""), post(http.url("/api/repos/create"), body.toString(), JSON), true);
                log.info("created Hub repository {}", location.repoId());
            } catch (StorageException create) {
                if (create.kind() != Kind.CONFLICT) {
                    throw create;
                }
            }
        }
        repoChecked.set(true);
    }

    // ---------------------------------------------------------------- put

    @Override
    public ObjectInfo put(PutRequest request) {
        String path = location.path(request.key());
        String what = describe(path);
        Source source = Source.of(request);
        ensureRepo();
        String sha = source.sha256();
        String mode = preupload(what, path, source);
        ObjectNode op = HfHttp.JSON.createObjectNode();
        if (mode.equals("lfs")) {
            uploadLfs(what, sha, source, request);
            op.put("key", "lfsFile").set("value", HfHttp.JSON.createObjectNode()
                    .put("path", path).put("algo", "sha256").put("oid", sha).put("size", source.size()));
        } else {
            if (source.size() > MAX_REGULAR_BYTES) {
                throw new StorageException(Kind.PROTOCOL, what + ": Hub asked for a regular (non-LFS) upload of " + source.size() + " bytes");
            }
            op.put("key", "file").set("value", HfHttp.JSON.createObjectNode()
                    .put("path", path).put("content", Base64.getEncoder().encodeToString(source.readAll())).put("encoding", "base64"));
            request.listener().transferred(source.size());
        }
        String commit = commit(what, "Upload " + path, List.of(op));
        return new ObjectInfo(request.key(), source.size(), sha, commit, Instant.now());
    }

    private String preupload(String what, String path, Source source) {
        if (source.size() == 0) {
            return "regular";
        }
        ObjectNode file = HfHttp.JSON.createObjectNode()
                .put("path", path).put("size", source.size()).put("sample", Base64.getEncoder().encodeToString(source.sample()));
        ObjectNode body = HfHttp.JSON.createObjectNode();
        body.putArray("files").add(file);
        JsonNode answer = http.json("preupload " + what, post(http.url(api("preupload/" + enc(location.revision()))), body.toString(), JSON), true);
        for (JsonNode f : answer.path("files")) {
            if (path.equals(f.path("path").asText())) {
                String mode = f.path("uploadMode").asText("");
                if (!mode.equals("lfs") && !mode.equals("regular")) {
                    throw new StorageException(Kind.PROTOCOL, what + ": Hub preupload gave unknown uploadMode '" + mode + "'");
                }
                return mode;
            }
        }
        throw new StorageException(Kind.PROTOCOL, what + ": Hub preupload answer does not mention the file");
    }

    private void uploadLfs(String what, String sha, Source source, PutRequest request) {
        ObjectNode body = HfHttp.JSON.createObjectNode().put("operation", "upload");
        body.putArray("transfers").add("basic").add("multipart");
        body.putArray("objects").addObject().put("oid", sha).put("size", source.size());
        body.put("hash_algo", "sha256");
        body.putObject("ref").put("name", location.revision());
        Request batch = new Request.Builder()
                .url(http.url("/" + location.urlPrefix() + location.repoId() + ".git/info/lfs/objects/batch"))
                .header("Accept", "application/vnd.git-lfs+json")
                .post(RequestBody.create(body.toString(), LFS_JSON))
                .build();
        JsonNode answer = http.json("LFS batch " + what, batch, true);
        JsonNode obj = null;
        for (JsonNode o : answer.path("objects")) {
            if (sha.equals(o.path("oid").asText())) {
                obj = o;
            }
        }
        if (obj == null) {
            throw new StorageException(Kind.PROTOCOL, what + ": LFS batch answer does not mention oid " + sha);
        }
        if (obj.has("error")) {
            throw new StorageException(Kind.PROTOCOL, what + ": LFS batch refused the file: " + obj.path("error").path("code").asInt()
                    + " " + HfHttp.oneLine(obj.path("error").path("message").asText()));
        }
        JsonNode upload = obj.path("actions").path("upload");
        if (upload.isMissingNode()) {
            log.debug("{}: content already on the Hub, skipping upload", what);
            return;
        }
        HttpUrl href = parseHref(what, upload.path("href").asText(null));
        JsonNode header = upload.path("header");
        if (header.has("chunk_size")) {
            uploadMultipart(what, sha, source, href, header, request);
        } else {
            http.retrier().call("LFS upload " + what, () -> {
                http.send("LFS upload " + what, new Request.Builder().url(href).put(source.body(0, source.size())).build()).close();
                return null;
            });
            request.listener().transferred(source.size());
        }
        JsonNode verify = obj.path("actions").path("verify");
        if (!verify.isMissingNode()) {
            HttpUrl vhref = parseHref(what, verify.path("href").asText(null));
            ObjectNode vbody = HfHttp.JSON.createObjectNode().put("oid", sha).put("size", source.size());
            http.json("LFS verify " + what, new Request.Builder().url(vhref).header("Accept", "application/vnd.git-lfs+json")
                    .post(RequestBody.create(vbody.toString(), LFS_JSON)).build(), true);
        }
    }

    private void uploadMultipart(String what, String sha, Source source, HttpUrl completion, JsonNode header, PutRequest request) {
        long chunk;
        try {
            chunk = Long.parseLong(header.path("chunk_size").asText());
        } catch (NumberFormatException e) {
            throw new StorageException(Kind.PROTOCOL, what + ": LFS chunk_size is not a number");
        }
        TreeMap<Integer, HttpUrl> parts = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().matches("\\d{1,5}")) {
                parts.put(Integer.parseInt(e.getKey()), parseHref(what, e.getValue().asText(null)));
            }
        }
        long expected = chunk <= 0 ? -1 : (source.size() + chunk - 1) / chunk;
        if (parts.size() != expected || parts.firstKey() != 1 || parts.lastKey() != parts.size()) {
            throw new StorageException(Kind.PROTOCOL, what + ": invalid LFS multipart answer (" + parts.size() + " part URLs for "
                    + source.size() + " bytes in chunks of " + chunk + ")");
        }
        List<Future<String>> etags = new ArrayList<>();
        for (Map.Entry<Integer, HttpUrl> part : parts.entrySet()) {
            long offset = (part.getKey() - 1) * chunk;
            long length = Math.min(chunk, source.size() - offset);
            etags.add(partPool.submit(() -> http.retrier().call("LFS part " + part.getKey() + " " + what, () -> {
                try (Response r = http.send("LFS part " + part.getKey() + " " + what,
                        new Request.Builder().url(part.getValue()).put(source.body(offset, length)).build())) {
                    String etag = r.header("ETag");
                    if (etag == null || etag.isEmpty()) {
                        throw new StorageException(Kind.PROTOCOL, what + ": part " + part.getKey() + " upload returned no ETag");
                    }
                    request.listener().transferred(length);
                    return etag;
                }
            })));
        }
        ObjectNode body = HfHttp.JSON.createObjectNode().put("oid", sha);
        ArrayNode list = body.putArray("parts");
        int n = 1;
        for (Future<String> f : etags) {
            try {
                list.addObject().put("partNumber", n++).put("etag", f.get());
            } catch (ExecutionException e) {
                etags.forEach(x -> x.cancel(true));
                throw e.getCause() instanceof StorageException se ? se
                        : new StorageException(Kind.UNAVAILABLE, what + ": part upload failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(Kind.INTERRUPTED, what + ": interrupted", e);
            }
        }
        http.json("LFS complete " + what, new Request.Builder().url(completion).header("Accept", "application/vnd.git-lfs+json")
                .post(RequestBody.create(body.toString(), LFS_JSON)).build(), true);
    }

    private String commit(String what, String summary, List<ObjectNode> ops) {
        StringBuilder nd = new StringBuilder();
        ObjectNode head = HfHttp.JSON.createObjectNode().put("key", "header");
        head.putObject("value").put("summary", summary).put("description", "");
        nd.append(head).append('\n');
        for (ObjectNode op : ops) {
            nd.append(op).append('\n');
        }
        Request req = post(http.url(api("commit/" + enc(location.revision()))), nd.toString(), NDJSON);
        // A lost answer plus a retry could commit twice, so only a 429 (nothing committed) is retried.
        JsonNode answer = http.retrier().call("commit " + what, () -> {
            try {
                return http.json("commit " + what, req, false);
            } catch (StorageException e) {
                if (e.kind() == Kind.THROTTLED) {
                    throw e;
                }
                throw new StorageException(e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT ? Kind.PROTOCOL : e.kind(),
                        e.getMessage() + " (commit not retried; check the repository)", e);
            }
        });
        String oid = answer.path("commitOid").asText("");
        if (oid.isEmpty()) {
            throw new StorageException(Kind.PROTOCOL, what + ": commit answer has no commitOid");
        }
        return oid;
    }

    // ---------------------------------------------------------------- get

    /** What {@code resolve/} told about a file. */
    private record Resolved(long size, String sha256, String commit, HttpUrl content) {}

    private Optional<Resolved> resolve(String path) {
        String what = describe(path);
        HttpUrl url = http.url("/" + location.urlPrefix() + location.repoId() + "/resolve/" + enc(location.revision()) + "/" + encPath(path));
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Request head = new Request.Builder().url(url).head().header("Accept-Encoding", "identity").build();
            try (Response r = http.sendWithRetry(what, head)) {
                String commit = r.header("X-Repo-Commit");
                if (r.isRedirect()) {
                    String loc = r.header("Location");
                    HttpUrl next = loc == null ? null : url.resolve(loc);
                    if (next == null) {
                        throw new StorageException(Kind.PROTOCOL, what + ": redirect without a usable Location");
                    }
                    if (!loc.startsWith("http://") && !loc.startsWith("https://")) {
                        url = next;
                        continue;
                    }
                    http.checkRedirect(what, next);
                    return Optional.of(new Resolved(sizeOf(what, r.header("X-Linked-Size")), sha(r), commit, next));
                }
                long size = sizeOf(what, firstNonNull(r.header("X-Linked-Size"), r.header("Content-Length")));
                HttpUrl content = commit != null && commit.matches("[0-9a-f]{40}")
                        ? http.url("/" + location.urlPrefix() + location.repoId() + "/resolve/" + commit + "/" + encPath(path))
                        : url;
                return Optional.of(new Resolved(size, sha(r), commit, content));
            } catch (StorageException e) {
                if (e.kind() == Kind.NOT_FOUND && e.getMessage().contains("no such file")) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        throw new StorageException(Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private InputStream open(String what, HttpUrl url, long offset, long length) {
        HttpUrl u = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Request.Builder rb = new Request.Builder().url(u).header("Accept-Encoding", "identity");
            if (length > 0) {
                rb.header("Range", "bytes=" + offset + "-" + (offset + length - 1));
            }
            Response r = http.send(what, rb.build());
            if (r.isRedirect()) {
                String loc = r.header("Location");
                r.close();
                HttpUrl next = loc == null ? null : u.resolve(loc);
                if (next == null) {
                    throw new StorageException(Kind.PROTOCOL, what + ": redirect without a usable Location");
                }
                http.checkRedirect(what, next);
                u = next;
                continue;
            }
            InputStream in = r.body().byteStream();
            try {
                if (r.code() == 200 && length > 0) {
                    // The server ignored the range. With a stated length covering it, skip to the
                    // offset and stop after the range; without one, keep the stream unbounded so an
                    // endless body is still detected.
                    long declared = r.body().contentLength();
                    if (offset > 0) {
                        in.skipNBytes(offset);
                        log.debug("{}: server ignored the range; skipped {} bytes", what, offset);
                    }
                    if (declared >= offset + length) {
                        in = new LimitedInputStream(in, length);
                    }
                } else if (r.code() == 206) {
                    String cr = r.header("Content-Range");
                    if (cr == null || !cr.startsWith("bytes " + offset + "-")) {
                        in.close();
                        throw new StorageException(Kind.PROTOCOL, what + ": asked for bytes from " + offset + ", got Content-Range " + cr);
                    }
                }
            } catch (IOException e) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing a broken stream
                }
                throw new StorageException(Kind.UNAVAILABLE, what + ": connection broke: " + e.getMessage(), e);
            }
            return in;
        }
        throw new StorageException(Kind.PROTOCOL, what + ": more than " + MAX_REDIRECTS + " redirects");
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        String path = location.path(request.key());
        Resolved res = resolve(path).orElseThrow(() -> notFound(path));
        ObjectInfo info = new ObjectInfo(request.key(), res.size(), res.sha256(), res.commit(), null);
        if (request.isRange() || res.commit() == null) {
            return downloader.toFile(describe(path), info, request, target, (off, len) -> open(describe(path), res.content(), off, len));
        }
        Path cached = cachePath(res.commit(), path);
        if (!(Files.isRegularFile(cached) && size(cached) == res.size())) {
            downloader.toFile(describe(path), info, request, cached, (off, len) -> open(describe(path), res.content(), off, len));
        } else if (request.expectedSha256() != null && !request.expectedSha256().equals(Hex.sha256Hex(cached))) {
            throw new StorageException(Kind.INTEGRITY, describe(path) + ": cached copy does not have the expected SHA-256");
        } else if (res.size() > request.maxBytes()) {
            throw new StorageException(Kind.TOO_LARGE, describe(path) + " is " + res.size() + " bytes, above the cap of " + request.maxBytes());
        }
        copyOrLink(cached, target);
        return new ObjectInfo(request.key(), res.size(), res.sha256(), res.commit(), null);
    }

    /**
     * Downloads {@code key} at this location's revision into the commit-keyed cache (if not there
     * yet) and returns the cached file; {@code maxBytes} caps it.
     */
    public Path fetchToCache(String key, long maxBytes) {
        String path = location.path(Keys.check(key));
        Resolved res = resolve(path).orElseThrow(() -> notFound(path));
        if (res.commit() == null || !res.commit().matches("[0-9a-f]{40}")) {
            throw new StorageException(Kind.PROTOCOL, describe(path) + ": Hub sent no X-Repo-Commit");
        }
        Path cached = cachePath(res.commit(), path);
        if (!(Files.isRegularFile(cached) && size(cached) == res.size())) {
            ObjectInfo info = new ObjectInfo(key, res.size(), res.sha256(), res.commit(), null);
            downloader.toFile(describe(path), info, GetRequest.of(key, maxBytes), cached, (off, len) -> open(describe(path), res.content(), off, len));
        }
        return cached;
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        String path = location.path(request.key());
        Resolved res = resolve(path).orElseThrow(() -> notFound(path));
        ObjectInfo info = new ObjectInfo(request.key(), res.size(), res.sha256(), res.commit(), null);
        return downloader.toBytes(describe(path), info, request, (off, len) -> open(describe(path), res.content(), off, len));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        String path = location.path(Keys.check(key));
        return resolve(path).map(r -> new ObjectInfo(key, r.size(), r.sha256(), r.commit(), null));
    }

    // ---------------------------------------------------------------- list, delete

    @Override
    public List<ObjectInfo> list(String prefix) {
        String full = location.path(Keys.checkPrefix(prefix));
        if (prefix == null || prefix.isEmpty()) {
            full = location.prefix().isEmpty() ? "" : location.prefix() + "/";
        }
        int slash = full.lastIndexOf('/');
        String dir = slash < 0 ? "" : full.substring(0, slash);
        List<ObjectInfo> out = new ArrayList<>();
        for (JsonNode e : tree(dir)) {
            String path = e.path("path").asText("");
            if (!"file".equals(e.path("type").asText()) || !path.startsWith(full) || !Keys.isValid(path)) {
                continue;
            }
            String key = location.prefix().isEmpty() ? path : path.substring(location.prefix().length() + 1);
            String sha = e.path("lfs").path("oid").asText(null);
            out.add(new ObjectInfo(key, Math.max(0, e.path("size").asLong()), sha != null && HEX64.matcher(sha).matches() ? sha : null,
                    e.path("oid").asText(null), null));
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    /** Returns every entry under {@code dir} (recursive), following {@code Link: rel="next"} pages on the endpoint only. */
    List<JsonNode> tree(String dir) {
        String what = describe(dir);
        HttpUrl url = http.url("/api/" + location.apiType() + "/" + location.repoId() + "/tree/" + enc(location.revision())
                        + (dir.isEmpty() ? "" : "/" + encPath(dir)))
                .newBuilder().addQueryParameter("recursive", "true").build();
        List<JsonNode> out = new ArrayList<>();
        while (url != null) {
            Response r;
            try {
                r = http.sendWithRetry("list " + what, get(url));
            } catch (StorageException e) {
                if (e.kind() == Kind.NOT_FOUND && e.getMessage().contains("no such file")) {
                    return out;
                }
                throw e;
            }
            try (r) {
                JsonNode page = HfHttp.JSON.readTree(HfHttp.readCapped("list " + what, r.body(), 32L << 20));
                if (!page.isArray()) {
                    throw new StorageException(Kind.PROTOCOL, "list " + what + ": Hub tree answer is not an array");
                }
                page.forEach(out::add);
                if (out.size() > MAX_LIST_ENTRIES) {
                    throw new StorageException(Kind.PROTOCOL, "list " + what + ": more than " + MAX_LIST_ENTRIES + " entries");
                }
                url = nextPage(what, r.header("Link"));
            } catch (IOException e) {
                throw new StorageException(Kind.PROTOCOL, "list " + what + ": malformed JSON: " + HfHttp.oneLine(e.getMessage()), e);
            }
        }
        return out;
    }

    private HttpUrl nextPage(String what, String link) {
        if (link == null) {
            return null;
        }
        Matcher m = LINK_NEXT.matcher(link);
        if (!m.find()) {
            return null;
        }
        HttpUrl next = http.endpoint().resolve(m.group(1));
        if (next == null || !http.isEndpoint(next)) {
            throw new StorageException(Kind.PROTOCOL, "list " + what + ": next page points away from the Hub endpoint");
        }
        return next;
    }

    @Override
    public void delete(String key) {
        String path = location.path(Keys.check(key));
        ObjectNode op = HfHttp.JSON.createObjectNode().put("key", "deletedFile");
        op.putObject("value").put("path", path);
        try {
            commit(describe(path), "Delete " + path, List.of(op));
        } catch (StorageException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        partPool.shutdownNow();
        http.close();
    }

    // ---------------------------------------------------------------- helpers

    private Path cachePath(String commit, String path) {
        Path base = options.cacheDir().resolve("hf").resolve(location.apiType()).resolve(location.repoId()).resolve(commit).normalize();
        Path p = base.resolve(Keys.check(path)).normalize();
        if (!p.startsWith(base)) {
            throw new StorageException(Kind.INVALID_KEY, "path '" + Keys.printable(path) + "' leaves the cache");
        }
        return p;
    }

    private static void copyOrLink(Path cached, Path target) {
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            if (Files.exists(target) && Files.isSameFile(cached, target)) {
                return;
            }
            Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + System.nanoTime());
            try {
                Files.createLink(tmp, cached);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(cached, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long sizeOf(String what, String header) {
        if (header == null || !header.trim().matches("\\d{1,19}")) {
            throw new StorageException(Kind.PROTOCOL, what + ": Hub did not state the file size");
        }
        return Long.parseLong(header.trim());
    }

    private static String sha(Response r) {
        String etag = firstNonNull(r.header("X-Linked-Etag"), r.header("ETag"));
        if (etag == null) {
            return null;
        }
        String s = etag.replaceFirst("^W/", "").replace("\"", "").toLowerCase(java.util.Locale.ROOT);
        return HEX64.matcher(s).matches() ? s : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private HttpUrl parseHref(String what, String href) {
        HttpUrl u = href == null ? null : HttpUrl.parse(href);
        if (u == null) {
            throw new StorageException(Kind.PROTOCOL, what + ": LFS answer has no usable URL");
        }
        return u;
    }

    private String api(String rest) {
        return "/api/" + location.apiType() + "/" + location.repoId() + "/" + rest;
    }

    private String describe(String path) {
        return "hf://" + location.urlPrefix() + location.repoId() + "@" + location.revision() + (path.isEmpty() ? "" : "/" + path);
    }

    private StorageException notFound(String path) {
        return new StorageException(Kind.NOT_FOUND, "no object " + describe(path));
    }

    private static Request get(HttpUrl url) {
        return new Request.Builder().url(url).get().build();
    }

    private static Request post(HttpUrl url, String body, MediaType type) {
        return new Request.Builder().url(url).post(RequestBody.create(body, type)).build();
    }

    /** Percent-encodes one path segment, slashes included ({@code quote(x, safe="")}). */
    static String enc(String s) {
        return HttpUrl.parse("http://x/").newBuilder().addPathSegment(s).build().encodedPath().substring(1).replace("/", "%2F");
    }

    /** Percent-encodes a path, keeping its slashes. */
    static String encPath(String path) {
        HttpUrl.Builder b = HttpUrl.parse("http://x/").newBuilder();
        for (String seg : path.split("/")) {
            b.addPathSegment(seg);
        }
        return b.build().encodedPath().substring(1);
    }

    /** An upload source: a file or bytes, hashed once, sliceable for retries and parts. */
    private record Source(Path file, byte[] bytes, long size, String sha256) {
        static Source of(PutRequest r) {
            if (r.file() == null) {
                byte[] b = r.bytes();
                return new Source(null, b, b.length, Hex.sha256Hex(b));
            }
            try {
                return new Source(r.file(), null, Files.size(r.file()), Hex.sha256Hex(r.file()));
            } catch (IOException e) {
                throw new StorageException(Kind.LOCAL_IO, "cannot read " + r.file() + ": " + e.getMessage(), e);
            }
        }

        byte[] sample() {
            int n = (int) Math.min(512, size);
            return n == size ? readAll() : slice(0, n);
        }

        byte[] readAll() {
            return bytes != null ? bytes : slice(0, (int) size);
        }

        byte[] slice(long offset, int length) {
            if (bytes != null) {
                return java.util.Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
            }
            byte[] out = new byte[length];
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer bb = ByteBuffer.wrap(out);
                while (bb.hasRemaining() && ch.read(bb, offset + bb.position()) >= 0) {
                    // keep reading
                }
            } catch (IOException e) {
                throw new StorageException(Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
            }
            return out;
        }

        /** Returns a re-sendable body for bytes {@code [offset, offset+length)}. */
        RequestBody body(long offset, long length) {
            return new RequestBody() {
                @Override
                public MediaType contentType() {
                    return MediaType.get("application/octet-stream");
                }

                @Override
                public long contentLength() {
                    return length;
                }

                @Override
                public void writeTo(BufferedSink sink) throws IOException {
                    if (bytes != null) {
                        sink.write(bytes, (int) offset, (int) length);
                        return;
                    }
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                        long pos = offset;
                        long end = offset + length;
                        while (pos < end) {
                            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                            int n = ch.read(buf, pos);
                            if (n < 0) {
                                throw new IOException(file + " shrank while uploading");
                            }
                            buf.flip();
                            sink.write(buf);
                            pos += n;
                        }
                    }
                }
            };
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
