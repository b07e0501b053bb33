package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A fill of the in-process tier (a remote value read on a miss, or a loaded value) whose check
 * passed under the key's lock, and an invalidation of a tag or of everything (here, or received
 * from another instance) that runs to its end before the filled entry becomes visible: such an
 * invalidation finds the entries it drops without their keys' locks (through the tag index, or the
 * keys present), so it cannot see the entry being stored. The fill must notice the invalidation once
 * its entry is stored and remove it, but only it: a value a put stored after it must stay, since in
 * a cache without remote tiers it lives nowhere else. The fill is held by a tier decorator ({@link
 * FillGate}) inside its check, after the check passed, or right after its store, so the race happens
 * every time.
 */
class InProcessFillRaceTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final long WAIT_SECONDS = 10;

  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final FillGate gate = new FillGate();
  private final List<Cache<String, String>> built = new ArrayList<>();
  /** The layered instance whose in-process fills are gated. */
  private final Cache<String, String> cache = layered(gate);
  /** Another instance of the same cache: same store, same bus, no gate. */
  private final Cache<String, String> other = layered(null);
  /** A cache whose only tier is in-process, gated: a loaded value lives nowhere else. */
  private final Cache<String, String> inProcess = track(
      Cache.<String, String>builder("in-process").inMemory(m -> m.maximumSize(100)).decorateTiers(gate).build());

  private Cache<String, String> layered(@Nullable FillGate decorator) {
    var builder =
        Cache.<String, String>builder("fill-race")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel());
    if (decorator != null) {
      builder.decorateTiers(decorator);
    }
    return track(builder.build());
  }

  private Cache<String, String> track(Cache<String, String> instance) {
    built.add(instance);
    return instance;
  }

  @AfterEach
  void closeCaches() {
    built.forEach(Cache::close);
  }

  // --- a fill from the remote tier, held after its check passed ---

  @Test
  void fill_whoseCheckPassedBeforeAnInvalidateAll_notServedAfterBoth() throws Exception {
    other.put("k", "old", TTL, "t"); // in the remote tier, not in this instance's in-process tier

    raceHeldFill("k", () -> cache.getIfPresent("k"), cache::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void fill_whoseCheckPassedBeforeAnInvalidateTag_notServedAfterBoth() throws Exception {
    other.put("k", "old", TTL, "t");

    raceHeldFill("k", () -> cache.getIfPresent("k"), () -> cache.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void fill_whoseCheckPassedBeforeAnotherInstancesInvalidateAll_notServedByEitherAfterBoth() throws Exception {
    other.put("k", "old", TTL, "t");

    raceHeldFill("k", () -> cache.getIfPresent("k"), other::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void fill_whoseCheckPassedBeforeAnotherInstancesInvalidateTag_notServedByEitherAfterBoth() throws Exception {
    other.put("k", "old", TTL, "t");

    raceHeldFill("k", () -> cache.getIfPresent("k"), () -> other.invalidateTag("t"));

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  /** The bulk read's fill ({@code getAll} without a loader) takes the same path. */
  @Test
  void bulkFill_whoseCheckPassedBeforeAnInvalidateAll_notServedAfterBoth() throws Exception {
    other.put("k", "old", TTL, "t");

    raceHeldFill("k", () -> cache.getAll(List.of("k")).get("k"), cache::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  // --- the in-process write of a loaded value, held after its check passed ---

  /** A load's publish: the remote write, then the in-process one, held after its check. */
  @Test
  void load_whoseInProcessCheckPassedBeforeAnInvalidateAll_notServedAfterBoth() throws Exception {
    raceHeldFill("k", () -> cache.get("k", key -> "old"), cache::invalidateAll);

    assertThat(cache.getIfPresent("k")).isNull();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void load_onAnInProcessOnlyCache_whoseCheckPassedBeforeAnInvalidateAll_notServed() throws Exception {
    raceHeldFill("k", () -> inProcess.get("k", key -> "old"), inProcess::invalidateAll);

    assertThat(inProcess.getIfPresent("k")).isNull();
  }

  @Test
  void bulkLoad_onAnInProcessOnlyCache_whoseCheckPassedBeforeAnInvalidateAll_notServed() throws Exception {
    raceHeldFill(
        "k", () -> inProcess.getAll(List.of("k"), keys -> Map.of("k", "old")).get("k"), inProcess::invalidateAll);

    assertThat(inProcess.getIfPresent("k")).isNull();
  }

  // --- what the late check must keep ---

  /**
   * The control: a put that replaced the filled entry after its store wins, whether or not the fill
   * still holds once stored. In a cache without remote tiers the put's value lives only in the
   * in-process tier, so removing it would lose the write (read-your-writes).
   */
  @Test
  void load_onAnInProcessOnlyCache_overtakenByAPutAfterItsStore_thePutsValueIsServed() throws Exception {
    raceStoredFill("k", () -> inProcess.get("k", key -> "old"), () -> inProcess.put("k", "new"));

    assertThat(inProcess.getIfPresent("k")).isEqualTo("new");
  }

  /**
   * As above with an invalidation of everything before the put: the fill's late check fails, and
   * must remove nothing but its own entry.
   */
  @Test
  void load_onAnInProcessOnlyCache_overtakenByAnInvalidateAllThenAPut_thePutsValueIsServed() throws Exception {
    raceStoredFill(
        "k",
        () -> inProcess.get("k", key -> "old"),
        () -> {
          inProcess.invalidateAll();
          inProcess.put("k", "new");
        });

    assertThat(inProcess.getIfPresent("k")).isEqualTo("new");
  }

  /**
   * A put of the very object the load returned (a boxed small number, an enum constant, an interned
   * string are often the same object) is stored as that same bare object: removal by identity cannot
   * tell it from the fill's. A put that only superseded the load (no invalidation) must therefore
   * not make the fill remove anything: the put's store came after the fill's anyway.
   */
  @Test
  void load_onAnInProcessOnlyCache_overtakenByAPutOfTheSameObject_thePutsValueIsServed() throws Exception {
    String same = new String("same");

    raceStoredFill("k", () -> inProcess.get("k", key -> same), () -> inProcess.put("k", same));

    assertThat(inProcess.getIfPresent("k")).isSameAs(same);
  }

  @Test
  void layeredPut_afterAFillsStore_thePutsValueIsServedInProcess() throws Exception {
    other.put("k", "old");

    raceStoredFill("k", () -> cache.getIfPresent("k"), () -> cache.put("k", "new"));

    assertThat(cache.getIfPresent("k")).isEqualTo("new");
    assertThat(other.getIfPresent("k")).isEqualTo("new");
  }

  /** Without a race, fills and loads are kept: the check after the store does not drop them. */
  @Test
  void fillsAndLoads_withoutARace_areKeptInProcess() {
    other.put("k", "v", TTL, "t");

    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    assertThat(cache.get("j", key -> "w")).isEqualTo("w");
    assertThat(inProcess.get("i", key -> "x")).isEqualTo("x");

    assertThat(cache.inspect().localSizeExact()).isEqualTo(2);
    assertThat(inProcess.inspect().localSizeExact()).isEqualTo(1);
    assertThat(inProcess.getIfPresent("i")).isEqualTo("x");
  }

  /**
   * Runs {@code fill} on another thread with the in-process store of {@code key} held inside its
   * check, after the check passed (the key's lock in the tier is held meanwhile, and the entry is
   * not yet visible), runs {@code racing} to its end meanwhile, then lets {@code fill} finish. {@code
   * key} must be absent from the in-process tier, so that {@code racing} does not wait for its lock.
   */
  private void raceHeldFill(String key, Supplier<@Nullable String> fill, Runnable racing) throws Exception {
    gate.holdInsideCheck(key);
    race(fill, racing);
  }

  /**
   * Runs {@code fill} on another thread with its in-process store of {@code key} held right after
   * the store (the entry is visible and the key's lock free), runs {@code racing} to its end
   * meanwhile, then lets {@code fill} finish.
   */
  private void raceStoredFill(String key, Supplier<@Nullable String> fill, Runnable racing) throws Exception {
    gate.holdAfterStore(key);
    race(fill, racing);
  }

  private void race(Supplier<@Nullable String> fill, Runnable racing) throws Exception {
    CompletableFuture<@Nullable String> filling = Racing.inAnotherThread("filling-call", fill);
    gate.reached().get(WAIT_SECONDS, TimeUnit.SECONDS);

    racing.run();
    gate.release();

    assertThat(filling.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull(); // its caller got what it read
  }

  /**
   * Wraps the in-process tier (remote tiers are left as they are). Once {@link #holdInsideCheck}
   * names a key, the next conditional store of that key whose check passes signals {@link #reached}
   * from inside the check and returns from it only when released. Once {@link #holdAfterStore} names
   * a key, the next conditional store of that key that stored signals {@link #reached} once the tier
   * returned and returns only when released. Thread-safe.
   */
  private static final class FillGate implements TierDecorator {
    private volatile @Nullable Object insideCheckKey;
    private volatile @Nullable Object afterStoreKey;
    private final Racing.Hold handshake = new Racing.Hold();

    void holdInsideCheck(Object key) {
      handshake.arm();
      insideCheckKey = key;
    }

    void holdAfterStore(Object key) {
      handshake.arm();
      afterStoreKey = key;
    }

    CompletableFuture<@Nullable Void> reached() {
      return handshake.reached();
    }

    void release() {
      handshake.release();
    }

    private void hold() {
      handshake.reachAndWait(WAIT_SECONDS);
    }

    /** {@code stillCurrent}, held as described above if it passes for the key held inside the check. */
    private BooleanSupplier heldIfCurrent(Object key, BooleanSupplier stillCurrent) {
      return () -> {
        boolean current = stillCurrent.getAsBoolean();
        if (current && key.equals(insideCheckKey)) {
          insideCheckKey = null;
          hold();
        }
        return current;
      };
    }

    @Override
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      return tier;
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return new ForwardingLocalTier<>(tier) {
        @Override
        public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
          boolean stored = tier.putLocalIf(key, entry, heldIfCurrent(key, stillCurrent));
          if (stored && key.equals(afterStoreKey)) {
            afterStoreKey = null;
            hold();
          }
          return stored;
        }
      };
    }
  }
}
