package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MetagraphCache} over a local chain driven by {@link MockTime}. */
class MetagraphCacheTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");
    private static final Sr25519KeyPair CHARLIE = Sr25519KeyPair.fromUri("//Charlie");

    @TempDir
    Path dir;

    @Test
    void seesRegistrationsOnlyOnceTheBlockMovesAndTellsValidatorsApart() {
        MockTime time = new MockTime(1_700_000_000_000L);
        LocalChain chain = LocalChain.builder().setDirectory(dir).optTime(time).build();
        int netuid = chain.createSubnet(LocalSubnetConfig.defaults().withMaxAllowedValidators(1));
        chain.burnedRegister(netuid, ALICE, BOB.ss58Address());
        chain.setStake(netuid, BOB.ss58Address(), 1_000_000_000_000L);
        MetagraphCache cache = MetagraphCache.of(chain, netuid, Duration.ZERO, java.time.Clock.systemUTC());
        HotkeyAuthorizer registered = cache.registered();
        HotkeyAuthorizer validators = cache.validatorsOnly();

        assertEquals(Optional.empty(), registered.denial(BOB.ss58Address()));
        assertEquals(Optional.empty(), validators.denial(BOB.ss58Address()));
        assertEquals(Optional.of("hotkey " + CHARLIE.ss58Address() + " is not registered on netuid " + netuid),
                registered.denial(CHARLIE.ss58Address()));

        chain.burnedRegister(netuid, ALICE, CHARLIE.ss58Address());
        // same block: the cached metagraph stands
        assertTrue(registered.denial(CHARLIE.ss58Address()).isPresent());
        time.sleep(LocalChain.DEFAULT_BLOCK_TIME);
        assertEquals(Optional.empty(), registered.denial(CHARLIE.ss58Address()));
        assertEquals(Optional.of("hotkey " + CHARLIE.ss58Address() + " has no validator permit on netuid " + netuid),
                validators.denial(CHARLIE.ss58Address()));
        assertEquals(1, cache.current().block());
    }
}
