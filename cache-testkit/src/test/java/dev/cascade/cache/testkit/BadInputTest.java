package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear exception naming the bad value, and changes nothing. */
class BadInputTest {
  private final Cache<String, String> cache =
      Cache.<String, String>builder("bad").inMemory(m -> m.maximumSize(10)).build();

  @Test
  void nullKeysAndValues_throwNullPointerExceptionNamingTheArgument() {
    assertThatThrownBy(() -> cache.getIfPresent(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.get(null, k -> "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.get("k", null)).isInstanceOf(NullPointerException.class).hasMessage("loader");
    assertThatThrownBy(() -> cache.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> cache.invalidate(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.getAll(Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null key");
    assertThatThrownBy(() -> cache.putAll(java.util.Collections.singletonMap("k", null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("k");
    assertThatThrownBy(() -> cache.async().get(null, k -> null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.invalidateTag(null)).isInstanceOf(NullPointerException.class).hasMessage("tag");
  }

  @Test
  void getWithNullKeyAndNullLoader_namesTheKey_inEveryForm() {
    cache.put("k", "v"); // a present key must not let a null loader through either
    assertThatThrownBy(() -> cache.get(null, null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.get(null, Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> cache.async().get(null, null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> cache.get("k", null)).isInstanceOf(NullPointerException.class).hasMessage("loader");
    assertThatThrownBy(() -> cache.get("k", Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("loader");
  }

  /** A weight-bounded cache whose weigher gives the value "bad" the weight {@code badWeight}, others 1. */
  private static Cache<String, String> weighingBadValuesAt(int badWeight) {
    return Cache.<String, String>builder("weighed")
        .inMemory(m -> m.maximumWeight(100, (key, value) -> value.equals("bad") ? badWeight : 1))
        .build();
  }

  @Test
  void weigherReturningANegativeWeight_failsThePutNamingWeightAndKey_andStoresNothing() {
    Cache<String, String> weighed = weighingBadValuesAt(-3);
    weighed.put("kept", "good");

    assertThatThrownBy(() -> weighed.put("k", "bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative weight -3")
        .hasMessageContaining("for key k");
    assertThat(weighed.async().put("k2", "bad"))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalArgumentException.class);
    assertThat(weighed.getIfPresent("k")).isNull();
    assertThat(weighed.getIfPresent("k2")).isNull();
    assertThat(weighed.getIfPresent("kept")).isEqualTo("good");
  }

  @Test
  void weigherFailingATaggedReplacement_leavesTheOldEntryAndItsTagsAsTheyWere() {
    Cache<String, String> weighed = weighingBadValuesAt(-1);
    weighed.put("k", "good", Duration.ofHours(1), "old-tag");

    assertThatThrownBy(() -> weighed.put("k", "bad", Duration.ofHours(1), "new-tag"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("for key k");
    weighed.invalidateTag("new-tag");
    assertThat(weighed.getIfPresent("k")).isEqualTo("good");
    weighed.invalidateTag("old-tag"); // still linked: the failed write relinked nothing
    assertThat(weighed.getIfPresent("k")).isNull();
  }

  @Test
  void zeroOrNegativeTtls_throwNamingTheValue() {
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive, was PT0S");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofSeconds(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive, was PT-5S");
    assertThatThrownBy(() -> cache.get("k", Duration.ofMillis(-1), k -> "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> builder().ttl(Duration.ZERO)).hasMessage("ttl must be positive, was PT0S");
    assertThatThrownBy(() -> builder().nullTtl(Duration.ofMinutes(-1)))
        .hasMessage("nullTtl must be positive, was PT-1M");
    assertThatThrownBy(() -> Cache.builder("b").inMemory(m -> m.maximumSize(1).ttl(Duration.ZERO)))
        .hasMessage("in-memory ttl must be positive, was PT0S");
    assertThatThrownBy(() -> Cache.builder("b").inMemory(m -> m.maximumSize(-3)))
        .hasMessage("maximumSize must not be negative, was -3");
    org.assertj.core.api.Assertions.assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void jitterOutsideZeroToOne_throwsNamingTheValue() {
    for (double bad : List.of(-0.1, 1.0, 1.5, Double.NaN)) {
      assertThatThrownBy(() -> builder().ttlJitter(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("ttlJitter must be in [0, 1), was " + bad);
    }
  }

  @Test
  void optionSetTwice_throwsIllegalState() {
    assertThatThrownBy(() -> builder().ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("ttl was already set to PT1S");
  }

  @Test
  void badNames_andMissingTiers_areRejected() {
    assertThatThrownBy(() -> Cache.builder("a:b")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a:b\"");
    assertThatThrownBy(() -> Cache.builder("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cache.builder("with space")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cache.<String, String>builder("none").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no tier");
    assertThatThrownBy(() -> Cache.<String, String>builder("unbounded").inMemory(m -> {}).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maximumSize");
    assertThatThrownBy(
            () -> Cache.<String, String>builder("nocodec").tier(dev.cascade.cache.memory.InMemoryRemoteStore.create()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("valueCodec");
  }

  @Test
  void badTags_throwAndStoreNothing() {
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofMinutes(1), "ok", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tag must not be empty");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ofMinutes(1), (String) null))
        .isInstanceOf(NullPointerException.class);
    org.assertj.core.api.Assertions.assertThat(cache.getAll(List.of("k"))).isEqualTo(Map.of());
  }

  @Test
  void unsupportedKeyType_forRemoteTier_namesTheType() {
    Cache<Object, String> remote =
        Cache.<Object, String>builder("keys")
            .tier(dev.cascade.cache.memory.InMemoryRemoteStore.create())
            .valueCodec(dev.cascade.cache.codec.StringCodec.create())
            .build();

    assertThatThrownBy(() -> remote.put(new Object(), "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  private static CacheBuilder<String, String> builder() {
    return Cache.<String, String>builder("b").inMemory(m -> m.maximumSize(1));
  }

  @Test
  void cacheNameWithAnUnpairedSurrogate_overARemoteTier_isRefusedNamingIt() {
    CacheBuilder<String, String> builder =
        Cache.<String, String>builder("bad\uD800")
            .tier(dev.cascade.cache.memory.InMemoryRemoteStore.create())
            .valueCodec(dev.cascade.cache.codec.StringCodec.create());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad\uD800")
        .hasMessageContaining("unpaired surrogate");
  }
}
