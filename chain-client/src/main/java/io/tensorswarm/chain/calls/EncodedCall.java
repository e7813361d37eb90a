package io.tensorswarm.chain.calls;

/**
 * An encoded runtime call: {@code pallet_index ‖ call_index ‖ SCALE(args)}, the bytes an
 * extrinsic carries and signs.
 */
public record EncodedCall(String pallet, String call, int palletIndex, int callIndex, byte[] args) {
    /** Copies the argument bytes. */
    public EncodedCall {
        args = args.clone();
    }

    /** Returns a copy of the encoded arguments. */
    @Override
    public byte[] args() {
        return args.clone();
    }

    /** Returns the full call bytes. */
    public byte[] toBytes() {
        byte[] out = new byte[2 + args.length];
        out[0] = (byte) palletIndex;
        out[1] = (byte) callIndex;
        System.arraycopy(args, 0, out, 2, args.length);
        return out;
    }
}
