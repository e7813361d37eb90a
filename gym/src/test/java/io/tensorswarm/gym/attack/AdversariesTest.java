package io.tensorswarm.gym.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.gym.attack.GymFixture.Published;
import io.tensorswarm.gym.net.UploadMode;
import io.tensorswarm.storage.GetRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each adversary's delta construction on a small subnet ({@link GymFixture}): honest miners have
 * uploaded deltas of rounds 4 and 5, the adversary plays round 6, and the recording publisher keeps
 * what it would have run {@code miner publish} with.
 */
@Timeout(120)
class AdversariesTest {
    private static final long R = GymFixture.ROUND;

    @TempDir
    Path tmp;

    private GymFixture f;
    private ParameterSet a4;
    private ParameterSet a5;
    private ParameterSet b5;

    @BeforeEach
    void subnet() throws Exception {
        f = new GymFixture(tmp);
        a4 = f.honestUpload(f.honestA, R - 2, f.randomDelta(4, 1e-3));
        a5 = f.honestUpload(f.honestA, R - 1, f.randomDelta(5, 1e-3));
        b5 = f.honestUpload(f.honestB, R - 1, f.randomDelta(55, 1e-3));
    }

    @AfterEach
    void close() {
        f.close();
    }

    private String currentBase() {
        return f.revisions.get(f.revisions.size() - 1);
    }

    private static ParameterSet tensors(ParameterSet withMetadata) {
        ParameterSet.Builder b = ParameterSet.builder();
        withMetadata.forEach(b::add);
        return b.build();
    }

    private static void assertSameValues(ParameterSet expected, ParameterSet actual, double tolerance) {
        for (NamedTensor e : expected) {
            assertArrayEquals(e.toFloats(), actual.require(e.name()).toFloats(), (float) tolerance, e.name());
        }
    }

    @Test
    void theCopierWaitsForADeltaOfThisRoundThenCopiesTheNewestEarlierOneExactly() throws Exception {
        RoundAction action = f.play(AdversaryKind.COPIER);

        Published p = f.publisher.only();
        assertSameValues(a5, p.delta(), 0);
        assertEquals(currentBase(), p.delta().metadata().get(DeltaMetadata.BASE_REVISION), "re-labelled with this round's base");
        assertEquals(UploadMode.AFTER_DEADLINE, p.upload());
        assertEquals(List.of(f.self), p.as());
        assertTrue(p.block() >= f.clock.deadlineBlock(R) - 9, "waited for a same-round delta until the lead: " + p.block());
        assertTrue(p.block() < f.clock.deadlineBlock(R), "committed before the deadline");
        assertTrue(action.summary().contains("@" + (R - 1)), action.summary());
    }

    @Test
    void aDeltaOfThisRoundExposedBeforeTheDeadlineIsCopiedAtOnce() throws Exception {
        ParameterSet early = f.honestUpload(f.honestB, R, f.randomDelta(6, 1e-3));

        f.play(AdversaryKind.COPIER);

        Published p = f.publisher.only();
        assertSameValues(early, p.delta(), 0);
        assertEquals(f.clock.startBlock(R), p.block(), "no waiting once one is readable");
    }

    @Test
    void theScaledCopierAndTheNormBombScaleTheirSource() throws Exception {
        f.play(AdversaryKind.SCALED_COPIER);
        f.play(AdversaryKind.NORM_BOMB);

        ParameterSet scaled = tensors(f.publisher.published.get(0).delta());
        ParameterSet bomb = tensors(f.publisher.published.get(1).delta());
        assertEquals(2.0, Deltas.l2Norm(scaled) / Deltas.l2Norm(a5), 1e-5);
        assertEquals(100.0, Deltas.l2Norm(bomb) / Deltas.l2Norm(a5), 1e-4);
        assertEquals(1.0, Deltas.cosine(scaled, a5), 1e-6);
        assertEquals(1.0, Deltas.cosine(bomb, a5), 1e-6);
    }

    @Test
    void theNoisyCopyKeepsTheTargetCosineToItsSource() throws Exception {
        RoundAction action = f.play(AdversaryKind.NOISY_COPIER);

        double cosine = Deltas.cosine(tensors(f.publisher.only().delta()), a5);
        assertEquals(0.80, cosine, 0.02);
        assertTrue(action.summary().contains("cosine 0.8") || action.summary().contains("cosine 0.7"), action.summary());
    }

    @Test
    void theMixerPublishesTheMeanOfTheNewestDeltasOfTwoMiners() throws Exception {
        RoundAction action = f.play(AdversaryKind.MIXER);

        ParameterSet mix = tensors(f.publisher.only().delta());
        for (NamedTensor t : a5) {
            float[] a = t.toFloats();
            float[] b = b5.require(t.name()).toFloats();
            float[] m = mix.require(t.name()).toFloats();
            for (int i = 0; i < a.length; i++) {
                assertEquals((a[i] + b[i]) / 2, m[i], 1e-9, t.name());
            }
        }
        assertTrue(action.summary().startsWith("mixed "), action.summary());
    }

