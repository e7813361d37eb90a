package io.tensorswarm.chain.calls;

import io.tensorswarm.chain.metadata.RuntimeApi;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.ValueDecoder;
import io.tensorswarm.chain.metadata.ValueEncoder;
import io.tensorswarm.chain.scale.ScaleWriter;

/**
 * A {@code state_call} request for a runtime API method: the method string {@code Trait_method}
 * and the SCALE-concatenated arguments, encoded from the method's input types in the metadata.
 *
 * <pre>{@code
 * RuntimeApiCall req = RuntimeApiCall.of(md, "NeuronInfoRuntimeApi", "get_neurons_lite", 1);
 * byte[] reply = rpc.stateCall(req.method(), req.params());
 * Object neurons = req.decodeResult(md, reply);
 * }</pre>
 */
public record RuntimeApiCall(String method, byte[] params, int outputTypeId) {
    /** Copies the parameter bytes. */
    public RuntimeApiCall {
        params = params.clone();
    }

    /** Returns a copy of the encoded parameters. */
    @Override
    public byte[] params() {
        return params.clone();
    }

    /**
     * Returns the request for {@code trait.method(args...)}.
     *
     * @throws io.tensorswarm.chain.metadata.MetadataException if the method is unknown (or V14)
     * @throws IllegalArgumentException if the arguments do not fit the method's inputs
     */
    public static RuntimeApiCall of(RuntimeMetadata md, String trait, String method, Object... args) {
        RuntimeApi.Method m = md.runtimeApi(trait, method);
        if (args.length != m.inputs().size()) {
            throw new IllegalArgumentException(trait + "_" + method + " takes " + m.inputs().size()
                    + " arguments, got " + args.length);
        }
        ValueEncoder encoder = new ValueEncoder(md.types());
        ScaleWriter out = new ScaleWriter();
        for (int i = 0; i < args.length; i++) {
            encoder.encode(m.inputs().get(i).typeId(), args[i], out);
        }
        return new RuntimeApiCall(trait + "_" + method, out.toByteArray(), m.outputTypeId());
    }

    /** Decodes a {@code state_call} reply with the method's output type (see {@link ValueDecoder}). */
    public Object decodeResult(RuntimeMetadata md, byte[] reply) {
        return new ValueDecoder(md.types()).decode(outputTypeId, reply);
    }
}
