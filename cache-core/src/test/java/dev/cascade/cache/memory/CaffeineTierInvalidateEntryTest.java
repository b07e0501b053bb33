package dev.cascade.cache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link CaffeineTier#invalidateEntryLocal}: the undo of one fill removes the key only while it
 * holds what that fill stored (the entry object, or a plain entry's bare value object), never an
 * entry stored after it, even an equal one, and cleans the indexes as an invalidation does.
 */
class CaffeineTierInvalidateEntryTest {
  private static TierEntry<String> entry(@Nullable String value, String... tags) {
    return new TierEntry<>(value, TierEntry.NO_EXPIRY, 0, 0, Set.of(tags));
  }

  private static CaffeineTier<String, String> tier() {
    return CaffeineTier.<String, String>builder("l1").maximumSize(100).build();
  }

  @Test
  void invalidateEntryLocal_ofTheStoredHolder_removesItAndItsTags() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry("v", "t");
    tier.putLocalIf("k", filled, () -> true);

    assertThat(tier.invalidateEntryLocal("k", filled)).isTrue();

    assertThat(tier.getIfPresent("k")).isNull();
    assertThat(tier.indexedTagCount()).isZero();
  }

  @Test
  void invalidateEntryLocal_ofAStoredBareValue_removesIt() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry("v");
    tier.putLocalIf("k", filled, () -> true);

    assertThat(tier.invalidateEntryLocal("k", filled)).isTrue();

    assertThat(tier.getIfPresent("k")).isNull();
  }

  @Test
  void invalidateEntryLocal_ofACachedAbsence_removesIt() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry(null);
    tier.putLocalIf("k", filled, () -> true);

    assertThat(tier.invalidateEntryLocal("k", filled)).isTrue();

    assertThat(tier.getValueIfPresent("k")).isNull();
  }

  /** {@code TierEntry} is a record: an equal entry stored later is another write and must stay. */
  @Test
  void invalidateEntryLocal_afterAnEqualHolderReplacedIt_keepsTheNewerOneAndItsTags() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry("v", "t");
    TierEntry<String> later = entry("v", "t");
    tier.putLocalIf("k", filled, () -> true);
    tier.putLocal("k", later);
    assertThat(later).isEqualTo(filled).isNotSameAs(filled);

    assertThat(tier.invalidateEntryLocal("k", filled)).isFalse();

    assertThat(tier.getIfPresent("k")).isSameAs(later);
    tier.invalidateTagLocal("t");
    assertThat(tier.getIfPresent("k")).isNull(); // still found through its tag
  }

  @Test
  void invalidateEntryLocal_afterAnotherValueReplacedIt_keepsTheNewerOne() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry("old");
    tier.putLocalIf("k", filled, () -> true);
    tier.putLocal("k", entry("new"));

    assertThat(tier.invalidateEntryLocal("k", filled)).isFalse();

    assertThat(tier.getValueIfPresent("k")).isEqualTo("new");
  }

  @Test
  void invalidateEntryLocal_ofAnAbsentKey_removesNothing() {
    CaffeineTier<String, String> tier = tier();
    TierEntry<String> filled = entry("v");
    tier.putLocalIf("k", filled, () -> true);
    tier.invalidateLocal("k");

    assertThat(tier.invalidateEntryLocal("k", filled)).isFalse();
    assertThat(tier.invalidateEntryLocal("other", filled)).isFalse();
  }

  record Tenant(String id) {}

  @Test
  void invalidateEntryLocal_ofAKeyWithAnIndexedAlias_removesTheAlias() {
    CaffeineTier<Tenant, String> tier =
        CaffeineTier.<Tenant, String>builder("l1").maximumSize(100).keyAliases(KeyCodec.standard()).build();
    TierEntry<String> filled = entry("v");
    tier.putLocalIf(new Tenant("t1"), filled, () -> true);
    assertThat(tier.indexedAliasCount()).isOne();

    assertThat(tier.invalidateEntryLocal(new Tenant("t1"), filled)).isTrue();

    assertThat(tier.indexedAliasCount()).isZero();
  }

  /** A tier that does not override it removes the key whatever it holds: never a stale value. */
  @Test
  void invalidateEntryLocal_default_removesTheKey() {
    CaffeineTier<String, String> tier = tier();
    LocalTier<String, String> plain = new MinimalLocalTier(tier);
    TierEntry<String> filled = entry("old");
    plain.putLocalIf("k", filled, () -> true);
    plain.putLocal("k", entry("new"));

    assertThat(plain.invalidateEntryLocal("k", filled)).isTrue();

    assertThat(plain.getIfPresent("k")).isNull();
  }

  /** Implements only the abstract methods of {@link LocalTier}, delegating them. */
  private record MinimalLocalTier(LocalTier<String, String> delegate) implements LocalTier<String, String> {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public @Nullable TierEntry<String> getIfPresent(String key) {
      return delegate.getIfPresent(key);
    }

    @Override
    public void putLocal(String key, TierEntry<String> entry) {
      delegate.putLocal(key, entry);
    }

    @Override
    public boolean putLocalIf(String key, TierEntry<String> entry, java.util.function.BooleanSupplier stillCurrent) {
      return delegate.putLocalIf(key, entry, stillCurrent);
    }

    @Override
    public void invalidateLocal(String key) {
      delegate.invalidateLocal(key);
    }

    @Override
    public void invalidateAllLocal() {
      delegate.invalidateAllLocal();
    }

    @Override
    public void invalidateTagLocal(String tag) {
      delegate.invalidateTagLocal(tag);
    }

    @Override
    public void invalidateAliasLocal(String alias) {
      delegate.invalidateAliasLocal(alias);
    }

    @Override
    public long estimatedSize() {
      return delegate.estimatedSize();
    }

    @Override
    public long evictionCount() {
      return delegate.evictionCount();
    }
  }
}
