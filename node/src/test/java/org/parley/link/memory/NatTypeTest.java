package org.parley.link.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.link.memory.NatType.ADDRESS_DEPENDENT;
import static org.parley.link.memory.NatType.ENDPOINT_INDEPENDENT;
import static org.parley.link.memory.NatType.NONE;
import static org.parley.link.memory.NatType.PORT_RESTRICTED_CONE;
import static org.parley.link.memory.NatType.RESTRICTED_CONE;
import static org.parley.link.memory.NatType.SYMMETRIC;

import org.junit.jupiter.api.Test;
import org.parley.link.HostPort;

/** What each NAT type lets through, and the hole-punching predicate's table. */
class NatTypeTest {
    @Test
    void onlyAPublicAddressTakesUnsolicitedDials() {
        assertTrue(NONE.acceptsInbound());
        assertFalse(ENDPOINT_INDEPENDENT.acceptsInbound());
        assertFalse(ADDRESS_DEPENDENT.acceptsInbound());
        assertFalse(SYMMETRIC.acceptsInbound());
    }

    @Test
    void aSimultaneousOpenPassesBetweenConesAndFailsWhereNoPortCanBeHit() {
        NatType[] types = {NONE, ENDPOINT_INDEPENDENT, RESTRICTED_CONE, PORT_RESTRICTED_CONE, ADDRESS_DEPENDENT,
            SYMMETRIC};
        assertEquals(NatType.values().length, types.length, "every type is in the table");
        boolean[][] expected = {
            // NONE   EI     RC     PRC    AD     SYM
            {true, true, true, true, true, true},        // NONE
            {true, true, true, true, true, true},        // EI (full cone)
            {true, true, true, true, true, true},        // RC (restricted cone)
            {true, true, true, true, false, false},      // PRC (port-restricted cone)
            {true, true, true, false, false, false},     // AD
            {true, true, true, false, false, false}};    // SYM
        for (int a = 0; a < types.length; a++) {
            for (int b = 0; b < types.length; b++) {
                assertEquals(expected[a][b], NatType.simultaneousOpenSucceeds(types[a], types[b]),
                        types[a] + " with " + types[b]);
                assertEquals(NatType.simultaneousOpenSucceeds(types[a], types[b]),
                        NatType.simultaneousOpenSucceeds(types[b], types[a]), "symmetric");
            }
        }
    }

    @Test
    void theFabricAnswersForAddressesAndACutWins() {
        InMemoryFabric fabric = new InMemoryFabric();
        HostPort a = HostPort.parse("10.0.0.1:7000");
        HostPort b = HostPort.parse("10.0.1.1:7000");
        fabric.natFor(a, ADDRESS_DEPENDENT);
        fabric.natFor(b, SYMMETRIC);
        assertTrue(fabric.modelsNat());
        assertFalse(fabric.simultaneousOpenSucceeds(a, b));
        fabric.natFor(b, ENDPOINT_INDEPENDENT);
        assertTrue(fabric.simultaneousOpenSucceeds(a, b));
        fabric.cut(address -> address.equals(a));
        assertFalse(fabric.simultaneousOpenSucceeds(a, b), "nothing crosses a cut");
        fabric.mend();
        fabric.natFor(a, NONE);
        assertEquals(NONE, fabric.natOf(a));
    }

    @Test
    void labelsNameTheTypes() {
        for (NatType type : NatType.values()) {
            assertEquals(type, NatType.ofLabel(type.label()));
        }
        assertThrows(IllegalArgumentException.class, () -> NatType.ofLabel("cone"));
    }
}
