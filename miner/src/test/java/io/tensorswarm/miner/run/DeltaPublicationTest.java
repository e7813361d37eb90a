package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.Fp32Codec;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DeltaPublicationTest {
    private static final long BLOCK_MILLIS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(20, 2);

    @TempDir Path tmp;
    final MockTime time = new MockTime(1_700_000_000_000L);
    LocalChain chain;
    int netuid;
    Sr25519KeyPair hotkey;
    ObjectStore store;
    Path delta;

    @BeforeEach
    void setUp() throws Exception {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        hotkey = Sr25519KeyPair.fromUri("//MinerOne");
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey.ss58Address());
        Files.createDirectories(tmp.resolve("store"));
        store = ObjectStores.open(tmp.resolve("store").toUri().toString(), StorageOptions.defaults());
        ParameterSet raw = ParameterSet.builder().putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .add(NamedTensor.ofFloats("w", new long[] {2, 2}, new float[] {1e-3f, -2e-3f, 0, 5e-4f})).build();
        delta = tmp.resolve("delta.safetensors");
        new SafetensorsWriter().write(new Fp32Codec().encode(raw), delta);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private DeltaPublication publication(ObjectStore to) {
        return DeltaPublication.builder().setChain(chain).setHotkey(hotkey).setNetuid(netuid)
                .setLocator(tmp.resolve("store").toUri().toString()).setClock(CLOCK).setStore(to).optSleeper(time::sleep)
                .optPollInterval(Duration.ofMillis(BLOCK_MILLIS)).build();
    }

    private void moveToBlock(long block) {
        time.sleep((block - chain.currentBlock()) * BLOCK_MILLIS);
    }

    @Test
    void aCommitmentForARoundThatHasNotStartedWaitsForItsStart() throws Exception {
        moveToBlock(5);
        DeltaPublication.Committed c = publication(store).commit(1, "ab".repeat(32), delta);
        assertEquals(CLOCK.startBlock(1), c.commitBlock());
        assertEquals("fp32", c.codec());
        assertEquals(1, c.manifest().tensorCount());
        assertEquals(1, CommitmentPayload.parse(chain.commitment(netuid, hotkey.ss58Address()).orElseThrow().data()).round());
    }

    @Test
    void nothingIsCommittedAtOrAfterTheDeadline() throws Exception {
        moveToBlock(CLOCK.deadlineBlock(0));
        DeadlinePassedException e = assertThrows(DeadlinePassedException.class,
                () -> publication(store).commit(0, "ab".repeat(32), delta));
        assertEquals("too late to commit for round 0: block 18 is not before its deadline block 18", e.getMessage());
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey.ss58Address()));
    }

    @Test
    void theUploadWaitsForTheDeadlineAndAnUploadEndingAfterTheWindowIsReportedLate() throws Exception {
        ObjectStore slow = new ForwardingObjectStore(store) {
            @Override
            public ObjectInfo put(PutRequest request) {
                time.sleep(3 * BLOCK_MILLIS); // a slow store: the upload runs past the window's end
                return super.put(request);
            }
        };
        DeltaPublication publication = publication(slow);
        DeltaPublication.Committed c = publication.commit(0, "ab".repeat(32), delta);
        int[] waits = new int[1];

        DeltaPublication.Uploaded up = publication.upload(c, () -> waits[0]++);

        assertEquals(CLOCK.uploadOpenBlock(0), up.startBlock());
        assertEquals(CLOCK.deadlineBlock(0) - c.commitBlock(), waits[0], "one wait per block until the deadline");
        assertTrue(up.late(), up.toString());
        assertTrue(up.endBlock() >= CLOCK.readableBlock(0), up.toString());
        String hk = hotkey.ss58Address();
        assertEquals(List.of(StorageLayout.deltaKey(0, hk), StorageLayout.manifestKey(0, hk)),
                store.list("").stream().map(ObjectInfo::key).sorted().toList());
    }

    @Test
    void anUploadInsideTheWindowIsNotLate() throws Exception {
        DeltaPublication publication = publication(store);
        DeltaPublication.Uploaded up = publication.upload(publication.commit(0, "ab".repeat(32), delta), () -> {});
        assertFalse(up.late(), up.toString());
        assertEquals(CLOCK.uploadOpenBlock(0), up.endBlock());
    }

    @Test
    void theManifestRecordsTheStepsAndTokensTheDeltaNamesAndNothingWhenItNamesNotBoth() throws Exception {
        ParameterSet trained = ParameterSet.builder().putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.STEPS, "57").putMetadata(DeltaMetadata.TOKENS, "116736")
                .add(NamedTensor.ofFloats("w", new long[] {2, 2}, new float[] {1e-3f, -2e-3f, 0, 5e-4f})).build();
        Path withNumbers = tmp.resolve("trained.safetensors");
        new SafetensorsWriter().write(new Fp32Codec().encode(trained), withNumbers);
        DeltaPublication.Committed c = publication(store).commit(0, "ab".repeat(32), withNumbers);
        assertEquals(new DeltaManifest.Training(57, 116736), c.manifest().training());
        c.manifest().verify(new Sr25519SignatureVerifier());
        assertEquals(c.manifest(), DeltaManifest.parse(c.manifest().toJson()));

        assertNull(publication(store).commit(0, "ab".repeat(32), delta).manifest().training(), "no numbers, no fields");
        ParameterSet half = trained.toBuilder().putMetadata(DeltaMetadata.TOKENS, "many").build();
        Path halfFile = tmp.resolve("half.safetensors");
        new SafetensorsWriter().write(new Fp32Codec().encode(half), halfFile);
        assertNull(publication(store).commit(0, "ab".repeat(32), halfFile).manifest().training());
    }
}
