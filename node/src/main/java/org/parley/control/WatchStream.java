package org.parley.control;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.ParleyApi.Subscription;
import org.parley.proto.control.v1.ControlGrpc;
import org.parley.proto.control.v1.Event;
import org.parley.proto.control.v1.WatchRequest;
import org.parley.store.ProfileHome;

/**
 * One watch of a daemon's events over the control API. It opens only once the daemon has said the
 * stream is live (the {@code watching} event), so that a refusal is thrown to the caller rather
 * than seen later; after that, its end is told once, unless the caller closed it.
 */
final class WatchStream {
    private WatchStream() {
    }

    /**
     * Opens the watch; events go to {@code listener} on a gRPC thread. {@code ended} completes with
     * why the stream ended, whoever ended it; {@code streamEnded} hears of an end only after the
     * stream went live and only when the caller did not close it.
     */
    static Subscription open(Channel channel, Metadata headers, ProfileHome home, Duration liveWithin,
                             Optional<String> after, Consumer<EventView> listener, Consumer<String> streamEnded,
                             CompletableFuture<String> ended) throws ApiException {
        AtomicBoolean closedHere = new AtomicBoolean();
        CompletableFuture<Void> live = new CompletableFuture<>();
        ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
        WatchRequest.Builder request = WatchRequest.newBuilder();
        after.ifPresent(request::setAfter);
        ControlGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .watch(request.build(), new ClientResponseObserver<WatchRequest, Event>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                        call[0] = requestStream;
                    }

                    @Override
                    public void onNext(Event event) {
                        listener.accept(ControlMessages.fromProto(event));
                        if (EventView.WATCHING.equals(event.getType())) {
                            live.complete(null);
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        ApiException refusal = ControlErrors.explain(Status.fromThrowable(error).asRuntimeException(),
                                home);
                        end(refusal, refusal.getMessage());
                    }

                    @Override
                    public void onCompleted() {
                        end(new ApiException(ApiException.Kind.UNAVAILABLE, "the daemon ended the watch"),
                                "the daemon ended the watch");
                    }

                    private void end(ApiException refusal, String reason) {
                        boolean wasLive = live.isDone();
                        live.completeExceptionally(refusal);
                        ended.complete(reason);
                        if (wasLive && !closedHere.get()) {
                            streamEnded.accept(reason);
                        }
                    }
                });
        Subscription subscription = () -> {
            closedHere.set(true);
            call[0].cancel("watch closed", null);
        };
        try {
            live.get(liveWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (ApiException) e.getCause();
        } catch (TimeoutException e) {
            subscription.close();
            throw new ApiException(ApiException.Kind.DEADLINE_EXCEEDED, "the daemon of " + home
                    + " did not start the watch in time");
        } catch (InterruptedException e) {
            subscription.close();
            Thread.currentThread().interrupt();
            throw new ApiException(ApiException.Kind.UNAVAILABLE, "interrupted while starting the watch");
        }
        return subscription;
    }
}
