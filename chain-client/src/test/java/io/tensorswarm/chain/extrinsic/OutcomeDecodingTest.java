package io.tensorswarm.chain.extrinsic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.metadata.ErrorInfo;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.VariantValue;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeDecodingTest {
    private static final RuntimeMetadata MD = ChainVectors.metadata();

    private static int errorIndex(String name) {
        return MD.pallet("SubtensorModule").findError(name).map(ErrorInfo::errorIndex).orElseThrow();
    }

    @Test
    void moduleErrorIsResolvedToPalletErrorNameAndDocs() {
        int pallet = MD.pallet("SubtensorModule").index();
        Object error = new VariantValue("Module", 3, Map.of("index", pallet,
                "error", new byte[] {(byte) errorIndex("SettingWeightsTooFast"), 0, 0, 0}));
        DispatchException e = DispatchErrors.toException(MD, error);
        assertEquals("SubtensorModule", e.pallet());
        assertEquals("SettingWeightsTooFast", e.errorName());
        assertEquals("SubtensorModule.SettingWeightsTooFast: "
                + String.join(" ", MD.pallet("SubtensorModule").findError("SettingWeightsTooFast").orElseThrow().docs())
                        .strip(), e.getMessage());
    }

    @Test
    void otherDispatchErrorsKeepTheirVariantNames() {
        assertEquals("BadOrigin", DispatchErrors.toException(MD, new VariantValue("BadOrigin", 2, java.util.List.of()))
                .errorName());
        DispatchException token = DispatchErrors.toException(MD,
                new VariantValue("Token", 7, new VariantValue("FundsUnavailable", 0, java.util.List.of())));
        assertEquals("Token", token.pallet());
        assertEquals("FundsUnavailable", token.errorName());
    }

    @Test
    void unknownModuleErrorStillNamesItsIndices() {
        DispatchException e = DispatchErrors.toException(MD,
                new VariantValue("Module", 3, Map.of("index", 250, "error", new byte[] {9, 0, 0, 0})));
        assertEquals("Pallet250", e.pallet());
        assertEquals("Error9", e.errorName());
    }

    @Test
    void transactionStatusesParseFromStringsAndObjects() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(new TransactionStatus(TransactionStatus.Kind.READY, null),
                TransactionStatus.parse(json.readTree("\"ready\"")));
        assertEquals(new TransactionStatus(TransactionStatus.Kind.IN_BLOCK, "0xab"),
                TransactionStatus.parse(json.readTree("{\"inBlock\":\"0xab\"}")));
        assertEquals(new TransactionStatus(TransactionStatus.Kind.FINALIZED, "0xcd"),
                TransactionStatus.parse(json.readTree("{\"finalized\":{\"hash\":\"0xcd\",\"index\":1}}")));
        assertEquals(TransactionStatus.Kind.DROPPED, TransactionStatus.parse(json.readTree("\"dropped\"")).kind());
        assertEquals(TransactionStatus.Kind.BROADCAST,
                TransactionStatus.parse(json.readTree("{\"broadcast\":[\"peer\"]}")).kind());
    }
}
