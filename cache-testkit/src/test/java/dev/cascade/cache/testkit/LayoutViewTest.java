package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.TimedValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * How core uses a store's layout view ({@link RemoteStore#forLayout}): which namespace it asks for,
 * that the cache then reads and writes through the view, that a value the view calls foreign is a
 * counted miss the codec never sees, that a refusal fails {@code build()}, and that an {@code
 * invalidateAll()} the view does not support throws {@link UnsupportedOperationException} without
 * touching the circuit breaker.
 */
class LayoutViewTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore memory = InMemoryRemoteStore.create(ticker);
  private final List<String> asked = new ArrayList<>();
  private final Set<String> foreign = ConcurrentHashMap.newKeySet();

  /** The store given to the builder: hands out {@link View}s, or refuses with {@code refusal}. */
  private RemoteStore store(@Nullable String refusal) {
    return new Forwarding(memory) {
      @Override
      public RemoteStore forLayout(String namespace, boolean rawValues) {
        asked.add(namespace + " raw=" + rawValues);
        if (refusal != null) {
          throw new IllegalStateException(refusal);
        }
        return new View(memory);
      }
    };
  }

  /** A view whose values under {@link #foreign} keys are foreign and whose deleteByPrefix is unsupported. */
  private final class View extends Forwarding {
    View(RemoteStore delegate) {
      super(delegate);
    }

    @Override
    public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
      return delegate.getWithTtl(key).thenApply(t -> t == null ? null : new TimedValue(t.value(), t.remaining(), foreign.contains(key)));
    }

    @Override
    public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
      return delegate.getAllWithTtl(keys).thenApply(found -> {
        Map<String, TimedValue> marked = new HashMap<>();
        found.forEach((k, t) -> marked.put(k, new TimedValue(t.value(), t.remaining(), foreign.contains(k))));
        return marked;
      });
    }

    @Override
    public CompletableFuture<Void> deleteByPrefix(String prefix) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException("no deleteByPrefix of " + prefix));
    }
  }

  private final AtomicInteger decodes = new AtomicInteger();
  private final Codec<String> codec = new Codec<>() {
    private final Codec<String> strings = StringCodec.create();

    @Override
    public byte[] encode(String value) {
      return strings.encode(value);
    }

    @Override
    public String decode(byte[] bytes) {
      decodes.incrementAndGet();
      return strings.decode(bytes);
    }
  };

  @Test
  void build_rawLayout_asksTheStoreForItsViewWithTheNamespace_defaultLayoutDoesNot() {
    RemoteStore store = store(null);
    Cache.<String, String>builder("plain").tier(store).valueCodec(codec).build().close();
    Cache.<String, String>builder("raw").tier(store).valueCodec(codec).remoteLayout(r -> r.rawValues()).build().close();
    Cache.<String, String>builder("templated").tier(store).valueCodec(codec)
        .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}")).build().close();
    Cache.<String, String>builder("env").tier(store).valueCodec(codec).keyPrefix("app")
        .remoteLayout(r -> r.keyTemplate("app2:env:{key}")).build().close();

    assertThat(asked).containsExactly("cascade:raw: raw=true", "user: raw=true", "app2:env: raw=false");
  }

  @Test
  void foreignValue_isACountedMissThatIsDeletedAndReloaded_neverDecoded() {
    try (Cache<String, String> cache = Cache.<String, String>builder("c").tier(store(null)).valueCodec(codec).ticker(ticker)
        .remoteLayout(r -> r.rawValues().keyTemplate("c:{key}")).build()) {
      memory.putNow("c:a", "valid text".getBytes(StandardCharsets.UTF_8), null);
      memory.putNow("c:b", "also valid".getBytes(StandardCharsets.UTF_8), null);
      memory.putNow("c:ok", "fine".getBytes(StandardCharsets.UTF_8), null);
      foreign.addAll(Set.of("c:a", "c:b"));

      assertThat(cache.getIfPresent("a")).isNull();
      assertThat(cache.getAll(List.of("b", "ok"))).isEqualTo(Map.of("ok", "fine"));

      assertThat(decodes).hasValue(1); // "fine" only
      assertThat(cache.stats().decodeFailureCount()).isEqualTo(2);
      assertThat(memory.keys()).containsExactly("c:ok");
      foreign.clear();
      assertThat(cache.get("a", key -> "loaded")).isEqualTo("loaded");
      assertThat(new String(memory.getNow("c:a"), StandardCharsets.UTF_8)).isEqualTo("loaded");
    }
  }

  @Test
  void build_storeRefusesTheLayout_throwsIllegalStateNamingCacheAndReason() {
    assertThatThrownBy(
            () -> Cache.<String, String>builder("refused").tier(store("this store keeps no templates")).valueCodec(codec)
                .remoteLayout(r -> r.rawValues()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cache 'refused': this store keeps no templates");
  }

  @Test
  void invalidateAll_unsupportedByTheView_throwsUnsupported_breakerNeverCountsIt() {
    try (Cache<String, String> cache = Cache.<String, String>builder("u").tier(store(null)).valueCodec(codec).ticker(ticker)
        .remoteLayout(r -> r.rawValues().keyTemplate("u:{key}")).build()) {
      cache.put("k", "v");

      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(cache::invalidateAll).isInstanceOf(UnsupportedOperationException.class).hasMessage("no deleteByPrefix of u:");
      }
      assertThatThrownBy(() -> cache.async().invalidateAll().join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(UnsupportedOperationException.class);

      assertThat(cache.inspect().circuitState(0)).isEqualTo(CircuitState.CLOSED);
      assertThat(cache.inspect().circuitOpenings(0)).isZero();
      assertThat(cache.getIfPresent("k")).isEqualTo("v");
    }
  }

  /** Forwards every call to {@code delegate}. */
  private static class Forwarding implements RemoteStore {
    final RemoteStore delegate;

    Forwarding(RemoteStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public StoreCapabilities capabilities() {
      return delegate.capabilities();
    }

    @Override
    public CompletableFuture<byte @Nullable []> get(String key) {
      return delegate.get(key);
    }

    @Override
    public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
      return delegate.getAll(keys);
    }

    @Override
    public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
      return delegate.getWithTtl(key);
    }

    @Override
    public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
      return delegate.getAllWithTtl(keys);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
      return delegate.put(key, value, ttl);
    }

    @Override
    public CompletableFuture<Void> putAll(Map<String, Write> writes) {
      return delegate.putAll(writes);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
      return delegate.putIfAbsent(key, value, ttl);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
      return delegate.delete(key);
    }

    @Override
    public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
      return delegate.deleteIfUnchanged(key, expected);
    }

    @Override
    public CompletableFuture<Void> deleteAll(Collection<String> keys) {
      return delegate.deleteAll(keys);
    }

    @Override
    public CompletableFuture<Void> deleteByPrefix(String prefix) {
      return delegate.deleteByPrefix(prefix);
    }

    @Override
    public void close() {}
  }
}
