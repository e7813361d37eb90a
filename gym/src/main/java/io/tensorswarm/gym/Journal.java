package io.tensorswarm.gym;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.gym.attack.AdversaryKind;
import io.tensorswarm.gym.attack.RoundAction;
import io.tensorswarm.gym.net.PublishResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The gym's record of each round, {@code <state.dir>/rounds/<r>.json}: kind, hotkey, what the
 * adversary did and what {@code miner publish} printed; the local subnet's report shows it beside
 * the validator's verdict.
 */
public final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public Journal(Path stateDir) {
        this.dir = stateDir.resolve("rounds");
    }

    /** Returns the file of {@code round}. */
    public Path file(long round) {
        return dir.resolve(round + ".json");
    }

    /** Writes the record of {@code round} atomically. */
    public void write(long round, AdversaryKind kind, Identity self, RoundAction action) {
        ObjectNode root = JSON.createObjectNode();
        root.put("round", round);
        root.put("kind", kind.flagValue());
        root.put("hotkey", self.ss58());
        root.put("action", action.summary());
        ArrayNode published = root.putArray("published");
        for (PublishResult p : action.published()) {
            ObjectNode n = published.addObject();
            n.put("wallet", p.wallet());
            n.put("exit_code", p.exitCode());
            if (p.json() != null) {
                n.set("output", p.json());
            }
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(round + ".json.tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, file(round), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(round), e);
        }
    }
}
