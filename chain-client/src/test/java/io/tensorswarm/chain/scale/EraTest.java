package io.tensorswarm.chain.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction eras per chain-spec §3.2 ("Era / CheckMortality"); vectors {@code era} come from
 * polkadot-sdk {@code substrate/primitives/runtime/src/generic/era.rs} plus one derived.
 */
class EraTest {
    @ParameterizedTest
    @CsvSource({"64,42,a502,64,42", "32768,20000,4e9c,32768,20000", "128,1000,8606,128,104"})
    void mortalErasMatchSpecVectors(long period, long current, String hex, long expPeriod, long expPhase) {
        Era era = Era.mortal(period, current);
        assertEquals(hex, Hex.encode(era.toBytes()));
        assertEquals(expPeriod, era.period());
        assertEquals(expPhase, era.phase());
        assertEquals(era, Era.read(new ScaleReader(Hex.decode(hex))));
    }

    @Test
    void defaultSdkEraIsBornAtTheCurrentBlock() {
        assertEquals(1000, Era.mortal(128, 1000).birthBlock(1000));
        assertEquals(1000, Era.mortal(128, 1000).birthBlock(1100));
    }

    @Test
    void immortalEncodesAsOneZeroByte() {
        assertEquals("00", Hex.encode(Era.immortal().toBytes()));
        assertTrue(Era.read(new ScaleReader(new byte[] {0})).isImmortal());
        assertEquals(0, Era.immortal().birthBlock(5000));
    }

    @Test
    void periodIsRoundedUpAndClamped() {
        assertEquals(128, Era.mortal(100, 7).period());
        assertEquals(4, Era.mortal(1, 7).period());
        assertEquals(65536, Era.mortal(1 << 20, 7).period());
    }

    @Test
    void rejectsPhaseBeyondPeriod() {
        // low nibble 0 -> period 2, which is invalid
        assertThrows(ScaleDecodeException.class, () -> Era.read(new ScaleReader(new byte[] {0x10, 0})));
        assertThrows(ScaleDecodeException.class, () -> Era.read(new ScaleReader(new byte[] {0x05})));
    }
}
