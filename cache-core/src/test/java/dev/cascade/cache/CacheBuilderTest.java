package dev.cascade.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.StoreCapabilities;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The builder's typing and its set-once rules, the same for every option and every builder. */
class CacheBuilderTest {

  @Test
  void build_infersKeyAndValueTypesFromTheAssignment() {
    Cache<Long, String> users = Cache.builder("inferred").inMemory(m -> m.maximumSize(10)).build();
    users.put(1L, "one");

    assertThat(users.getIfPresent(1L)).isEqualTo("one");
  }

  @Test
  void valueCodec_narrowsTheValueType_soALayeredCacheNeedsNoTypeWitness() {
    Cache<Integer, String> layered =
        Cache.builder("narrowed")
            .inMemory(m -> m.maximumSize(10))
            .tier(InMemoryRemoteStore.create(Ticker.system()))
            .valueCodec(StringCodec.create())
            .keyCodec(KeyCodec.<Integer>standard())
            .build();
    layered.put(7, "seven", Set.of("odd"));

    assertThat(layered.get(7, key -> "loaded")).isEqualTo("seven");
    layered.invalidateTag("odd");
    assertThat(layered.getIfPresent(7)).isNull();
  }

  @Test
  void everySingleValuedOption_setTwice_throwsIllegalStateExceptionNamingIt() {
    List<NamedOption> options =
        List.of(
            new NamedOption("inMemory", b -> b.inMemory(m -> m.maximumSize(1))),
            new NamedOption("keyCodec", b -> b.keyCodec(KeyCodec.standard())),
            new NamedOption("valueCodec", b -> b.valueCodec(StringCodec.create())),
            new NamedOption("keyPrefix", b -> b.keyPrefix("p")),
            new NamedOption("ttl", b -> b.ttl(Duration.ofSeconds(1))),
            new NamedOption("ttlJitter", b -> b.ttlJitter(0.1)),
            new NamedOption("nullTtl", b -> b.nullTtl(Duration.ofSeconds(1))),
            new NamedOption("ticker", b -> b.ticker(Ticker.system())),
            new NamedOption("executor", b -> b.executor(Runnable::run)),
            new NamedOption("stampede", b -> b.stampede(Stampede.local())),
            new NamedOption("invalidation", b -> b.invalidation(new InMemoryInvalidationBus().newChannel())),
            new NamedOption("circuitBreaker", b -> b.circuitBreaker(3, Duration.ofSeconds(1))),
            new NamedOption("expireAfterAccess", b -> b.expireAfterAccess(Duration.ofSeconds(1))));
    for (NamedOption option : options) {
      CacheBuilder<String, String> builder = Cache.builder("twice");
      option.set().accept(builder);

      assertThatThrownBy(() -> option.set().accept(builder))
          .as(option.name())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(option.name() + " was already set");
    }
  }

  @Test
  void expireAfterAccess_withTtl_buildThrowsNamingBothValues() {
    CacheBuilder<String, String> builder =
        Cache.<String, String>builder("both")
            .inMemory(m -> m.maximumSize(10))
            .ttl(Duration.ofMinutes(5))
            .expireAfterAccess(Duration.ofSeconds(30));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ttl (PT5M)")
        .hasMessageContaining("expireAfterAccess (PT30S)");
  }

  @Test
  void expireAfterAccess_notPositive_throwsNamingTheValue() {
    assertThatThrownBy(() -> Cache.builder("zero").expireAfterAccess(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expireAfterAccess")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Cache.builder("negative").expireAfterAccess(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
  }

  @Test
  void expireAfterAccess_onAStoreThatCannotTouch_buildThrowsNamingTheStore() {
    InMemoryRemoteStore cannotTouch =
        InMemoryRemoteStore.create(Ticker.system(), new StoreCapabilities(65_536, true, Integer.MAX_VALUE, true));
    CacheBuilder<String, String> builder =
        Cache.<String, String>builder("untouchable")
            .tier(cannotTouch)
            .valueCodec(StringCodec.create())
            .expireAfterAccess(Duration.ofMinutes(1));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("expireAfterAccess (PT1M)")
        .hasMessageContaining(cannotTouch.toString())
        .hasMessageContaining("touchOnRead");
  }

  @Test
  void expireAfterAccess_onStoresThatTouch_builds() {
    Cache<String, String> cache =
        Cache.<String, String>builder("touching")
            .inMemory(m -> m.maximumSize(10))
            .tier(InMemoryRemoteStore.create(Ticker.system()))
            .valueCodec(StringCodec.create())
            .expireAfterAccess(Duration.ofMinutes(1))
            .ttlJitter(0.1)
            .build();
    cache.put("k", "v");

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
  }

  @Test
  void additiveOptions_mayBeGivenSeveralTimes() {
    Cache<String, String> cache =
        Cache.<String, String>builder("additive")
            .inMemory(m -> m.maximumSize(10))
            .eventListener(inspector -> new CacheEventListener() {})
            .eventListener(inspector -> new CacheEventListener() {})
            .build();

    assertThat(cache.inspect().tierNames()).containsExactly("l1");
  }

  @Test
  void memoizeBuilders_optionSetTwice_throwIllegalStateException() {
    assertThatThrownBy(() -> Memoize.builder().maximumSize(10).maximumSize(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("maximumSize was already set");
    assertThatThrownBy(() -> Memoize.builder().maximumSize(10).unbounded())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("unbounded was already set");
    assertThatThrownBy(() -> Memoize.builder().ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("ttl was already set");
    Cache<MemoKey, Object> shared = Cache.<MemoKey, Object>builder("memo").inMemory(m -> m.maximumSize(10)).build();
    assertThatThrownBy(() -> Memoize.in(shared).prefix("a").prefix("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("prefix was already set");
  }

  private record NamedOption(String name, Consumer<CacheBuilder<String, String>> set) {}
}
