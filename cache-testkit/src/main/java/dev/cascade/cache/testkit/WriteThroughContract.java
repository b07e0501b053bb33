package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheWriterException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The part of the contract about write-through ({@code Cache.write}, {@code Cache.delete}): the
 * system of record first, the cache only after it succeeded, and a load that races a write never
 * leaves the older value behind. The "database" is a map of the test's own. Run through {@link
 * CacheContract}, which extends it.
 */
public abstract class WriteThroughContract extends ContractBase {
  /** Racing rounds per race test: the system property {@code cascade.race.rounds}, else 1000. */
  private static final int ROUNDS = Integer.getInteger("cascade.race.rounds", 1000);

  private final Map<String, String> database = new ConcurrentHashMap<>();

  @Test
  void write_writerSucceeds_databaseFirstThenEveryReadSeesTheValue() {
    Cache<String, String> cache = cache();
    cache.put("k", "old");

    cache.write("k", "new", (key, value) -> {
      assertThat(cache.inspect().inFlightLoads()).isEqualTo(1); // the write holds its key
      database.put(key, value);
    });

    assertThat(database).containsEntry("k", "new");
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
    assertThat(cache.get("k", key -> "loaded")).isEqualTo("new");
    assertThat(cache.inspect().inFlightLoads()).isZero();
  }

  @Test
  void write_writerThrows_callerGetsItAndTheCacheIsUnchanged() {
    Cache<String, String> cache = cache();
    cache.put("k", "old");
    IllegalStateException down = new IllegalStateException("database down");

    assertThatThrownBy(() -> cache.write("k", "new", (key, value) -> {
      throw down;
    })).isSameAs(down);

    assertThat(cache.getIfPresent("k")).isEqualTo("old");
    assertThat(cache.stats().putCount()).isEqualTo(1);
    assertThat(cache.inspect().inFlightLoads()).isZero();
  }

  @Test
  void write_writerThrowsChecked_wrappedInCacheWriterException_cacheUnchanged() {
    Cache<String, String> cache = cache();

    assertThatThrownBy(() -> cache.write("k", "new", (key, value) -> {
      throw new IOException("disk full");
    })).isInstanceOf(CacheWriterException.class).hasMessageContaining("key k").hasRootCauseMessage("disk full");

    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void delete_deleterSucceeds_keyGoneFromEveryRead_deleterThrows_cacheUnchanged() {
    Cache<String, String> cache = cache();
    cache.put("a", "A");
    cache.put("b", "B");
    database.put("a", "A");

    cache.delete("a", database::remove);
    assertThatThrownBy(() -> cache.delete("b", key -> {
      throw new IllegalStateException("database down");
    })).hasMessage("database down");

    assertThat(database).doesNotContainKey("a");
    assertThat(cache.getIfPresent("a")).isNull();
    assertThat(cache.getIfPresent("b")).isEqualTo("B");
  }

  @Test
  void write_racingLoads_theWrittenValueIsWhatStays() {
    Cache<String, String> cache = build(newBuilder(name("write-race")).ttl(Duration.ofMinutes(10)));
    // another instance of the cache: it reads what the shared tiers hold (nothing, in-process only)
    Cache<String, String> other = build(newBuilder(name("write-race")).ttl(Duration.ofMinutes(10)));
    for (int round = 0; round < ROUNDS; round++) {
      String key = "k" + round;
      database.put(key, "old");
      race(
          () -> cache.get(key, database::get),
          () -> cache.write(key, "new", database::put));

      assertThat(cache.getIfPresent(key)).as("round %d", round).isEqualTo("new");
      assertThat(cache.get(key, k -> "loaded")).as("round %d", round).isEqualTo("new");
      assertThat(other.getIfPresent(key)).as("round %d, shared tiers", round).isNotEqualTo("old");
    }
  }

  @Test
  void delete_racingLoads_theDeletedValueNeverStays() {
    Cache<String, String> cache =
        build(newBuilder(name("delete-race")).ttl(Duration.ofMinutes(10)).nullTtl(Duration.ofMinutes(10)));
    for (int round = 0; round < ROUNDS; round++) {
      String key = "k" + round;
      database.put(key, "old");
      race(() -> cache.get(key, database::get), () -> cache.delete(key, database::remove));

      assertThat(cache.getIfPresent(key)).as("round %d", round).isNull();
      assertThat(cache.get(key, database::get)).as("round %d", round).isNull();
    }
  }

  /** Runs {@code read} and {@code write} on two threads released together; fails if either threw. */
  private static void race(Runnable read, Runnable write) {
    List<Object> results =
        Concurrently.run(
            2,
            thread -> {
              (thread == 0 ? read : write).run();
              return "done";
            });
    assertThat(results).containsOnly("done");
  }
}
