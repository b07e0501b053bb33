package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault run's checker on hand-written histories: it passes what the model allows and names what it does not. */
class HistoryCheckerTest {
  private static final long MS = 1_000;
  private final HistoryChecker checker =
      new HistoryChecker(100 * MS, Map.of("read", 500 * MS, "put", 1_000 * MS), 1_000 * MS);
  private final List<HistoryEvent> history = new ArrayList<>();

  private void add(int instance, String kind, String key, String value, long startMs, long endMs, String outcome) {
    history.add(new HistoryEvent(instance, kind, key, value, startMs * MS, endMs * MS, outcome));
  }

  @Test
  void readOfTheLatestValue_andOfNothing_passes() {
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(1, "read", "k1", "P0-1", 20, 21, "ok");
    add(0, "put", "k1", "P0-2", 30, 40, "ok");
    add(1, "read", "k1", "P0-2", 50, 51, "ok");
    add(2, "read", "k1", "-", 52, 53, "ok");

    assertThat(checker.violations(history)).isEmpty();
  }

  @Test
  void readOfAnOverwrittenValue_pastTheBound_isStale_withItsWindow() {
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(0, "put", "k1", "P0-2", 20, 30, "ok");
    add(1, "read", "k1", "P0-1", 500, 501, "ok");

    List<String> violations = checker.violations(history);

    assertThat(violations).singleElement().satisfies(v -> assertThat(v).startsWith("stale read of k1").contains("P0-2"));
  }

  @Test
  void readOfAnOverwrittenValue_withinTheBound_passes() {
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(0, "put", "k1", "P0-2", 20, 30, "ok");
    add(1, "read", "k1", "P0-1", 100, 101, "ok");

    assertThat(checker.violations(history)).isEmpty();
  }

  @Test
  void concurrentWrites_killNothing() {
    add(0, "put", "k1", "P0-1", 0, 50, "ok");
    add(1, "put", "k1", "P1-1", 10, 60, "ok");
    add(2, "read", "k1", "P0-1", 1_000, 1_001, "ok");

    assertThat(checker.violations(history)).isEmpty();
  }

  @Test
  void loadedValue_invalidatedAfterItsLoaderStarted_isDeadOnceTheInvalidationEnds() {
    add(0, "loader", "k1", "L0-1", 0, 20, "ok");
    add(1, "invalidate", "k1", "-", 10, 15, "ok"); // races the fill: the invalidation wins
    add(0, "load", "k1", "L0-1", 0, 25, "ok"); // its own caller may have it
    add(2, "read", "k1", "L0-1", 1_000, 1_001, "ok");

    assertThat(checker.violations(history)).singleElement().satisfies(v -> assertThat(v).startsWith("stale read of k1"));
  }

  @Test
  void tagInvalidation_killsPutValuesOfItsTag_notLoadedOnes() {
    String tag = FaultRunWorker.tagOf("k1");
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(1, "loader", "k4", "L1-1", 0, 10, "ok"); // k4 has k1's tag, but loaded values carry no tag
    add(1, "invalidateTag", tag, "-", 20, 30, "ok");
    add(2, "read", "k1", "P0-1", 1_000, 1_001, "ok");
    add(2, "read", "k4", "L1-1", 1_000, 1_001, "ok");

    assertThat(checker.violations(history)).singleElement().satisfies(v -> assertThat(v).startsWith("stale read of k1"));
  }

  @Test
  void valueNeverWritten_orOfAnotherKey_isReported() {
    add(0, "put", "k2", "P0-1", 0, 10, "ok");
    add(1, "read", "k1", "P0-1", 20, 21, "ok");
    add(1, "getAll", "k1,k3", "k3=X9-9", 20, 21, "ok");

    assertThat(checker.violations(history)).hasSize(2).allSatisfy(v -> assertThat(v).startsWith("a value never written"));
  }

  @Test
  void failedWrite_killsNothing_butMayHaveLanded() {
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(0, "put", "k1", "P0-2", 20, 30, "err:dev.cascade.cache.CacheTimeoutException");
    add(1, "read", "k1", "P0-1", 1_000, 1_001, "ok");
    add(1, "read", "k1", "P0-2", 1_002, 1_003, "ok");

    assertThat(checker.violations(history)).isEmpty();
  }

  @Test
  void failedWriteThatWasRead_killsOlderValuesFromThatRead() {
    add(0, "put", "k1", "P0-1", 0, 10, "ok");
    add(0, "put", "k1", "P0-2", 20, 30, "err:dev.cascade.cache.CacheTimeoutException"); // landed after all
    add(1, "read", "k1", "P0-2", 40, 41, "ok");
    add(2, "read", "k1", "P0-1", 1_000, 1_001, "ok");

    assertThat(checker.violations(history)).singleElement().satisfies(v -> assertThat(v).startsWith("stale read of k1"));
  }

  @Test
  void slowCall_andUndocumentedException_areReported() {
    add(0, "read", "k1", "-", 0, 600, "ok");
    add(0, "read", "k1", "-", 700, 701, "err:java.lang.NullPointerException");
    add(0, "put", "k1", "P0-1", 800, 900, "err:java.lang.IllegalStateException");

    assertThat(checker.violations(history))
        .hasSize(3)
        .anySatisfy(v -> assertThat(v).startsWith("call over its bound"))
        .anySatisfy(v -> assertThat(v).contains("NullPointerException"))
        .anySatisfy(v -> assertThat(v).contains("IllegalStateException"));
  }

  @Test
  void overlappingLoads_inOneInstance_orAcrossInstancesAwayFromFaults_areReported() {
    add(0, "loader", "k1", "L0-1", 0, 20, "ok");
    add(0, "loader", "k1", "L0-2", 10, 30, "ok");
    add(1, "loader", "k2", "L1-1", 5_000, 5_020, "ok");
    add(2, "loader", "k2", "L2-1", 5_010, 5_030, "ok");
    add(1, "loader", "k3", "L1-2", 9_000, 9_020, "ok");
    add(2, "loader", "k3", "L2-2", 9_010, 9_030, "ok");
    add(-1, "blackhole", "proxy1", "-", 9_500, 9_800, "ok"); // within the margin of the k3 loads

    assertThat(checker.violations(history))
        .hasSize(2)
        .anySatisfy(v -> assertThat(v).startsWith("two loads of k1 at once in one instance"))
        .anySatisfy(v -> assertThat(v).startsWith("two loads of k2 at once across instances"));
  }
}
