package io.tensorswarm.common.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Encodes headers the way the Hugging Face library does, and holds the shared JSON factory. */
final class HeaderJson {
    static final String METADATA_KEY = "__metadata__";

    /** Nesting deeper than a header needs (object / entry / shape) is rejected while parsing. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
            .build();

    private HeaderJson() {}

    static byte[] encode(SafetensorsHeader header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * header.size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (!header.metadata().isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> m : header.metadata().entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            for (TensorEntry e : header.entries()) {
                g.writeObjectFieldStart(e.name());
                g.writeStringField("dtype", e.dtype().safetensorsName());
                g.writeArrayFieldStart("shape");
                for (long d : e.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(e.begin());
                g.writeNumber(e.end());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            out.write(' ');
        }
        return out.toByteArray();
    }
}
