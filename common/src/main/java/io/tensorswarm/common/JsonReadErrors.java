package io.tensorswarm.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

/** One-line descriptions of why a state file's JSON could not be read, for messages that name the field. */
public final class JsonReadErrors {
    private JsonReadErrors() {}

    /** Returns where in the document a mapping error is (e.g. {@code entries[3].heartbeat}), or "". */
    public static String path(Exception e) {
        if (!(e instanceof JsonMappingException m)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Returns the error's message on one line: our own rule's message when one was broken, else Jackson's. */
    public static String oneLine(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root instanceof TensorswarmException ? root.getMessage()
                : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ').replace('\r', ' ');
    }
}
