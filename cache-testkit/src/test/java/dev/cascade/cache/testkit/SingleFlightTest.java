package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  @Test
  void millionDistinctKeys_leaveNoFlightBehind() {
    Cache<Integer, Integer> cache = Cache.<Integer, Integer>builder("leak").inMemory(m -> m.maximumSize(1_000)).build();

    for (int i = 0; i < 1_000_000; i++) {
      cache.get(i, key -> key);
    }

    assertThat(cache.inspect().inFlightLoads()).isZero();
    assertThat(cache.stats().loadSuccessCount()).isEqualTo(1_000_000);
  }

  @Test
  void failedLoads_leaveNoFlightBehind() {
    Cache<Integer, Integer> cache = Cache.<Integer, Integer>builder("leak").inMemory(m -> m.maximumSize(10)).build();

    for (int i = 0; i < 10_000; i++) {
      try {
        cache.get(i, key -> {
          throw new IllegalStateException("no");
        });
      } catch (IllegalStateException expected) {
        // every load fails
      }
    }

    assertThat(cache.inspect().inFlightLoads()).isZero();
  }

  @Test
  void asyncLoader_sharedByConcurrentCallers_andFlightRemovedWhenDone() {
    Cache<String, String> cache = Cache.<String, String>builder("async").inMemory(m -> m.maximumSize(10)).build();
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> database = new CompletableFuture<>();

    List<CompletableFuture<String>> callers =
        List.of(
            cache.async().get("k", key -> { calls.incrementAndGet(); return database; }),
            cache.async().get("k", key -> { calls.incrementAndGet(); return database; }),
            cache.async().get("k", key -> { calls.incrementAndGet(); return database; }));

    assertThat(cache.inspect().inFlightLoads()).isEqualTo(1);
    database.complete("v");
    assertThat(callers).allSatisfy(f -> assertThat(f.join()).isEqualTo("v"));
    assertThat(calls).hasValue(1);
    assertThat(cache.inspect().inFlightLoads()).isZero();
  }

  @Test
  void loaderOnOneKey_doesNotBlockOtherKeys() {
    Cache<String, String> cache = Cache.<String, String>builder("independent").inMemory(m -> m.maximumSize(10)).build();
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> first = cache.async().get("slow", key -> slow);

    assertThat(cache.get("fast", key -> "quick")).isEqualTo("quick");
    assertThat(first).isNotDone();
    slow.complete("done");
    await().atMost(Duration.ofSeconds(5)).until(first::isDone);
  }
}
