package org.parley.link.tls;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.crypto.Ed25519;
import org.parley.identity.PeerId;
import org.parley.link.relay.CircuitBudget;
import org.parley.link.relay.CircuitRelay;
import org.parley.proto.wire.v1.CircuitChunk;
import org.parley.proto.wire.v1.RelayServiceGrpc;
import org.parley.runtime.Scheduler;

/**
 * The relay's {@code RelayService}: takes each circuit stream's opening to {@link CircuitRelay}
 * (on the loop), and once a circuit's two ends are here, splices them: a chunk is read from one
 * end only after the previous one went out on the other and the circuit's budget allows, so the
 * relay buffers at most a chunk per direction and the slower side paces the faster. It only moves
 * bytes: the TLS inside is the two peers' own.
 */
final class CircuitEndpoint extends RelayServiceGrpc.RelayServiceImplBase {
    private static final Logger LOG = Logger.getLogger(CircuitEndpoint.class.getName());

    private final Context.Key<PeerId> remotePeer;
    private final Context.Key<String> remoteAddress;
    private final Scheduler loop;
    private final Supplier<CircuitRelay<End>> relay;
    private final RelayTampering tampering;
    private final SelfAnswer selfAnswer;
    /** Circuits a tampering relay answers itself, by the ID it gave them. */
    private final Map<Long, End> selfAnswered = new ConcurrentHashMap<>();
    private final AtomicLong selfCircuits = new AtomicLong(-1);

    /** How a tampering relay answers a circuit itself: with its own answering end, as a reserved peer would. */
    interface SelfAnswer {
        void answer(long circuit);
    }

    CircuitEndpoint(Context.Key<PeerId> remotePeer, Context.Key<String> remoteAddress, Scheduler loop,
                    Supplier<CircuitRelay<End>> relay, RelayTampering tampering, SelfAnswer selfAnswer) {
        this.remotePeer = remotePeer;
        this.remoteAddress = remoteAddress;
        this.loop = loop;
        this.relay = relay;
        this.tampering = tampering;
        this.selfAnswer = selfAnswer;
    }

    @Override
    public StreamObserver<CircuitChunk> circuit(StreamObserver<CircuitChunk> responses) {
        ServerCallStreamObserver<CircuitChunk> out = (ServerCallStreamObserver<CircuitChunk>) responses;
        out.disableAutoRequest();
        End end = new End(remotePeer.get(), remoteAddress.get(), new CircuitStream(out, status -> out.onError(status.asRuntimeException())));
        out.setOnReadyHandler(end::ready);
        out.setOnCancelHandler(() -> end.ended("peer went away"));
        end.stream.requestOne();
        return end;
    }

    /** One peer's circuit stream at this relay: its opening, then its half of the splice. */
    final class End implements StreamObserver<CircuitChunk>, CircuitRelay.Dialler {
        final PeerId peer;
        /** Where this end's stream comes from, as this relay sees it. */
        final String address;
        final CircuitStream stream;
        private final AtomicBoolean opened = new AtomicBoolean();
        private final AtomicBoolean finished = new AtomicBoolean();
        /** Set when the end waits for the other end to become ready before reading on. */
        private final AtomicBoolean partnerWaiting = new AtomicBoolean();
        private volatile End partner;
        private volatile CircuitBudget budget;
        private volatile long circuit;
        private volatile Scheduler.Cancellable deadline;

        End(PeerId peer, String address, CircuitStream stream) {
            this.peer = peer;
            this.address = address;
            this.stream = stream;
        }

        @Override
        public void onNext(CircuitChunk chunk) {
            if (opened.compareAndSet(false, true)) {
                open(chunk);
            } else if (partner == null) {
                malformed("sent data before its circuit was spliced");
            } else {
                forward(chunk);
            }
        }

        private void open(CircuitChunk chunk) {
            CircuitRelay<End> current = relay.get();
            if (current == null) {
                refuse("this node does not relay");
                return;
            }
            switch (chunk.getBodyCase()) {
                case CONNECT -> {
                    if (chunk.getConnect().size() != Ed25519.PUBLIC_KEY_SIZE) {
                        malformed("circuit to a key of " + chunk.getConnect().size() + " bytes");
                        return;
                    }
                    PeerId target = tampering.target(PeerId.fromPublicKey(chunk.getConnect().toByteArray()));
                    if (tampering.terminatesItself()) {
                        long id = selfCircuits.getAndDecrement();
                        circuit = id;
                        selfAnswered.put(id, this);
                        loop.execute(() -> selfAnswer.answer(id));
                        return;
                    }
                    loop.execute(() -> {
                        CircuitRelay.Admission admission = current.connect(peer, target, this);
                        admission.refusal().ifPresent(this::refuse);
                        admission.circuit().ifPresent(id -> {
                            circuit = id;
                            if (stream.isEnded()) {
                                current.closed(id);
                            }
                        });
                    });
                }
                case ACCEPT -> {
                    long id = chunk.getAccept();
                    End selfDialler = selfAnswered.remove(id);
                    if (selfDialler != null) {
                        splice(selfDialler, new CircuitBudget(org.parley.runtime.SystemClock.INSTANCE,
                                current.limits()), current);
                        return;
                    }
                    loop.execute(() -> current.accept(peer, id).ifPresentOrElse(
                            splice -> {
                                circuit = id;
                                splice(splice.diallerEnd(), splice.budget(), current);
                            },
                            () -> refuse("no circuit " + id + " was offered to you")));
                }
                default -> malformed("circuit stream opened with " + chunk.getBodyCase());
            }
        }

