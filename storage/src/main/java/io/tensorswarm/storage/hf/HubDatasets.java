package io.tensorswarm.storage.hf;

import io.tensorswarm.storage.Keys;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code hf://datasets/owner/name[@revision][/path-glob]} into a local folder of the
 * dataset's text files ({@code .txt}, {@code .jsonl}, {@code .jsonl.gz}, {@code .parquet}),
 * downloaded once per commit into {@code <cacheDir>/hf/datasets/owner/name/<commit>/}, ready for
 * {@code io.tensorswarm.common.data.TextDatasets.open(Path)}.
 *
 * <pre>{@code
 * Path folder = HubDatasets.materialize("hf://datasets/karpathy/tiny_shakespeare/*.txt", cacheDir);
 * TextDataset data = TextDatasets.open(folder);
 * }</pre>
 */
public final class HubDatasets {
    private static final Logger log = LoggerFactory.getLogger(HubDatasets.class);
    private static final List<String> DATA_SUFFIXES = List.of(".txt", ".jsonl", ".jsonl.gz", ".parquet");
    private static final long MAX_FILE_BYTES = 64L << 30;

    private HubDatasets() {}

    /** Like {@link #materialize(String, StorageOptions)} with the environment's token and endpoint. */
    public static Path materialize(String uri, Path cacheDir) {
        return materialize(uri, StorageOptions.fromEnvironment(System.getenv()).toBuilder().optCacheDir(cacheDir).build());
    }

    /**
     * Downloads the dataset's matching files at the revision's current commit (once; later calls
     * reuse the cache) and returns the folder holding them.
     *
     * @throws StorageException {@code CONFIGURATION} for a location that is not a Hub dataset,
     *     {@code NOT_FOUND} when nothing matches, or any transfer failure
     */
    public static Path materialize(String uri, StorageOptions options) {
        URI location = ObjectStores.toUri(uri);
        String raw = location.toString();
        if (!"hf".equalsIgnoreCase(location.getScheme()) || !raw.substring(5).startsWith("datasets/")) {
            throw new StorageException(Kind.CONFIGURATION, "not a Hub dataset location (want hf://datasets/owner/name[/glob]): " + Keys.printable(raw));
        }
        HfLocation parsed = HfLocation.parse(location);
        String glob = parsed.prefix();
        String literalDir = literalDirectory(glob);
        HfLocation repoRoot = new HfLocation(parsed.type(), parsed.repoId(), parsed.revision(), "");
        try (HfObjectStore lookup = new HfObjectStore(repoRoot, options)) {
            String commit = parsed.revision().matches("[0-9a-f]{40}") ? parsed.revision() : lookup.resolveRevision();
            Path snapshot = options.cacheDir().resolve("hf").resolve("datasets").resolve(parsed.repoId()).resolve(commit).normalize();
            boolean filtered = !glob.isEmpty() && !glob.equals(literalDir);
            // A glob gets its own folder of links, so files fetched for another glob stay out of it.
            Path view = filtered
                    ? options.cacheDir().resolve("hf").resolve("dataset-views").resolve(parsed.repoId()).resolve(commit + "-" + markerName(glob))
                    : snapshot;
            Path marker = view.resolve(".complete-" + markerName(glob));
            Path result = literalDir.isEmpty() ? view : view.resolve(literalDir);
            if (Files.isRegularFile(marker)) {
                log.info("dataset {} at {} already cached in {}", parsed.repoId(), commit, result);
                return result;
            }
            try (HfObjectStore store = new HfObjectStore(repoRoot.atRevision(commit), options)) {
                PathMatcher matcher = filtered ? FileSystems.getDefault().getPathMatcher("glob:" + glob) : null;
                List<String> files = new ArrayList<>();
                for (JsonNode e : store.tree(literalDir)) {
                    String path = e.path("path").asText("");
                    if (!"file".equals(e.path("type").asText()) || !Keys.isValid(path) || !isData(path)) {
                        continue;
                    }
                    if (matcher != null ? matcher.matches(Path.of(path)) : literalDir.isEmpty() || path.startsWith(literalDir + "/")) {
                        files.add(path);
                    }
                }
                if (files.isEmpty()) {
                    throw new StorageException(Kind.NOT_FOUND, "no .txt/.jsonl/.parquet files match " + Keys.printable(raw) + " at commit " + commit);
                }
                log.info("downloading {} files of dataset {} at {}", files.size(), parsed.repoId(), commit);
                for (String path : files) {
                    Path cached = store.fetchToCache(path, MAX_FILE_BYTES);
                    if (filtered) {
                        link(cached, view.resolve(path));
                    }
                }
            }
            Files.createDirectories(view);
            Files.writeString(marker, String.join("\n", glob, commit), StandardCharsets.UTF_8);
            return result;
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot write the dataset cache under " + options.cacheDir() + ": " + e.getMessage(), e);
        }
    }

    /** Returns the leading path segments of {@code glob} that contain no glob character. */
    static String literalDirectory(String glob) {
        if (glob.isEmpty()) {
            return "";
        }
        String[] segs = glob.split("/");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < segs.length; i++) {
            boolean last = i == segs.length - 1;
            if (segs[i].matches(".*[*?\\[\\]{}].*") || last && isData(segs[i])) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(segs[i]);
        }
        return sb.toString();
    }

    private static void link(Path cached, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        try {
            Files.createLink(target, cached);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(cached, target);
        }
    }

    private static boolean isData(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return DATA_SUFFIXES.stream().anyMatch(p::endsWith);
    }

    private static String markerName(String glob) {
        return io.tensorswarm.storage.transfer.Hex.sha256Hex(glob.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
