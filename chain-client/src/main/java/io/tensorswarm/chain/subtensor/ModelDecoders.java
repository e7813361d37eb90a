package io.tensorswarm.chain.subtensor;

import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.scale.ScaleDecodeException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * Turns values decoded by {@link io.tensorswarm.chain.metadata.ValueDecoder} (maps by field name)
 * into the model records: {@code AxonInfo}, {@code NeuronInfoLite} and commitments' {@code
 * Registration}. Field names are the runtime's; a missing field is a {@link ScaleDecodeException}.
 */
public final class ModelDecoders {
    private static final double U16_MAX = 65535.0;

    private ModelDecoders() {}

    /** Returns the axon of a decoded {@code AxonInfo{block, version, ip, port, ip_type, protocol, ..}}. */
    public static AxonInfo axon(Object decoded) {
        Map<?, ?> m = map(decoded, "AxonInfo");
        int ipType = num(m, "ip_type").intValue();
        return new AxonInfo(ipText(num(m, "ip"), ipType), num(m, "port").intValue(), ipType,
                num(m, "protocol").intValue(), num(m, "version").longValue());
    }

    /** Returns the neuron of a decoded {@code NeuronInfoLite}; stake is the sum of its stake entries. */
    public static Neuron neuron(Object decoded) {
        Map<?, ?> m = map(decoded, "NeuronInfoLite");
        long stake = 0;
        Object stakes = m.get("stake");
        if (stakes instanceof List<?> entries) {
            for (Object e : entries) {
                stake += ((Number) ((List<?>) e).get(1)).longValue();
            }
        }
        return new Neuron(num(m, "uid").intValue(), account(m.get("hotkey")), account(m.get("coldkey")), stake,
                (Boolean) m.get("validator_permit"), num(m, "last_update").longValue(),
                num(m, "incentive").intValue() / U16_MAX, num(m, "dividends").intValue() / U16_MAX,
                axon(m.get("axon_info")));
    }

    /**
     * Returns the commitment of a decoded {@code Registration{deposit, block, info: {fields}}}: the
     * bytes of its first field ({@code Raw}, {@code BigRaw} or a hash), as the SDK reads it.
     */
    public static Commitment commitment(String hotkey, Object decoded) {
        Map<?, ?> m = map(decoded, "Registration");
        Map<?, ?> info = map(m.get("info"), "CommitmentInfo");
        List<?> fields = (List<?>) info.get("fields");
        byte[] data = new byte[0];
        if (fields != null && !fields.isEmpty() && fields.get(0) instanceof VariantValue first
                && first.value() instanceof byte[] bytes) {
            data = bytes;
        }
        return new Commitment(hotkey, num(m, "block").longValue(), data);
    }

    /** Returns the SS58 (format 42) text of a decoded AccountId32. */
    public static String account(Object decoded) {
        if (!(decoded instanceof byte[] key) || key.length != 32) {
            throw new ScaleDecodeException("expected a 32-byte account id, got " + decoded, 0);
        }
        return Ss58Address.encode(key, Ss58Address.BITTENSOR_FORMAT);
    }

    /** Returns dotted IPv4 text for ip type 4, IPv6 text for type 6, "0.0.0.0" for an unset axon. */
    static String ipText(Number ip, int ipType) {
        BigInteger v = ip instanceof BigInteger b ? b : BigInteger.valueOf(ip.longValue());
        int len = ipType == 6 ? 16 : 4;
        byte[] raw = new byte[len];
        byte[] be = v.toByteArray();
        for (int i = 0; i < Math.min(len, be.length); i++) {
            raw[len - 1 - i] = be[be.length - 1 - i];
        }
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<?, ?> map(Object decoded, String what) {
        if (decoded instanceof Map<?, ?> m) {
            return m;
        }
        throw new ScaleDecodeException("expected a " + what + " struct, got " + decoded, 0);
    }

    private static Number num(Map<?, ?> m, String field) {
        Object v = m.get(field);
        if (v instanceof Number n) {
            return n;
        }
        throw new ScaleDecodeException("field " + field + " missing or not a number: " + v, 0);
    }
}
