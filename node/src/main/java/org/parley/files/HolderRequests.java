package org.parley.files;

import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.ChunkRequest;
import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.FileHave;
import org.parley.proto.wire.v1.FileRef;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;

/**
 * The pace of a download's requests: asks who holds the file, takes what holders say they hold,
 * and sends the chunk requests its {@link ChunkScheduler} picks, again when a request times out,
 * fails or a holder comes or goes. Nothing is asked before the part file is open. Confined to the
 * node's loop.
 */
final class HolderRequests {
    private final Neighbours neighbours;
    private final Clock clock;
    private final FileConfig config;

    HolderRequests(Neighbours neighbours, Clock clock, FileConfig config) {
        this.neighbours = neighbours;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Asks the peer that offered the file and every linked neighbour which chunks they hold: any
     * of them may hold it (group members that fetched it already). A neighbour without the file
     * learns only that we fetch something whose ID means nothing to it, and says nothing.
     */
    void askHolders(Download download) {
        download.lastAskedMillis = clock.nowMillis();
        Set<PeerId> asked = new LinkedHashSet<>(download.candidates);
        asked.addAll(neighbours.linkedPeers());
        for (PeerId peer : asked) {
            if (neighbours.isConnected(peer) && !download.scheduler.isExcluded(peer)) {
                neighbours.send(peer, haveRequest(download));
            }
        }
    }

    /** Sends the requests the scheduler has room for; a holder whose link is gone loses its requests. */
    void pump(Download download) {
        if (!download.ready() || download.completing || !download.active) {
            return;
        }
        for (ChunkScheduler.Request request : download.scheduler.next(clock.nowMillis())) {
            Frame ask = FileFrames.of(FileFrame.newBuilder().setRequest(ChunkRequest.newBuilder()
                    .setFileId(download.fileId).setIndex(request.index())).build());
            if (!neighbours.send(request.holder(), ask)) {
                download.scheduler.holderGone(request.holder());
            }
        }
    }

    /** Requests unanswered in time go to other holders; a download without holders asks around again. */
    void tick(Download download) {
        long now = clock.nowMillis();
        download.scheduler.expire(now);
        if (!download.scheduler.hasHolders() && now - download.lastAskedMillis >= config.askAgainAfter().toMillis()) {
            askHolders(download);
        }
        pump(download);
    }

    /** What {@code from} holds of the file; a bitmap longer than the file costs it. */
    void takeHave(PeerId from, Download download, FileHave have) {
        int count = download.file.offer.chunkCount();
        if (have.getBitmap().size() > (count + 7) / 8) {
            neighbours.penalize(from, Misbehaviour.MALFORMED, "file bitmap longer than the file");
            return;
        }
        download.candidates.add(from);
        download.scheduler.holderHas(from, BitSet.valueOf(have.getBitmap().toByteArray()));
        pump(download);
    }

    /** {@code from} has not the chunk asked of it (or no room to read it now): another holder is asked. */
    void takeMissing(PeerId from, Download download, ChunkRequest missing) {
        if (download.scheduler.awaiting(from, missing.getIndex())) {
            download.scheduler.failed(from, missing.getIndex());
            pump(download);
        }
    }

    /** A newly linked peer may hold what we fetch: it is asked about every download. */
    void peerConnected(PeerId peer, Collection<Download> downloads) {
        for (Download download : downloads) {
            if (!download.scheduler.isExcluded(peer)) {
                neighbours.send(peer, haveRequest(download));
            }
        }
    }

    void peerDisconnected(PeerId peer, Collection<Download> downloads) {
        for (Download download : downloads) {
            download.scheduler.holderGone(peer);
        }
    }

    private static Frame haveRequest(Download download) {
        return FileFrames.of(FileFrame.newBuilder().setHaveRequest(FileRef.newBuilder().setFileId(download.fileId))
                .build());
    }
}
