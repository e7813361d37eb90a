package io.tensorswarm.chain.rpc;

import io.tensorswarm.chain.ChainException;

/** Thrown when a node answers a JSON-RPC call with an error object; carries its code, message and data. */
public class RpcErrorException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String rpcMessage;
    private final String data;

    /** Creates the exception for {@code method}'s error object; {@code data} may be null. */
    public RpcErrorException(String method, int code, String rpcMessage, String data) {
        super(method + " failed: " + code + " " + rpcMessage + (data == null || data.isBlank() ? "" : ": " + data),
                null, false);
        this.code = code;
        this.rpcMessage = rpcMessage;
        this.data = data;
    }

    /** Returns the JSON-RPC error code (for example -32601 method not found, 1010 invalid transaction). */
    public int code() {
        return code;
    }

    /** Returns the error object's {@code message}. */
    public String rpcMessage() {
        return rpcMessage;
    }

    /** Returns the error object's {@code data} as text, or null when absent. */
    public String data() {
        return data;
    }
}
