package org.parley.files;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Opens a download's part file on {@code disk} (creating it, or resuming it: the chunks the stored
 * bitmap lists are checked again, {@link PartFile#open}), then, back on the loop, makes the
 * download agree with what checked out: a chunk that did not is counted as missing, fetched
 * again, and the bitmap stored without it. Confined to the node's loop.
 */
final class DownloadOpener {
    private static final Logger LOG = Logger.getLogger(DownloadOpener.class.getName());

    private final Executor loop;
    private final Executor disk;
    private final ProofStore proofs;
    private final Path downloads;
    private final DownloadSync sync;
    private final Consumer<HeldFile> announce;

    DownloadOpener(Executor loop, Executor disk, ProofStore proofs, Path downloads, DownloadSync sync,
                   Consumer<HeldFile> announce) {
        this.loop = loop;
        this.disk = disk;
        this.proofs = proofs;
        this.downloads = downloads;
        this.sync = sync;
        this.announce = announce;
    }

    /**
     * Opens the part file of {@code download}; then {@code opened} with it ready, or {@code failed}
     * with why it cannot be written. A download no longer active by then has its part file closed.
     */
    void open(Download download, Consumer<Download> opened, BiConsumer<Download, String> failed) {
        HeldFile file = download.file;
        BitSet claimed = (BitSet) file.held.clone();
        CompletableFuture.supplyAsync(() -> {
            try {
                return PartFile.open(file.offer, downloads, claimed, proofs);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, disk).whenCompleteAsync((part, error) -> {
            if (!download.active) {
                if (part != null) {
                    disk.execute(part::closeQuietly);
                }
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                failed.accept(download, "cannot write the download: " + cause.getMessage());
                return;
            }
            agree(download, part);
            opened.accept(download);
        }, loop);
    }

    private void agree(Download download, PartFile part) {
        HeldFile file = download.file;
        download.part = part;
        BitSet held = part.held();
        download.durable = (BitSet) held.clone();
        if (!held.equals(file.held)) {
            BitSet lost = (BitSet) file.held.clone();
            lost.andNot(held);
            lost.stream().forEach(download.scheduler::lost);
            // Some chunks the bitmap listed did not check out again: they are fetched anew.
            LOG.info(() -> (file.held.cardinality() - held.cardinality()) + " chunks of a download failed their check"
                    + " after a restart and are fetched again");
            file.held = held;
            sync.store(file, held, file.progressMillis);
            announce.accept(file);
        }
    }
}
