package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.TagVersion;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The remote adapter: prefixes, hashing of unsafe keys, envelope and codec failures, tag versions. */
class RemoteAdapterTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  record Product(long id, String name) {}

  private Cache<String, Product> products() {
    return Cache.<String, Product>builder("products")
        .tier(store)
        .valueCodec(JsonCodec.of(Product.class))
        .ticker(ticker)
        .build();
  }

  @Test
  void keys_arePrefixedWithPrefixAndCacheName() {
    Cache<String, Product> cache = products();
    cache.put("7", new Product(7, "lamp"));

    assertThat(store.keys()).containsExactly("cascade:products:7");
  }

  @Test
  void foreignOrCorruptValues_areCountedMissesAndDeleted() throws Exception {
    Cache<String, Product> cache = products();
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new ArrayList<>(List.of("gadget")));
    }
    store.putNow("cascade:products:java", serialized.toByteArray(), null);
    store.putNow("cascade:products:json", "{\"id\":1,\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), null);
    store.putNow("cascade:products:empty", new byte[0], null);
    byte[] wrongPayload = envelopeAround(cache, "{\"@class\":\"java.lang.Runtime\",\"id\":[]}");
    store.putNow("cascade:products:typed", wrongPayload, null);

    for (String key : List.of("java", "json", "empty", "typed")) {
      assertThat(cache.getIfPresent(key)).isNull();
    }

    assertThat(cache.stats().decodeFailureCount()).isEqualTo(4);
    assertThat(cache.stats().missCount()).isEqualTo(4);
    assertThat(store.keys()).isEmpty();
    assertThat(cache.get("json", key -> new Product(1, "fresh"))).isEqualTo(new Product(1, "fresh"));
  }

  @Test
  void deeplyNestedJson_isACountedMissNotAStackOverflow() {
    Cache<String, Product> cache = products();
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    store.putNow("cascade:products:deep", envelopeAround(cache, deep), null);

    assertThat(cache.getIfPresent("deep")).isNull();
    assertThat(cache.stats().decodeFailureCount()).isEqualTo(1);
  }

  @Test
  void unsafeKeys_areHashedWithFullSha256_forStoresWithoutBinarySafeKeys() {
    InMemoryRemoteStore memcachedLike =
        InMemoryRemoteStore.create(ticker, new StoreCapabilities(250, false, 1024 * 1024, false));
    Cache<String, String> cache =
        Cache.<String, String>builder("c").tier(memcachedLike).valueCodec(StringCodec.create()).ticker(ticker).build();
    List<String> keys =
        List.of("with space", "cr\r", "lf\n", "nul\0", "del\u007f", "x\r\nflush_all", "x".repeat(251), "y".repeat(1000), "plain", "ünïcödé");

    keys.forEach(key -> cache.put(key, "v-" + key.length() + key.hashCode()));

    keys.forEach(key -> assertThat(cache.getIfPresent(key)).isEqualTo("v-" + key.length() + key.hashCode()));
    for (String remoteKey : memcachedLike.keys()) {
      assertThat(remoteKey.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(250);
      assertThat(remoteKey).doesNotContain(" ", "\r", "\n", "\0", "\u007f");
    }
    assertThat(memcachedLike.keys())
        .contains("cascade:c:plain", "cascade:c:ünïcödé")
        .filteredOn(k -> k.startsWith("cascade:c:#"))
        .hasSize(8)
        .allMatch(k -> k.matches("cascade:c:#[0-9a-f]{64}"));
  }

  @Test
  void tagVersionDeletedBehindTheCachesBack_readsAsMissNeverResurrects() {
    Cache<String, String> cache =
        Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    cache.put("k", "v", Duration.ofMinutes(5), "t");
    assertThat(store.keys()).contains("cascade:c:#tag:t");

    store.delete("cascade:c:#tag:t").join(); // the server evicted the tag bookkeeping

    assertThat(cache.getIfPresent("k")).isNull();
    cache.put("other", "w", Duration.ofMinutes(5), "t"); // recreates the tag with a fresh version
    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.getIfPresent("other")).isEqualTo("w");
  }

  /**
   * Another instance's load that read the source before an {@code invalidateTag}, and publishes
   * after the store evicted the record that invalidation wrote, must not be served: the record it
   * finds missing is the evicted one, and recreating it as never invalidated would resurrect the
   * older value (DESIGN §5: eviction of tag bookkeeping invalidates, never resurrects).
   */
  @Test
  void loadOverlappingAnInvalidationWhoseRecordIsEvicted_isNotServed() {
    Cache<String, String> a = stringCache();
    Cache<String, String> b = stringCache();
    a.put("other", "x", Duration.ofMinutes(5), "t"); // the tag's record exists before the load

    String loaded = loadWhileTagIsInvalidatedAndItsRecordEvicted(b, a, () -> {});

    assertThat(loaded).isEqualTo("before the invalidation"); // its caller still gets what it loaded
    assertThat(a.getIfPresent("k")).isNull();
    assertThat(b.getIfPresent("k")).isNull();
  }

  /**
   * The same, when another writer recreated the evicted record before the older load published:
   * the recreated record must not vouch for entries whose data is older than it.
   */
  @Test
  void loadOverlappingAnInvalidation_whoseRecordWasEvictedAndRecreatedByAPut_isNotServed() {
    Cache<String, String> a = stringCache();
    Cache<String, String> b = stringCache();
    a.put("other", "x", Duration.ofMinutes(5), "t");

    loadWhileTagIsInvalidatedAndItsRecordEvicted(b, a, () -> {
      ticker.advance(Duration.ofMillis(5));
      a.put("new", "y", Duration.ofMinutes(5), "t"); // recreates the record
    });

    assertThat(a.getIfPresent("k")).isNull();
    assertThat(a.getIfPresent("new")).isEqualTo("y"); // a put's own entry stays readable
  }

  /**
   * A put of a tag that has no record yet is readable at once: creating the record does not reject
   * the entry of the put that created it (a put's value is current as of its start).
   */
  @Test
  void putOfANewTag_isReadableAtOnce() {
    Cache<String, String> a = stringCache();
    ticker.advance(Duration.ofMillis(5));

    a.put("k", "v", Duration.ofMinutes(5), "fresh-tag");
    ticker.advance(Duration.ofMillis(5));

    assertThat(stringCache().getIfPresent("k")).isEqualTo("v");
  }

  /**
   * A load of a tag that has no record yet is served to other instances: the record is created as
   * the load begins, not by its publish (which would have to assume an invalidation it cannot see).
   */
  @Test
  void loadOfANewTag_isServedToAnotherInstance() {
    Cache<String, String> a = stringCache();

    Concurrently.whileLoading(
        loader -> a.get("k", Set.of("new-tag"), key -> loader.get()), "loaded", () -> ticker.advance(Duration.ofMillis(5)));

    assertThat(stringCache().getIfPresent("k")).isEqualTo("loaded");
  }

  /** The eviction case with a distributed stampede lock, whose publish is {@code putUnderLease}. */
  @Test
  void loadUnderLeaseOverlappingAnInvalidationWhoseRecordIsEvicted_isNotServed() {
    InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);
    Cache<String, String> a = stringCache();
    Cache<String, String> b =
        Cache.<String, String>builder("c")
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .stampede(Stampede.distributed(lock).leaseTime(Duration.ofMinutes(1)))
            .build();
    a.put("other", "x", Duration.ofMinutes(5), "t");

    loadWhileTagIsInvalidatedAndItsRecordEvicted(b, a, () -> {});

    assertThat(a.getIfPresent("k")).isNull();
  }

  /**
   * Two writers that create a tag's record at once: the record the store keeps is the one whose
   * creation came later by the clock (here, a writer whose clock runs ahead). A put that read it is
   * still readable: a record's creation is not an invalidation, so it judges loads only.
   */
  @Test
  void recordCreatedLaterByAnotherWriter_hidesNoPut_butLoadsThatBeganBefore() {
    Cache<String, String> a = stringCache();
    ticker.advance(Duration.ofMillis(100));
    store.putNow("cascade:c:#tag:t", TagVersion.created(ticker.wallMillis() + 50).toBytes(), null);

    a.put("put", "v", Duration.ofMinutes(5), "t");
    Concurrently.whileLoading(
        loader -> a.get("loaded", Set.of("t"), key -> loader.get()), "l", () -> ticker.advance(Duration.ofMillis(5)));

    assertThat(stringCache().getIfPresent("put")).isEqualTo("v");
    assertThat(stringCache().getIfPresent("loaded")).isNull(); // began before the record's creation
  }

  /**
   * Runs {@code loader}'s load of {@code k} with tag {@code t}, whose loader returns "before the
   * invalidation"; while it runs, {@code invalidator} invalidates {@code t}, the store evicts the
   * record that wrote (the server dropping tag bookkeeping), then {@code meanwhile} runs. Returns
   * what the load returned.
   */
  private String loadWhileTagIsInvalidatedAndItsRecordEvicted(
      Cache<String, String> loader, Cache<String, String> invalidator, Runnable meanwhile) {
    return Concurrently.whileLoading(
        load -> loader.get("k", Set.of("t"), key -> load.get()),
        "before the invalidation",
        () -> {
          ticker.advance(Duration.ofMillis(5));
          invalidator.invalidateTag("t");
          ticker.advance(Duration.ofMillis(5));
          store.delete("cascade:c:#tag:t").join();
          meanwhile.run();
        });
  }

  private Cache<String, String> stringCache() {
    return Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
  }

  @Test
  void invalidateTag_onOneInstance_hidesEntriesFromAnother() {
    Cache<String, String> a =
        Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    Cache<String, String> b =
        Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    a.put("k", "v", Duration.ofMinutes(5), "t");
    assertThat(b.getIfPresent("k")).isEqualTo("v");

    b.invalidateTag("t");

    assertThat(a.getIfPresent("k")).isNull();
  }

  @Test
  void valueOverStoreLimit_isRejectedNamingItsSize() {
    InMemoryRemoteStore small = InMemoryRemoteStore.create(ticker, new StoreCapabilities(250, false, 100, false));
    Cache<String, String> cache =
        Cache.<String, String>builder("c").tier(small).valueCodec(StringCodec.create()).ticker(ticker).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.put("k", "x".repeat(200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the store's limit of 100 bytes");
    assertThat(small.keys()).isEmpty();
  }

  @Test
  void invalidateAll_deletesOnlyThisCachesNamespace() {
    Cache<String, String> users =
        Cache.<String, String>builder("users").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    Cache<String, String> usersArchive =
        Cache.<String, String>builder("users-archive").tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    users.put("1", "a");
    usersArchive.put("1", "b");

    users.invalidateAll();

    assertThat(store.keys()).isEqualTo(Set.of("cascade:users-archive:1"));
  }

  /** Wraps {@code json} in a valid envelope by writing it through a String cache of the same name. */
  private byte[] envelopeAround(Cache<String, Product> target, String json) {
    Cache<String, String> writer =
        Cache.<String, String>builder(target.name()).tier(store).valueCodec(StringCodec.create()).ticker(ticker).build();
    writer.put("__scratch", json);
    byte[] bytes = store.getNow("cascade:" + target.name() + ":__scratch");
    store.delete("cascade:" + target.name() + ":__scratch").join();
    return bytes;
  }
}
