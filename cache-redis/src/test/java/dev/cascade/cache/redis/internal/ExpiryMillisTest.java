package dev.cascade.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ExpiryMillis}: the milliseconds every PX and PEXPIRE of this module sends. */
class ExpiryMillisTest {
  @Test
  void expiryMillis_underOneMillisecond_isOne() {
    assertThat(ExpiryMillis.of(Duration.ofNanos(1))).isEqualTo(1);
    assertThat(ExpiryMillis.of(Duration.ofNanos(500_000))).isEqualTo(1);
    assertThat(ExpiryMillis.of(Duration.ofNanos(999_999))).isEqualTo(1);
  }

  @Test
  void expiryMillis_fraction_roundsUp() {
    assertThat(ExpiryMillis.of(Duration.ofNanos(1_000_001))).isEqualTo(2);
    assertThat(ExpiryMillis.of(Duration.ofNanos(1_500_000))).isEqualTo(2);
    assertThat(ExpiryMillis.of(Duration.ofSeconds(30).plusNanos(1))).isEqualTo(30_001);
  }

  @Test
  void expiryMillis_wholeMilliseconds_areKept() {
    assertThat(ExpiryMillis.of(Duration.ofMillis(1))).isEqualTo(1);
    assertThat(ExpiryMillis.of(Duration.ofSeconds(30))).isEqualTo(30_000);
    assertThat(ExpiryMillis.of(Duration.ofDays(365))).isEqualTo(Duration.ofDays(365).toMillis());
  }

  @Test
  void expiryMillis_zeroOrNegative_isOne_tooLong_isMaxValue() {
    assertThat(ExpiryMillis.of(Duration.ZERO)).isEqualTo(1);
    assertThat(ExpiryMillis.of(Duration.ofMillis(-5))).isEqualTo(1);
    assertThat(ExpiryMillis.of(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }
}
