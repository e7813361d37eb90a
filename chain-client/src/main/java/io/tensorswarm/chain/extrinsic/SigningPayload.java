package io.tensorswarm.chain.extrinsic;

import io.tensorswarm.chain.hash.Hashing;
import java.io.ByteArrayOutputStream;

/**
 * The bytes an extrinsic's signature covers: {@code call ‖ extra ‖ additional}, where extra is the
 * explicit extension data carried in the extrinsic and additional the implicit data both sides
 * know. {@link #toSign()} is what gets signed: the payload itself, or its blake2-256 when it is
 * longer than 256 bytes.
 */
public record SigningPayload(byte[] call, byte[] extra, byte[] additional) {
    /** Payloads longer than this are hashed before signing. */
    public static final int MAX_UNHASHED = 256;

    /** Copies the parts. */
    public SigningPayload {
        call = call.clone();
        extra = extra.clone();
        additional = additional.clone();
    }

    @Override
    public byte[] call() {
        return call.clone();
    }

    @Override
    public byte[] extra() {
        return extra.clone();
    }

    @Override
    public byte[] additional() {
        return additional.clone();
    }

    /** Returns {@code call ‖ extra ‖ additional}. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(call.length + extra.length + additional.length);
        out.writeBytes(call);
        out.writeBytes(extra);
        out.writeBytes(additional);
        return out.toByteArray();
    }

    /** Returns the message to sign: {@link #bytes()}, or its blake2-256 when longer than 256 bytes. */
    public byte[] toSign() {
        byte[] b = bytes();
        return b.length > MAX_UNHASHED ? Hashing.blake2b256(b) : b;
    }
}
