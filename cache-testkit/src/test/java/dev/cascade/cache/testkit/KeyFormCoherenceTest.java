package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.KeyCodec;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An invalidation message names a key by its encoded form, which another instance's L1 reads back
 * (strings, integers, longs, UUIDs) or looks up in its alias index (every other key): each form
 * must reach the copy it names, and only that one; and it discards the fills in flight that may
 * have read the value it replaces: those of its key's epoch stripe, or all of them when the key is
 * not read back.
 */
class KeyFormCoherenceTest {
  enum Region { EU }

  record Tenant(String id, Region region) {}

  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final Cache<Object, String> a = instance();
  private final Cache<Object, String> b = instance();

  private static final List<Object> KEYS =
      List.of(
          "alice", "i:42", 42, 42L, -7, Long.MIN_VALUE, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
          (short) 42, new BigDecimal("42.0"), Region.EU, List.of(42, "x"), new Tenant("t1", Region.EU));

  private Cache<Object, String> instance() {
    return instance(KeyCodec.standard());
  }

  private Cache<Object, String> instance(KeyCodec<Object> keys) {
    return Cache.<Object, String>builder("forms")
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .keyCodec(keys)
        .valueCodec(StringCodec.create())
        .invalidation(bus.newChannel())
        .build();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void putOnA_ofAKeyOfEachForm_dropsBsCopyOfThatKeyOnly() {
    for (Object key : KEYS) {
      a.put(key, "v1 of " + key);
    }
    for (Object changed : KEYS) {
      for (Object key : KEYS) {
        assertThat(b.getIfPresent(key)).isNotNull(); // each key now in b's L1
      }

      a.put(changed, "v2 of " + changed);

      assertThat(b.getIfPresent(changed)).as("b's read of %s after a's put", changed).isEqualTo("v2 of " + changed);
      for (Object key : KEYS) {
        if (!key.equals(changed)) {
          long hits = b.inspect().localLookups().hits();
          b.getIfPresent(key);
          assertThat(b.inspect().localLookups().hits()).as("b's L1 copy of %s after a's put of %s", key, changed).isEqualTo(hits + 1);
        }
      }
    }
  }

  @Test
  void invalidateOnA_ofAKeyOfEachForm_isSeenByB() {
    for (Object key : KEYS) {
      a.put(key, "v1 of " + key);
      assertThat(b.getIfPresent(key)).isEqualTo("v1 of " + key);
    }

    for (Object key : KEYS) {
      a.invalidate(key);

      assertThat(b.getIfPresent(key)).as("b's read of %s after a's invalidate", key).isNull();
    }
  }

  /**
   * b loads key 1 while a writes {@code written}; returns what b's L1 holds for key 1 afterwards
   * (null if the load was not stored there). Keys 1 and 2 are on different epoch stripes.
   */
  private @Nullable String bsCopyAfterLoadingKey1While_aPuts(Object written) {
    return bsCopyAfterLoadingKey1While(() -> a.put(written, "written by a"));
  }

  /** b loads key 1 while {@code aWrites} runs; returns what b's L1 holds for key 1 afterwards, or null. */
  private @Nullable String bsCopyAfterLoadingKey1While(Runnable aWrites) {
    assertThat(Concurrently.whileLoading(loader -> b.get(1, key -> loader.get()), "loaded by b", aWrites)).isEqualTo("loaded by b");
    long hits = b.inspect().localLookups().hits();
    String found = b.getIfPresent(1);
    return b.inspect().localLookups().hits() == hits + 1 ? found : null;
  }

  @Test
  void anotherInstancesWrite_ofAKeyReadBackFromItsAlias_leavesFillsOfOtherKeysInFlight() {
    assertThat(bsCopyAfterLoadingKey1While_aPuts(2)).isEqualTo("loaded by b");
  }

  @Test
  void anotherInstancesWrite_ofTheKeyBeingLoaded_discardsTheFill() {
    assertThat(bsCopyAfterLoadingKey1While_aPuts(1)).isNull();
    assertThat(b.getIfPresent(1)).isEqualTo("written by a");
  }

  @Test
  void anotherInstancesWrite_ofAnIndexedKey_discardsEveryFillInFlight() {
    assertThat(bsCopyAfterLoadingKey1While_aPuts(new Tenant("t1", Region.EU))).isNull();
  }

  @Test
  void anotherInstancesInvalidation_ofAKeyReadBackAndAnIndexedOne_discardsEveryFillInFlight() {
    assertThat(bsCopyAfterLoadingKey1While(() -> a.invalidateAll(List.of(2, new Tenant("t1", Region.EU))))).isNull();
  }

  @Test
  void aKeyCodecWhoseDecodeThrows_stillHasEveryInvalidationApplied() {
    KeyCodec<Object> throwing =
        new KeyCodec<>() {
          @Override
          public String encode(Object key) {
            return KeyCodec.standard().encode(key);
          }

          @Override
          public @Nullable Object decode(String encoded) {
            throw new IllegalStateException("decode of " + encoded);
          }
        };
    try (Cache<Object, String> c = instance(throwing);
        Cache<Object, String> d = instance(throwing)) {
      c.put(7, "v1");
      assertThat(d.getIfPresent(7)).isEqualTo("v1"); // in d's L1, indexed

      c.put(7, "v2");

      assertThat(d.getIfPresent(7)).isEqualTo("v2");
    }
  }
}
