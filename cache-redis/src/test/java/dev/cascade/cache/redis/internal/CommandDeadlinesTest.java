package dev.cascade.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.CacheTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link CommandDeadlines} swept by the test itself (an instance without the shared sweeper thread),
 * at chosen moments of {@link System#nanoTime()}'s scale: no waiting for a clock.
 */
class CommandDeadlinesTest {
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final CommandDeadlines deadlines = new CommandDeadlines();

  @Test
  void aCommandNotAnswered_isKeptUntilItsDeadline_thenFailsWithATimeoutNamingItAndTheTimeout() {
    long before = System.nanoTime();
    CommandDeadlines.Bounded<String> future = new CommandDeadlines.Bounded<>("GET", TIMEOUT_NANOS);
    deadlines.track(future);

    deadlines.sweep(before + TIMEOUT_NANOS - 1);
    assertThat(future).isNotDone();
    assertThat(deadlines.waitingCount()).isEqualTo(1);

    deadlines.sweep(System.nanoTime() + TIMEOUT_NANOS);
    assertThat(future).isCompletedExceptionally();
    assertThat(future.handle((value, error) -> error).join())
        .isInstanceOf(CacheTimeoutException.class)
        .hasMessage("Redis GET timed out after 1000 ms");
    assertThat(deadlines.waitingCount()).isZero();
  }

  /**
   * The JVM's shared sweeper, with its own thread: nothing else in this test JVM tracks on it, so it
   * goes to sleep, and a command tracked then must wake it and still time out.
   */
  @Test
  void theSharedSweeper_sleepsWhileNothingIsTracked_andACommandTrackedWhileItSleeps_stillTimesOut() {
    CommandDeadlines shared = CommandDeadlines.shared();
    await().atMost(Duration.ofSeconds(10)).until(shared::isSleeping);

    CommandDeadlines.Bounded<String> future = new CommandDeadlines.Bounded<>("GET", TimeUnit.MILLISECONDS.toNanos(20));
    shared.track(future);

    await().atMost(Duration.ofSeconds(10)).until(future::isDone);
    assertThat(future.handle((value, error) -> error).join())
        .isInstanceOf(CacheTimeoutException.class)
        .hasMessage("Redis GET timed out after 20 ms");
  }

  @Test
  void anAnsweredCommand_isDroppedByTheNextSweep_andKeepsItsAnswer() {
    CommandDeadlines.Bounded<String> answered = new CommandDeadlines.Bounded<>("GET", TIMEOUT_NANOS);
    deadlines.track(answered);
    answered.complete("value");

    deadlines.sweep(System.nanoTime() + 2 * TIMEOUT_NANOS);

    assertThat(answered.join()).isEqualTo("value");
    assertThat(deadlines.waitingCount()).isZero();
  }

  @Test
  void aCommandKeptByOneSweep_andOneTrackedAfterIt_bothExpireAtALaterSweep() {
    long start = System.nanoTime();
    CommandDeadlines.Bounded<String> first = new CommandDeadlines.Bounded<>("GET", TIMEOUT_NANOS);
    deadlines.track(first);
    deadlines.sweep(start);
    CommandDeadlines.Bounded<String> second = new CommandDeadlines.Bounded<>("MGET", TIMEOUT_NANOS);
    deadlines.track(second);

    deadlines.sweep(System.nanoTime() + TIMEOUT_NANOS);

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompletedExceptionally();
  }

  @Test
  void commandsTrackedByManyThreadsAtOnce_areAllSwept_noneLost() throws Exception {
    int threads = 8;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<CommandDeadlines.Bounded<String>>>> tracked = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        tracked.add(
            pool.submit(
                () -> {
                  go.await();
                  List<CommandDeadlines.Bounded<String>> mine = new ArrayList<>(perThread);
                  for (int i = 0; i < perThread; i++) {
                    CommandDeadlines.Bounded<String> future = new CommandDeadlines.Bounded<>("GET", TIMEOUT_NANOS);
                    deadlines.track(future);
                    mine.add(future);
                  }
                  return mine;
                }));
      }
      go.countDown();
      List<CommandDeadlines.Bounded<String>> all = new ArrayList<>();
      for (Future<List<CommandDeadlines.Bounded<String>>> each : tracked) {
        all.addAll(each.get());
      }

      deadlines.sweep(System.nanoTime() + TIMEOUT_NANOS);

      assertThat(all).hasSize(threads * perThread).allSatisfy(future -> assertThat(future).isCompletedExceptionally());
      assertThat(all.get(0).handle((value, error) -> error).join()).isInstanceOf(CacheTimeoutException.class);
    } finally {
      pool.shutdownNow();
    }
  }
}
