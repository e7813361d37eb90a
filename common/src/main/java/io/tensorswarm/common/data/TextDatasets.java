package io.tensorswarm.common.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens local text data: one file, or a folder searched recursively.
 *
 * <p>Formats by file name: {@code .txt} (the whole file, UTF-8, is one document), {@code .jsonl}
 * and {@code .jsonl.gz} (one JSON object per line; its text field is one document; blank lines are
 * skipped) and {@code .parquet} (each row's text column is one document). In a folder, files are
 * read in the order of their relative paths ({@code /}-separated, compared as strings), hidden
 * files and folders (names starting with {@code .}) are skipped, and so are files of other types.
 */
public final class TextDatasets {
    private static final Logger log = LoggerFactory.getLogger(TextDatasets.class);

    private TextDatasets() {}

    /**
     * Opens {@code path} with {@link TextDatasetOptions#DEFAULTS}.
     *
     * @throws DataException when the path does not exist, has an unsupported type, or a folder
     *     holds no supported file
     */
    public static TextDataset open(Path path) {
        return open(path, TextDatasetOptions.DEFAULTS);
    }

    /**
     * Opens {@code path}, a supported file or a folder of them, reading with {@code options}.
     *
     * @throws DataException when the path does not exist, has an unsupported type, or a folder
     *     holds no supported file
     */
    public static TextDataset open(Path path, TextDatasetOptions options) {
        Path root = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(root)) {
            if (DocumentFormat.of(root).isEmpty()) {
                throw new DataException("unsupported data file " + path
                        + ": expected .txt, .jsonl, .jsonl.gz or .parquet");
            }
            return new FileSetDataset(root.getFileName().toString(),
                    List.of(new FileSetDataset.Entry(root.getFileName().toString(), root)), options);
        }
        if (!Files.isDirectory(root)) {
            throw new DataException("data path not found: " + path);
        }
        List<FileSetDataset.Entry> entries = listSupported(root);
        if (entries.isEmpty()) {
            throw new DataException("no .txt, .jsonl, .jsonl.gz or .parquet files under " + path);
        }
        log.debug("dataset {}: {} files", root, entries.size());
        return new FileSetDataset(root.getFileName() == null ? root.toString() : root.getFileName().toString(),
                entries, options);
    }

    private static List<FileSetDataset.Entry> listSupported(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(root.relativize(p)))
                    .filter(p -> DocumentFormat.of(p).isPresent())
                    .map(p -> new FileSetDataset.Entry(relativeName(root, p), p))
                    .sorted(Comparator.comparing(FileSetDataset.Entry::relativeName))
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("cannot list data folder " + root + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String relativeName(Path root, Path file) {
        StringBuilder name = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    static String lowerName(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
