package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallerRunsLoopTest {

  @Test
  void tasksQueuedBeforeTheResult_runOnTheDrivingThread() throws Exception {
    CallerRunsLoop loop = new CallerRunsLoop();
    CompletableFuture<String> result = new CompletableFuture<>();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Thread submitter =
        new Thread(
            () ->
                loop.execute(
                    () -> {
                      ranOn.set(Thread.currentThread());
                      result.complete("done");
                    }));
    submitter.start();

    assertThat(loop.drive(result).join()).isEqualTo("done");
    submitter.join();
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
  }

  /** A stage that hopped to a call's loop but that the call did not wait for is never stranded. */
  @Test
  void aTaskSubmittedAfterDriveReturned_runsOnTheSubmittingThread() throws Exception {
    CallerRunsLoop loop = new CallerRunsLoop();
    loop.drive(CompletableFuture.completedFuture("done"));
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Thread[] submitter = new Thread[1];
    submitter[0] = new Thread(() -> loop.execute(() -> ranOn.set(Thread.currentThread())));
    submitter[0].start();
    submitter[0].join();

    assertThat(ranOn.get()).isSameAs(submitter[0]);
  }
}
