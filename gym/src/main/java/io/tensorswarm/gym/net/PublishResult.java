package io.tensorswarm.gym.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * What {@code miner publish} reported: its exit code and, when it printed one, its JSON line
 * ({@code base_revision, codec, commit_block, delta_bytes, delta_sha256, hotkey, locator, round,
 * uploaded}).
 *
 * @param wallet the wallet name it published for
 * @param exitCode the child's exit code (0 done, 1 failure, 2 usage; -1 killed after the give-up block)
 * @param json the JSON line, or null when none was printed
 */
public record PublishResult(String wallet, int exitCode, JsonNode json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Returns the result of a finished child: the last stdout line that is a JSON object. */
    public static PublishResult of(String wallet, int exitCode, List<String> stdout) {
        JsonNode found = null;
        for (String line : stdout) {
            String t = line.strip();
            if (t.startsWith("{")) {
                try {
                    JsonNode n = JSON.readTree(t);
                    if (n.isObject()) {
                        found = n;
                    }
                } catch (java.io.IOException e) {
                    // not the JSON line
                }
            }
        }
        return new PublishResult(wallet, exitCode, found);
    }

    /** Returns whether the child exited 0. */
    public boolean ok() {
        return exitCode == 0;
    }

    /** Returns the block the commitment landed in, when reported. */
    public Optional<Long> commitBlock() {
        return json == null || !json.hasNonNull("commit_block") ? Optional.empty()
                : Optional.of(json.get("commit_block").asLong());
    }

    /** Returns one line for logs: exit code, commit block, whether uploaded, delta hash. */
    public String summary() {
        if (json == null) {
            return wallet + ": exit " + exitCode + ", no JSON line";
        }
        String sha = json.path("delta_sha256").asText("");
        return wallet + ": exit " + exitCode + ", committed in block " + commitBlock().map(String::valueOf).orElse("?")
                + ", uploaded " + json.path("uploaded").asText("?") + ", delta " + (sha.length() > 12 ? sha.substring(0, 12) : sha);
    }
}
