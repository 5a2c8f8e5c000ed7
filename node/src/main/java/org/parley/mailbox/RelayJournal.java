package org.parley.mailbox;

import org.parley.identity.PeerId;

/** Where the relay arrangements are written down, so that they outlive a restart. */
interface RelayJournal {
    /** For nodes without a disk (the simulator): arrangements live as long as the process. */
    RelayJournal IN_MEMORY = new RelayJournal() {
        @Override
        public void put(PeerId peer, boolean forUs, boolean accepted) {
        }

        @Override
        public void remove(PeerId peer, boolean forUs) {
        }
    };

    /**
     * {@code forUs}: the peer holds our mail; otherwise we offered to hold its mail, and
     * {@code accepted} says whether it said yes.
     */
    void put(PeerId peer, boolean forUs, boolean accepted);

    void remove(PeerId peer, boolean forUs);
}
