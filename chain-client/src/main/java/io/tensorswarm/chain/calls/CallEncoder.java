package io.tensorswarm.chain.calls;

import io.tensorswarm.chain.metadata.CallInfo;
import io.tensorswarm.chain.metadata.Field;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.ValueEncoder;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.util.List;
import java.util.Map;

/**
 * Encodes any call by pallet and call name, driven by the argument types in the metadata: the
 * indices come from the runtime, never from constants. Argument values follow {@link
 * ValueEncoder}'s conventions ({@code int[]} for {@code Vec<u16>}, {@code byte[]} for
 * AccountId32/H256/{@code Vec<u8>}, numbers for integers and newtypes such as NetUid).
 *
 * <pre>{@code
 * EncodedCall call = CallEncoder.encode(md, "SubtensorModule", "set_weights",
 *         1, new int[] {0, 1, 2}, new int[] {65535, 32768, 1}, 10002000L);
 * byte[] bytes = call.toBytes();
 * }</pre>
 */
public final class CallEncoder {
    private CallEncoder() {}

    /**
     * Encodes {@code pallet.call} with positional arguments in field order.
     *
     * @throws io.tensorswarm.chain.metadata.MetadataException if the pallet or call is unknown
     * @throws IllegalArgumentException if the argument count or a value does not fit
     */
    public static EncodedCall encode(RuntimeMetadata md, String pallet, String call, Object... args) {
        CallInfo info = md.call(pallet, call);
        List<Field> fields = info.fields();
        if (args.length != fields.size()) {
            throw new IllegalArgumentException(pallet + "." + call + " takes " + fields.size()
                    + " arguments " + names(fields) + ", got " + args.length);
        }
        ValueEncoder encoder = new ValueEncoder(md.types());
        ScaleWriter out = new ScaleWriter();
        for (int i = 0; i < args.length; i++) {
            encodeArg(encoder, info, fields.get(i), args[i], out);
        }
        return new EncodedCall(pallet, call, info.palletIndex(), info.callIndex(), out.toByteArray());
    }

    /**
     * Encodes {@code pallet.call} with arguments given by field name.
     *
     * @throws IllegalArgumentException if an argument is missing or unknown
     */
    public static EncodedCall encode(RuntimeMetadata md, String pallet, String call, Map<String, ?> args) {
        CallInfo info = md.call(pallet, call);
        for (String name : args.keySet()) {
            if (info.fields().stream().noneMatch(f -> name.equals(f.name()))) {
                throw new IllegalArgumentException(pallet + "." + call + " has no argument " + name);
            }
        }
        Object[] positional = new Object[info.fields().size()];
        for (int i = 0; i < positional.length; i++) {
            String name = info.fields().get(i).name();
            if (!args.containsKey(name)) {
                throw new IllegalArgumentException(pallet + "." + call + " is missing argument " + name);
            }
            positional[i] = args.get(name);
        }
        return encode(md, pallet, call, positional);
    }

    private static void encodeArg(ValueEncoder encoder, CallInfo info, Field field, Object value, ScaleWriter out) {
        try {
            encoder.encode(field.typeId(), value, out);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(info.pallet() + "." + info.name() + " argument " + field.name()
                    + " (" + field.typeName() + "): " + e.getMessage(), e);
        }
    }

    private static String names(List<Field> fields) {
        return fields.stream().map(Field::name).toList().toString();
    }
}
