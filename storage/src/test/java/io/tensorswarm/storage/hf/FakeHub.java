package io.tensorswarm.storage.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tensorswarm.storage.transfer.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process Hugging Face Hub that implements the endpoints {@code huggingface_hub} uses for
 * repos, preupload, Git-LFS batch (basic and multipart), NDJSON commits, tree listing with
 * {@code Link} pagination and {@code resolve/} downloads (302 to a CDN on another host name for
 * LFS files, ranges honoured). Requests are recorded for shape assertions; faults can be queued.
 * Storage and CDN URLs use {@code localhost} while the API uses {@code 127.0.0.1}, so a token
 * sent to storage is detectable.
 */
final class FakeHub implements AutoCloseable {
    static final String WRITE_TOKEN = "hf_write_token";
    static final String READ_TOKEN = "hf_read_token";
    static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. */
    record Recorded(String method, String path, String query, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record FileEntry(byte[] content, String sha256, long size, boolean lfs) {}

    record Fault(Pattern path, int status, String[] headers) {}

    static final class Repo {
        final String type;
        final String id;
        final boolean isPrivate;
        final Map<String, String> branches = new ConcurrentHashMap<>();
        final Map<String, Map<String, FileEntry>> commits = new ConcurrentHashMap<>();

        Repo(String type, String id, boolean isPrivate) {
            this.type = type;
            this.id = id;
            this.isPrivate = isPrivate;
            String root = sha1("root " + type + id);
            commits.put(root, new TreeMap<>());
            branches.put("main", root);
        }
    }

    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    final Map<String, byte[]> lfsStore = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    volatile long lfsThreshold = 1024;
    volatile long multipartThreshold = 3 << 20;
    volatile long chunkSize = 1 << 20;
    volatile int pageSize = 2;
    volatile boolean ignoreRange;
    volatile String cdnHost = "localhost";

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    String storageBase() {
        return "http://" + cdnHost + ":" + server.getAddress().getPort();
    }

    Repo addRepo(String type, String id, boolean isPrivate) {
        Repo r = new Repo(type, id, isPrivate);
        repos.put(type + ":" + id, r);
        return r;
    }

    /** Commits {@code files} directly (test setup); returns the new commit sha. */
    String seed(String type, String id, Map<String, byte[]> files) {
        Repo r = repos.get(type + ":" + id);
        Map<String, FileEntry> tree = new TreeMap<>(r.commits.get(r.branches.get("main")));
        files.forEach((p, b) -> {
            boolean lfs = b.length >= lfsThreshold || p.endsWith(".safetensors");
            String sha = Hex.sha256Hex(b);
            if (lfs) {
                lfsStore.put(sha, b);
            }
            tree.put(p, new FileEntry(lfs ? null : b, sha, b.length, lfs));
        });
        String commit = sha1(r.branches.get("main") + files.keySet());
        r.commits.put(commit, tree);
        r.branches.put("main", commit);
        return commit;
    }

    /** Makes the next request whose path matches {@code pathRegex} fail with {@code status}. */
    void failNext(String pathRegex, int status, String... headers) {
        faults.add(new Fault(Pattern.compile(pathRegex), status, headers));
    }

    List<Recorded> requests(String method, String pathRegex) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().matches(pathRegex)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ dispatch

    private static final Pattern API_REPO = Pattern.compile("/api/(models|datasets|spaces)/([^/]+/[^/]+)(/.*)?");
    private static final Pattern LFS_BATCH = Pattern.compile("/(datasets/|spaces/)?([^/]+/[^/]+)\\.git/info/lfs/objects/batch");
    private static final Pattern RESOLVE = Pattern.compile("/(datasets/|spaces/)?([^/]+/[^/]+)/resolve/([^/]+)/(.+)");

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            String path = ex.getRequestURI().getRawPath();
            Recorded rec = new Recorded(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), headers, body);
            requests.add(rec);
            for (Fault f : faults) {
                if (f.path().matcher(path).matches() && faults.remove(f)) {
                    for (int i = 0; i + 1 < f.headers().length; i += 2) {
                        ex.getResponseHeaders().add(f.headers()[i], f.headers()[i + 1]);
                    }
                    send(ex, f.status(), "{\"error\":\"injected fault\"}");
                    return;
                }
            }
            route(ex, rec);
        } catch (RuntimeException e) {
            send(ex, 500, "{\"error\":\"fake hub bug: " + e + "\"}");
        }
    }

    private void route(HttpExchange ex, Recorded r) throws IOException {
        String p = r.path();
        Matcher m;
        if (p.equals("/api/repos/create") && r.method().equals("POST")) {
            createRepo(ex, r);
        } else if (p.equals("/lfs-verify") && r.method().equals("POST")) {
            if (authorizedWrite(ex, r)) {
                JsonNode b = JSON.readTree(r.body());
                byte[] stored = lfsStore.get(b.path("oid").asText());
                send(ex, stored != null && stored.length == b.path("size").asLong() ? 200 : 422, "{}");
            }
        } else if ((m = API_REPO.matcher(p)).matches()) {
            String type = m.group(1).substring(0, m.group(1).length() - 1);
            Repo repo = repos.get(type + ":" + m.group(2));
            String rest = m.group(3) == null ? "" : m.group(3);
            if (!authorizedRead(ex, r, repo)) {
                return;
            }
            if (rest.isEmpty() || rest.startsWith("/revision/")) {
                info(ex, repo, rest.isEmpty() ? "main" : dec(rest.substring("/revision/".length())));
            } else if (rest.startsWith("/preupload/") && r.method().equals("POST")) {
                if (authorizedWrite(ex, r)) {
                    preupload(ex, r);
                }
            } else if (rest.startsWith("/commit/") && r.method().equals("POST")) {
                if (authorizedWrite(ex, r)) {
                    commit(ex, r, repo, dec(rest.substring("/commit/".length())));
                }
            } else if (rest.startsWith("/tree/")) {
                tree(ex, r, repo, rest.substring("/tree/".length()));
            } else {
                send(ex, 404, "{\"error\":\"no such route\"}");
            }
        } else if ((m = LFS_BATCH.matcher(p)).matches()) {
            if (authorizedWrite(ex, r)) {
                batch(ex, r);
            }
        } else if (p.startsWith("/s3/")) {
            storage(ex, r);
        } else if (p.startsWith("/cdn/")) {
            cdn(ex, r, p.substring(5));
        } else if ((m = RESOLVE.matcher(p)).matches()) {
            String type = m.group(1) == null ? "model" : m.group(1).substring(0, m.group(1).length() - 2);
            Repo repo = repos.get(type + ":" + m.group(2));
            if (authorizedRead(ex, r, repo)) {
                resolve(ex, r, repo, dec(m.group(3)), dec(m.group(4)));
            }
        } else {
            send(ex, 404, "{\"error\":\"no such route\"}");
        }
    }

    // ------------------------------------------------------------------ auth

    private boolean authorizedRead(HttpExchange ex, Recorded r, Repo repo) throws IOException {
        String auth = r.header("Authorization");
        if (auth != null && !auth.equals("Bearer " + WRITE_TOKEN) && !auth.equals("Bearer " + READ_TOKEN)) {
            ex.getResponseHeaders().add("X-Error-Message", "Invalid credentials in Authorization header");
            send(ex, 401, "{\"error\":\"Invalid credentials in Authorization header\"}");
            return false;
        }
        if (repo == null || repo.isPrivate && auth == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
            send(ex, 401, "{\"error\":\"Repository Not Found\"}");
            return false;
        }
        return true;
    }

    private boolean authorizedWrite(HttpExchange ex, Recorded r) throws IOException {
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + WRITE_TOKEN) && !auth.equals("Bearer " + READ_TOKEN)) {
            ex.getResponseHeaders().add("X-Error-Message", "Invalid credentials in Authorization header");
            send(ex, 401, "{\"error\":\"Invalid credentials in Authorization header\"}");
            return false;
        }
        if (auth.equals("Bearer " + READ_TOKEN)) {
            ex.getResponseHeaders().add("X-Error-Message", "You don't have the rights to write to this repository");
            send(ex, 403, "{\"error\":\"forbidden\"}");
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ endpoints

    private void createRepo(HttpExchange ex, Recorded r) throws IOException {
        if (!authorizedWrite(ex, r)) {
            return;
        }
        JsonNode b = JSON.readTree(r.body());
        String type = b.path("type").asText("model");
        String id = b.path("organization").asText() + "/" + b.path("name").asText();
        if (repos.containsKey(type + ":" + id)) {
            send(ex, 409, "{\"error\":\"You already created this " + type + " repo\"}");
            return;
        }
        addRepo(type, id, "private".equals(b.path("visibility").asText()));
        send(ex, 200, "{\"url\":\"" + endpoint() + "/" + id + "\",\"id\":\"" + id + "\"}");
    }

    private void info(HttpExchange ex, Repo repo, String rev) throws IOException {
        String sha = commitOf(repo, rev);
        if (sha == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
            send(ex, 404, "{\"error\":\"Invalid rev id: " + rev + "\"}");
            return;
        }
        ObjectNode o = JSON.createObjectNode().put("id", repo.id).put("sha", sha).put("private", repo.isPrivate);
        ArrayNode siblings = o.putArray("siblings");
        repo.commits.get(sha).keySet().forEach(p -> siblings.addObject().put("rfilename", p));
        send(ex, 200, o.toString());
    }

    private void preupload(HttpExchange ex, Recorded r) throws IOException {
        JsonNode b = JSON.readTree(r.body());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode files = out.putArray("files");
        for (JsonNode f : b.path("files")) {
            if (!f.has("sample") || !f.has("size")) {
                send(ex, 400, "{\"error\":\"files need path, size and sample\"}");
                return;
            }
            boolean lfs = f.path("size").asLong() >= lfsThreshold || f.path("path").asText().endsWith(".safetensors");
            files.addObject().put("path", f.path("path").asText()).put("uploadMode", lfs ? "lfs" : "regular")
                    .put("shouldIgnore", false).putNull("oid");
        }
        send(ex, 200, out.toString());
    }

    private void batch(HttpExchange ex, Recorded r) throws IOException {
        if (!"application/vnd.git-lfs+json".equals(r.header("Accept"))
                || r.header("Content-Type") == null || !r.header("Content-Type").startsWith("application/vnd.git-lfs+json")) {
            send(ex, 400, "{\"error\":\"LFS headers missing\"}");
            return;
        }
        JsonNode b = JSON.readTree(r.body());
        ObjectNode out = JSON.createObjectNode();
        ArrayNode objs = out.putArray("objects");
        String transfer = "basic";
        for (JsonNode o : b.path("objects")) {
            String oid = o.path("oid").asText();
            long size = o.path("size").asLong();
            ObjectNode obj = objs.addObject().put("oid", oid).put("size", size);
            if (lfsStore.containsKey(oid)) {
                continue;
            }
            ObjectNode upload = obj.putObject("actions").putObject("upload");
            if (size > multipartThreshold) {
                transfer = "multipart";
                upload.put("href", storageBase() + "/s3/complete/" + oid);
                ObjectNode h = upload.putObject("header").put("chunk_size", Long.toString(chunkSize));
                long n = (size + chunkSize - 1) / chunkSize;
                for (int i = 1; i <= n; i++) {
                    h.put(String.format("%05d", i), storageBase() + "/s3/part/" + oid + "/" + i + "?X-Amz-Signature=fake");
                }
            } else {
                upload.put("href", storageBase() + "/s3/basic/" + oid + "?X-Amz-Signature=fake");
            }
            ((ObjectNode) obj.get("actions")).putObject("verify").put("href", endpoint() + "/lfs-verify");
        }
        out.put("transfer", transfer);
        ex.getResponseHeaders().add("Content-Type", "application/vnd.git-lfs+json");
        send(ex, 200, out.toString());
    }

    private void storage(HttpExchange ex, Recorded r) throws IOException {
        if (r.header("Authorization") != null) {
            send(ex, 400, "{\"error\":\"token sent to storage\"}");
            return;
        }
        String[] s = r.path().split("/");
        switch (s[2]) {
            case "basic" -> {
                if (!Hex.sha256Hex(r.body()).equals(s[3])) {
                    send(ex, 400, "{\"error\":\"sha mismatch\"}");
                    return;
                }
                lfsStore.put(s[3], r.body());
                send(ex, 200, "");
            }
            case "part" -> {
                parts.computeIfAbsent(s[3], k -> new ConcurrentHashMap<>()).put(Integer.parseInt(s[4]), r.body());
                ex.getResponseHeaders().add("ETag", "\"" + md5(r.body()) + "\"");
                send(ex, 200, "");
            }
            case "complete" -> {
                JsonNode b = JSON.readTree(r.body());
                Map<Integer, byte[]> got = parts.getOrDefault(s[3], Map.of());
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                int expect = 1;
                for (JsonNode p : b.path("parts")) {
                    byte[] part = got.get(p.path("partNumber").asInt());
                    if (p.path("partNumber").asInt() != expect++ || part == null
                            || !p.path("etag").asText().equals("\"" + md5(part) + "\"")) {
                        send(ex, 400, "{\"error\":\"bad part list\"}");
                        return;
                    }
                    all.write(part);
                }
                if (!b.path("oid").asText().equals(s[3]) || !Hex.sha256Hex(all.toByteArray()).equals(s[3])) {
                    send(ex, 400, "{\"error\":\"sha mismatch\"}");
                    return;
                }
                lfsStore.put(s[3], all.toByteArray());
                send(ex, 200, "{}");
            }
            default -> send(ex, 404, "{}");
        }
    }

    private void commit(HttpExchange ex, Recorded r, Repo repo, String rev) throws IOException {
        if (!"application/x-ndjson".equals(r.header("Content-Type")) && !String.valueOf(r.header("Content-Type")).startsWith("application/x-ndjson")) {
            send(ex, 400, "{\"error\":\"expected NDJSON\"}");
            return;
        }
        String parent = repo.branches.get(rev);
        if (parent == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
            send(ex, 404, "{\"error\":\"no branch " + rev + "\"}");
            return;
        }
        String[] lines = r.bodyText().split("\n");
        JsonNode header = JSON.readTree(lines[0]);
        if (!"header".equals(header.path("key").asText()) || header.path("value").path("summary").asText("").isEmpty()) {
            send(ex, 400, "{\"error\":\"first line must be a header with a summary\"}");
            return;
        }
        Map<String, FileEntry> tree = new TreeMap<>(repo.commits.get(parent));
        for (int i = 1; i < lines.length; i++) {
            JsonNode op = JSON.readTree(lines[i]);
            JsonNode v = op.path("value");
            String path = v.path("path").asText();
            switch (op.path("key").asText()) {
                case "file" -> {
                    byte[] content = Base64.getDecoder().decode(v.path("content").asText());
                    tree.put(path, new FileEntry(content, Hex.sha256Hex(content), content.length, false));
                }
                case "lfsFile" -> {
                    String oid = v.path("oid").asText();
                    if (!"sha256".equals(v.path("algo").asText()) || !lfsStore.containsKey(oid) || lfsStore.get(oid).length != v.path("size").asLong()) {
                        send(ex, 400, "{\"error\":\"unknown LFS object " + oid + "\"}");
                        return;
                    }
                    tree.put(path, new FileEntry(null, oid, v.path("size").asLong(), true));
                }
                case "deletedFile" -> {
                    if (tree.remove(path) == null) {
                        ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                        send(ex, 404, "{\"error\":\"A file with this name doesn't exist\"}");
                        return;
                    }
                }
                default -> {
                    send(ex, 400, "{\"error\":\"unknown op\"}");
                    return;
                }
            }
        }
        String sha = sha1(parent + r.bodyText());
        repo.commits.put(sha, tree);
        repo.branches.put(rev, sha);
        send(ex, 200, JSON.createObjectNode().put("success", true).put("commitOid", sha)
                .put("commitUrl", endpoint() + "/" + repo.id + "/commit/" + sha).put("hookOutput", "").toString());
    }

    private void tree(HttpExchange ex, Recorded r, Repo repo, String rest) throws IOException {
        String[] revAndPath = rest.split("/", 2);
        String sha = commitOf(repo, dec(revAndPath[0]));
        if (sha == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
            send(ex, 404, "{\"error\":\"no rev\"}");
            return;
        }
        String dir = revAndPath.length > 1 ? dec(revAndPath[1]) : "";
        List<ObjectNode> entries = new ArrayList<>();
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        for (Map.Entry<String, FileEntry> e : repo.commits.get(sha).entrySet()) {
            String p = e.getKey();
            if (!dir.isEmpty() && !p.startsWith(dir + "/")) {
                continue;
            }
            for (int i = p.indexOf('/', dir.isEmpty() ? 0 : dir.length() + 1); i > 0; i = p.indexOf('/', i + 1)) {
                dirs.add(p.substring(0, i));
            }
            ObjectNode o = JSON.createObjectNode().put("type", "file").put("path", p).put("oid", sha1(p)).put("size", e.getValue().size());
            if (e.getValue().lfs()) {
                o.putObject("lfs").put("oid", e.getValue().sha256()).put("size", e.getValue().size()).put("pointerSize", 134);
            }
            entries.add(o);
        }
        if (!dir.isEmpty() && entries.isEmpty()) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            send(ex, 404, "{\"error\":\"no such path\"}");
            return;
        }
        dirs.forEach(d -> entries.add(JSON.createObjectNode().put("type", "directory").put("path", d).put("oid", sha1(d)).put("size", 0)));
        entries.sort(java.util.Comparator.comparing(o -> o.path("path").asText()));
        int cursor = 0;
        if (r.query() != null) {
            Matcher c = Pattern.compile("cursor=(\\d+)").matcher(r.query());
            if (c.find()) {
                cursor = Integer.parseInt(c.group(1));
            }
        }
        ArrayNode page = JSON.createArrayNode();
        entries.subList(Math.min(cursor, entries.size()), Math.min(cursor + pageSize, entries.size())).forEach(page::add);
        if (cursor + pageSize < entries.size()) {
            ex.getResponseHeaders().add("Link", "<" + endpoint() + r.path() + "?recursive=true&cursor=" + (cursor + pageSize) + ">; rel=\"next\"");
        }
        send(ex, 200, page.toString());
    }

    private void resolve(HttpExchange ex, Recorded r, Repo repo, String rev, String path) throws IOException {
        String sha = commitOf(repo, rev);
        if (sha == null) {
            ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
            send(ex, 404, "");
            return;
        }
        FileEntry f = repo.commits.get(sha).get(path);
        ex.getResponseHeaders().add("X-Repo-Commit", sha);
        if (f == null) {
            ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
            send(ex, 404, "");
            return;
        }
        if (f.lfs()) {
            ex.getResponseHeaders().add("Location", storageBase() + "/cdn/" + f.sha256() + "?X-Amz-Signature=fake");
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + f.sha256() + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Long.toString(f.size()));
            ex.getResponseHeaders().add("ETag", "\"" + sha1(path) + "\"");
            ex.getResponseHeaders().add("Content-Length", "0");
            ex.sendResponseHeaders(302, -1);
            return;
        }
        ex.getResponseHeaders().add("ETag", "\"" + sha1(new String(f.content(), StandardCharsets.ISO_8859_1)) + "\"");
        sendBytes(ex, r, f.content());
    }

    private void cdn(HttpExchange ex, Recorded r, String sha) throws IOException {
        if (r.header("Authorization") != null) {
            send(ex, 400, "{\"error\":\"token sent to CDN\"}");
            return;
        }
        byte[] b = lfsStore.get(sha);
        if (b == null) {
            send(ex, 404, "");
            return;
        }
        sendBytes(ex, r, b);
    }

    private void sendBytes(HttpExchange ex, Recorded r, byte[] b) throws IOException {
        String range = r.header("Range");
        int from = 0;
        int to = b.length - 1;
        int status = 200;
        if (range != null && !ignoreRange) {
            Matcher m = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
            if (!m.matches() || Integer.parseInt(m.group(1)) >= b.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + b.length);
                send(ex, 416, "");
                return;
            }
            from = Integer.parseInt(m.group(1));
            to = m.group(2).isEmpty() ? b.length - 1 : Math.min(Integer.parseInt(m.group(2)), b.length - 1);
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + b.length);
        }
        byte[] slice = Arrays.copyOfRange(b, from, to + 1);
        if (r.method().equals("HEAD")) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(slice.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, slice.length == 0 ? -1 : slice.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(slice);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String commitOf(Repo repo, String rev) {
        if (repo.branches.containsKey(rev)) {
            return repo.branches.get(rev);
        }
        return repo.commits.containsKey(rev) ? rev : null;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestMethod().equals("HEAD") || b.length == 0) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        if (!ex.getResponseHeaders().containsKey("Content-Type")) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String sha1(String s) {
        try {
            return Hex.hex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String md5(byte[] b) {
        try {
            return Hex.hex(MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, byte[]> files(Object... pathsAndBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndBytes.length; i += 2) {
            m.put((String) pathsAndBytes[i], (byte[]) pathsAndBytes[i + 1]);
        }
        return m;
    }
}
