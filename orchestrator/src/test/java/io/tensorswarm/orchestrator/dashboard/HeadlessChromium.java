package io.tensorswarm.orchestrator.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code chromium} headless (installed by {@code scripts/install-test-deps.sh}): a
 * screenshot or the DOM after the page's scripts ran, with virtual time so timers and fetches
 * settle deterministically.
 */
final class HeadlessChromium {
    static final int WIDTH = 1280;
    static final int HEIGHT = 1700;
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private final Path binary;
    private final Path work;

    private HeadlessChromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** Returns the browser found on the PATH (or in /usr/bin), if any. */
    static Optional<HeadlessChromium> find(Path work) {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                dirs.add(Path.of(d));
            }
        }
        dirs.add(Path.of("/usr/bin"));
        for (String name : NAMES) {
            for (Path d : dirs) {
                Path p = d.resolve(name);
                if (Files.isExecutable(p)) {
                    return Optional.of(new HeadlessChromium(p, work));
                }
            }
        }
        return Optional.empty();
    }

    /** Writes a PNG screenshot of {@code url} to {@code png}. */
    void screenshot(String url, Path png) throws IOException, InterruptedException {
        run(List.of("--screenshot=" + png), url, "screenshot");
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot; log:\n" + Files.readString(work.resolve("screenshot.err")));
        }
    }

    /** Returns the page's DOM, serialized after its scripts ran. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom"), url, "dom");
    }

    private String run(List<String> mode, String url, String name) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT, "--virtual-time-budget=4000"));
        cmd.addAll(mode);
        cmd.add(url);
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s; log:\n" + Files.readString(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + p.exitValue() + "; log:\n" + Files.readString(err));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