    @Test
    void theReplayerRelabelsAnOlderDeltaForThisRoundsNewBase() throws Exception {
        String oldBase = currentBase();
        f.addBase(TestModels.writeMicroModel(tmp.resolve("model-2"), 2), R - 1);
        assertNotEquals(oldBase, currentBase());

        RoundAction action = f.play(AdversaryKind.REPLAYER);

        Published p = f.publisher.only();
        assertSameValues(a4, p.delta(), 0);
        assertEquals(currentBase(), p.delta().metadata().get(DeltaMetadata.BASE_REVISION));
        assertTrue(action.summary().contains("@" + (R - 2) + " as round " + R), action.summary());
    }

    @Test
    void theNoiseMinerHasAnHonestDeltasNormsAndNoneOfItsDirection() throws Exception {
        f.play(AdversaryKind.NOISE);

        ParameterSet noise = tensors(f.publisher.only().delta());
        for (NamedTensor t : a5) {
            double expected = DeltaMath.l2Norm(t.toFloats());
            assertEquals(expected, DeltaMath.l2Norm(noise.require(t.name()).toFloats()), expected * 1e-4, t.name());
        }
        assertEquals(0.0, Deltas.cosine(noise, a5), 0.05);
    }

    @Test
    void theLazyMinerCommitsButNeverUploads() throws Exception {
        f.play(AdversaryKind.LAZY);

        assertEquals(UploadMode.NEVER, f.publisher.only().upload());
    }

    @Test
    void theSybilPublishesOneDeltaUnderBothHotkeysAtOnce() throws Exception {
        f.play(AdversaryKind.SYBIL);

        Published p = f.publisher.only();
        assertEquals(List.of(f.self, f.twin), p.as());
        assertSameValues(a5, p.delta(), 0);
    }

    @Test
    void theSybilPreparesInThePreviousRoundsUploadWindowAndOthersAtTheRoundStart() {
        RoundClock clock = new RoundClock(40, 20);
        assertEquals(clock.deadlineBlock(R - 1) + 2, AdversaryKind.SYBIL.create().playFrom(clock, R));
        RoundClock tight = new RoundClock(20, 2);
        assertEquals(tight.startBlock(R), AdversaryKind.SYBIL.create().playFrom(tight, R), "a 2-block window: the start");
        for (AdversaryKind kind : AdversaryKind.values()) {
            if (kind != AdversaryKind.SYBIL) {
                assertEquals(clock.startBlock(R), kind.create().playFrom(clock, R), kind.flagValue());
            }
        }
    }

