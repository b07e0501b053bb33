package dev.cascade.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.testkit.Concurrently;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spring's caching annotations on a {@link CascadeCacheManager}, each shown to run the underlying
 * method the expected number of times. Every test works through two services, {@code first} and
 * {@code second}: on the embedded default they are one instance; over Redis they are two
 * application contexts sharing the server (two instances of a service), so each test also shows
 * that what one instance caches, updates or evicts is what the other sees when the call returns.
 */
abstract class AnnotationsContract {
  protected final Database db = new Database();
  private final List<Instance> instances = new ArrayList<>();
  protected CachedService first;
  protected CachedService second;

  /** Starts one instance of the service over {@code db}. */
  protected abstract Instance start(Database db) throws Exception;

  /** Whether instances share a remote tier (then {@code second} is an instance of its own). */
  protected abstract boolean shared();

  /** Runs before the instances start (to empty a shared server). */
  protected void beforeInstances() {}

  @BeforeEach
  void startInstances() throws Exception {
    beforeInstances();
    instances.add(start(db));
    first = instances.get(0).service();
    if (shared()) {
      instances.add(start(db));
    }
    second = instances.get(instances.size() - 1).service();
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (Instance instance : instances) {
      instance.stop();
    }
    CurrentUser.clear();
  }

  protected List<Instance> instances() {
    return instances;
  }

  @Test
  void cacheable_repeatedCalls_methodRunsOnce() {
    assertThat(first.get("a")).isEqualTo("v:a");
    assertThat(first.get("a")).isEqualTo("v:a");
    assertThat(second.get("a")).isEqualTo("v:a");
    assertThat(second.get("b")).isEqualTo("v:b");
    assertThat(db.calls("get")).isEqualTo(2);
  }

  @Test
  void cacheableSync_repeatedCalls_methodRunsOnce() {
    assertThat(first.getSync("a")).isEqualTo("v:a");
    assertThat(second.getSync("a")).isEqualTo("v:a");
    assertThat(first.getSync("a")).isEqualTo("v:a");
    assertThat(db.calls("getSync")).isEqualTo(1);
  }

  @Test
  void cacheableSync_500ConcurrentCallers_methodRunsOnce() {
    db.latency = Duration.ofMillis(300);
    List<Object> results =
        Concurrently.run(500, i -> (i % 2 == 0 ? first : second).hot("h"));
    assertThat(results).containsOnly("v:h");
    assertThat(db.calls("hot")).isEqualTo(1);
  }

  @Test
  void cachePut_updatesEntry_cacheableDoesNotRunAgain() {
    assertThat(first.get("a")).isEqualTo("v:a");
    assertThat(second.get("a")).isEqualTo("v:a");
    assertThat(first.update("a", "new")).isEqualTo("new");
    assertThat(first.get("a")).isEqualTo("new");
    assertThat(second.get("a")).isEqualTo("new");
    assertThat(db.calls("get")).isEqualTo(1);
    assertThat(db.calls("write")).isEqualTo(1);
  }

  @Test
  void cacheEvict_evictsKey_nextCallRunsMethod() {
    first.get("a");
    second.get("a");
    first.get("b");
    first.evict("a");
    assertThat(second.get("a")).isEqualTo("v:a");
    assertThat(second.get("b")).isEqualTo("v:b");
    assertThat(db.calls("get")).isEqualTo(3);
  }

  @Test
  void cacheEvictBeforeInvocation_evictsKey_countsNoRead() {
    first.get("a");
    second.get("a");
    Cache<Object, Object> values = instances().get(0).manager().getCache("values").getNativeCache();
    CacheStats before = values.stats();

    first.evictBefore("a"); // Spring's evictIfPresent

    CacheStats after = values.stats();
    assertThat(after.hitCount()).as("hits").isEqualTo(before.hitCount());
    assertThat(after.missCount()).as("misses").isEqualTo(before.missCount());
    assertThat(second.get("a")).isEqualTo("v:a");
    assertThat(db.calls("get")).isEqualTo(2);
    assertThat(db.calls("evictBefore")).isEqualTo(1);
  }

  @Test
  void cacheEvictAllEntries_clearsOnlyThatCache() {
    first.get("a");
    first.get("b");
    first.other("c");
    second.get("a");
    second.evictAll();
    assertThat(first.get("a")).isEqualTo("v:a");
    assertThat(first.get("b")).isEqualTo("v:b");
    assertThat(first.other("c")).isEqualTo("v:c");
    assertThat(db.calls("get")).isEqualTo(4);
    assertThat(db.calls("other")).isEqualTo(1);
  }

  @Test
  void caching_twoCacheables_servedByEitherUntilBothEvicted() {
    assertThat(first.both("x")).isEqualTo("v:x");
    assertThat(second.both("x")).isEqualTo("v:x");
    first.evictBothFromValues("x");
    assertThat(second.both("x")).isEqualTo("v:x"); // still in "others"
    assertThat(db.calls("both")).isEqualTo(1);
    first.evictBoth("x");
    assertThat(second.both("x")).isEqualTo("v:x");
    assertThat(db.calls("both")).isEqualTo(2);
  }

