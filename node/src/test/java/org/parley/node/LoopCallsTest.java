package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.api.ApiException;
import org.parley.runtime.EventLoop;

/** A call from outside waits for the node's loop up to the node's own limit, then says the node did not answer. */
class LoopCallsTest {
    private final EventLoop loop = new EventLoop("loop-calls-test");
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        loop.close();
    }

    private void holdTheLoop() {
        loop.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aBusyLoopPastTheLimitIsAClearDeadlineErrorNamingTheLimit() {
        LoopCalls calls = new LoopCalls(loop, Duration.ofMillis(300));
        holdTheLoop();

        ApiException call = assertThrows(ApiException.class, () -> calls.call(() -> "answer"));
        assertEquals(ApiException.Kind.DEADLINE_EXCEEDED, call.kind());
        assertEquals("the node did not answer within 300 ms", call.getMessage());
        ApiException await = assertThrows(ApiException.class,
                () -> calls.await(() -> CompletableFuture.completedFuture("answer")));
        assertEquals("the node did not answer within 300 ms", await.getMessage());
    }

    @Test
    void withinItsLimitACallGetsTheLoopsAnswerOnceTheLoopIsFree() throws Exception {
        LoopCalls calls = new LoopCalls(loop, Duration.ofMinutes(2));
        holdTheLoop();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return calls.call(() -> "answer from " + Thread.currentThread().getName());
            } catch (ApiException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertFalse(answer.isDone(), "the call waits for the loop");
        release.countDown();
        assertEquals("answer from loop-calls-test", answer.get());
    }
}
