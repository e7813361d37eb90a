package io.tensorswarm.validator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.cli.PendingReveal;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the pending reveals of the validator's earlier file, {@code <state.dir>/pending-reveals.json}
 * (a list of {@code {round, commitBlock, commitHash, uids, weights, salt, versionKey}}), into the
 * shared {@link PendingRevealStore}, then deletes it. Entries already in the store (same commit hash)
 * are not added twice, so a migration interrupted by a crash is simply run again.
 */
final class LegacyPendingReveals {
    private static final Logger log = LoggerFactory.getLogger(LegacyPendingReveals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The earlier file's name in the state folder. */
    static final String FILE = "pending-reveals.json";

    private LegacyPendingReveals() {}

    /**
     * Migrates {@code legacy} into {@code store} for {@code hotkey} on subnet {@code netuid} of
     * {@code chain}; returns how many reveals were added (0 when there is no such file).
     *
     * @throws ExitException (state) when the file is not the earlier format
     */
    static int migrate(Path legacy, PendingRevealStore store, Chain chain, int netuid, String hotkey) {
        if (!Files.exists(legacy)) {
            return 0;
        }
        JsonNode list;
        try {
            list = JSON.readTree(legacy.toFile());
        } catch (IOException e) {
            throw unreadable(legacy, e.getMessage().lines().findFirst().orElse(""));
        }
        if (list == null || !list.isArray()) {
            throw unreadable(legacy, "not a JSON list");
        }
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        Set<String> known = new HashSet<>();
        store.load().forEach(r -> known.add(r.commitHash()));
        int added = 0;
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String hash = text(legacy, n, "commitHash");
            if (known.add(hash)) {
                try {
                    store.add(PendingReveal.of(chain, hp, hotkey, ints(legacy, n, "uids"), ints(legacy, n, "weights"),
                            ints(legacy, n, "salt"), number(legacy, n, "versionKey"), number(legacy, n, "commitBlock"),
                            hash));
                } catch (IllegalArgumentException e) {
                    throw unreadable(legacy, "entry " + i + ": " + e.getMessage());
                }
                added++;
            }
        }
        try {
            Files.delete(legacy);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the migrated pending-reveal file " + legacy, e);
        }
        log.info("moved {} pending reveal(s) from {} to {}", added, legacy, store.file());
        return added;
    }

    private static String text(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw unreadable(file, "an entry has no text field '" + field + "'");
        }
        return v.asText();
    }

    private static long number(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong()) {
            throw unreadable(file, "an entry has no whole-number field '" + field + "'");
        }
        return v.asLong();
    }

    private static int[] ints(Path file, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isArray()) {
            throw unreadable(file, "an entry has no list field '" + field + "'");
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).canConvertToInt()) {
                throw unreadable(file, "field '" + field + "' holds a non-integer");
            }
            out[i] = v.get(i).asInt();
        }
        return out;
    }

    private static ExitException unreadable(Path file, String why) {
        return new ExitException(ExitCodes.STATE, "the pending-reveal file " + file + " is not readable: " + why);
    }
}
