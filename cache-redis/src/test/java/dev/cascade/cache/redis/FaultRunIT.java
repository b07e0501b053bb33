package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The randomized fault run ({@link FaultRun}) for 40 seconds, with a seed that differs each build
 * (printed, so a failing run can be repeated with {@code FaultRun}'s main): random operations of
 * three instances in three JVMs under random faults, checked against the register model of {@link
 * HistoryChecker}. Long runs are in docs/testing.md.
 */
class FaultRunIT {
  @Test
  void threeInstancesUnderRandomFaults_historyHasNoViolation() throws Exception {
    long seed = Long.getLong("cascade.faultrun.seed", System.nanoTime());
    long seconds = Long.getLong("cascade.faultrun.seconds", 40);

    FaultRun.Report report = FaultRun.run(Path.of("target", "faultrun", Long.toString(seed)), seconds, seed);

    System.out.println("FaultRunIT " + report.summary());
    assertThat(report.operations()).as("operations").isGreaterThan(100);
    assertThat(report.faultsByKind().values().stream().mapToInt(Integer::intValue).sum()).as("faults").isGreaterThan(5);
    assertThat(report.violations()).as("violations (seed %d)", seed).isEmpty();
  }
}
