package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.runtime.SeededRng;

class DhtKeyTest {
    private static final DhtKey ZERO = key("00");

    /** A key from hex for its leading bytes, zero-padded to 32 bytes. */
    private static DhtKey key(String leadingHex) {
        byte[] raw = new byte[DhtKey.SIZE_BYTES];
        byte[] leading = HexFormat.of().parseHex(leadingHex);
        System.arraycopy(leading, 0, raw, 0, leading.length);
        return DhtKey.fromRaw(raw);
    }

    private static DhtKey lastByte(int value) {
        byte[] raw = new byte[DhtKey.SIZE_BYTES];
        raw[DhtKey.SIZE_BYTES - 1] = (byte) value;
        return DhtKey.fromRaw(raw);
    }

    @Test
    void xorDistanceMatchesHandComputedValues() {
        assertEquals(BigInteger.ZERO, ZERO.distanceTo(ZERO));
        assertEquals(BigInteger.ONE, ZERO.distanceTo(lastByte(0x01)));
        assertEquals(BigInteger.TWO.pow(255), ZERO.distanceTo(key("80")));
        assertEquals(BigInteger.TWO.pow(240), ZERO.distanceTo(key("0001")));
        // 0x0f ^ 0xf0 = 0xff in the top byte, and 0x05 ^ 0x03 = 0x06 in the one after it.
        assertEquals(BigInteger.valueOf(0xff06).shiftLeft(240), key("0f05").distanceTo(key("f003")));
        assertEquals(BigInteger.valueOf(0x06), lastByte(0x05).distanceTo(lastByte(0x03)));
        assertEquals(key("0f05").distanceTo(key("f003")), key("f003").distanceTo(key("0f05")));
    }

    @Test
    void commonPrefixLengthIsTheBucketIndex() {
        assertEquals(0, ZERO.commonPrefixLength(key("80")));
        assertEquals(1, ZERO.commonPrefixLength(key("40")));
        assertEquals(7, ZERO.commonPrefixLength(key("01")));
        assertEquals(8, ZERO.commonPrefixLength(key("0080")));
        assertEquals(15, ZERO.commonPrefixLength(key("0001")));
        assertEquals(3, key("f0").commonPrefixLength(key("e0")));
        assertEquals(255, ZERO.commonPrefixLength(lastByte(0x01)));
        assertEquals(254, lastByte(0x02).commonPrefixLength(lastByte(0x01)));
        assertEquals(256, key("abcd").commonPrefixLength(key("abcd")));
    }

    @Test
    void comparesDistancesToATarget() {
        assertTrue(ZERO.compareDistances(key("01"), key("02")) < 0);
        assertTrue(ZERO.compareDistances(key("80"), key("7f")) > 0);
        assertEquals(0, ZERO.compareDistances(key("55"), key("55")));
        // Seen from 0xf0..., 0xff... is at distance 0x0f..., 0xe0... at 0x10... and 0x00... at 0xf0....
        assertTrue(key("f0").compareDistances(key("ff"), key("e0")) < 0);
        assertTrue(key("f0").compareDistances(key("e0"), key("00")) < 0);
    }

    @Test
    void comparisonAgreesWithTheDistancesItAvoidsBuilding() {
        SeededRng rng = new SeededRng(7);
        for (int i = 0; i < 1_000; i++) {
            DhtKey target = DhtKey.ofPeer(Peers.random(rng));
            DhtKey a = DhtKey.ofPeer(Peers.random(rng));
            DhtKey b = DhtKey.ofPeer(Peers.random(rng));
            assertEquals(Integer.signum(target.distanceTo(a).compareTo(target.distanceTo(b))),
                    Integer.signum(target.compareDistances(a, b)));
        }
    }

    @Test
    void aPeerSitsAtTheSha256OfItsPublicKey() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                DhtKey.ofBytes(new byte[0]).toString());
        assertEquals("66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
                DhtKey.ofPeer(PeerId.fromPublicKey(new byte[32])).toString());
    }

    @Test
    void rawKeysMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> DhtKey.fromRaw(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> DhtKey.fromRaw(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> DhtKey.fromRaw(null));
    }

    @Test
    void bitsCountFromTheMostSignificant() {
        byte[] raw = new byte[DhtKey.SIZE_BYTES];
        raw[0] = (byte) 0x80;
        raw[1] = 0x01;
        raw[31] = 0x01;
        DhtKey key = DhtKey.fromRaw(raw);
        for (int i = 0; i < DhtKey.SIZE_BITS; i++) {
            assertEquals(i == 0 || i == 15 || i == 255, key.bit(i), "bit " + i);
        }
    }
}
