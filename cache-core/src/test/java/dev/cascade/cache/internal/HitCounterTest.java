package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HitCounterTest {

  @Test
  void sum_isExact_withMoreThreadsThanSlots() throws Exception {
    HitCounter counter = new HitCounter();
    int threads = 100; // more than the 64 slots: some threads share a slot and use the overflow
    int each = 20_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                for (int i = 0; i < each; i++) {
                  counter.increment();
                }
              });
      worker.start();
      workers.add(worker);
    }
    go.countDown();
    for (Thread worker : workers) {
      worker.join();
    }

    assertThat(counter.sum()).isEqualTo((long) threads * each);
  }

  @Test
  void sum_keepsTheCountsOfThreadsThatEnded() throws Exception {
    HitCounter counter = new HitCounter();
    Thread worker = new Thread(() -> { for (int i = 0; i < 1_000; i++) { counter.increment(); } });
    worker.start();
    worker.join();
    counter.increment();

    assertThat(counter.sum()).isEqualTo(1_001);
  }

  @Test
  void aThreadWhoseSlotBelongedToAnEndedThread_takesTheSlotOver_andTheCountStaysExact() throws Exception {
    HitCounter counter = new HitCounter();
    Thread first = new Thread(() -> add(counter, 1_000));
    first.start();
    first.join();
    Thread next = threadOnTheSlotOf(first, () -> add(counter, 500));
    next.start();
    next.join();

    assertThat(counter.overflowSum()).as("increments that found no slot").isZero();
    assertThat(counter.sum()).isEqualTo(1_500);
  }

  @Test
  void aThreadWhoseSlotBelongsToALiveThread_countsInTheOverflow() throws Exception {
    HitCounter counter = new HitCounter();
    CountDownLatch counted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread owner =
        new Thread(
            () -> {
              add(counter, 1_000);
              counted.countDown();
              await(release);
            });
    owner.start();
    counted.await();
    Thread other = threadOnTheSlotOf(owner, () -> add(counter, 500));
    other.start();
    other.join();
    release.countDown();
    owner.join();

    assertThat(counter.overflowSum()).isEqualTo(500);
    assertThat(counter.sum()).isEqualTo(1_500);
  }

  /** A new, unstarted thread running {@code task} whose id maps to the same slot as {@code thread}'s. */
  private static Thread threadOnTheSlotOf(Thread thread, Runnable task) {
    while (true) { // ids are handed out in order, so one of the next SLOTS threads maps to that slot
      Thread candidate = new Thread(task);
      if ((candidate.getId() & (HitCounter.SLOTS - 1)) == (thread.getId() & (HitCounter.SLOTS - 1))) {
        return candidate;
      }
    }
  }

  private static void add(HitCounter counter, int times) {
    for (int i = 0; i < times; i++) {
      counter.increment();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
