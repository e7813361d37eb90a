package io.tensorswarm.chain.subtensor;

import io.tensorswarm.chain.scale.ScaleReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code Vec<NeuronInfoLite>} with the fixed field layout of spec §5.1, for runtimes whose
 * {@code NeuronInfoRuntimeApi} returns opaque {@code Vec<u8>} (before the typed runtime APIs, e.g.
 * spec 218), so the metadata has no type to decode it with. Produces the same field maps as
 * {@link io.tensorswarm.chain.metadata.ValueDecoder} would, for {@link ModelDecoders#neuron}.
 */
final class LegacyNeuronInfoLite {
    private LegacyNeuronInfoLite() {}

    /** Decodes all of {@code bytes} as {@code Vec<NeuronInfoLite>}. */
    static List<Map<String, Object>> decodeAll(byte[] bytes) {
        ScaleReader in = new ScaleReader(bytes);
        int n = in.readLength(64);
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(decode(in));
        }
        in.requireEnd();
        return out;
    }

    private static Map<String, Object> decode(ScaleReader in) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hotkey", in.readAccountId());
        m.put("coldkey", in.readAccountId());
        m.put("uid", in.readCompactLong());
        m.put("netuid", in.readCompactLong());
        m.put("active", in.readBool());
        Map<String, Object> axon = new LinkedHashMap<>();
        axon.put("block", in.readU64());
        axon.put("version", in.readU32());
        axon.put("ip", in.readU128());
        axon.put("port", in.readU16());
        axon.put("ip_type", in.readU8());
        axon.put("protocol", in.readU8());
        axon.put("placeholder1", in.readU8());
        axon.put("placeholder2", in.readU8());
        m.put("axon_info", axon);
        in.readU64(); // prometheus block
        in.readU32(); // version
        in.readU128(); // ip
        in.readU16(); // port
        in.readU8(); // ip_type
        int stakes = in.readLength(33);
        List<List<Object>> stake = new ArrayList<>(stakes);
        for (int s = 0; s < stakes; s++) {
            stake.add(List.of(in.readAccountId(), in.readCompact()));
        }
        m.put("stake", stake);
        for (String field : new String[] {"rank", "emission", "incentive", "consensus", "trust", "validator_trust",
            "dividends", "last_update"}) {
            m.put(field, in.readCompact());
        }
        m.put("validator_permit", in.readBool());
        m.put("pruning_score", in.readCompact());
        return m;
    }
}
