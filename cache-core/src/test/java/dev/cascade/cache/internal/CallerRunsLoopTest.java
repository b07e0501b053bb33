package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

  /**
   * Many submitters at once: every task runs exactly once, all on the driver, and none is lost (a
   * lost wake-up would leave the driver parked: the timeout turns that hang into a failure).
   */
  @Test
  @Timeout(60)
  void tasksFromManyThreadsAtOnce_eachRunsOnceOnTheDriver() throws Exception {
    int submitters = 8;
    int perSubmitter = 2_000;
    CallerRunsLoop loop = new CallerRunsLoop();
    CompletableFuture<Integer> result = new CompletableFuture<>();
    int[] ran = {0}; // touched only by the thread that runs tasks, which must be this one
    Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[submitters];
    for (int t = 0; t < submitters; t++) {
      threads[t] =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
                for (int i = 0; i < perSubmitter; i++) {
                  loop.execute(
                      () -> {
                        ranOn.add(Thread.currentThread());
                        if (++ran[0] == submitters * perSubmitter) {
                          result.complete(ran[0]);
                        }
                      });
                }
              });
      threads[t].start();
    }
    start.countDown();

    assertThat(loop.drive(result).join()).isEqualTo(submitters * perSubmitter);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(ranOn).containsExactly(Thread.currentThread());
  }

  /** An interrupt does not end the wait for the call's result; the flag is set again on return. */
  @Test
  void anInterruptedDriver_keepsWaitingForTheResult_andKeepsTheInterrupt() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    AtomicReference<CallerRunsLoop> loop = new AtomicReference<>();
    AtomicReference<String> returned = new AtomicReference<>();
    AtomicBoolean interruptedOnReturn = new AtomicBoolean();
    AtomicInteger tasksRun = new AtomicInteger();
    AtomicReference<Thread> taskRanOn = new AtomicReference<>();
    Thread driver =
        new Thread(
            () -> {
              CallerRunsLoop own = new CallerRunsLoop();
              loop.set(own);
              returned.set(own.drive(result).join());
              interruptedOnReturn.set(Thread.currentThread().isInterrupted());
            });
    driver.start();
    await().until(() -> loop.get() != null && driver.getState() == Thread.State.WAITING);

    driver.interrupt();
    loop.get()
        .execute(
            () -> {
              taskRanOn.set(Thread.currentThread());
              tasksRun.incrementAndGet();
            });
    await().until(() -> tasksRun.get() == 1 && driver.getState() == Thread.State.WAITING);
    assertThat(taskRanOn.get()).isSameAs(driver); // the driver still serves its loop
    assertThat(returned.get()).isNull();
    // Parked again, not spinning: with the interrupt left set, park would return at once, forever.
    int parks = loop.get().parks();
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> loop.get().parks() - parks <= 2);

    result.complete("late");
    driver.join();
    assertThat(returned.get()).isEqualTo("late");
    assertThat(interruptedOnReturn.get()).isTrue();
  }

  @Test
  void drivingAnotherThreadsLoop_isRefused() throws Exception {
    AtomicReference<CallerRunsLoop> made = new AtomicReference<>();
    Thread maker = new Thread(() -> made.set(new CallerRunsLoop()));
    maker.start();
    maker.join();

    assertThatThrownBy(() -> made.get().drive(new CompletableFuture<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(maker.getName());
  }
}
