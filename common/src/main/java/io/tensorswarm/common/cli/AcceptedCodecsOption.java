package io.tensorswarm.common.cli;

import io.tensorswarm.common.protocol.AcceptedCodecs;
import io.tensorswarm.common.protocol.DeltaCodecs;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --codec} option of the daemons that fetch deltas (validator, averager): the codecs the
 * subnet accepts. It reads the same {@code TS_CODEC} the miners write with, so one {@code .env}
 * keeps a whole subnet on one codec.
 */
public final class AcceptedCodecsOption {
    @Option(
            names = "--codec",
            defaultValue = "${env:TS_CODEC:-" + DeltaCodecs.DEFAULT + "}",
            paramLabel = "<codec>[,<codec>]",
            converter = AcceptedCodecsOption.Converter.class,
            description = "Codecs the subnet accepts; a delta in any other is refused before its download "
                    + "(codec not accepted) and scores 0 (default: ${DEFAULT-VALUE}; env TS_CODEC).")
    AcceptedCodecs codecs;

    /** Returns the accepted codecs. */
    public AcceptedCodecs get() {
        return codecs;
    }

    /** Parses a comma-separated list of known codec names into a one-line usage error otherwise. */
    public static final class Converter implements ITypeConverter<AcceptedCodecs> {
        @Override
        public AcceptedCodecs convert(String value) {
            try {
                return AcceptedCodecs.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
