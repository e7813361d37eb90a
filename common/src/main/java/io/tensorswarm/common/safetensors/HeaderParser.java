package io.tensorswarm.common.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.tensorswarm.common.safetensors.SafetensorsException.Kind;
import io.tensorswarm.common.tensor.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates header JSON: shape of the JSON, dtypes, shapes, offsets, names, metadata and
 * the layout of the data buffer. Works on the header bytes alone; the caller checks the buffer
 * length it actually has against {@link SafetensorsHeader#dataLength()}.
 */
final class HeaderParser {
    /** More dimensions than any real tensor has; bounds the work a hostile shape can cause. */
    static final int MAX_RANK = 64;

    private static final Comparator<TensorEntry> BY_OFFSET =
            Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end);

    private final String source;
    private final ReadLimits limits;

    private HeaderParser(String source, ReadLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    /**
     * Returns the validated header held in {@code json[0, length)}.
     *
     * @throws SafetensorsException when the JSON or the layout it describes breaks a rule
     */
    static SafetensorsHeader parse(byte[] json, int length, String source, ReadLimits limits) {
        return new HeaderParser(source, limits).parse(json, length);
    }

    private SafetensorsHeader parse(byte[] json, int length) {
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        boolean sawMetadata = false;
        Set<String> names = new HashSet<>();
        try (JsonParser p = HeaderJson.FACTORY.createParser(json, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw fail(Kind.HEADER_MALFORMED, "header is not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                if (HeaderJson.METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw fail(Kind.DUPLICATE_NAME, "__metadata__ appears twice");
                    }
                    sawMetadata = true;
                    parseMetadata(p, metadata);
                } else {
                    if (!names.add(name)) {
                        throw fail(Kind.DUPLICATE_NAME, "tensor " + quote(name) + " appears twice");
                    }
                    if (entries.size() >= limits.maxTensors()) {
                        throw fail(Kind.TOO_MANY_TENSORS, "more than " + limits.maxTensors() + " tensors");
                    }
                    entries.add(parseEntry(p, name));
                }
            }
            if (p.nextToken() != null) {
                throw fail(Kind.HEADER_MALFORMED, "content after the header object");
            }
        } catch (JsonProcessingException e) {
            throw fail(Kind.HEADER_MALFORMED, "header is not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw fail(Kind.HEADER_MALFORMED, "header could not be parsed: " + firstLine(e.getMessage()));
        }
        entries.sort(BY_OFFSET);
        checkLayout(entries);
        return new SafetensorsHeader(entries, metadata, length);
    }

    private void parseMetadata(JsonParser p, Map<String, String> into) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return; // the Rust library reads a null __metadata__ as none
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(Kind.BAD_METADATA, "__metadata__ is not an object");
        }
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw fail(Kind.BAD_METADATA, "__metadata__ value of " + quote(key) + " is not a string");
            }
            if (into.put(key, p.getText()) != null) {
                throw fail(Kind.BAD_METADATA, "__metadata__ key " + quote(key) + " appears twice");
            }
        }
    }

    private TensorEntry parseEntry(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": entry is not an object");
        }
        DType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "dtype" -> {
                    requireFirst(dtype, name, field);
                    dtype = parseDType(p, name);
                }
                case "shape" -> {
                    requireFirst(shape, name, field);
                    shape = parseShape(p, name);
                }
                case "data_offsets" -> {
                    requireFirst(offsets, name, field);
                    offsets = parseOffsets(p, name);
                }
                default -> throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": unknown field " + quote(field));
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            String missing = dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets";
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": missing field '" + missing + "'");
        }
        long elements = 1;
        for (long d : shape) {
            elements = multiplyOrFail(elements, d, name);
        }
        long bytes = multiplyOrFail(elements, dtype.byteSize(), name);
        if (offsets[1] < offsets[0]) {
            throw fail(Kind.OFFSETS_OUT_OF_RANGE,
                    "tensor " + quote(name) + ": data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw fail(Kind.SIZE_MISMATCH, "tensor " + quote(name) + ": data_offsets span " + (offsets[1] - offsets[0])
                    + " bytes, but " + dtype + " " + java.util.Arrays.toString(shape) + " needs " + bytes);
        }
        return new TensorEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private void requireFirst(Object seen, String name, String field) {
        if (seen != null) {
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": field " + quote(field) + " appears twice");
        }
    }

    private DType parseDType(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": dtype is not a string");
        }
        String text = p.getText();
        for (DType d : DType.values()) {
            if (d.safetensorsName().equals(text)) {
                return d;
            }
        }
        throw fail(Kind.UNKNOWN_DTYPE, "tensor " + quote(name) + ": unknown dtype '" + abbreviate(text) + "'");
    }

    private long[] parseShape(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw fail(Kind.BAD_SHAPE, "tensor " + quote(name) + ": shape is not an array");
        }
        long[] dims = new long[4];
        int rank = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (rank == MAX_RANK) {
                throw fail(Kind.BAD_SHAPE, "tensor " + quote(name) + ": more than " + MAX_RANK + " dimensions");
            }
            long d = nonNegativeLong(p, t);
            if (d < 0) {
                throw fail(Kind.BAD_SHAPE, "tensor " + quote(name) + ": dimension " + rank
                        + " is not a non-negative integer below 2^63: " + abbreviate(p.getText()));
            }
            if (rank == dims.length) {
                dims = java.util.Arrays.copyOf(dims, rank * 2);
            }
            dims[rank++] = d;
        }
        return java.util.Arrays.copyOf(dims, rank);
    }

    private long[] parseOffsets(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": data_offsets is not an array");
        }
        long[] offsets = new long[2];
        int count = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (count == 2) {
                throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": data_offsets has more than 2 values");
            }
            long v = nonNegativeLong(p, t);
            if (v < 0) {
                throw fail(Kind.OFFSETS_OUT_OF_RANGE, "tensor " + quote(name)
                        + ": data_offsets value is not a non-negative integer below 2^63: " + abbreviate(p.getText()));
            }
            offsets[count++] = v;
        }
        if (count != 2) {
            throw fail(Kind.HEADER_MALFORMED, "tensor " + quote(name) + ": data_offsets has " + count + " values, not 2");
        }
        return offsets;
    }

    /** Returns the integer at the current token, or -1 when it is not a non-negative long. */
    private static long nonNegativeLong(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
                p.skipChildren();
            }
            return -1;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            return -1;
        }
        long v = p.getLongValue();
        return v < 0 ? -1 : v;
    }

    private long multiplyOrFail(long a, long b, String name) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw fail(Kind.BAD_SHAPE, "tensor " + quote(name) + ": shape has more bytes than 2^63");
        }
    }

    /** Checks the rule of the Rust library: sorted by offset, tensors tile [0, end) exactly. */
    private void checkLayout(List<TensorEntry> sorted) {
        long expected = 0;
        String previous = null;
        for (TensorEntry e : sorted) {
            if (e.begin() < expected) {
                throw fail(Kind.OVERLAP, "tensor " + quote(e.name()) + " [" + e.begin() + ", " + e.end()
                        + ") overlaps tensor " + quote(previous) + ", which ends at " + expected);
            }
            if (e.begin() > expected) {
                throw fail(Kind.OFFSETS_NOT_CONTIGUOUS, "gap of " + (e.begin() - expected)
                        + " bytes before tensor " + quote(e.name()) + " at offset " + expected);
            }
            expected = e.end();
            previous = e.name();
        }
        if (expected > limits.maxTotalBytes()) {
            throw fail(Kind.FILE_TOO_LARGE, "tensors hold " + expected + " bytes, above the limit of "
                    + limits.maxTotalBytes());
        }
    }

    private SafetensorsException fail(Kind kind, String detail) {
        return new SafetensorsException(kind, source, detail);
    }

    static String quote(String s) {
        return "'" + abbreviate(s) + "'";
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("[\\r\\n\\t]", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}
