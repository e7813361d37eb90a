package io.tensorswarm.common.opsfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/ops/auto-update.sh} against real git repositories: an "upstream" bare repository, a
 * clone standing for the install, and a second clone where new commits are made. The build command
 * (an operator setting) stands in for Maven: it copies the checked-out VERSION into the staged jars,
 * or fails when VERSION says so; the restart command appends to a file.
 */
class AutoUpdateScriptTest {
    private static final Path SCRIPT = OpsFiles.OPS.resolve("auto-update.sh");
    private static final String BUILD = String.join("; ",
            "echo \"building $(cat VERSION)\" >> ../builds",
            "if grep -q broken VERSION; then echo 'compilation failure' >&2; echo half > \"$TS_UPDATE_DIST/miner.jar\"; exit 1; fi",
            "if grep -q nominer VERSION; then cat VERSION > \"$TS_UPDATE_DIST/validator.jar\"; exit 0; fi",
            "if [ -n \"${HOLD:-}\" ]; then touch \"$HOLD.started\"; while [ ! -e \"$HOLD.release\" ]; do sleep 0.05; done; fi",
            "mkdir -p \"$TS_UPDATE_DIST/lib\"",
            "for j in miner validator; do cat VERSION > \"$TS_UPDATE_DIST/$j.jar\"; done");

    @TempDir Path tmp;
    private Path upstream;
    private Path install;
    private Path dev;
    private Path restarts;
    private Path builds;
    private Map<String, String> env;

    @BeforeEach
    void repositories() throws Exception {
        OpsFiles.requireOrSkip(OpsFiles.onPath("git") != null && OpsFiles.onPath("flock") != null,
                "AutoUpdateScriptTest", "git or flock is not on PATH");
        upstream = tmp.resolve("upstream.git");
        install = tmp.resolve("install");
        dev = tmp.resolve("dev");
        restarts = tmp.resolve("restarts");
        builds = tmp.resolve("builds");
        env = new HashMap<>(Map.of(
                "GIT_AUTHOR_NAME", "t", "GIT_AUTHOR_EMAIL", "t@example.com",
                "GIT_COMMITTER_NAME", "t", "GIT_COMMITTER_EMAIL", "t@example.com",
                "GIT_CONFIG_NOSYSTEM", "1", "HOME", tmp.toString(),
                "TS_UPDATE_BUILD_CMD", BUILD,
                "TS_UPDATE_RESTART_CMD", "echo \"restart $(cat VERSION)\" >> " + restarts));
        git(tmp, "init", "-q", "--bare", "-b", "main", upstream.toString());
        git(tmp, "clone", "-q", upstream.toString(), dev.toString());
        Files.writeString(dev.resolve("VERSION"), "v1\n");
        git(dev, "add", "VERSION");
        git(dev, "commit", "-q", "-m", "v1");
        git(dev, "push", "-q", "origin", "HEAD:main");
        git(tmp, "clone", "-q", upstream.toString(), install.toString());
        // the operator built v1 by hand: dist/ without a COMMIT record
        OpsFiles.write(install.resolve("dist/miner.jar"), "v1\n");
        OpsFiles.write(install.resolve("dist/validator.jar"), "v1\n");
    }

    @Test
    void anUnchangedUpstreamBuildsNothingAndRestartsNothing() throws Exception {
        OpsFiles.Result r = update();
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.output().contains("up to date"), r.output());
        assertFalse(Files.exists(builds), "no build");
        assertFalse(Files.exists(restarts), "no restart");
        assertEquals(head(install), Files.readString(install.resolve("dist/COMMIT")).strip(), "hand build recorded as HEAD's");

