package io.tensorswarm.chain.metadata;

/**
 * A signed (transaction) extension, in extrinsic order: its identifier, the type of its explicit
 * bytes in the extrinsic ("extra") and of its implicit bytes in the signed payload ("additional
 * signed").
 */
public record SignedExtension(String identifier, int typeId, int additionalSignedTypeId) {}
