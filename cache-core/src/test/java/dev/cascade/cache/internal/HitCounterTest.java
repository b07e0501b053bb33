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
}
