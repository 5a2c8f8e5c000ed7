package org.parley.mailbox;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import com.google.protobuf.ByteString;

/** Where a replica writes down the group posts it holds, so that they survive a restart. */
interface GroupPostJournal {
    /** For nodes without a disk (the simulator): held posts live as long as the process. */
    GroupPostJournal IN_MEMORY = new GroupPostJournal() {
        @Override
        public CompletableFuture<Void> held(List<HeldItem<String, ByteString>> taken, List<HeldItem<String, ByteString>> pushedOut) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void dropped(List<HeldItem<String, ByteString>> gone) {
        }
    };

    /** Completes once the posts are written (and those they pushed out deleted), in one transaction. */
    CompletableFuture<Void> held(List<HeldItem<String, ByteString>> taken, List<HeldItem<String, ByteString>> pushedOut);

    void dropped(List<HeldItem<String, ByteString>> gone);
}
