package dev.cascade.cache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spi.TierEntry;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaffeineTierTest {
  private static TierEntry<String> entry(String value, String... tags) {
    return new TierEntry<>(value, TierEntry.NO_EXPIRY, 0, 0, Set.of(tags));
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
}
