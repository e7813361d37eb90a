package io.tensorswarm.common.cli;

import io.tensorswarm.common.model.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The {@code --precision fp32|bf16} option: what forward and backward passes compute in. */
public final class PrecisionOption {
    @Option(
            names = "--precision",
            defaultValue = "${env:TS_PRECISION:-fp32}",
            paramLabel = "<fp32|bf16>",
            converter = PrecisionOption.Converter.class,
            description = "Compute in fp32, or in bf16 with fp32 master weights, optimizer state and loss "
                    + "(default: ${DEFAULT-VALUE}; env TS_PRECISION).")
    Precision precision;

    /** Returns the chosen precision. */
    public Precision get() {
        return precision;
    }

    /** Parses {@code fp32} or {@code bf16}, any case, into a one-line usage error otherwise. */
    public static final class Converter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
