package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chain info}: the chain's best block, runtime spec version and genesis hash. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        description = "Print the best block, the runtime spec version and the genesis hash.")
final class InfoCommand extends ChainSubcommand {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    void run(Chain chain) {
        ObjectNode info = new ObjectMapper().createObjectNode();
        info.put("chain", parent.settings(chainOptions).describe());
        info.put("block", chain.currentBlock());
        if (chain instanceof SubtensorClient node) {
            info.put("specVersion", Long.toString(node.specVersion()));
            info.put("genesisHash", hex(node.genesisHash()));
        } else {
            info.put("specVersion", "embedded");
            info.put("genesisHash", hex(chain.blockHash(0)));
        }
        if (chain instanceof LocalChain local) {
            info.put("blockTimeMillis", local.blockTime().toMillis());
        }
        if (json) {
            out().println(info.toString());
            return;
        }
        out().println("chain:        " + info.get("chain").asText());
        out().println("block:        " + info.get("block").asLong());
        out().println("spec version: " + info.get("specVersion").asText());
        out().println("genesis hash: " + info.get("genesisHash").asText());
        if (info.has("blockTimeMillis")) {
            out().println("block time:   " + info.get("blockTimeMillis").asLong() + " ms");
        }
    }

    private static String hex(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
