package io.tensorswarm.common.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AcceptedCodecsTest {
    @Test
    void theSubnetDefaultAcceptsOnlyTheMinersDefaultCodec() {
        AcceptedCodecs accepted = AcceptedCodecs.subnetDefault();
        assertEquals(List.of(DeltaCodecs.DEFAULT), accepted.names());
        for (String name : DeltaCodecs.names()) {
            assertEquals(name.equals(DeltaCodecs.DEFAULT), accepted.accepts(name), name);
        }
    }

    @Test
    void refusalNamesTheDeltasCodecAndWhatTheSubnetAccepts() {
        AcceptedCodecs accepted = AcceptedCodecs.parse("sparseloco, bf16");
        assertEquals(Optional.empty(), accepted.refusal("bf16"));
        assertEquals(Optional.of("delta is fp32, the subnet accepts sparseloco or bf16"), accepted.refusal("fp32"));
        assertEquals(Optional.of("delta is of no codec, the subnet accepts sparseloco or bf16"), accepted.refusal(null));
    }

    @Test
    void anUnknownCodecFromAManifestIsQuotedOnOneLine() {
        String refusal = AcceptedCodecs.parse("sparseloco").refusal("x\nFAKE LOG LINE").orElseThrow();
        assertFalse(refusal.contains("\n"), refusal);
        assertTrue(refusal.startsWith("delta is \"x\\u000a"), refusal);
    }

    @Test
    void parsingRefusesUnknownAndEmptyNames() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AcceptedCodecs.parse("sparse"))
                .getMessage().contains("known: fp32"));
        assertThrows(IllegalArgumentException.class, () -> AcceptedCodecs.parse(""));
        assertThrows(IllegalArgumentException.class, () -> AcceptedCodecs.parse("bf16,,fp32"));
        assertThrows(IllegalArgumentException.class, () -> AcceptedCodecs.of(List.of()));
    }

    @Test
    void repeatedNamesCountOnce() {
        assertEquals(List.of("bf16", "fp32"), AcceptedCodecs.parse("bf16,fp32,bf16").names());
        assertEquals(AcceptedCodecs.parse("bf16,fp32"), AcceptedCodecs.parse("bf16,fp32,bf16"));
    }
}