        OpsFiles.Result again = update();
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.output().contains("up to date"), again.output());
        assertFalse(Files.exists(builds));
    }

    @Test
    void aNewUpstreamCommitIsPulledBuiltSwappedInAndRestartedOnce() throws Exception {
        String v2 = commit("v2");

        OpsFiles.Result r = update();
        assertEquals(0, r.exit(), r.describe());
        assertEquals(v2, head(install), "fast-forwarded");
        assertEquals("v2\n", Files.readString(install.resolve("dist/miner.jar")));
        assertEquals("v2\n", Files.readString(install.resolve("dist/validator.jar")));
        assertEquals(v2, Files.readString(install.resolve("dist/COMMIT")).strip());
        assertEquals("v1\n", Files.readString(install.resolve(".cache/auto-update/dist-previous/miner.jar")), "previous build kept");
        assertEquals(List.of("building v2"), Files.readAllLines(builds));
        assertEquals(List.of("restart v2"), Files.readAllLines(restarts));
        for (String line : List.of("pulled 1 commit(s)", "building " + v2.substring(0, 7), "installed dist/ built from",
                "restarting: ", "restarted; running")) {
            assertTrue(r.output().contains(line), "log line '" + line + "' in:\n" + r.output());
        }

        OpsFiles.Result again = update();
        assertEquals(0, again.exit(), again.describe());
        assertTrue(again.output().contains("up to date"), again.output());
        assertEquals(1, Files.readAllLines(restarts).size(), "no second restart");
        assertEquals(1, Files.readAllLines(builds).size(), "no second build");
    }

    @Test
    void aFailedBuildRestartsNothingKeepsTheRunningJarsAndIsRetriedNextRun() throws Exception {
        commit("v2 broken");

        OpsFiles.Result r = update();
        assertEquals(3, r.exit(), r.describe());
        assertTrue(r.output().contains("build failed (exit 1, last line: compilation failure); keeping the running jars"), r.output());
        assertEquals("v1\n", Files.readString(install.resolve("dist/miner.jar")), "old jars untouched");
        assertFalse(Files.exists(restarts), "no restart");
        assertTrue(Files.readString(install.resolve(".cache/auto-update/build.log")).contains("compilation failure"));

        OpsFiles.Result retry = update();
        assertEquals(3, retry.exit(), "the pulled but unbuilt commit is built again: " + retry.describe());
        assertEquals(2, Files.readAllLines(builds).size());

        String v3 = commit("v3");
        OpsFiles.Result fixed = update();
        assertEquals(0, fixed.exit(), fixed.describe());
        assertEquals("v3\n", Files.readString(install.resolve("dist/miner.jar")));
        assertEquals(v3, Files.readString(install.resolve("dist/COMMIT")).strip());
        assertEquals(List.of("restart v3"), Files.readAllLines(restarts));
    }

    @Test
    void aBuildThatLeavesOutARunningJarCountsAsFailed() throws Exception {
        commit("v2 nominer");
        OpsFiles.Result r = update();
        assertEquals(3, r.exit(), r.describe());
        assertTrue(r.output().contains("build produced no miner.jar"), r.output());
        assertEquals("v1\n", Files.readString(install.resolve("dist/miner.jar")));
        assertFalse(Files.exists(restarts));
    }

    @Test
    void aSecondRunWhileOneIsRunningIsRefused() throws Exception {
        commit("v2");
        Path hold = tmp.resolve("hold");
        Map<String, String> holding = new HashMap<>(env);
        holding.put("HOLD", hold.toString());
        Path firstOut = tmp.resolve("first.out");
        Process first = OpsFiles.start(List.of("bash", SCRIPT.toString(), "--dir", install.toString()), tmp, holding, firstOut);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(Path.of(hold + ".started")) && first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(Path.of(hold + ".started")), "first run is building: " + OpsFiles.read(firstOut));

            OpsFiles.Result second = update();
            assertEquals(75, second.exit(), second.describe());
            assertTrue(second.output().contains("another auto-update is running"), second.output());

            Files.createFile(Path.of(hold + ".release"));
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), OpsFiles.read(firstOut));
        } finally {
            first.destroyForcibly();
        }
        assertEquals(List.of("restart v2"), Files.readAllLines(restarts), "one restart, by the first run");
    }

    @Test
    void localCommitsOrEditsAreNeverOverwritten() throws Exception {
        commit("v2");
        Files.writeString(install.resolve("VERSION"), "edited\n");
        OpsFiles.Result dirty = update();
        assertEquals(1, dirty.exit(), dirty.describe());
        assertTrue(dirty.output().contains("local changes; refusing to pull"), dirty.output());

        git(install, "commit", "-q", "-am", "local");
        OpsFiles.Result diverged = update();
        assertEquals(1, diverged.exit(), diverged.describe());
        assertTrue(diverged.output().contains("refusing (fast-forward only)"), diverged.output());
        assertFalse(Files.exists(builds));
        assertFalse(Files.exists(restarts));
    }

    @Test
    void checkReportsAnUpdateWithoutTouchingAnything() throws Exception {
        String v1 = head(install);
        commit("v2");
        OpsFiles.Result r = update("--check");
        assertEquals(10, r.exit(), r.describe());
        assertTrue(r.output().contains("update available"), r.output());
        assertEquals(v1, head(install));
        assertFalse(Files.exists(builds));
    }

    @Test
    void pm2AndSystemdModesRestartTheRightTargets() throws Exception {
        env.remove("TS_UPDATE_RESTART_CMD");
        Path calls = tmp.resolve("calls");
        Path pm2 = OpsFiles.script(tmp.resolve("bin/pm2"), "echo \"pm2 $*\" >> " + calls + "\n");
        // systemctl answers list-units with two daemons and the updater itself
        OpsFiles.script(tmp.resolve("bin/systemctl"), String.join("\n",
                "if [ \"$1\" = list-units ]; then",
                "  printf 'tensorswarm-miner@gpu0.service loaded active running Tensorswarm miner gpu0\\n'",
                "  printf 'tensorswarm-validator.service loaded active running Tensorswarm validator\\n'",
                "  printf 'tensorswarm-auto-update.service loaded active running Tensorswarm auto-update\\n'",
                "  exit 0",
                "fi",
                "echo \"systemctl $*\" >> " + calls,
                ""));
        env.put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("TS_UPDATE_PM2", pm2.toString());

        commit("v2");
        assertEquals(0, update("--pm2").exit());
        commit("v3");
        assertEquals(0, update("--pm2", "tensorswarm-miner", "tensorswarm-validator").exit());
        commit("v4");
        OpsFiles.Result r = update("--systemd");
        assertEquals(0, r.exit(), r.describe());
        commit("v5");
        assertEquals(0, update("--systemd", "tensorswarm-orchestrator.service").exit());

        assertEquals(List.of(
                        "pm2 restart tensorswarm",
                        "pm2 restart tensorswarm-miner tensorswarm-validator",
                        "systemctl restart tensorswarm-miner@gpu0.service tensorswarm-validator.service",
                        "systemctl restart tensorswarm-orchestrator.service"),
                Files.readAllLines(calls));
    }

    @Test
    void runAsRootGitAndTheBuildRunAsTheOwnerOfTheCloneAndTheRestartAsRoot() throws Exception {
        boolean nobody = OpsFiles.run(List.of("id", "-u", "nobody"), tmp, Map.of(), Duration.ofSeconds(10)).exit() == 0;
        OpsFiles.requireOrSkip("0".equals(uid()) && OpsFiles.onPath("runuser") != null && nobody,
                "AutoUpdateScriptTest.runAsRootGitAndTheBuildRunAsTheOwnerOfTheCloneAndTheRestartAsRoot",
                "needs root, runuser and the user nobody");
        // root's own git (HOME=tmp) may push into a repository nobody owns
        Files.writeString(tmp.resolve(".gitconfig"), "[safe]\n\tdirectory = *\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path owned : List.of(upstream, install)) {
            assertEquals(0, OpsFiles.run(List.of("chown", "-R", "nobody", owned.toString()), tmp, Map.of(),
                    Duration.ofSeconds(30)).exit());
        }
        commit("v2");
        env.put("TS_UPDATE_BUILD_CMD", BUILD.replace("echo \"building $(cat VERSION)\" >> ../builds", "id -un > \"$TS_UPDATE_DIST/builder\""));
        env.put("TS_UPDATE_RESTART_CMD", "id -un >> " + restarts);

        OpsFiles.Result r = update();
        assertEquals(0, r.exit(), r.describe());
        assertEquals("nobody", Files.readString(install.resolve("dist/builder")).strip());
        assertEquals("nobody", Files.getOwner(install.resolve("dist/miner.jar")).getName());
        assertEquals("nobody", Files.getOwner(install.resolve(".git/FETCH_HEAD")).getName(), "git ran as the owner");
        assertEquals(List.of("root"), Files.readAllLines(restarts), "restart as root (systemctl)");
    }

    private String uid() throws Exception {
        return OpsFiles.run(List.of("id", "-u"), tmp, Map.of(), Duration.ofSeconds(10)).output().strip();
    }

    private OpsFiles.Result update(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--dir", install.toString()));
        cmd.addAll(List.of(args));
        return OpsFiles.run(cmd, tmp, env, Duration.ofSeconds(60));
    }

    /** Commits VERSION = {@code version} upstream; returns the commit. */
    private String commit(String version) throws Exception {
        Files.writeString(dev.resolve("VERSION"), version + "\n");
        git(dev, "commit", "-q", "-am", version);
        git(dev, "push", "-q", "origin", "HEAD:main");
        return head(dev);
    }

    private String head(Path repo) throws Exception {
        return git(repo, "rev-parse", "HEAD").strip();
    }

    private String git(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        OpsFiles.Result r = OpsFiles.run(cmd, dir, env, Duration.ofSeconds(30));
        assertEquals(0, r.exit(), "git " + String.join(" ", args) + ": " + r.describe());
        return r.output();
    }
}