  @Test
  void cacheableCondition_false_methodRunsEveryTime() {
    first.conditional("long-id-x");
    second.conditional("long-id-x");
    assertThat(db.calls("conditional")).isEqualTo(2);
  }

  @Test
  void cacheableUnless_true_resultNotCached() {
    first.conditional("nocache");
    second.conditional("nocache");
    assertThat(db.calls("conditional")).isEqualTo(2);
    first.conditional("c");
    second.conditional("c");
    assertThat(db.calls("conditional")).isEqualTo(3);
  }

  @Test
  void cacheable_nullResult_cachedAsAbsence() {
    assertThat(first.find("missing-1")).isNull();
    assertThat(second.find("missing-1")).isNull();
    assertThat(first.find("missing-1")).isNull();
    assertThat(db.calls("find")).isEqualTo(1);
  }

  @Test
  void cacheableSync_nullResult_cachedAsAbsence() {
    assertThat(first.findSync("missing-2")).isNull();
    assertThat(second.findSync("missing-2")).isNull();
    assertThat(db.calls("findSync")).isEqualTo(1);
  }

  @Test
  void cacheable_nullResultWithoutNullTtl_refused() {
    assertThatThrownBy(() -> first.findStrict("missing-3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not cache null results");
  }

  @Test
  void cacheableUnlessNull_nullResultWithoutNullTtl_notCached() {
    assertThat(first.findStrictUnlessNull("missing-4")).isNull();
    assertThat(second.findStrictUnlessNull("missing-4")).isNull();
    assertThat(first.findStrictUnlessNull("present")).isEqualTo("v:present");
    assertThat(second.findStrictUnlessNull("present")).isEqualTo("v:present");
    assertThat(db.calls("findStrictUnlessNull")).isEqualTo(3);
  }

  @Test
  void cacheable_completableFuture_methodRunsOnce() {
    assertThat(first.getAsync("a").join()).isEqualTo("v:a");
    assertThat(second.getAsync("a").join()).isEqualTo("v:a");
    assertThat(first.getAsync("a").join()).isEqualTo("v:a");
    assertThat(db.calls("getAsync")).isEqualTo(1);
  }

  @Test
  void cacheableSync_completableFuture_concurrentCallers_methodRunsOnce() {
    db.latency = Duration.ofMillis(100);
    List<Object> results =
        Concurrently.run(20, i -> (i % 2 == 0 ? first : second).getAsyncSync("a").join());
    assertThat(results).containsOnly("v:a");
    assertThat(db.calls("getAsyncSync")).isEqualTo(1);
  }

  @Test
  void cacheEvictTag_evictsTaggedEntriesOnly() {
    first.inGroup("a", "g1");
    first.inGroup("b", "g1");
    first.inGroup("c", "g2");
    assertThat(second.inGroup("a", "g1")).isEqualTo("v:a");
    assertThat(db.calls("inGroup")).isEqualTo(3);
    first.evictGroup("g1");
    second.inGroup("a", "g1");
    second.inGroup("b", "g1");
    second.inGroup("c", "g2");
    assertThat(db.calls("inGroup")).isEqualTo(5);
  }

  @Test
  void userKeyGenerator_10Users100RandomRequests_eachGetsOwnResult_loadedOncePerUser() throws Exception {
    List<String> requests = new ArrayList<>();
    for (int user = 0; user < 10; user++) {
      for (int i = 0; i < 100; i++) {
        requests.add("user-" + user);
      }
    }
    Collections.shuffle(requests, new Random(15));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        String user = requests.get(i);
        CachedService service = i % 2 == 0 ? first : second;
        answers.add(
            pool.submit(
                () -> {
                  CurrentUser.set(user);
                  try {
                    return service.feed();
                  } finally {
                    CurrentUser.clear();
                  }
                }));
      }
      int crossUser = 0;
      for (int i = 0; i < requests.size(); i++) {
        if (!answers.get(i).get(30, TimeUnit.SECONDS).equals("feed of " + requests.get(i))) {
          crossUser++;
        }
      }
      assertThat(crossUser).as("responses of another user").isZero();
    } finally {
      pool.shutdownNow();
    }
    for (int user = 0; user < 10; user++) {
      assertThat(db.calls("feed:user-" + user)).as("loads for user-" + user).isEqualTo(1);
    }
  }

  @Test
  void userKeyGenerator_noUser_refusesToCache() {
    assertThatThrownBy(() -> first.feed())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no authenticated user");
  }

  @Test
  void retrieve_completableFutureMiss_completesWithNull() {
    CascadeCache values = instances().get(0).manager().getCache("values");
    CompletableFuture<?> miss = values.retrieve("nothing");
    assertThat(miss.join()).isNull();
  }
}
