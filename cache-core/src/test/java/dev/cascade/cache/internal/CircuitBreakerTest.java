package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.CircuitState;
import dev.cascade.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine, on a hand-driven ticker. */
class CircuitBreakerTest {
  private static final Duration OPEN = Duration.ofSeconds(5);

  private final ManualTicker ticker = new ManualTicker();
  private final AtomicInteger recoveries = new AtomicInteger();
  private final CircuitBreaker breaker = new CircuitBreaker("test store", 3, OPEN, ticker);

  {
    breaker.addListener(
        state -> {
          if (state == CircuitState.CLOSED) {
            recoveries.incrementAndGet();
          }
        });
  }

  @Test
  void onFailure_atThreshold_opensAndRefusesCalls() {
    failThreeTimes();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.allow()).isFalse();
    assertThat(breaker.openings()).isEqualTo(1);
  }

  @Test
  void allow_afterOpenDuration_letsExactlyOneProbeThrough() {
    failThreeTimes();
    ticker.advance(OPEN);

    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.allow()).isFalse();
  }

  @Test
  void onSuccess_ofTheProbe_closesAndRunsRecovery() {
    failThreeTimes();
    ticker.advance(OPEN);
    breaker.allow();

    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(recoveries).hasValue(1);
    assertThat(breaker.allow()).isTrue();
  }

  @Test
  void onIgnored_ofTheProbe_letsTheNextCallProbe() {
    failThreeTimes();
    ticker.advance(OPEN);
    assertThat(breaker.allow()).isTrue(); // the probe, which ends in a bad-argument error

    breaker.onIgnored();

    assertThat(breaker.allow()).as("a new probe, at once").isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.allow()).as("still one probe at a time").isFalse();
    assertThat(breaker.openings()).isEqualTo(1);
    assertThat(recoveries).hasValue(0);
  }

  @Test
  void onIgnored_whileClosed_neitherCountsNorResetsFailures() {
    breaker.onFailure();
    breaker.onFailure();

    breaker.onIgnored();
    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void allow_probeThatNeverReports_handsOutANewProbeAfterTheOpenDuration() {
    failThreeTimes();
    ticker.advance(OPEN);
    assertThat(breaker.allow()).isTrue(); // a probe whose outcome is never recorded

    ticker.advance(OPEN.minusNanos(1));
    assertThat(breaker.allow()).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.allow()).isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void onFailure_ofTheProbe_opensForAnotherOpenDuration() {
    failThreeTimes();
    ticker.advance(OPEN);
    breaker.allow();

    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.openings()).isEqualTo(2);
    ticker.advance(OPEN.minusNanos(1));
    assertThat(breaker.allow()).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(breaker.allow()).isTrue();
  }

  @Test
  void onTimeout_whileClosed_handsOutOneProbeAtOnce() {
    assertThat(breaker.allow()).isTrue();

    breaker.onTimeout();

    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(breaker.allow()).as("the probe, with no open duration first").isTrue();
    assertThat(breaker.allow()).as("one probe at a time").isFalse();
    assertThat(breaker.openings()).isZero();
  }

  @Test
  void onTimeout_probeAnswers_closesAndRunsRecovery() {
    breaker.onTimeout();
    assertThat(breaker.allow()).isTrue();

    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(recoveries).hasValue(1);
    assertThat(breaker.openings()).isZero();
  }

  @Test
  void onTimeout_ofTheProbe_opensForTheOpenDuration() {
    breaker.onTimeout();
    assertThat(breaker.allow()).isTrue();

    breaker.onTimeout();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.openings()).isEqualTo(1);
    ticker.advance(OPEN.minusNanos(1));
    assertThat(breaker.allow()).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(breaker.allow()).isTrue();
  }

  @Test
  void onTimeout_whileOpen_changesNothing() {
    failThreeTimes();
    ticker.advance(OPEN.minusNanos(1));

    breaker.onTimeout();

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.allow()).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(breaker.allow()).as("the open duration still counts from the opening").isTrue();
  }

  @Test
  void onTimeout_whileClosed_startsTheFailureCountAfresh() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onTimeout();
    breaker.allow();
    breaker.onSuccess();

    breaker.onFailure();
    breaker.onFailure();

    assertThat(breaker.state()).as("two failures after the recovery, below the threshold").isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void onSuccess_whileClosed_startsTheFailureCountAfresh() {
    breaker.onFailure();
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    breaker.onFailure();

    assertThat(breaker.state()).as("two failures since the success, below the threshold").isEqualTo(CircuitState.CLOSED);
    breaker.onFailure();
    assertThat(breaker.state()).as("the third consecutive failure").isEqualTo(CircuitState.OPEN);
  }

  @Test
  void openDurationPastWhatNanosecondsHold_isCappedNotAnArithmeticError_andTheBreakerStillWorks() {
    CircuitBreaker forever = new CircuitBreaker("forever", 1, java.time.temporal.ChronoUnit.FOREVER.getDuration(), ticker);

    forever.onTimeout();
    assertThat(forever.allow()).as("a timeout makes the next call probe at once").isTrue();
    forever.onFailure();
    assertThat(forever.state()).isEqualTo(CircuitState.OPEN);
    ticker.advance(Duration.ofDays(365 * 50));
    assertThat(forever.allow()).as("open for the longest duration a reading can take: 73 years").isFalse();
    forever.onIgnored(); // while OPEN: nothing
    assertThat(forever.wouldAllow()).isFalse();
  }

  private void failThreeTimes() {
    for (int i = 0; i < 3; i++) {
      assertThat(breaker.allow()).isTrue();
      breaker.onFailure();
    }
  }

  /** A ticker that moves only when told to. */
  private static final class ManualTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }

    @Override
    public long read() {
      return nanos.get();
    }

    @Override
    public long wallMillis() {
      return nanos.get() / 1_000_000;
    }
  }
}
