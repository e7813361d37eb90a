package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chain serve-axon}: announces the hotkey's address (protocol 4, as the SDK sends). */
@Command(
        name = "serve-axon",
        mixinStandardHelpOptions = true,
        description = "Announce the hotkey's axon address on the subnet (signed by the hotkey).")
final class ServeAxonCommand extends ChainSubcommand {
    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--ip", required = true, paramLabel = "<ip>", description = "IPv4 or IPv6 literal.")
    String ip;

    @Option(names = "--port", required = true, paramLabel = "<port>", description = "TCP port, 1-65535.")
    int port;

    @Option(names = "--axon-version", defaultValue = "0", paramLabel = "<n>",
            description = "Version number announced with the axon (default: ${DEFAULT-VALUE}).")
    long version;

    @Override
    void run(Chain chain) {
        InetAddress address = parseIp();
        if (port < 1 || port > 65535) {
            throw new ExitException(ExitCodes.USAGE, "--port must be in [1, 65535], got " + port);
        }
        requireSubnet(chain, netuid);
        Sr25519KeyPair hotkey = parent.wallet(walletOptions).hotkey();
        int ipType = address instanceof Inet4Address ? 4 : 6;
        AxonInfo axon = new AxonInfo(address.getHostAddress(), port, ipType, 4, version);
        TxOutput.fee(out(), chain, md -> SubtensorCalls.serveAxon(md, netuid, version, address, port), hotkey);
        TxOutput.receipt(out(), "served axon " + ip + ":" + port + " for " + hotkey.ss58Address(),
                chain.serveAxon(netuid, hotkey, axon));
    }

    private InetAddress parseIp() {
        boolean literal = ip.contains(":") || ip.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!literal) {
            throw new ExitException(ExitCodes.USAGE, "--ip must be an IPv4 or IPv6 literal, got '" + ip + "'");
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new ExitException(ExitCodes.USAGE, "--ip must be an IPv4 or IPv6 literal, got '" + ip + "'");
        }
    }
}
