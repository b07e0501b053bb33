package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
/**
 * The part of the contract about invalidation, tags, namespaces and the cache's lifecycle: what
 * {@code invalidate}, {@code invalidateTag}, {@code put} with tags and {@code close} guarantee on
 * every backend. Run through {@link CacheContract}, which extends it.
 */
public abstract class LifecycleContract extends WriteThroughContract {

  // ---- invalidation, tags, namespaces ---------------------------------------------------------

  @Test
  void invalidate_removesKeyAndOnlyThatKey() {
    Cache<String, String> cache = cache();
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));

    cache.invalidate("a");
    cache.invalidateAll(List.of("b"));

    assertThat(cache.getAll(List.of("a", "b", "c"))).isEqualTo(Map.of("c", "3"));
  }

  @Test
  void invalidateAll_removesEveryEntryOfTheCache() {
    Cache<String, String> cache = cache();
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v");
    }

    cache.invalidateAll();

    for (int i = 0; i < 50; i++) {
      assertThat(cache.getIfPresent("k" + i)).isNull();
    }
  }

  @Test
  void invalidateTag_removesTaggedEntriesOnly() {
    Cache<String, String> cache = build(newBuilder(name("tags")).ttl(Duration.ofMinutes(5)));
    Duration ttl = Duration.ofMinutes(5);
    cache.put("one", "1", ttl, "red");
    cache.put("two", "2", ttl, "red", "blue");
    cache.put("three", "3", ttl, "blue");
    cache.put("four", "4");

    cache.invalidateTag("red");

    assertThat(cache.getAll(List.of("one", "two", "three", "four")))
        .isEqualTo(Map.of("three", "3", "four", "4"));
  }

  @Test
  void invalidateTag_thenPutWithSameTag_newEntryIsVisible() {
    Cache<String, String> cache = cache();
    Duration ttl = Duration.ofMinutes(5);
    cache.put("k", "old", ttl, "t");

    cache.invalidateTag("t");
    cache.put("k", "new", ttl, "t");

    assertThat(cache.getIfPresent("k")).isEqualTo("new");
    cache.invalidateTag("t");
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void namespaces_twoCachesNeverSeeEachOthersKeys() {
    Cache<String, String> users = build(newBuilder(name("users")));
    Cache<String, String> orders = build(newBuilder(name("orders")));
    users.put("42", "alice");
    orders.put("42", "order-42");
    users.put("only-users", "x");

    assertThat(users.getIfPresent("42")).isEqualTo("alice");
    assertThat(orders.getIfPresent("42")).isEqualTo("order-42");
    assertThat(orders.getIfPresent("only-users")).isNull();

    users.invalidateAll();
    assertThat(users.getIfPresent("42")).isNull();
    assertThat(orders.getIfPresent("42")).isEqualTo("order-42");
  }

  @Test
  void keys_withSeparatorsAndUnicode_doNotCollide() {
    Cache<String, String> cache = cache();
    List<String> keys = List.of("a:b", "a", "b", "#a", "##a", "a b", "ä", "a\nb", "");
    keys.forEach(key -> cache.put(key, "v:" + key));

    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      String value = cache.getIfPresent(key);
      assertThat(value).isEqualTo("v:" + key);
      seen.add(value);
    }
    assertThat(seen).hasSameSizeAs(keys);
  }

  @Test
  void put_tagSetWithDefaultTtl_expiresWithTheDefaultAndInvalidatesByTag() {
    Cache<String, String> cache = build(newBuilder(name("tag-set")).ttl(Duration.ofMinutes(10)));
    cache.put("tagged", "1", Set.of("red"));
    cache.put("expiring", "2", Set.of("blue"));

    ticker.advance(Duration.ofMinutes(9));
    assertThat(cache.getAll(List.of("tagged", "expiring"))).isEqualTo(Map.of("tagged", "1", "expiring", "2"));
    cache.invalidateTag("red");
    assertThat(cache.getIfPresent("tagged")).isNull();
    assertThat(cache.getIfPresent("expiring")).isEqualTo("2");
    ticker.advance(Duration.ofMinutes(2));
    assertThat(cache.getIfPresent("expiring")).isNull();
  }

  @Test
  void getWithTags_loadedValueIsTagged_invalidateTagDropsItOnly() {
    Cache<String, String> cache = cache();

    assertThat(cache.get("tagged", Set.of("red", "blue"), key -> "loaded-" + key)).isEqualTo("loaded-tagged");
    assertThat(cache.get("plain", key -> "loaded-" + key)).isEqualTo("loaded-plain");
    assertThat(cache.get("tagged", Set.of("red"), key -> "unused")).as("a hit").isEqualTo("loaded-tagged");

    cache.invalidateTag("blue");
    assertThat(cache.getIfPresent("tagged")).isNull();
    assertThat(cache.getIfPresent("plain")).isEqualTo("loaded-plain");
  }

  @Test
  void getWithTags_loadedAbsenceIsTaggedToo() {
    Cache<String, String> cache = build(newBuilder(name("tagged-nulls")).nullTtl(Duration.ofMinutes(1)));

    assertThat(cache.get("none", Set.of("red"), key -> null)).isNull();
    assertThat(cache.lookup("none")).as("the absence is cached").isNotNull();

    cache.invalidateTag("red");
    assertThat(cache.lookup("none")).isNull();
  }

  @Test
  void getWithTags_invalidateTagDuringTheLoad_valueIsReturnedButNotStored() {
    Cache<String, String> cache = cache();

    String loaded =
        Concurrently.whileLoading(
            load -> cache.get("k", Set.of("t"), key -> load.get()), "old", () -> cache.invalidateTag("t"));

    assertThat(loaded).isEqualTo("old");
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.get("k", Set.of("t"), key -> "new")).isEqualTo("new");
  }

  @Test
  void getWithTags_emptyTag_throwsAndLoadsNothing() {
    Cache<String, String> cache = cache();

    assertThatThrownBy(() -> cache.get("k", Set.of(""), key -> "loaded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tag must not be empty");
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void put_tagSetWithEmptyTag_throwsAndStoresNothing() {
    Cache<String, String> cache = cache();

    assertThatThrownBy(() -> cache.put("k", "v", Set.of("")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tag must not be empty");
    assertThat(cache.getIfPresent("k")).isNull();
  }

  /** A null key is refused before any tier is read, hit or miss, and counts no lookup. */
  @Test
  void nullKey_throwsNullPointerExceptionNamingIt_andCountsNothing() {
    Cache<String, String> cache = cache();
    cache.put("k", "v");
    assertThat(cache.getIfPresent("k")).isEqualTo("v"); // the in-process tier, if any, holds "k"
    var before = cache.stats();
    var lookupsBefore = cache.inspect().localLookups();

    List<Runnable> calls =
        List.of(() -> cache.getIfPresent(null), () -> cache.lookup(null), () -> cache.get(null, key -> "loaded"));
    for (Runnable call : calls) {
      // exactly "key": the cache's own check, not a NullPointerException from inside a tier
      assertThatThrownBy(call::run).isInstanceOf(NullPointerException.class).hasMessage("key");
    }
    var after = cache.stats();
    assertThat(after.hitCount()).isEqualTo(before.hitCount());
    assertThat(after.missCount()).isEqualTo(before.missCount());
    assertThat(cache.inspect().localLookups()).isEqualTo(lookupsBefore); // no lookup made, none failed
    assertThat(cache.getIfPresent("k")).isEqualTo("v");
  }

  @Test
  void close_everyLaterCallOnEntries_throwsIllegalStateException_statsStillReadable() {
    Cache<String, String> cache = cache();
    cache.put("k", "v");
    assertThat(cache.getIfPresent("k")).isEqualTo("v"); // served before the close
    long hits = cache.stats().hitCount();

    cache.close();

    List<Runnable> calls =
        List.of(
            () -> cache.getIfPresent("k"),
            () -> cache.lookup("k"),
            () -> cache.get("k", key -> "loaded"),
            () -> cache.get("k", Duration.ofMinutes(1), key -> "loaded"),
            () -> cache.get("k", Set.of("t"), key -> "loaded"),
            () -> cache.getAll(List.of("k")),
            () -> cache.getAll(List.of("k"), keys -> Map.of()),
            () -> cache.put("k", "w"),
            () -> cache.put("k", "w", Duration.ofMinutes(1), "t"),
            () -> cache.put("k", "w", Set.of("t")),
            () -> cache.putAll(Map.of("k", "w")),
            () -> cache.invalidate("k"),
            () -> cache.invalidateAll(List.of("k")),
            () -> cache.invalidateAll(),
            () -> cache.invalidateTag("t"));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }
    assertThat(cache.stats().hitCount()).isEqualTo(hits);
    assertThat(cache.inspect().isClosed()).isTrue();
    cache.close(); // a second close does nothing
  }
}
