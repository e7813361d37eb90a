package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;

/** Checks SS58 flag values; a malformed address is a usage error naming the flag. */
final class Ss58Argument {
    private Ss58Argument() {}

    static String require(String flag, String value) {
        try {
            return Ss58Address.decode(value).toString();
        } catch (RuntimeException e) {
            throw new ExitException(ExitCodes.USAGE, flag + " " + value + " is not a valid SS58 address: " + e.getMessage());
        }
    }
}
