package io.tensorswarm.miner;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.protocol.DeltaCodecs;
import java.util.Iterator;
import picocli.CommandLine.Option;

/**
 * The {@code --codec} flag of the miner commands that write deltas: exactly the protocol's codecs
 * ({@link DeltaCodecs#names()}), with one default ({@link DeltaCodecs#DEFAULT}, or env {@code
 * TS_CODEC}), so no command writes a delta that validators cannot decode.
 */
public final class CodecOption {
    @Option(names = "--codec", defaultValue = "${env:TS_CODEC:-" + DeltaCodecs.DEFAULT + "}", paramLabel = "<codec>",
            completionCandidates = Known.class,
            description = "Delta codec, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; env TS_CODEC).")
    String codec;

    /**
     * Returns the chosen codec's name.
     *
     * @throws ExitException (usage) when the protocol has no such codec, naming the known ones
     */
    public String name() {
        if (!DeltaCodecs.isKnown(codec)) {
            throw new ExitException(ExitCodes.USAGE, "--codec: unknown codec '" + codec + "'; known: "
                    + String.join(", ", DeltaCodecs.names()));
        }
        return codec;
    }

    /** The protocol's codec names, for {@code ${COMPLETION-CANDIDATES}}. */
    static final class Known implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return DeltaCodecs.names().iterator();
        }
    }
}