    @Test
    void theStaleMinerTrainsOnThePreviousBaseAndItsManifestNamesIt() throws Exception {
        String previous = currentBase();
        f.addBase(TestModels.writeMicroModel(tmp.resolve("model-2"), 2), R - 1);

        RoundAction action = f.play(AdversaryKind.STALE);

        String self = f.self.ss58();
        byte[] delta = f.ownStore.getBytes(GetRequest.of(StorageLayout.deltaKey(R, self), 1 << 30));
        DeltaManifest manifest = DeltaManifest.parse(f.ownStore.getBytes(
                GetRequest.of(StorageLayout.manifestKey(R, self), 1 << 16)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(self, f.netuid, R, previous);
        assertEquals(Sha256.of(delta), manifest.deltaSha256());
        CommitmentPayload committed = CommitmentPayload.parse(f.chain.commitment(f.netuid, self).orElseThrow().data());
        assertEquals(R, committed.round());
        assertTrue(committed.isBindingOf(f.netuid, self, manifest.deltaSha256()), "its own, valid commitment");
        assertTrue(f.chain.commitment(f.netuid, self).orElseThrow().block() < f.clock.deadlineBlock(R));
        ParameterSet stored = new SafetensorsReader().read(new java.io.ByteArrayInputStream(delta), "stale delta");
        assertEquals(previous, stored.metadata().get(DeltaMetadata.BASE_REVISION));
        assertTrue(Deltas.l2Norm(DeltaCodecs.forStored(stored).decode(stored, f.layout)) > 0, "it trained");
        assertEquals(1, action.published().size());
        assertTrue(action.summary().contains("previous base " + previous.substring(0, 12)), action.summary());
    }

    @Test
    void theStaleMinerRemembersTheBaseItHadWhenTheStoreKeepsNoHistory() throws Exception {
        Adversary stale = AdversaryKind.STALE.create();
        String first = currentBase();
        assertTrue(f.play(AdversaryKind.STALE, stale).published().isEmpty(), "one base: nothing older to train on");
        f.moveTo(f.clock.startBlock(R + 1));
        f.addBaseWithoutHistory(TestModels.writeMicroModel(tmp.resolve("model-2"), 2), R + 1);

        RoundAction action = f.play(AdversaryKind.STALE, stale);

        assertTrue(action.summary().contains("previous base " + first.substring(0, 12)), action.summary());
        DeltaManifest manifest = DeltaManifest.parse(f.ownStore.getBytes(
                GetRequest.of(StorageLayout.manifestKey(R + 1, f.self.ss58()), 1 << 16)));
        assertEquals(first, manifest.baseRevision());
    }

    @Test
    void theStaleMinerSitsOutWhileThereIsOnlyOneBase() throws Exception {
        RoundAction action = f.play(AdversaryKind.STALE);

        assertTrue(f.publisher.published.isEmpty());
        assertTrue(action.summary().startsWith("no base before"), action.summary());
    }

    @Test
    void theFinetuneCopierStartsFromTheCopiedDeltaAndMovesAwayFromIt() throws Exception {
        // A head start the size of real training, so that a few more steps change it but do not bury it.
        f.honestUpload(f.honestA, R - 1, f.randomDelta(7, 5e-3));
        f.play(AdversaryKind.COPIER);
        ParameterSet source = tensors(f.publisher.only().delta());
        f.publisher.published.clear();

        f.play(AdversaryKind.FINETUNE_COPIER);

        ParameterSet tuned = tensors(f.publisher.only().delta());
        double cosine = Deltas.cosine(tuned, source);
        assertTrue(cosine > 0.5 && cosine < 0.9999, "cosine to the copied delta " + cosine);
        assertEquals(currentBase(), f.publisher.only().delta().metadata().get(DeltaMetadata.BASE_REVISION));
    }

    @Test
    void theNoisyFinetuneCopierAddsNoiseToItsFineTunedCopy() throws Exception {
        f.honestUpload(f.honestA, R - 1, f.randomDelta(7, 5e-3));
        f.play(AdversaryKind.COPIER);
        ParameterSet source = tensors(f.publisher.only().delta());
        f.publisher.published.clear();

        RoundAction action = f.play(AdversaryKind.NOISY_FINETUNE_COPIER);

        double cosine = Deltas.cosine(tensors(f.publisher.only().delta()), source);
        assertTrue(cosine > 0.4 && cosine < 0.85, "cosine to the copied delta " + cosine);
        assertTrue(action.summary().contains("then noise"), action.summary());
    }

    @Test
    void theGrieferRecommitsTheHonestBytesAndUploadsACopyUnderItsOwnKey() throws Exception {
        f.moveTo(f.clock.startBlock(R) + 3);
        f.honestUpload(f.honestA, R, f.randomDelta(8, 1e-3));
        byte[] honestCommitment = f.chain.commitment(f.netuid, f.honestA.ss58Address()).orElseThrow().data();

        RoundAction action = f.play(AdversaryKind.GRIEFER);

        byte[] mine = f.chain.commitment(f.netuid, f.self.ss58()).orElseThrow().data();
        assertArrayEquals(honestCommitment, mine, "the very same commitment bytes");
        String key = StorageLayout.deltaKey(R, f.self.ss58());
        byte[] copy = f.ownStore.getBytes(GetRequest.of(key, 1 << 30));
        byte[] original = f.honestStores.get(f.honestA.ss58Address())
                .getBytes(GetRequest.of(StorageLayout.deltaKey(R, f.honestA.ss58Address()), 1 << 30));
        assertArrayEquals(original, copy);
        DeltaManifest manifest = DeltaManifest.parse(f.ownStore.getBytes(
                GetRequest.of(StorageLayout.manifestKey(R, f.self.ss58()), 1 << 16)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(f.self.ss58(), f.netuid, R, currentBase());
        assertEquals(Sha256.of(copy), manifest.deltaSha256());
        assertFalse(CommitmentPayload.parse(mine).isBindingOf(f.netuid, f.self.ss58(), manifest.deltaSha256()),
                "a copied commitment binds nothing of the griefer's");
        assertTrue(f.chain.currentBlock() >= f.clock.uploadOpenBlock(R), "it uploaded in the upload window");
        assertTrue(action.summary().contains("uploaded a copy"), action.summary());
    }

    @Test
    void withNothingReadableTheCopiersSitTheRoundOut() throws Exception {
        f.moveTo(f.clock.startBlock(R + 10));
        for (AdversaryKind kind : List.of(AdversaryKind.COPIER, AdversaryKind.MIXER, AdversaryKind.SYBIL)) {
            f.moveTo(f.clock.startBlock(f.clock.roundOf(f.chain.currentBlock()) + 1));
            RoundAction action = f.play(kind);
            assertTrue(action.published().isEmpty(), kind + ": " + action.summary());
        }
        assertTrue(f.publisher.published.isEmpty());
    }
}
