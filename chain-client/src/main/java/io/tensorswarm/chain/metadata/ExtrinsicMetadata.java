package io.tensorswarm.chain.metadata;

import java.util.List;
import java.util.Map;

/**
 * The metadata's extrinsic section, normalized across V14, V15 and V16.
 *
 * @param versions extrinsic format versions the runtime accepts (V14/V15 list one)
 * @param addressTypeId type of the signer address, or -1 when the metadata (V14) does not say
 * @param callTypeId type of the outer call enum, or -1 when not given
 * @param signatureTypeId type of the signature, or -1 when not given
 * @param extensions all signed/transaction extensions, in extrinsic order
 * @param extensionsByVersion V16 only: extension version to indices into {@code extensions}
 */
public record ExtrinsicMetadata(
        List<Integer> versions,
        int addressTypeId,
        int callTypeId,
        int signatureTypeId,
        List<SignedExtension> extensions,
        Map<Integer, List<Integer>> extensionsByVersion) {

    /** Copies the collections. */
    public ExtrinsicMetadata {
        versions = List.copyOf(versions);
        extensions = List.copyOf(extensions);
        extensionsByVersion = Map.copyOf(extensionsByVersion);
    }
}
