package io.tensorswarm.chain.metadata;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.scale.ScaleDecodeException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Truncated, corrupted and random metadata fails with a typed {@link ChainException}, never OOM or IOOBE. */
class MetadataFuzzTest {
    private static final byte[] BLOB = ChainVectors.metadataBytes();

    @Test
    void truncatedBlobsFailWithDecodeErrors() {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            int cut = 5 + random.nextInt(BLOB.length - 5);
            byte[] truncated = Arrays.copyOf(BLOB, cut);
            assertThrows(ScaleDecodeException.class, () -> MetadataDecoder.decode(truncated), "cut at " + cut);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] longer = Arrays.copyOf(BLOB, BLOB.length + 1);
        assertThrows(ScaleDecodeException.class, () -> MetadataDecoder.decode(longer));
    }

    @Test
    void corruptedBlobsEitherDecodeOrFailTyped() {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] bad = BLOB.clone();
            for (int k = 0; k < 4; k++) {
                bad[5 + random.nextInt(2000)] = (byte) random.nextInt(256);
            }
            try {
                MetadataDecoder.decode(bad);
            } catch (ChainException expected) {
                // typed failure is the contract
            }
        }
    }

    @Test
    void randomGarbageAfterTheMagicFailsTyped() {
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            byte[] garbage = new byte[5 + random.nextInt(200)];
            random.nextBytes(garbage);
            System.arraycopy(new byte[] {'m', 'e', 't', 'a', 16}, 0, garbage, 0, 5);
            assertThrows(ChainException.class, () -> MetadataDecoder.decode(garbage));
        }
        assertThrows(MetadataException.class, () -> MetadataDecoder.decode(new byte[] {1, 2, 3}));
    }

    @Test
    void hugeLengthPrefixFailsBeforeAllocating() {
        byte[] blob = {'m', 'e', 't', 'a', 16, 0x03, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertThrows(ScaleDecodeException.class, () -> MetadataDecoder.decode(blob));
    }
}
