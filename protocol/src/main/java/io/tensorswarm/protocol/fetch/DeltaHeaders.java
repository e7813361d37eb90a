package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecException;
import io.tensorswarm.common.protocol.DeltaFileBounds;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.safetensors.SafetensorsException;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a delta's safetensors header with ranged reads, before its body, and checks it against the
 * manifest and the codec's rules for the base layout. A header that passes fixes the delta's exact
 * size, so the body download that follows can be nothing but the tensors the codec implies.
 */
final class DeltaHeaders {
    /** The first ranged read: the 8-byte length and, for models of up to a few hundred tensors, the whole header. */
    static final int FIRST_READ = 64 << 10;

    private DeltaHeaders() {}

    /**
     * Returns the header of the delta under {@code key}, read with at most two ranged reads; the
     * object must be {@code size} bytes (the manifest's) and the header within {@code bounds}.
     *
     * @throws RejectedDeltaException naming the miner and the first fault
     */
    static SafetensorsHeader read(String hotkey, ObjectStore store, String key, long size, DeltaFileBounds bounds) {
        if (size < 8) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": a delta of " + size
                    + " bytes cannot hold a safetensors header");
        }
        int first = (int) Math.min(size, Math.min(FIRST_READ, 8 + bounds.maxHeaderBytes()));
        byte[] head = range(hotkey, store, key, 0, first, size);
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > bounds.maxHeaderBytes()) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": header length " + Long.toUnsignedString(n)
                    + " is above the " + bounds.maxHeaderBytes() + " bytes a delta of this base can need");
        }
        int end = (int) (8 + n);
        if (end > size) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": header length " + n
                    + " reaches past the end of the " + size + "-byte delta");
        }
        byte[] bytes = head;
        if (end > first) {
            byte[] rest = range(hotkey, store, key, first, end - first, size);
            bytes = new byte[end];
            System.arraycopy(head, 0, bytes, 0, first);
            System.arraycopy(rest, 0, bytes, first, rest.length);
        }
        try {
            // Data capped by the object's size, not the codec's bound: a header of another codec is then
            // reported as a codec mismatch by check(), not as a limit.
            return new SafetensorsReader(bounds.readLimits().withMaxTotalBytes(size))
                    .readHeader(new ByteArrayInputStream(bytes, 0, end), key);
        } catch (SafetensorsException e) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": cannot parse the header: " + e.getMessage(), e);
        }
    }

    /**
     * Checks a header against the manifest and the codec's rules: the file length it implies is the
     * manifest's {@code delta_size}, its codec and tensor count are the manifest's, and every tensor
     * name, dtype and shape is what the codec stores for {@code layout}.
     *
     * @throws RejectedDeltaException naming the miner and the first mismatch
     */
    static void check(String hotkey, SafetensorsHeader header, DeltaManifest manifest, DeltaCodec codec, ParameterSet layout) {
        if (header.fileLength() != manifest.deltaSize()) {
            throw new RejectedDeltaException("manifest mismatch", hotkey + ": the delta's header describes a file of "
                    + header.fileLength() + " bytes, the manifest says " + manifest.deltaSize());
        }
        String codecName = header.metadata().get(DeltaMetadata.CODEC);
        if (!manifest.codec().equals(codecName)) {
            throw new RejectedDeltaException("codec mismatch", hotkey + ": manifest says codec " + manifest.codec()
                    + ", the delta file says " + (codecName == null ? "none" : LocatorSchemes.shown(codecName)));
        }
        if (header.size() != manifest.tensorCount()) {
            throw new RejectedDeltaException("manifest mismatch", hotkey + ": manifest says "
                    + manifest.tensorCount() + " tensors, the delta file holds " + header.size());
        }
        try {
            codec.checkHeader(header, layout);
        } catch (DeltaCodecException e) {
            throw new RejectedDeltaException("bad delta", hotkey + ": " + e.getMessage(), e);
        }
    }

    private static byte[] range(String hotkey, ObjectStore store, String key, long offset, int length, long size) {
        GetRequest request = GetRequest.builder().setKey(key).optRange(offset, length).optMaxBytes(length)
                .optExpectedSize(size).build();
        byte[] bytes;
        try {
            bytes = store.getBytes(request);
        } catch (StorageException e) {
            throw SubmissionFetch.rejection(hotkey, e, "delta size mismatch");
        }
        if (bytes.length != length) {
            throw new RejectedDeltaException("bad delta file", hotkey + ": asked for " + length + " header bytes at "
                    + offset + ", got " + bytes.length);
        }
        return bytes;
    }
}
