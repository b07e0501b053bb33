package dev.cascade.cache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaffeineTierTest {
  /** A ticker whose wall clock reads {@code wallMillis}, and whose nanoTime follows it. */
  private static Ticker wallClock(AtomicLong wallMillis) {
    return new Ticker() {
      @Override
      public long read() {
        return wallMillis.get() * 1_000_000;
      }

      @Override
      public long wallMillis() {
        return wallMillis.get();
      }
    };
  }

  private static TierEntry<String> entry(String value, String... tags) {
    return new TierEntry<>(value, TierEntry.NO_EXPIRY, 0, 0, Set.of(tags));
  }

  /**
   * A tier that has held only bare values answers hits without the holder check; the first holder
   * it stores (here an entry with tags, then one with an expiry, then a cached absence) must still
   * be answered as its value, from this thread and from another.
   */
  @Test
  void holdersStoredAfterBareValues_areAnsweredAsTheirValues() throws Exception {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(100).build();
    tier.putLocal("bare", entry("v0"));
    assertThat(tier.getValueIfPresent("bare")).isEqualTo("v0");

    tier.putLocal("tagged", entry("v1", "t"));
    tier.putLocal("expiring", new TierEntry<>("v2", Long.MAX_VALUE - 1, 0, 0, Set.of()));
    tier.putLocalIf("absent", new TierEntry<>(null, TierEntry.NO_EXPIRY, 0, 0, Set.of()), () -> true);

    assertThat(tier.getValueIfPresent("tagged")).isEqualTo("v1");
    assertThat(tier.getValueIfPresent("expiring")).isEqualTo("v2");
    assertThat(tier.getValueIfPresent("absent")).isSameAs(LocalTier.CACHED_NULL);
    assertThat(tier.getValueIfPresent("bare")).isEqualTo("v0");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      assertThat(other.submit(() -> tier.getValueIfPresent("tagged")).get(10, TimeUnit.SECONDS)).isEqualTo("v1");
    } finally {
      other.shutdownNow();
    }
  }

  record Tenant(String id) {}

  @Test
  void keyAliases_keysTheCodecReadsBack_areNotIndexed_andEachAliasRemovesItsKeyOnly() {
    KeyCodec<Object> codec = KeyCodec.standard();
    CaffeineTier<Object, String> tier = CaffeineTier.<Object, String>builder("l1").maximumSize(100).keyAliases(codec).build();
    List<Object> readBack = List.of("alice", "i:42", 42, 42L, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    List<Object> indexed = List.of((short) 42, new Tenant("t1"), List.of(42));
    List<Object> all = new ArrayList<>(readBack);
    all.addAll(indexed);
    for (int i = 0; i < all.size(); i++) {
      if (i % 2 == 0) {
        tier.putLocal(all.get(i), entry("v"));
      } else {
        tier.putLocalIf(all.get(i), entry("v"), () -> true);
      }
    }

    assertThat(tier.indexedAliasCount()).isEqualTo(indexed.size());
    for (int i = 0; i < all.size(); i++) {
      tier.invalidateAliasLocal(codec.encode(all.get(i)));

      for (int j = 0; j < all.size(); j++) {
        assertThat(tier.getValueIfPresent(all.get(j))).as("%s after the alias of %s", all.get(j), all.get(i)).isEqualTo(j <= i ? null : "v");
      }
    }
    assertThat(tier.indexedAliasCount()).isZero();
  }

  @Test
  void keyAliases_aTaggedEntryOfAKeyReadBack_replacedByAPlainPut_leavesTheNewEntryOutOfItsTag() {
    CaffeineTier<Object, String> tier = CaffeineTier.<Object, String>builder("l1").maximumSize(100).keyAliases(KeyCodec.standard()).build();
    tier.putLocal(42, entry("old", "t"));

    tier.putLocal(42, entry("new"));
    tier.invalidateTagLocal("t");

    assertThat(tier.getValueIfPresent(42)).isEqualTo("new");
    assertThat(tier.indexedTagCount()).isZero();
  }

  @Test
  void keyAliases_indexNeverOutgrowsTheCache() {
    CaffeineTier<Tenant, String> tier = CaffeineTier.<Tenant, String>builder("l1").maximumSize(100).keyAliases(KeyCodec.standard()).build();

    for (int i = 0; i < 100_000; i++) {
      tier.putLocal(new Tenant("t" + i), entry("v"));
    }
    tier.cleanUp();

    assertThat(tier.estimatedSize()).isLessThanOrEqualTo(100);
    assertThat(tier.indexedAliasCount()).isEqualTo((int) tier.estimatedSize());
  }

  @Test
  void tagIndex_neverOutgrowsTheCache() {
    CaffeineTier<Integer, String> tier = CaffeineTier.<Integer, String>builder("l1").maximumSize(100).build();

    for (int i = 0; i < 100_000; i++) {
      tier.putLocal(i, entry("v", "tag-" + i, "shared"));
    }
    tier.cleanUp();

    assertThat(tier.estimatedSize()).isLessThanOrEqualTo(100);
    assertThat(tier.indexedTagCount()).isLessThanOrEqualTo(101);
    assertThat(tier.evictionCount()).isGreaterThanOrEqualTo(99_900);
  }

  @Test
  void replacingAnEntry_movesItsTagMembership() {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(10).build();
    tier.putLocal("k", entry("v1", "old"));
    tier.putLocal("k", entry("v2", "new"));

    tier.invalidateTagLocal("old");
    assertThat(tier.getIfPresent("k")).isNotNull();

    tier.invalidateTagLocal("new");
    assertThat(tier.getIfPresent("k")).isNull();
    assertThat(tier.indexedTagCount()).isZero();
  }

  @Test
  void invalidateAll_leavesNoTagBehind() {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(10).build();
    tier.putLocal("a", entry("v", "t1", "t2"));
    tier.putLocal("b", entry("v", "t2"));

    tier.invalidateAllLocal();

    assertThat(tier.estimatedSize()).isZero();
    assertThat(tier.indexedTagCount()).isZero();
  }

  @Test
  void putLocalIf_refusedWhenNoLongerCurrent() {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(10).build();

    assertThat(tier.putLocalIf("k", entry("stale"), () -> false)).isFalse();
    assertThat(tier.getIfPresent("k")).isNull();
    assertThat(tier.putLocalIf("k", entry("fresh"), () -> true)).isTrue();
  }

  @Test
  void getValueIfPresent_answersValueNullMarkerOrNothing() {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(10).build();
    tier.putLocal("plain", entry("v"));
    tier.putLocal("tagged", entry("t", "tag"));
    tier.putLocal("null", new TierEntry<>(null, TierEntry.NO_EXPIRY, 0, 0, Set.of()));

    assertThat(tier.getValueIfPresent("plain")).isEqualTo("v");
    assertThat(tier.getValueIfPresent("tagged")).isEqualTo("t");
    assertThat(tier.getValueIfPresent("null")).isSameAs(LocalTier.CACHED_NULL);
    assertThat(tier.getValueIfPresent("absent")).isNull();

    TierEntry<String> plain = tier.getIfPresent("plain");
    assertThat(plain).isNotNull();
    assertThat(plain.value()).isEqualTo("v");
    assertThat(plain.expiresAtMillis()).isEqualTo(TierEntry.NO_EXPIRY);
    assertThat(plain.tags()).isEmpty();
    assertThat(tier.getIfPresent("null")).isNotNull().matches(entry -> entry.value() == null);
  }

  @Test
  void valuesThatAreThemselvesTierEntries_areNotMistakenForHolders() {
    CaffeineTier<String, TierEntry<String>> tier =
        CaffeineTier.<String, TierEntry<String>>builder("l1").maximumSize(10).build();
    TierEntry<String> value = entry("inner", "inner-tag");
    tier.putLocal("k", new TierEntry<>(value, TierEntry.NO_EXPIRY, 0, 0, Set.of()));

    assertThat(tier.getValueIfPresent("k")).isSameAs(value);
    assertThat(tier.getIfPresent("k")).extracting(TierEntry::value).isSameAs(value);
    assertThat(tier.indexedTagCount()).isZero(); // the value's tags are data, not the entry's
  }

  @Test
  void replacingATaggedEntryWithAPlainOne_unlinksItsTags() {
    CaffeineTier<String, String> tier = CaffeineTier.<String, String>builder("l1").maximumSize(10).build();
    tier.putLocal("k", entry("v1", "t"));
    tier.putLocal("k", entry("v2"));

    assertThat(tier.indexedTagCount()).isZero();
    tier.invalidateTagLocal("t");
    assertThat(tier.getValueIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void expiryCheckedOnRead_dropsAnExpiredEntryAndKeepsPlainOnes() {
    AtomicLong wallMillis = new AtomicLong(1_000_000);
    Ticker ticker = wallClock(wallMillis);
    CaffeineTier<String, String> tier =
        CaffeineTier.<String, String>builder("l1").maximumSize(10).ticker(ticker).expiringEntries(false).build();
    tier.putLocal("expiring", new TierEntry<>("e", 1_000_500, 0, 0, Set.of("t")));
    tier.putLocal("plain", entry("p"));

    assertThat(tier.getValueIfPresent("expiring")).isEqualTo("e");
    wallMillis.set(1_000_500);

    assertThat(tier.getValueIfPresent("expiring")).isNull();
    assertThat(tier.getIfPresent("expiring")).isNull();
    assertThat(tier.getValueIfPresent("plain")).isEqualTo("p");
    tier.cleanUp();
    assertThat(tier.estimatedSize()).isEqualTo(1);
    assertThat(tier.indexedTagCount()).isZero();
  }

  /**
   * Caffeine recomputes an entry's expiry after every remap of it, also one that leaves it as it is:
   * a rejected conditional store, or an invalidation that finds a newer entry, must not restart the
   * tier's lifetime cap (nor move an entry's own expiry).
   */
  @Test
  void rejectedConditionalStore_keepsTheEntrysLifetimeCap() {
    AtomicLong wallMillis = new AtomicLong(1_000_000);
    Ticker ticker = wallClock(wallMillis);
    CaffeineTier<String, String> tier =
        CaffeineTier.<String, String>builder("l1").maximumSize(10).ticker(ticker).ttl(java.time.Duration.ofSeconds(10)).build();
    tier.putLocal("plain", entry("p"));
    tier.putLocal("tagged", entry("t", "group"));
    TierEntry<String> taggedNow = tier.getIfPresent("tagged");

    wallMillis.addAndGet(6_000);
    assertThat(tier.putLocalIf("plain", entry("rejected"), () -> false)).isFalse();
    assertThat(tier.putLocalIf("tagged", entry("rejected", "group"), () -> false)).isFalse();
    assertThat(tier.invalidateEntryLocal("tagged", entry("t", "group"))).as("another object: kept").isFalse();
    assertThat(tier.getValueIfPresent("plain")).isEqualTo("p");
    assertThat(tier.getIfPresent("tagged")).isEqualTo(taggedNow);

    wallMillis.addAndGet(4_000); // 10 s after the stores: the cap, counted from them, has passed
    assertThat(tier.getValueIfPresent("plain")).isNull();
    assertThat(tier.getIfPresent("tagged")).isNull();
  }

  @Test
  void weigher_seesTheValueOfPlainAndHeldEntries() {
    CaffeineTier<String, String> tier =
        CaffeineTier.<String, String>builder("l1").maximumWeight(10, (key, value) -> value.length()).build();
    tier.putLocal("plain", entry("12345"));
    tier.putLocal("tagged", entry("12345", "t"));
    tier.cleanUp();
    assertThat(tier.estimatedSize()).isEqualTo(2);

    tier.putLocal("one-more", entry("1"));
    tier.cleanUp();
    assertThat(tier.estimatedSize()).isEqualTo(2); // 11 > 10: one entry had to go
    assertThat(tier.evictionCount()).isEqualTo(1);
  }

  @Test
  void racingTaggedAndPlainWrites_leaveEveryTaggedEntryIndexedAndNoLinkBehind() throws Exception {
    CaffeineTier<Integer, String> tier = CaffeineTier.<Integer, String>builder("l1").maximumSize(1_000).build();
    int keys = 8;
    int rounds = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> tagged =
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                  tier.putLocal(i % keys, entry("tagged-" + i, "t" + i % keys));
                }
                return null;
              });
      Future<?> plain =
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                  tier.putLocal(i % keys, entry("plain-" + i));
                }
                return null;
              });
      start.countDown();
      tagged.get(1, TimeUnit.MINUTES);
      plain.get(1, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }

    // Whatever the interleaving, the index links exactly the entries that carry a tag now (each
    // key has its own tag), and invalidating a key's tag removes it if and only if it is tagged.
    int taggedNow = 0;
    for (int key = 0; key < keys; key++) {
      TierEntry<String> current = tier.getIfPresent(key);
      assertThat(current).isNotNull();
      taggedNow += current.tags().isEmpty() ? 0 : 1;
    }
    assertThat(tier.indexedTagCount()).isEqualTo(taggedNow);
    for (int key = 0; key < keys; key++) {
      boolean tagged = !tier.getIfPresent(key).tags().isEmpty();
      tier.invalidateTagLocal("t" + key);
      assertThat(tier.getValueIfPresent(key) == null).as("key %s, tagged: %s", key, tagged).isEqualTo(tagged);
    }
    assertThat(tier.indexedTagCount()).isZero();
  }
}
