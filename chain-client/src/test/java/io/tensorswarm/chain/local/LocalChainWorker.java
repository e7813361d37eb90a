package io.tensorswarm.chain.local;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A second process for the multi-process tests: {@code register <dir> <netuid> <prefix> <count>}
 * registers hotkeys {@code //<prefix>-i} under //Bob and commits their names; {@code fund <dir>
 * <ss58>} funds an account by 1 rao in a loop until killed.
 */
public final class LocalChainWorker {
    private LocalChainWorker() {}

    public static void main(String[] args) {
        LocalChain chain = LocalChain.open(Path.of(args[1]));
        switch (args[0]) {
            case "register" -> {
                int netuid = Integer.parseInt(args[2]);
                Sr25519KeyPair bob = Sr25519KeyPair.fromUri("//Bob");
                for (int i = 0; i < Integer.parseInt(args[4]); i++) {
                    Sr25519KeyPair hot = Sr25519KeyPair.fromUri("//" + args[3] + "-" + i);
                    chain.burnedRegister(netuid, bob, hot.ss58Address());
                    chain.setCommitment(netuid, hot, (args[3] + "-" + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            case "fund" -> {
                System.out.println("ready");
                System.out.flush();
                while (true) {
                    chain.fund(args[2], 1);
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
