package org.parley.overlay.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.record.Records.HOUR;
import static org.parley.overlay.record.Records.NOW;
import static org.parley.overlay.record.Records.RANDOM;
import static org.parley.overlay.record.Records.bundle;
import static org.parley.overlay.record.Records.record;
import static org.parley.overlay.record.Records.signedBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.HostPort;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.PeerRecord.Builder;
import org.parley.proto.wire.v1.PrekeyBundle;

class PeerRecordTest {
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final PeerRecord genuine = record(alice, 5, NOW, HOUR, "192.0.2.1:7000", "[2001:db8::1]:7000",
            "alice.example:443");

    @Test
    void aRecordSurvivesTheWireUnchanged() throws Exception {
        PeerRecord received = PeerRecord.decode(genuine.toProto().toByteArray(), NOW);
        assertEquals(genuine, received);
        assertEquals(alice.peerId(), received.peer());
        assertEquals(List.of(new HostPort("192.0.2.1", 7000), new HostPort("2001:db8::1", 7000),
                new HostPort("alice.example", 443)), received.addresses());
        assertEquals(5, received.sequence());
        assertEquals(NOW, received.createdAtMillis());
        assertEquals(NOW + HOUR, received.expiresAtMillis());
        assertEquals(genuine.bundle(), received.bundle());
        assertEquals(genuine.toProto(), received.toProto());
    }

    @Test
    void aRecordWithoutAddressesIsValid() throws Exception {
        PeerRecord unreachable = record(alice, 1, NOW, HOUR);
        assertEquals(List.of(), PeerRecord.verify(unreachable.toProto(), NOW).addresses());
    }

    @Test
    void aFlippedSignatureBitIsForged() {
        byte[] signature = genuine.toProto().getSignature().toByteArray();
        signature[11] ^= 1;
        assertRefused(Misbehaviour.FORGED, genuine.toProto().toBuilder()
                .setSignature(ByteString.copyFrom(signature)).build());
    }

    @Test
    void aRecordSignedByOneKeyClaimingAnotherPeerIsForged() {
        org.parley.proto.wire.v1.PeerRecord bobs = record(bob, 5, NOW, HOUR, "192.0.2.66:7000").toProto();
        assertRefused(Misbehaviour.FORGED, signedBy(alice, bobs));
    }

    @Test
    void everyTamperedFieldIsForged() {
        org.parley.proto.wire.v1.PeerRecord proto = genuine.toProto();
        PrekeyBundle otherBundle = bundle(alice);
        Map<String, Builder> tampered = Map.of(
                "address", proto.toBuilder().setAddresses(0, "192.0.2.66:7000"),
                "address dropped", proto.toBuilder().clearAddresses().addAllAddresses(
                        proto.getAddressesList().subList(1, 3)),
                "address order", proto.toBuilder().clearAddresses().addAllAddresses(
                        reversed(proto.getAddressesList())),
                "sequence", proto.toBuilder().setSequence(proto.getSequence() + 1),
                "created", proto.toBuilder().setCreatedAtMs(proto.getCreatedAtMs() - 1),
                "expiry", proto.toBuilder().setExpiresAtMs(proto.getExpiresAtMs() + 1),
                "bundle", proto.toBuilder().setBundle(otherBundle));
        tampered.forEach((field, builder) -> assertEquals(Misbehaviour.FORGED,
                assertThrows(PeerRecordException.class, () -> PeerRecord.verify(builder.build(), NOW), field)
                        .rejection(), field));
    }

