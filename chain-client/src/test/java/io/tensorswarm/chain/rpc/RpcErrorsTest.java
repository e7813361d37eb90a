package io.tensorswarm.chain.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tensorswarm.chain.DispatchException;
import org.junit.jupiter.api.Test;

class RpcErrorsTest {
    @Test
    void subtensorCustomCodesAreNamedAsInTheSpecTable() {
        assertEquals("ColdkeyInSwapSchedule", RpcErrors.reasonName("Custom error: 0"));
        assertEquals("RateLimitExceeded", RpcErrors.reasonName("Custom error: 6"));
        assertEquals("HotKeyNotRegisteredInNetwork", RpcErrors.reasonName("Custom error: 10"));
        assertEquals("DelegateTakeTooHigh", RpcErrors.reasonName("Custom error: 27"));
        assertEquals("BadRequest", RpcErrors.reasonName("Custom error: 255"));
        assertEquals("Custom99", RpcErrors.reasonName("Custom error: 99"));
    }

    @Test
    void standardPoolReasonsAreNamedByVariant() {
        assertEquals("BadProof", RpcErrors.reasonName("Transaction has a bad signature"));
        assertEquals("Stale", RpcErrors.reasonName("Transaction is outdated"));
        assertEquals("Payment", RpcErrors.reasonName("Inability to pay some fees (e.g. account balance too low)"));
        assertEquals("Unrecognized", RpcErrors.reasonName("something new"));
    }

    @Test
    void otherErrorCodesStayRpcErrors() throws Exception {
        var e = RpcErrors.toException("state_call", ScriptedNode.JSON.readTree(
                "{\"code\":-32000,\"message\":\"Client error\",\"data\":{\"x\":1}}"));
        RpcErrorException rpc = assertInstanceOf(RpcErrorException.class, e);
        assertEquals("{\"x\":1}", rpc.data());
        var pool = RpcErrors.toException("author_submitExtrinsic", ScriptedNode.JSON.readTree(
                "{\"code\":1010,\"message\":\"Invalid Transaction\",\"data\":\"Transaction is outdated\"}"));
        assertEquals("Stale", assertInstanceOf(DispatchException.class, pool).errorName());
    }
}
