package org.parley.it;

/** Behind symmetric NATs: the punch fails and the link stays relayed. */
class NatTraversalSymmetricTest extends NatTraversalTest {
    @Override
    NatTestBed.Nat nat() {
        return NatTestBed.Nat.SYMMETRIC;
    }
}