    @Test
    void relaysSurviveTheWireAndAreSigned() throws Exception {
        Identity carol = Identity.generate("carol", RANDOM);
        PeerRecord relayed = PeerRecord.create(alice, List.of("192.0.2.1:7000"), 6, NOW, HOUR, bundle(alice),
                List.of(bob.peerId(), carol.peerId()));
        PeerRecord received = PeerRecord.decode(relayed.toProto().toByteArray(), NOW);
        assertEquals(List.of(bob.peerId(), carol.peerId()), received.relays());
        assertEquals(relayed, received);
        assertEquals(List.of(), genuine.relays());
        org.parley.proto.wire.v1.PeerRecord proto = relayed.toProto();
        ByteString mallory = ByteString.copyFrom(Identity.generate("mallory", RANDOM).peerId().publicKey());
        Map<String, Builder> tampered = Map.of(
                "relay swapped", proto.toBuilder().setRelays(1, mallory),
                "relay added", proto.toBuilder().addRelays(mallory),
                "relay dropped", proto.toBuilder().clearRelays().addRelays(proto.getRelays(0)),
                "relays reordered", proto.toBuilder().clearRelays().addAllRelays(reversed(proto.getRelaysList())),
                "relays added to a record without", genuine.toProto().toBuilder().addRelays(mallory));
        tampered.forEach((change, builder) -> assertEquals(Misbehaviour.FORGED,
                assertThrows(PeerRecordException.class, () -> PeerRecord.verify(builder.build(), NOW), change)
                        .rejection(), change));
    }

    @Test
    void linkRelaysSurviveTheWireAndAreCoveredByTheSignature() throws Exception {
        Identity carol = Identity.generate("carol", RANDOM);
        PeerRecord reserved = PeerRecord.create(alice, List.of(), 6, NOW, HOUR, bundle(alice), List.of(),
                List.of(bob.peerId(), carol.peerId()));
        PeerRecord received = PeerRecord.decode(reserved.toProto().toByteArray(), NOW);
        assertEquals(List.of(bob.peerId(), carol.peerId()), received.linkRelays());
        assertEquals(reserved, received);
        assertEquals(List.of(), genuine.linkRelays());
        org.parley.proto.wire.v1.PeerRecord proto = reserved.toProto();
        ByteString mallory = ByteString.copyFrom(Identity.generate("mallory", RANDOM).peerId().publicKey());
        Map<String, Builder> tampered = Map.of(
                "link relay swapped", proto.toBuilder().setLinkRelays(1, mallory),
                "link relay added", proto.toBuilder().addLinkRelays(mallory),
                "link relay dropped", proto.toBuilder().clearLinkRelays().addLinkRelays(proto.getLinkRelays(0)),
                "link relays moved to mail relays", proto.toBuilder().clearLinkRelays()
                        .addAllRelays(proto.getLinkRelaysList()),
                "link relay added to a record without", genuine.toProto().toBuilder().addLinkRelays(mallory));
        tampered.forEach((change, builder) -> assertEquals(Misbehaviour.FORGED,
                assertThrows(PeerRecordException.class, () -> PeerRecord.verify(builder.build(), NOW), change)
                        .rejection(), change));
    }

    @Test
    void aRecordNamingLinkRelaysThatItsPeerDidNotSignIsForged() {
        // Mallory would have Alice's circuits run through his own node: he re-signs Alice's record
        // naming himself as her relay, but only Alice's key can sign her record.
        Identity mallory = Identity.generate("mallory", RANDOM);
        org.parley.proto.wire.v1.PeerRecord hijacked = genuine.toProto().toBuilder().clearAddresses()
                .addLinkRelays(ByteString.copyFrom(mallory.peerId().publicKey())).build();
        assertRefused(Misbehaviour.FORGED, signedBy(mallory, hijacked));
    }

