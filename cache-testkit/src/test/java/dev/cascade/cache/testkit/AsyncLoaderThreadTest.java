package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which thread runs an {@link AsyncCache} loader, as its Javadoc states: the cache's executor, not
 * the thread that completed the remote read (a client library's I/O thread); with an executor that
 * runs tasks in place, that thread. The remote read here is completed by a thread of
 * CompletableFuture's default async pool, the stand-in for an I/O thread.
 */
class AsyncLoaderThreadTest {

  @Test
  void asyncGet_afterARemoteMiss_runsTheLoaderOnTheCachesExecutor() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "cache-executor"));
    try {
      assertThat(loaderThreadAfterHeldRead(executor::execute)).isEqualTo("cache-executor");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void asyncGet_withAnInPlaceExecutor_runsTheLoaderOnTheThreadThatCompletedTheRead() throws Exception {
    // the held read completes on a thread of CompletableFuture's default async pool
    assertThat(loaderThreadAfterHeldRead(Runnable::run)).isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void asyncGet_remoteHit_completesWithoutAHandOffToTheExecutor() {
    AtomicInteger handedOff = new AtomicInteger();
    try (Cache<String, String> cache = remoteOnlyCounting("hit-thread", handedOff)) {
      cache.put("k", "stored");

      String hit =
          cache.async().get("k", key -> CompletableFuture.failedFuture(new AssertionError("loaded a stored key"))).join();
      assertThat(hit).isEqualTo("stored");
      assertThat(handedOff).as("tasks handed to the executor by a remote hit").hasValue(0);

      assertThat(cache.async().get("absent", key -> CompletableFuture.completedFuture("loaded")).join()).isEqualTo("loaded");
      assertThat(handedOff).as("a miss still loads through the executor").hasValue(1);
    }
  }

  @Test
  void asyncGetAll_allRemoteHits_completeWithoutAHandOffToTheExecutor() {
    AtomicInteger handedOff = new AtomicInteger();
    try (Cache<String, String> cache = remoteOnlyCounting("bulk-hit-thread", handedOff)) {
      cache.putAll(Map.of("a", "1", "b", "2"));

      Map<String, String> hits =
          cache.async().getAll(List.of("a", "b"), keys -> CompletableFuture.failedFuture(new AssertionError("loaded " + keys))).join();
      assertThat(hits).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
      assertThat(handedOff).as("tasks handed to the executor by remote hits").hasValue(0);

      Map<String, String> mixed =
          cache.async().getAll(List.of("a", "c"), keys -> CompletableFuture.completedFuture(Map.of("c", "3"))).join();
      assertThat(mixed).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "c", "3"));
      assertThat(handedOff).as("a miss still loads through the executor").hasPositiveValue();
    }
  }

  /** A cache over a store in memory whose executor counts, in {@code handedOff}, each task it runs in place. */
  private static Cache<String, String> remoteOnlyCounting(String name, AtomicInteger handedOff) {
    return Cache.<String, String>builder(name)
        .tier(InMemoryRemoteStore.create())
        .valueCodec(StringCodec.create())
        .executor(task -> {
          handedOff.incrementAndGet();
          task.run();
        })
        .build();
  }

  /** The name of the thread that ran the loader of an async get whose remote read completed on another thread. */
  private static String loaderThreadAfterHeldRead(java.util.concurrent.Executor executor) throws Exception {
    FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create());
    CountDownLatch gate = new CountDownLatch(1);
    store.holdReads(gate);
    AtomicReference<String> loaderThread = new AtomicReference<>();
    try (Cache<String, String> cache =
        Cache.<String, String>builder("threads").tier(store).valueCodec(StringCodec.create()).executor(executor).build()) {
      CompletableFuture<String> value =
          cache
              .async()
              .get(
                  "k",
                  key -> {
                    loaderThread.set(Thread.currentThread().getName());
                    return CompletableFuture.completedFuture("v");
                  });
      gate.countDown();
      assertThat(value.get()).isEqualTo("v");
    }
    return loaderThread.get();
  }
}
