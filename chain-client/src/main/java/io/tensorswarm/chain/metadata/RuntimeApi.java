package io.tensorswarm.chain.metadata;

import java.util.List;
import java.util.Optional;

/** A runtime API trait (V15/V16): name, methods, docs and (V16) version, or -1 when unknown. */
public record RuntimeApi(String name, List<Method> methods, List<String> docs, long version) {
    /** Copies the lists. */
    public RuntimeApi {
        methods = List.copyOf(methods);
        docs = List.copyOf(docs);
    }

    /** Returns the method named {@code name}. */
    public Optional<Method> method(String name) {
        return methods.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** A runtime API method: the {@code state_call} name is {@code Trait_method}. */
    public record Method(String name, List<Param> inputs, int outputTypeId, List<String> docs) {
        /** Copies the lists. */
        public Method {
            inputs = List.copyOf(inputs);
            docs = List.copyOf(docs);
        }
    }

    /** A method parameter: name and type id. */
    public record Param(String name, int typeId) {}
}