    @Test
    void linkRelaysAreFewDistinctWellFormedAndNeverThePeerItself() {
        org.parley.proto.wire.v1.PeerRecord.Builder four = genuine.toProto().toBuilder();
        for (int i = 0; i < PeerRecord.MAX_LINK_RELAYS + 1; i++) {
            four.addLinkRelays(ByteString.copyFrom(Identity.generate("relay" + i, RANDOM).peerId().publicKey()));
        }
        assertRefused(Misbehaviour.TOO_LARGE, signedBy(alice, four.build()));
        ByteString bobKey = ByteString.copyFrom(bob.peerId().publicKey());
        Map<String, org.parley.proto.wire.v1.PeerRecord> bad = Map.of(
                "short key", genuine.toProto().toBuilder().addLinkRelays(bobKey.substring(0, 31)).build(),
                "repeated", signedBy(alice, genuine.toProto().toBuilder().addLinkRelays(bobKey).addLinkRelays(bobKey)
                        .build()),
                "itself", signedBy(alice, genuine.toProto().toBuilder()
                        .addLinkRelays(ByteString.copyFrom(alice.peerId().publicKey())).build()));
        bad.forEach((what, proto) -> assertEquals(Misbehaviour.MALFORMED,
                assertThrows(PeerRecordException.class, () -> PeerRecord.verify(proto, NOW), what).rejection(), what));
        assertThrows(IllegalArgumentException.class, () -> PeerRecord.create(alice, List.of(), 1, NOW, HOUR,
                bundle(alice), List.of(), List.of(alice.peerId())));
    }

    @Test
    void moreThanFourRelaysAreTooLargeEvenWhenSigned() {
        org.parley.proto.wire.v1.PeerRecord.Builder five = genuine.toProto().toBuilder();
        for (int i = 0; i < PeerRecord.MAX_RELAYS + 1; i++) {
            five.addRelays(ByteString.copyFrom(Identity.generate("relay" + i, RANDOM).peerId().publicKey()));
        }
        assertRefused(Misbehaviour.TOO_LARGE, signedBy(alice, five.build()));
        assertThrows(IllegalArgumentException.class, () -> PeerRecord.create(alice, List.of(), 1, NOW, HOUR,
                bundle(alice), five.getRelaysList().stream()
                        .map(key -> org.parley.identity.PeerId.fromPublicKey(key.toByteArray())).toList()));
    }