        private void splice(End dialler, CircuitBudget circuitBudget, CircuitRelay<End> current) {
            circuit = dialler.circuit;
            budget = circuitBudget;
            dialler.budget = circuitBudget;
            partner = dialler;
            dialler.partner = this;
            if (dialler.stream.isEnded()) {
                end(Status.CANCELLED.withDescription("the dialling peer left"));
                return;
            }
            Duration remaining = circuitBudget.remaining();
            deadline = loop.schedule(remaining, () -> end(Status.RESOURCE_EXHAUSTED
                    .withDescription("circuit reached its " + remaining.toSeconds() + " s limit")));
            // Each end learns where we see the other, before any data: hole punching aims only there.
            stream.send(CircuitChunk.newBuilder().setPeerAddress(dialler.address).build());
            dialler.stream.send(CircuitChunk.newBuilder().setPeerAddress(address).build());
            LOG.fine(() -> "spliced circuit " + circuit + ": " + dialler.peer.shortForm() + " to " + peer.shortForm());
            stream.requestOne();
            dialler.stream.requestOne();
        }

        private void forward(CircuitChunk chunk) {
            End other = partner;
            if (chunk.getBodyCase() != CircuitChunk.BodyCase.DATA) {
                malformed("sent " + chunk.getBodyCase() + " inside a spliced circuit");
                return;
            }
            if (chunk.getData().size() > LocalPipe.MAX_CHUNK || chunk.getData().isEmpty()) {
                malformed("circuit chunk of " + chunk.getData().size() + " bytes");
                return;
            }
            CircuitBudget.Charge charge = budget.charge(chunk.getData().size());
            if (charge.spent().isPresent()) {
                end(Status.RESOURCE_EXHAUSTED.withDescription(charge.spent().get()));
                return;
            }
            if (!other.stream.send(CircuitChunk.newBuilder().setData(tampering.carry(chunk.getData())).build())) {
                end(Status.CANCELLED.withDescription("the other end left"));
                return;
            }
            if (charge.delay().isZero()) {
                readOnWhenPartnerReady();
            } else {
                loop.schedule(charge.delay(), this::readOnWhenPartnerReady);
            }
        }

        private void readOnWhenPartnerReady() {
            End other = partner;
            other.partnerWaiting.set(true);
            if (other.stream.isReady() && other.partnerWaiting.compareAndSet(true, false)) {
                stream.requestOne();
            }
        }

        /** gRPC's on-ready handler: the partner may read on if it waited for us. */
        void ready() {
            End other = partner;
            if (other != null && partnerWaiting.compareAndSet(true, false)) {
                other.stream.requestOne();
            }
        }

        private void malformed(String reason) {
            LOG.info(() -> "circuit stream from " + peer.shortForm() + " refused: " + reason);
            CircuitRelay<End> current = relay.get();
            if (current != null) {
                loop.execute(() -> current.malformed(peer, reason));
            }
            end(Status.INVALID_ARGUMENT.withDescription(reason));
        }

        @Override
        public void refuse(String reason) {
            LOG.fine(() -> "circuit from " + peer.shortForm() + " refused: " + reason);
            stream.end(Status.PERMISSION_DENIED.withDescription(reason));
        }

        @Override
        public void onError(Throwable error) {
            ended(Status.fromThrowable(error).toString());
        }

        @Override
        public void onCompleted() {
            ended("peer closed the circuit");
        }

        void ended(String reason) {
            end(Status.CANCELLED.withDescription(reason));
        }

        /** Ends this end, its partner, and the circuit's place at the relay; once. */
        private void end(Status status) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            stream.end(status);
            Scheduler.Cancellable timer = deadline;
            if (timer != null) {
                timer.cancel();
            }
            End other = partner;
            if (other != null) {
                other.end(status);
            }
            long id = circuit;
            CircuitRelay<End> current = relay.get();
            if (id > 0 && current != null) {
                loop.execute(() -> current.closed(id));
            }
        }
    }
}
