package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A put (or putAll) whose remote write is in flight while an invalidation of its key (of the key
 * itself, of one of its tags, of everything, or one received from another instance) completes: the
 * put's in-process store comes after the invalidation's in-process drop, and must not leave the
 * put's value in the in-process tier while the remote tier no longer serves it. The put's remote
 * write reaches the store and only its completion is held, or its in-process store is held right
 * after its check ({@link TierGate}), so the race happens every time.
 */
class WritePipelineRaceTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final long WAIT_SECONDS = 10;

  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final TierGate gate = new TierGate();
  private final List<Cache<String, String>> built = new ArrayList<>();
  /** The instance whose remote tier is gated. */
  private final Cache<String, String> cache = instance(gate);
  /** Another instance of the same cache: same store, same bus, no gate. */
  private final Cache<String, String> other = instance(null);

  private Cache<String, String> instance(@Nullable TierGate decorator) {
    var builder =
        Cache.<String, String>builder("race")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel());
    if (decorator != null) {
      builder.decorateTiers(decorator);
    }
    Cache<String, String> instance = builder.build();
    built.add(instance);
    return instance;
  }

  @AfterEach
  void closeCaches() {
    built.forEach(Cache::close);
  }

  @Test
  void put_racedByInvalidateOfItsKey_notServedAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "v", TTL, "t"), () -> cache.invalidate("k"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void put_racedByInvalidateTagOfItsTag_notServedAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "v", TTL, "t"), () -> cache.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void put_racedByInvalidateAll_notServedAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "v", TTL, "t"), cache::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void put_racedByAnotherInstancesInvalidateOfItsKey_notServedByEitherAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "v", TTL, "t"), () -> other.invalidate("k"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void put_racedByAnotherInstancesInvalidateTagOfItsTag_notServedByEitherAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "v", TTL, "t"), () -> other.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /**
   * The same race with a later put of the key in place of the invalidation: the remote tier ends
   * with the later value, so the earlier put must not leave its own in the in-process tier.
   */
  @Test
  void put_overtakenByALaterPutOfItsKey_theLaterValueIsServed() throws Exception {
    raceHeldWrite("k", () -> cache.put("k", "earlier"), () -> cache.put("k", "later"));

    assertThat(cache.getIfPresent("k")).isEqualTo("later");
    assertThat(other.getIfPresent("k")).isEqualTo("later");
  }

  @Test
  void putAll_racedByInvalidateOfOneKey_thatKeyIsNotServedAndTheOtherIs() throws Exception {
    raceHeldWrite("k", () -> cache.putAll(Map.of("k", "v", "j", "w")), () -> cache.invalidate("k"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
    assertThat(cache.getIfPresent("j")).isEqualTo("w");
  }

  @Test
  void putAll_racedByAnotherInstancesInvalidateAll_notServedByEitherAfterBoth() throws Exception {
    raceHeldWrite("k", () -> cache.putAll(Map.of("k", "v", "j", "w")), other::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(cache.getIfPresent("j")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /**
   * The put's in-process check passes, then an invalidation of its tag runs to its end before the
   * stored entry is visible: the tag's in-process drop finds its entries through the tag index,
   * without the key's lock, so it cannot see the entry being stored. The put must notice the
   * invalidation's epoch move after its store and drop the key.
   */
  @Test
  void put_whoseStoreCheckPassedBeforeAnInvalidateTag_notServedAfterBoth() throws Exception {
    raceHeldStore("k", () -> cache.put("k", "v", TTL, "t"), () -> cache.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void put_whoseStoreCheckPassedBeforeAnotherInstancesInvalidateTag_notServedByEitherAfterBoth() throws Exception {
    raceHeldStore("k", () -> cache.put("k", "v", TTL, "t"), () -> other.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /** As above for invalidateAll, whose in-process drop walks the keys present, without their locks. */
  @Test
  void putAll_whoseStoreCheckPassedBeforeAnInvalidateAll_notServedAfterBoth() throws Exception {
    raceHeldStore("k", () -> cache.putAll(Map.of("k", "v")), cache::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /** What the conditional store must keep: without a race, the writer's own in-process tier answers. */
  @Test
  void put_withoutARace_isServedByTheWritersInProcessTier() {
    cache.put("k", "v", TTL, "t");
    cache.putAll(Map.of("j", "w"));
    int remoteReads = gate.reads.get();

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    assertThat(cache.getIfPresent("j")).isEqualTo("w");
    assertThat(gate.reads.get()).isEqualTo(remoteReads);
  }

  /**
   * Puts of other keys while a put's remote write is in flight, 2 000 of them (so some share its
   * epoch stripe, of 1 024): none invalidates its key, so its value is still served in-process.
   * With a check of the stripe's epochs alone, concurrent puts made a layered cache's puts drop
   * their in-process copies (about half of them under 256 puts in flight, in BoundedMemoryIT).
   */
  @Test
  void put_racedByPutsOfOtherKeys_isStillServedByTheWritersInProcessTier() throws Exception {
    raceHeldWrite(
        "k",
        () -> cache.put("k", "v", TTL, "t"),
        () -> {
          for (int i = 0; i < 2_000; i++) {
            cache.put("other-" + i, "x");
          }
        });
    int remoteReads = gate.reads.get();

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    assertThat(gate.reads.get()).isEqualTo(remoteReads); // answered in-process
  }

  /**
   * The guarantee the put's second epoch move gives, which the conditional store must keep: a fill
   * that read the old remote value before the put's write loses, and the put's value stays in the
   * in-process tier.
   */
  @Test
  void put_racingAFillOfTheOldValue_theFillLosesAndThePutsValueIsServedInProcess() throws Exception {
    other.put("k", "old"); // in the remote tier, not in this instance's in-process tier
    gate.hold("k");
    CompletableFuture<@Nullable String> fill = Racing.inAnotherThread("racing-call", () -> cache.getIfPresent("k"));
    gate.reached().get(WAIT_SECONDS, TimeUnit.SECONDS); // the fill has read "old" from the remote tier

    cache.put("k", "new");
    gate.release();

    assertThat(fill.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("old");
    int remoteReads = gate.reads.get();
    assertThat(cache.getIfPresent("k")).isEqualTo("new");
    assertThat(gate.reads.get()).isEqualTo(remoteReads); // answered in-process
  }

  /**
   * Runs {@code write} on another thread with the remote operation on {@code key} held after it
   * reached the store, runs {@code racing} to its end meanwhile, then lets {@code write} finish.
   */
  private void raceHeldWrite(String key, Runnable write, Runnable racing) throws Exception {
    gate.hold(key);
    CompletableFuture<@Nullable Object> writing =
        Racing.inAnotherThread("racing-call",
            () -> {
              write.run();
              return null;
            });
    gate.reached().get(WAIT_SECONDS, TimeUnit.SECONDS);

    racing.run();
    gate.release();

    writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Runs {@code write} on another thread with the in-process store of {@code key} held inside the
   * store's check, after the check passed (the key's lock in the tier is held meanwhile), runs
   * {@code racing} to its end meanwhile, then lets {@code write} finish. {@code key} must be absent
   * from the in-process tier, so that {@code racing} does not wait for its lock.
   */
  private void raceHeldStore(String key, Runnable write, Runnable racing) throws Exception {
    gate.holdStore(key);
    CompletableFuture<@Nullable Object> writing =
        Racing.inAnotherThread("racing-call",
            () -> {
              write.run();
              return null;
            });
    gate.reached().get(WAIT_SECONDS, TimeUnit.SECONDS);

    racing.run();
    gate.release();

    writing.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Wraps the tiers. Once {@link #hold} names a key, the next remote operation that reads or writes
   * that key (a get, a put or a load's put, a putAll containing it) runs against the store, then signals {@link
   * #reached} and completes only when {@link #release} is called. Once {@link #holdStore} names a
   * key, the next conditional in-process store of it whose check passes signals {@link #reached}
   * from inside the check and returns from it only when released. Counts remote reads. Thread-safe.
   */
  private static final class TierGate implements TierDecorator {
    final AtomicInteger reads = new AtomicInteger();
    private volatile @Nullable Object heldKey;
    private volatile @Nullable Object heldStoreKey;
    private final Racing.Hold handshake = new Racing.Hold();

    void hold(Object key) {
      handshake.arm();
      heldKey = key;
    }

    void holdStore(Object key) {
      handshake.arm();
      heldStoreKey = key;
    }

    /** {@code stillCurrent}, held as described above if it passes for the held key. */
    private BooleanSupplier heldIfCurrent(Object key, BooleanSupplier stillCurrent) {
      return () -> {
        boolean current = stillCurrent.getAsBoolean();
        if (current && key.equals(heldStoreKey)) {
          heldStoreKey = null;
          handshake.reachAndWait(WAIT_SECONDS);
        }
        return current;
      };
    }

    CompletableFuture<@Nullable Void> reached() {
      return handshake.reached();
    }

    void release() {
      handshake.release();
    }

    /** Returns {@code done} held as described above if it is the operation of the held key. */
    private <T> CompletableFuture<T> maybeHeld(boolean ofHeldKey, CompletableFuture<T> done) {
      if (!ofHeldKey) {
        return done;
      }
      heldKey = null; // only the first operation of the key is held
      return handshake.reachWhen(done);
    }

    private boolean isHeld(Object key) {
      Object held = heldKey;
      return held != null && held.equals(key);
    }

    @Override
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      return new Tier<>() {
        @Override
        public String name() {
          return tier.name();
        }

        @Override
        public CompletableFuture<@Nullable TierEntry<V>> get(K key) {
          reads.incrementAndGet();
          return maybeHeld(isHeld(key), tier.get(key));
        }

        @Override
        public CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys) {
          reads.incrementAndGet();
          return tier.getAll(keys);
        }

        @Override
        public CompletableFuture<Void> put(K key, TierEntry<V> entry) {
          return maybeHeld(isHeld(key), tier.put(key, entry));
        }

        @Override
        public CompletableFuture<Void> prepareTags(Set<String> tags, long startedAtMillis) {
          return tier.prepareTags(tags, startedAtMillis);
        }

        @Override
        public CompletableFuture<Void> putLoaded(K key, TierEntry<V> entry) {
          return maybeHeld(isHeld(key), tier.putLoaded(key, entry));
        }

        @Override
        public CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
          return maybeHeld(entries.keySet().stream().anyMatch(TierGate.this::isHeld), tier.putAll(entries));
        }

        @Override
        public CompletableFuture<Void> invalidate(K key) {
          return tier.invalidate(key);
        }

        @Override
        public CompletableFuture<Void> invalidateAll(Set<K> keys) {
          return tier.invalidateAll(keys);
        }

        @Override
        public CompletableFuture<Void> invalidateAll() {
          return tier.invalidateAll();
        }

        @Override
        public CompletableFuture<Void> invalidateTag(String tag) {
          return tier.invalidateTag(tag);
        }

        @Override
        public CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
          return tier.tryLease(key, leaseTime);
        }

        @Override
        public CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
          return tier.putUnderLease(key, entry, lease);
        }

        @Override
        public CompletableFuture<Void> releaseLease(Lease lease) {
          return tier.releaseLease(lease);
        }
      };
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return new ForwardingLocalTier<>(tier) {
        @Override
        public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
          return tier.putLocalIf(key, entry, heldIfCurrent(key, stillCurrent));
        }
      };
    }
  }
}
