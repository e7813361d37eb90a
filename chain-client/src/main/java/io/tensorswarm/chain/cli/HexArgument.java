package io.tensorswarm.chain.cli;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.util.HexFormat;

/** Parses hex flag values with or without a {@code 0x} prefix. */
final class HexArgument {
    private HexArgument() {}

    static byte[] parse(String flag, String value) {
        String v = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        try {
            return HexFormat.of().parseHex(v);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, flag + " is not hex: " + e.getMessage());
        }
    }
}
