package io.tensorswarm.bench;

import ai.djl.Device;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What every run of one invocation shares: the initial model directory (the same weights for one
 * machine and every swarm), the corpus as token pages (opened exactly as the miner's training job
 * opens it, so page assignments agree), the miners' hotkeys, and the fixed held-out pages the curves
 * are measured on, drawn so that no miner of any round is ever assigned one of them.
 */
final class BenchData implements AutoCloseable {
    /** The text field a miner reads from JSONL / Parquet data (its default). */
    static final String TEXT_FIELD = TextDatasetOptions.DEFAULTS.textField();

    private final SwarmSettings settings;
    private final Path initialDir;
    private final String initialRevision;
    private final Tokenizer tokenizer;
    private final TokenPages pages;
    private final List<Sr25519KeyPair> hotkeys;
    private final List<int[]> heldOut;
    private final double initialLoss;

    BenchData(SwarmSettings settings) {
        this.settings = settings;
        this.initialDir = settings.workDir().resolve("initial");
        try (GptModel model = GptModel.create(settings.model(), settings.initSeed(), Device.cpu())) {
            ModelDirectory.save(model, initialDir);
        }
        this.initialRevision = Sha256.ofFile(initialDir.resolve(ModelDirectory.WEIGHTS_FILE));
        this.tokenizer = Tokenizers.forModelDir(initialDir, settings.model().vocabSize());
        TokenPages.Builder b = TokenPages.builder()
                .setDataset(TextDatasets.open(settings.data(), TextDatasetOptions.DEFAULTS.withTextField(TEXT_FIELD)))
                .setTokenizer(tokenizer)
                .setPageLength(settings.model().nPositions());
        if (settings.tokenCache() != null) {
            b.optCacheDir(settings.tokenCache());
        }
        this.pages = b.build();
        this.hotkeys = new ArrayList<>();
        for (int i = 0; i < settings.maxMiners(); i++) {
            hotkeys.add(Sr25519KeyPair.fromUri("//SwarmBenchMiner" + i));
        }
        Set<Long> assigned = new HashSet<>();
        for (long r = 0; r < settings.rounds(); r++) {
            for (Sr25519KeyPair h : hotkeys) {
                for (long i : pages.pageIndicesFor(r, h.ss58Address(), settings.pages())) {
                    assigned.add(i);
                }
            }
        }
        long[] indices = pages.evalPageIndices("tensorswarm swarm bench held-out pages".getBytes(StandardCharsets.UTF_8),
                settings.heldOutPages(), assigned::contains);
        if (indices.length < settings.heldOutPages()) {
            throw new IllegalArgumentException("the data has only " + indices.length + " pages that no miner is assigned"
                    + " for the " + settings.heldOutPages() + " held-out pages; use more data or fewer pages");
        }
        this.heldOut = pages.pages(indices);
        try (GptModel model = ModelDirectory.load(initialDir, Device.cpu())) {
            this.initialLoss = evaluator().evaluate(model, heldOut).meanLoss();
        }
    }

    SwarmSettings settings() {
        return settings;
    }

    Path initialDir() {
        return initialDir;
    }

    String initialRevision() {
        return initialRevision;
    }

    TokenPages pages() {
        return pages;
    }

    /** Returns the first {@code k} miners' hotkeys (the same for every run, so the same data). */
    List<Sr25519KeyPair> hotkeys(int k) {
        return hotkeys.subList(0, k);
    }

    List<int[]> heldOut() {
        return heldOut;
    }

    double initialLoss() {
        return initialLoss;
    }

    /** Returns the held-out evaluator (F32, the evaluation batch). */
    Evaluator evaluator() {
        return new Evaluator(settings.evalBatch());
    }

    /** Returns the pages the {@code k} miners are assigned in {@code round}, miner after miner. */
    List<int[]> roundPages(long round, int k) {
        List<int[]> out = new ArrayList<>();
        for (Sr25519KeyPair h : hotkeys(k)) {
            out.addAll(pages.pagesFor(round, h.ss58Address(), settings.pages()));
        }
        return out;
    }

    @Override
    public void close() {
        pages.close();
        tokenizer.close();
    }
}
