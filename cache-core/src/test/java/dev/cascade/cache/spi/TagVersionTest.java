package dev.cascade.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a tag record admits: invalidation records judge every entry, creation records loads only. */
class TagVersionTest {

  @Test
  void invalidationRecord_admitsEntriesWrittenAtOrAfterIt_putsAndLoadsAlike() {
    TagVersion invalidated = TagVersion.fresh(1_000);

    assertThat(invalidated.admits(999, false)).isFalse();
    assertThat(invalidated.admits(999, true)).isFalse();
    assertThat(invalidated.admits(1_000, false)).isTrue();
    assertThat(invalidated.admits(1_000, true)).isTrue();
  }

  @Test
  void createdRecord_admitsEveryPut_andLoadsThatBeganAtOrAfterItsCreation() {
    TagVersion created = TagVersion.created(1_000);

    assertThat(created.admits(1, false)).isTrue();
    assertThat(created.admits(999, true)).isFalse();
    assertThat(created.admits(1_000, true)).isTrue();
  }

  @Test
  void createdRecord_roundTripsThroughItsSixteenBytes() {
    TagVersion created = TagVersion.created(1_234);

    TagVersion read = TagVersion.fromBytes(created.toBytes());

    assertThat(read).isEqualTo(created);
    assertThat(read.admits(1_233, true)).isFalse();
  }

  @Test
  void recordOfAWriterThatPredatesCreationStamps_admitsEverything() {
    TagVersion legacy = TagVersion.fresh(0); // what creating writers stored before

    assertThat(legacy.admits(0, true)).isTrue();
    assertThat(legacy.admits(0, false)).isTrue();
  }

  @Test
  void negativeCreationTime_isRejectedNamingIt() {
    assertThatThrownBy(() -> TagVersion.created(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
  }
}