    @Test
    void relayKeysOfTheWrongSizeRepeatedOrNamingThePeerItselfAreMalformed() {
        ByteString bobKey = ByteString.copyFrom(bob.peerId().publicKey());
        Map<String, org.parley.proto.wire.v1.PeerRecord> bad = Map.of(
                "short key", genuine.toProto().toBuilder().addRelays(bobKey.substring(0, 31)).build(),
                "long key", genuine.toProto().toBuilder().addRelays(bobKey.concat(ByteString.copyFrom(new byte[1])))
                        .build(),
                "repeated", signedBy(alice, genuine.toProto().toBuilder().addRelays(bobKey).addRelays(bobKey).build()),
                "itself", signedBy(alice, genuine.toProto().toBuilder()
                        .addRelays(ByteString.copyFrom(alice.peerId().publicKey())).build()));
        bad.forEach((what, proto) -> assertEquals(Misbehaviour.MALFORMED,
                assertThrows(PeerRecordException.class, () -> PeerRecord.verify(proto, NOW), what).rejection(), what));
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] encoded = genuine.toProto().toByteArray();
        for (int length = 0; length < encoded.length; length++) {
            byte[] truncated = Arrays.copyOf(encoded, length);
            assertEquals(Misbehaviour.MALFORMED, assertThrows(PeerRecordException.class,
                    () -> PeerRecord.decode(truncated, NOW), "first " + length + " bytes").rejection());
        }
    }

    @Test
    void oversizedEncodingsAreRefusedBeforeParsing() {
        byte[] huge = new byte[PeerRecord.MAX_ENCODED_BYTES + 1];
        assertEquals(Misbehaviour.TOO_LARGE, assertThrows(PeerRecordException.class,
                () -> PeerRecord.decode(huge, NOW)).rejection());
    }

    @Test
    void unsignedPaddingBeyondTheLimitIsTooLarge() {
        assertRefused(Misbehaviour.TOO_LARGE, genuine.toProto().toBuilder()
                .setUnknownFields(padding(PeerRecord.MAX_ENCODED_BYTES)).build());
    }

    @Test
    void unsignedFieldsInTheBundleAreDropped() throws Exception {
        org.parley.proto.wire.v1.PeerRecord proto = genuine.toProto();
        PrekeyBundle padded = proto.getBundle().toBuilder().setUnknownFields(padding(100)).build();
        PeerRecord received = PeerRecord.verify(proto.toBuilder().setBundle(padded).build(), NOW);
        assertEquals(genuine, received);
        assertEquals(proto, received.toProto());
    }

    @Test
    void moreThanEightAddressesAreTooLarge() {
        List<String> nine = addresses(ListenAddresses.MAX_COUNT + 1);
        assertRefused(Misbehaviour.TOO_LARGE, signedBy(alice, genuine.toProto().toBuilder().clearAddresses()
                .addAllAddresses(nine).build()));
        assertThrows(IllegalArgumentException.class,
                () -> PeerRecord.create(alice, nine, 1, NOW, HOUR, bundle(alice)));
    }

    @Test
    void eightAddressesOfTheLongestLengthFit() throws Exception {
        // The longest host a HostPort takes, a colon and a five-digit port.
        List<String> longest = IntStream.range(0, ListenAddresses.MAX_COUNT)
                .mapToObj(i -> "a".repeat(HostPort.MAX_HOST - 3) + ".h" + i + ":65000").toList();
        assertEquals(ListenAddresses.MAX_LENGTH, longest.get(0).length());
        PeerRecord full = PeerRecord.create(alice, longest, 1, NOW, HOUR, bundle(alice));
        assertTrue(full.toProto().getSerializedSize() <= PeerRecord.MAX_ENCODED_BYTES);
        assertEquals(full, PeerRecord.decode(full.toProto().toByteArray(), NOW));
    }

    @Test
    void anOverlongAddressIsTooLarge() {
        // A host HostPort takes (it reads what is inside the brackets), in a text longer than a record lists.
        String overlong = "[" + "a".repeat(HostPort.MAX_HOST) + "]:65000";
        assertRefused(Misbehaviour.TOO_LARGE, signedBy(alice, genuine.toProto().toBuilder()
                .setAddresses(0, overlong).build()));
    }

    @Test
    void unparsableOrNonCanonicalAddressesAreMalformed() {
        for (String bad : List.of("no-port", "host:", ":7000", "host:70000", "host:seven", "2001:db8::1:7000",
                "bad_host:7000", "host:0", "Alice.example:443", " alice.example:443")) {
            org.parley.proto.wire.v1.PeerRecord proto = withOnlyAddress(bad);
            assertEquals(Misbehaviour.MALFORMED, assertThrows(PeerRecordException.class,
                    () -> PeerRecord.verify(proto, NOW), bad).rejection(), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> PeerRecord.create(alice, List.of(bad), 1, NOW, HOUR, bundle(alice)), bad);
        }
    }

    @Test
    void aRepeatedAddressIsMalformed() {
        assertThrows(IllegalArgumentException.class, () -> record(alice, 1, NOW, HOUR, "192.0.2.1:7000",
                "192.0.2.1:7000"));
    }

    @Test
    void anExpiredRecordIsRefused() throws Exception {
        PeerRecord.verify(genuine.toProto(), NOW + HOUR - 1);
        assertRefused(Misbehaviour.EXPIRED, genuine.toProto(), NOW + HOUR);
    }

    @Test
    void anExpiryMoreThanSevenDaysAheadIsRefused() throws Exception {
        PeerRecord longest = record(alice, 1, NOW, PeerRecord.MAX_LIFETIME_MILLIS);
        assertEquals(longest, PeerRecord.verify(longest.toProto(), NOW));
        PeerRecord fromTheFuture = record(alice, 1, NOW + HOUR, PeerRecord.MAX_LIFETIME_MILLIS);
        assertRefused(Misbehaviour.EXPIRY_TOO_FAR, fromTheFuture.toProto(), NOW);
        org.parley.proto.wire.v1.PeerRecord tooLong = signedBy(alice, longest.toProto().toBuilder()
                .setExpiresAtMs(NOW + PeerRecord.MAX_LIFETIME_MILLIS + 1).build());
        assertRefused(Misbehaviour.EXPIRY_TOO_FAR, tooLong, NOW + HOUR);
    }

    @Test
    void createRefusesLifetimesVerifyWouldRefuse() {
        assertThrows(IllegalArgumentException.class, () -> record(alice, 1, NOW, 0));
        assertThrows(IllegalArgumentException.class, () -> record(alice, 1, NOW, PeerRecord.MAX_LIFETIME_MILLIS + 1));
    }

    @Test
    void impossibleTimesAreMalformed() {
        org.parley.proto.wire.v1.PeerRecord proto = genuine.toProto();
        assertRefused(Misbehaviour.MALFORMED, signedBy(alice, proto.toBuilder()
                .setExpiresAtMs(proto.getCreatedAtMs()).build()));
        assertRefused(Misbehaviour.MALFORMED, signedBy(alice, proto.toBuilder().setCreatedAtMs(-1).build()));
    }

    @Test
    void versionsOtherThanOursAreRefused() {
        assertRefused(Misbehaviour.UNSUPPORTED_VERSION, genuine.toProto().toBuilder().setVersion(2).build());
        assertRefused(Misbehaviour.MALFORMED, genuine.toProto().toBuilder().clearVersion().build());
    }

    @Test
    void fieldsOfTheWrongShapeAreMalformed() {
        org.parley.proto.wire.v1.PeerRecord proto = genuine.toProto();
        assertRefused(Misbehaviour.MALFORMED, proto.toBuilder().setPeer(proto.getPeer().substring(1)).build());
        assertRefused(Misbehaviour.MALFORMED, proto.toBuilder().setSignature(proto.getSignature().substring(1))
                .build());
        assertRefused(Misbehaviour.MALFORMED, proto.toBuilder().clearBundle().build());
        assertRefused(Misbehaviour.MALFORMED, proto.toBuilder().setBundle(proto.getBundle().toBuilder()
                .setSignedPrekey(ByteString.copyFrom(new byte[31]))).build());
    }

    @Test
    void aBundleOfAnotherPeerIsRefused() {
        assertRefused(Misbehaviour.MALFORMED, signedBy(alice, genuine.toProto().toBuilder()
                .setBundle(bundle(bob)).build()));
        assertThrows(IllegalArgumentException.class,
                () -> PeerRecord.create(alice, List.of(), 1, NOW, HOUR, bundle(bob)));
    }

    private void assertRefused(Misbehaviour expected, org.parley.proto.wire.v1.PeerRecord proto) {
        assertRefused(expected, proto, NOW);
    }

    private static void assertRefused(Misbehaviour expected, org.parley.proto.wire.v1.PeerRecord proto,
                                      long nowMillis) {
        PeerRecordException refusal = assertThrows(PeerRecordException.class,
                () -> PeerRecord.verify(proto, nowMillis));
        assertEquals(expected, refusal.rejection(), refusal.getMessage());
    }

    /**
     * The genuine record listing only {@code address}. Addresses are checked before the
     * signature, so the refusal must name the address, not the broken signature.
     */
    private org.parley.proto.wire.v1.PeerRecord withOnlyAddress(String address) {
        return genuine.toProto().toBuilder().clearAddresses().addAddresses(address).build();
    }

    private static List<String> addresses(int count) {
        return IntStream.range(0, count).mapToObj(i -> "192.0.2." + (i + 1) + ":7000").toList();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static UnknownFieldSet padding(int bytes) {
        return UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFrom(new byte[bytes])).build()).build();
    }
}
