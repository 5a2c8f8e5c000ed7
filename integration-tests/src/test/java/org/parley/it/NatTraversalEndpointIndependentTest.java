package org.parley.it;

/** Behind endpoint-independent NATs: the verdicts, a punched hole, and the relay again when it breaks. */
class NatTraversalEndpointIndependentTest extends NatTraversalTest {
    @Override
    NatTestBed.Nat nat() {
        return NatTestBed.Nat.ENDPOINT_INDEPENDENT;
    }
}
