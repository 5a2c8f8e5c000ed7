package org.parley.files;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.ChunkData;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileHave;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.StorageQueue;

/**
 * The fetching side of file transfers: the downloads in progress, each through its steps. Its
 * part file is opened, what it held checked again ({@link DownloadOpener}, decision 0068); holders
 * are asked and chunks requested ({@link HolderRequests}); chunks are checked and written into the
 * part file ({@link ChunkIntake}) and forced to disk in batches, on {@code syncs}, before the
 * bitmap lists them ({@link DownloadSync}); once every chunk is in, the file is checked and linked
 * under its name, or the download fails ({@link DownloadOutcomes}). A download that makes no progress for
 * {@link FileConfig#partialExpiry} (counted from stored times, so across restarts) is stopped and
 * failed, which deletes its part file and proofs (decision 0066).
 *
 * <p>Confined to the node's loop; disk work runs on {@code disk}. Every change a watcher should
 * see is handed to {@code announce}.
 */
final class Downloads {
    private static final Logger LOG = Logger.getLogger(Downloads.class.getName());
    /** Progress is told to watchers in steps of 1/PROGRESS_STEPS of the file. */
    private static final int PROGRESS_STEPS = 20;

    private final Scheduler loop;
    private final Clock clock;
    private final Executor disk;
    private final FileConfig config;
    private final Consumer<HeldFile> announce;
    private final HolderRequests requests;
    private final DownloadSync sync;
    private final ChunkIntake intake;
    private final DownloadOpener opener;
    private final DownloadOutcomes outcomes;
    private final Map<ByteString, Download> inProgress = new HashMap<>();
    private Scheduler.Cancellable ticker;
    private boolean stopped;

    Downloads(Neighbours neighbours, StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock,
              Executor disk, Executor syncs, ProofStore proofs, WholeFileChunks whole, FileConfig config,
              Path downloads, Consumer<HeldFile> announce) {
        this.loop = loop;
        this.clock = clock;
        this.disk = disk;
        this.config = config;
        this.announce = announce;
        this.requests = new HolderRequests(neighbours, clock, config);
        this.sync = new DownloadSync(storage, loop, syncs, proofs, config.syncBatch());
        this.intake = new ChunkIntake(neighbours, loop, disk, proofs, requests, this::chunkWritten);
        this.opener = new DownloadOpener(loop, disk, proofs, downloads, sync, announce);
        this.outcomes = new DownloadOutcomes(storage, cipher, loop, disk, proofs, whole, downloads, announce);
    }

    /** Starts the timer that keeps the downloads moving and gives up on those that expired. */
    void startTicking() {
        if (!stopped) {
            ticker = loop.schedule(config.tick(), () -> {
                tick();
                startTicking();
            });
        }
    }

    void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel();
        }
        for (Download download : inProgress.values()) {
            download.active = false;
            if (download.part != null) {
                disk.execute(download.part::closeQuietly);
            }
        }
    }

    /**
     * Starts (or, after a restart, resumes) the download of {@code file}: the part file is opened,
     * then the rest fetched, from the offer itself for a small file, else from holders. One whose
     * last progress is longer ago than the expiry fails at once, its part file never opened.
     */
    void start(HeldFile file) {
        ByteString fileId = ByteString.copyFrom(file.offer.fileId());
        if (inProgress.containsKey(fileId) || stopped) {
            return;
        }
        long now = clock.nowMillis();
        if (file.progressMillis == 0) {
            sync.startCounting(file, now);
        } else if (expired(file, now)) {
            giveUp(file);
            return;
        }
        Download download = new Download(file, new ChunkScheduler(file.offer.chunkCount(), file.held, config.window(),
                config.requestTimeout().toMillis()));
        download.candidates.add(file.peer);
        inProgress.put(fileId, download);
        opener.open(download, this::opened, (failed, reason) -> {
            end(failed);
            outcomes.fail(failed.file, reason);
        });
    }

    private void opened(Download download) {
        if (download.scheduler.complete()) {
            complete(download);
        } else if (download.file.offer.inlineChunk() != null) {
            intake.takeInline(download);
        } else {
            requests.askHolders(download);
            // Holders that told us what they hold while the part file was opening.
            requests.pump(download);
        }
    }

    private void tick() {
        long now = clock.nowMillis();
        for (Download download : List.copyOf(inProgress.values())) {
            if (!download.completing && expired(download.file, now)) {
                end(download);
                giveUp(download.file);
            } else {
                requests.tick(download);
                if (download.ready()) {
                    sync.flush(download);
                }
            }
        }
    }

    private boolean expired(HeldFile file, long nowMillis) {
        return nowMillis - file.progressMillis >= config.partialExpiry().toMillis();
    }

    /** Fails a download no longer in progress that went without a chunk too long: what it kept is deleted. */
    private void giveUp(HeldFile file) {
        String idle = describe(config.partialExpiry());
        LOG.info(() -> "a download made no progress for " + idle + " and was given up");
        outcomes.fail(file, "no progress for " + idle + "; the partial download was deleted");
    }

    private static String describe(Duration duration) {
        long days = duration.toDays();
        if (days >= 1) {
            return days == 1 ? "1 day" : days + " days";
        }
        long minutes = duration.toMinutes();
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }

    /**
     * Takes a download out of progress before it ends: nothing more is asked or written for it, and
     * its part file is closed after what is queued on the disk for it, so it is closed before
     * anything deletes it.
     */
    private void end(Download download) {
        download.active = false;
        inProgress.remove(download.fileId);
        if (download.part != null) {
            disk.execute(download.part::closeQuietly);
        }
    }

    void takeHave(PeerId from, FileHave have) {
        Download download = inProgress.get(have.getFileId());
        if (download != null) {
            requests.takeHave(from, download, have);
        }
    }

    void takeMissing(PeerId from, ChunkRequest missing) {
        Download download = inProgress.get(missing.getFileId());
        if (download != null) {
            requests.takeMissing(from, download, missing);
        }
    }

    void takeChunk(PeerId from, ChunkData data) {
        intake.take(from, inProgress.get(data.getFileId()), data);
    }

    private void chunkWritten(Download download, int index) {
        HeldFile file = download.file;
        download.scheduler.received(index);
        file.held.set(index);
        int step = (int) ((long) file.held.cardinality() * PROGRESS_STEPS / file.offer.chunkCount());
        if (step != download.lastProgressStep) {
            download.lastProgressStep = step;
            announce.accept(file);
        }
        if (download.scheduler.complete()) {
            complete(download);
        } else {
            sync.written(download, index, clock.nowMillis());
            requests.pump(download);
        }
    }

    private void complete(Download download) {
        outcomes.complete(download, ended -> {
            ended.active = false;
            inProgress.remove(ended.fileId);
        });
    }

    /**
     * Deletes what a finished or failed download kept while partial, left over by a stop between
     * storing its state and deleting; never for a download in progress.
     */
    void dropPartial(HeldFile file) {
        if (!inProgress.containsKey(ByteString.copyFrom(file.offer.fileId()))) {
            outcomes.dropPartial(file);
        }
    }

    void peerConnected(PeerId peer) {
        requests.peerConnected(peer, inProgress.values());
    }

    void peerDisconnected(PeerId peer) {
        requests.peerDisconnected(peer, inProgress.values());
    }
}
