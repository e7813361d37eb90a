package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chain commitments}: every hotkey's commitment on the subnet with the block it was set in. */
@Command(
        name = "commitments",
        mixinStandardHelpOptions = true,
        description = "Print every commitment on the subnet: hotkey, block, data (text when valid UTF-8, else hex).")
final class CommitmentsCommand extends ChainSubcommand {
    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--json", description = "Print [{\"hotkey\", \"block\", \"hex\", \"text\"}] (text null when not UTF-8).")
    boolean json;

    @Override
    void run(Chain chain) {
        requireSubnet(chain, netuid);
        List<Commitment> all = chain.commitments(netuid).stream()
                .sorted(Comparator.comparingLong(Commitment::block).thenComparing(Commitment::hotkey)).toList();
        if (json) {
            ArrayNode array = new ObjectMapper().createArrayNode();
            for (Commitment c : all) {
                String text = text(c.data());
                array.addObject().put("hotkey", c.hotkey()).put("block", c.block())
                        .put("hex", "0x" + HexFormat.of().formatHex(c.data())).put("text", text);
            }
            out().println(array.toString());
            return;
        }
        out().println(all.size() + " commitments on subnet " + netuid);
        for (Commitment c : all) {
            String text = text(c.data());
            out().printf("%-48s  %8d  %s%n", c.hotkey(), c.block(),
                    text != null ? text : "0x" + HexFormat.of().formatHex(c.data()));
        }
    }

    /** Returns the bytes as text when they are valid UTF-8 without control characters, else null. */
    private static String text(byte[] data) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
            return s.chars().anyMatch(Character::isISOControl) ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
