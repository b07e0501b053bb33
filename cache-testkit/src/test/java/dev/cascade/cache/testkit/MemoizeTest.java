package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.AsyncMemoized;
import dev.cascade.cache.BiMemoized;
import dev.cascade.cache.Cache;
import dev.cascade.cache.MemoKey;
import dev.cascade.cache.MemoStats;
import dev.cascade.cache.Memoize;
import dev.cascade.cache.Memoized;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoizeTest {
  private Memoized<Integer, BigInteger> fib;
  private final AtomicInteger fibCalls = new AtomicInteger();

  private BigInteger fibonacci(int n) {
    fibCalls.incrementAndGet();
    return n < 2 ? BigInteger.valueOf(n) : fib.apply(n - 1).add(fib.apply(n - 2));
  }

  @Test
  void lru_recursiveFibonacci90_computesEachArgumentOnce() {
    fib = Memoize.lru(256, this::fibonacci);

    assertThat(fib.apply(90)).isEqualTo(new BigInteger("2880067194370816120"));
    assertThat(fibCalls).hasValue(91);
    MemoStats stats = fib.stats();
    assertThat(stats.misses()).isEqualTo(91);
    assertThat(stats.hits()).isEqualTo(88); // fib(n-2) of every n >= 2 was cached by fib(n-1)
    assertThat(stats.maxSize()).isEqualTo(256);
    assertThat(stats.currentSize()).isEqualTo(91);
  }

  @Test
  void lru_boundedSize_evictsBeyondMaximum() {
    Memoized<Integer, Integer> square = Memoize.lru(10, n -> n * n);
    for (int i = 0; i < 1_000; i++) {
      square.apply(i);
    }

    assertThat(square.stats().currentSize()).isLessThanOrEqualTo(10);
    assertThat(square.apply(999)).isEqualTo(998_001);
  }

  @Test
  void clear_andInvalidate_forceRecomputation() {
    AtomicInteger calls = new AtomicInteger();
    Memoized<String, Integer> length =
        Memoize.unbounded(
            s -> {
              calls.incrementAndGet();
              return s.length();
            });
    length.apply("abc");
    length.apply("de");

    length.invalidate("abc");
    length.apply("abc");
    length.apply("de");
    assertThat(calls).hasValue(3);

    length.clear();
    length.apply("de");
    assertThat(calls).hasValue(4);
    assertThat(length.stats().maxSize()).isEqualTo(-1);
  }

  @Test
  void nullResultsAndNullArguments_areCached() {
    AtomicInteger calls = new AtomicInteger();
    Memoized<String, String> lookup =
        Memoize.lru(
            16,
            s -> {
              calls.incrementAndGet();
              return s == null ? "for-null" : null;
            });

    assertThat(lookup.apply("absent")).isNull();
    assertThat(lookup.apply("absent")).isNull();
    assertThat(lookup.apply(null)).isEqualTo("for-null");
    assertThat(lookup.apply(null)).isEqualTo("for-null");
    assertThat(calls).hasValue(2);
  }

  @Test
  void exceptions_areNotCached() {
    AtomicInteger calls = new AtomicInteger();
    Memoized<Integer, Integer> flaky =
        Memoize.lru(
            16,
            n -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first call fails");
              }
              return n;
            });

    assertThatThrownBy(() -> flaky.apply(1)).hasMessage("first call fails");
    assertThat(flaky.apply(1)).isEqualTo(1);
  }

  @Test
  void recursion_onTheSameArgument_failsClearly() {
    Memoized<Integer, Integer>[] self = new Memoized[1];
    self[0] = Memoize.lru(16, n -> self[0].apply(n));

    assertThatThrownBy(() -> self[0].apply(7))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load")
        .hasMessageContaining("7");
  }

  @Test
  void stats_recursionOnTheSameArgument_countsNoHit() {
    Memoized<Integer, Integer>[] self = new Memoized[1];
    self[0] = Memoize.lru(16, n -> self[0].apply(n));

    assertThatThrownBy(() -> self[0].apply(7)).isInstanceOf(IllegalStateException.class);
    assertThat(self[0].stats().hits()).isZero(); // the inner call threw: it was answered by nothing
    assertThat(self[0].stats().misses()).isEqualTo(1);
  }

  @Test
  void stats_waiterOnAFailedSharedLoad_countsNoHit() {
    Cache<MemoKey, String> cache =
        Cache.<MemoKey, String>builder("memo").inMemory(m -> m.maximumSize(16)).nullTtl(Duration.ofMinutes(1)).build();
    CompletableFuture<Void> release = new CompletableFuture<>();
    Memoized<Integer, String> failing =
        Memoize.in(cache)
            .of(
                "failing",
                (Integer n) -> {
                  release.join();
                  throw new IllegalStateException("no " + n);
                });

    List<Object> results =
        Concurrently.run(
            3,
            i -> {
              if (i < 2) {
                return failing.apply(1); // one of the two runs the function, the other waits for it
              }
              await().atMost(Duration.ofSeconds(60)).until(() -> cache.stats().coalescedWaitCount() == 1);
              release.complete(null);
              return "released";
            });

    assertThat(results.subList(0, 2)).allMatch(IllegalStateException.class::isInstance);
    assertThat(failing.stats().hits()).isZero();
    assertThat(failing.stats().misses()).isEqualTo(1);
  }

  @Test
  void async_recursionOnTheSameArgument_failsTheFuture_insteadOfNeverCompleting() throws Exception {
    AsyncMemoized<Integer, Integer>[] self = new AsyncMemoized[1];
    List<CompletableFuture<Integer>> inner = new CopyOnWriteArrayList<>();
    self[0] =
        Memoize.async(
            16,
            n -> {
              if (n != 7) {
                return CompletableFuture.completedFuture(n * 2);
              }
              CompletableFuture<Integer> again = self[0].apply(n);
              inner.add(again);
              return again.thenApply(x -> x);
            });

    CompletableFuture<Integer> seven = self[0].apply(7);
    await().atMost(Duration.ofSeconds(60)).until(() -> inner.size() == 1); // loaders run on the pool
    // Before the fix the inner call joined its own load: a future that could never complete.
    assertThat(inner.get(0)).isCompletedExceptionally();
    assertThatThrownBy(() -> seven.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("recursive load")
        .hasMessageContaining("7");
    assertThat(self[0].stats().hits()).isZero();

    assertThat(self[0].apply(8).get(60, TimeUnit.SECONDS)).isEqualTo(16); // the memo still works
    assertThatThrownBy(() -> self[0].apply(7).get(60, TimeUnit.SECONDS)) // and 7 is not stuck
        .cause()
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void async_recursionOnOtherArguments_isAllowed() throws Exception {
    AsyncMemoized<Integer, BigInteger>[] fibAsync = new AsyncMemoized[1];
    fibAsync[0] =
        Memoize.async(
            256,
            n ->
                n < 2
                    ? CompletableFuture.completedFuture(BigInteger.valueOf(n))
                    : fibAsync[0].apply(n - 1).thenCombine(fibAsync[0].apply(n - 2), BigInteger::add));

    assertThat(fibAsync[0].apply(90).get(60, TimeUnit.SECONDS)).isEqualTo(new BigInteger("2880067194370816120"));
    assertThat(fibAsync[0].stats().misses()).isEqualTo(91);
  }

  @Test
  void twoArguments_keyOnBoth() {
    AtomicInteger calls = new AtomicInteger();
    BiMemoized<Integer, Integer, Integer> add =
        Memoize.lru(
            16,
            (Integer a, Integer b) -> {
              calls.incrementAndGet();
              return a + b;
            });

    assertThat(add.apply(1, 2)).isEqualTo(3);
    assertThat(add.apply(2, 1)).isEqualTo(3);
    assertThat(add.apply(1, 2)).isEqualTo(3);
    assertThat(calls).hasValue(2);
    add.invalidate(1, 2);
    add.apply(1, 2);
    assertThat(calls).hasValue(3);
  }

  @Test
  void ttl_expiresResultsByTicker() {
    FakeTicker ticker = new FakeTicker();
    AtomicInteger calls = new AtomicInteger();
    Memoized<Integer, Integer> timed =
        Memoize.builder()
            .maximumSize(16)
            .ttl(Duration.ofSeconds(30))
            .ticker(ticker)
            .of(
                (Integer n) -> {
                  calls.incrementAndGet();
                  return n;
                });

    timed.apply(1);
    ticker.advance(Duration.ofSeconds(29));
    timed.apply(1);
    assertThat(calls).hasValue(1);
    ticker.advance(Duration.ofSeconds(2));
    timed.apply(1);
    assertThat(calls).hasValue(2);
  }

  @Test
  void async_sharesInFlightCallsAndDropsFailures() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> pending = new CompletableFuture<>();
    AsyncMemoized<Integer, String> remote =
        Memoize.async(
            16,
            n -> {
              calls.incrementAndGet();
              return n == 1 ? pending : CompletableFuture.failedFuture(new IllegalStateException("no " + n));
            });

    CompletableFuture<String> first = remote.apply(1);
    CompletableFuture<String> second = remote.apply(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1); // loaders run on the pool
    pending.complete("one");
    assertThat(first.join()).isEqualTo("one");
    assertThat(second.join()).isEqualTo("one");
    assertThat(remote.apply(1).join()).isEqualTo("one");
    assertThat(calls).hasValue(1);

    assertThat(remote.apply(2)).failsWithin(Duration.ofSeconds(10));
    assertThat(remote.apply(2)).failsWithin(Duration.ofSeconds(10));
    assertThat(calls).hasValue(3); // failures are not kept
  }

  @Test
  void sharedCache_keysCarryPrefixNameAndArguments_andInvalidateDropsOneArgumentList() {
    FakeTicker ticker = new FakeTicker();
    InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
    Cache<MemoKey, String> cache =
        Cache.<MemoKey, String>builder("memo").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    AtomicInteger calls = new AtomicInteger();
    Memoized<Long, String> getProduct =
        Memoize.in(cache)
            .prefix("shop")
            .ttl(Duration.ofMinutes(5))
            .of(
                "getProduct",
                (Long id) -> {
                  calls.incrementAndGet();
                  return "product-" + id;
                });

    getProduct.apply(42L);
    getProduct.apply(7L);
    getProduct.apply(42L);

    assertThat(calls).hasValue(2);
    assertThat(store.keys())
        .containsExactlyInAnyOrder(
            "cascade:memo:r:dev.cascade.cache.MemoKey(shop.getProduct,a:[l:42])",
            "cascade:memo:r:dev.cascade.cache.MemoKey(shop.getProduct,a:[l:7])");

    getProduct.invalidate(42L);
    assertThat(store.keys()).containsExactly("cascade:memo:r:dev.cascade.cache.MemoKey(shop.getProduct,a:[l:7])");

    ticker.advance(Duration.ofMinutes(6));
    getProduct.apply(7L);
    assertThat(calls).hasValue(3);
  }

  @Test
  void lru_concurrentCallsForOneArgument_runTheFunctionOnce() {
    AtomicInteger calls = new AtomicInteger();
    Memoized<Integer, Integer>[] memo = new Memoized[1];
    AtomicInteger entered = new AtomicInteger();
    memo[0] =
        Memoize.lru(
            16,
            n -> {
              calls.incrementAndGet();
              await().atMost(Duration.ofSeconds(60)).until(() -> entered.get() >= 50);
              return n;
            });

    List<Object> results =
        Concurrently.run(
            50,
            i -> {
              entered.incrementAndGet();
              return memo[0].apply(5);
            });

    assertThat(results).allMatch(Integer.valueOf(5)::equals);
    assertThat(calls).hasValue(1);
    assertThat(memo[0].stats().hits()).isEqualTo(49); // 49 calls answered by the one that ran it
    assertThat(memo[0].stats().misses()).isEqualTo(1);
  }
}
