package io.tensorswarm.chain.metadata;

/** The outer RuntimeCall, RuntimeEvent and module-error enum type ids (V15/V16). */
public record OuterEnums(int callEnumTypeId, int eventEnumTypeId, int errorEnumTypeId) {}
