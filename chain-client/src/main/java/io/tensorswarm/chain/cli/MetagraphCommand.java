package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chain metagraph}: the subnet's neurons as a table or JSON. */
@Command(
        name = "metagraph",
        mixinStandardHelpOptions = true,
        description = "Print the subnet's neurons: uid, hotkey, coldkey, stake, permit, last update, incentive, "
                + "dividends, axon.")
final class MetagraphCommand extends ChainSubcommand {
    private static final String ROW = "%5s  %-48s  %-48s  %16s  %6s  %11s  %9s  %9s  %s%n";

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--json", description = "Print {\"netuid\", \"block\", \"neurons\": [...]}; stake in rao.")
    boolean json;

    @Override
    void run(Chain chain) {
        requireSubnet(chain, netuid);
        Metagraph mg = chain.metagraph(netuid);
        if (json) {
            printJson(mg);
            return;
        }
        out().println("subnet " + mg.netuid() + " at block " + mg.block() + ": " + mg.neurons().size() + " neurons");
        out().printf(ROW, "UID", "HOTKEY", "COLDKEY", "STAKE (TAO)", "PERMIT", "LAST_UPDATE", "INCENTIVE",
                "DIVIDENDS", "AXON");
        for (Neuron n : mg.neurons()) {
            out().printf(ROW, n.uid(), n.hotkey(), n.coldkey(), TxOutput.tao(n.stakeRao()),
                    n.validatorPermit() ? "yes" : "no", n.lastUpdate(), fraction(n.incentive()),
                    fraction(n.dividends()), axon(n.axon()));
        }
    }

    private void printJson(Metagraph mg) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("netuid", mg.netuid()).put("block", mg.block());
        ArrayNode neurons = root.putArray("neurons");
        for (Neuron n : mg.neurons()) {
            ObjectNode node = neurons.addObject();
            node.put("uid", n.uid()).put("hotkey", n.hotkey()).put("coldkey", n.coldkey())
                    .put("stakeRao", n.stakeRao()).put("validatorPermit", n.validatorPermit())
                    .put("lastUpdate", n.lastUpdate()).put("incentive", n.incentive()).put("dividends", n.dividends());
            AxonInfo a = n.axon();
            node.putObject("axon").put("ip", a.ip()).put("port", a.port()).put("ipType", a.ipType())
                    .put("protocol", a.protocol()).put("version", a.version());
        }
        out().println(root.toString());
    }

    private static String fraction(double value) {
        return String.format(Locale.ROOT, "%.5f", value);
    }

    private static String axon(AxonInfo a) {
        if (a.port() == 0 && (a.ip().equals("0.0.0.0") || a.ip().equals("::"))) {
            return "-";
        }
        return (a.ip().contains(":") ? "[" + a.ip() + "]" : a.ip()) + ":" + a.port();
    }
}
