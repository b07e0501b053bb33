package dev.cascade.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored forms of a queued change, and the stats reply, read without a server. */
class QueuedChangeTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void fromPendingRecord_putWithBarsInValue_keepsTheWholeValue() {
    QueuedChange change = QueuedChange.fromPendingRecord(bytes("k"), bytes("1733-0|pa|b|c"));

    assertThat(change.id()).isEqualTo("1733-0");
    assertThat(change.delete()).isFalse();
    assertThat(new String(change.value(), StandardCharsets.UTF_8)).isEqualTo("a|b|c");
  }

  @Test
  void fromPendingRecord_delete_isADeleteWithoutValue() {
    QueuedChange change = QueuedChange.fromPendingRecord(bytes("k"), bytes("1733-1|d"));

    assertThat(change.delete()).isTrue();
    assertThat(change.value()).isEmpty();
  }

  @Test
  void fromPendingRecord_noRecord_isNull_malformed_throws() {
    assertThat(QueuedChange.fromPendingRecord(bytes("k"), null)).isNull();
    assertThatThrownBy(() -> QueuedChange.fromPendingRecord(bytes("k"), bytes("1733-1")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fromFields_deletedEntry_isNull() {
    assertThat(QueuedChange.fromFields("1-0", null, 1)).isNull();
    assertThat(QueuedChange.fromFields("1-0", Map.of(), 1)).isNull();
    assertThat(QueuedChange.fromFields("1-0", Map.of("k", bytes("key"), "o", bytes("d")), 2).deliveries()).isEqualTo(2);
  }

  @Test
  void partitionFigures_oldestAge_isServerTimeMinusTheIdsTime() {
    WriteBehindStreams.PartitionFigures figures =
        WriteBehindStreams.PartitionFigures.of(List.of(3L, 1L, bytes("1000-0"), 0L, bytes("2"), bytes("500000")));

    assertThat(figures.oldestAge()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(WriteBehindStreams.PartitionFigures.of(List.of(0L, 0L, bytes(""), 0L, bytes("2"), bytes("0"))).oldestAge())
        .isZero();
  }
}
