package io.tensorswarm.miner.testing;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches a miner's store from another process's point of view: every 50 ms it lists the store and
 * then reads the chain's block; an object of round {@code r} seen while the block is still before
 * {@code deadline(r)} was readable while the round's commitments were open. (The block is read after
 * the listing, so a violation is never reported by mistake.)
 */
public final class EarlyUploadWatch implements AutoCloseable {
    private final ObjectStore store;
    private final Chain chain;
    private final RoundClock clock;
    private final List<String> early = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public EarlyUploadWatch(ObjectStore store, Chain chain, RoundClock clock) {
        this.store = store;
        this.chain = chain;
        this.clock = clock;
        this.thread = new Thread(this::watch, "early-upload-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Returns the objects seen before their round's deadline, with the block they were seen in. */
    public List<String> earlyObjects() {
        return List.copyOf(early);
    }

    private void watch() {
        while (running) {
            try {
                List<ObjectInfo> objects = store.list("rounds/");
                long block = chain.currentBlock();
                for (ObjectInfo o : objects) {
                    long round = Long.parseLong(o.key().split("/")[1]);
                    if (block < clock.deadlineBlock(round)) {
                        early.add(o.key() + " in block " + block);
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a listing racing a write; the next look sees the store settled
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
