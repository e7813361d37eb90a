package io.tensorswarm.common.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors bytes by hand from the spec, for tests that need exact or broken files. */
final class RawFiles {
    private RawFiles() {}

    /** Returns {@code u64le(len(json)) + json + data}, with no padding added. */
    static byte[] file(String json, byte[] data) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        return withLengthField(header.length, header, data);
    }

    /** Returns {@code u64le(lengthField) + header + data}, whatever the length field says. */
    static byte[] withLengthField(long lengthField, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lengthField).put(header).put(data);
        return b.array();
    }

    /** Returns the little-endian bytes of the floats. */
    static byte[] floatsLe(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Returns {@code n} zero bytes. */
    static byte[] zeros(int n) {
        return new byte[n];
    }
}
