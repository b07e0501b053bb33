package dev.cascade.benchmarks;

import dev.cascade.benchmarks.RefreshTimeline.LoadCall;
import dev.cascade.benchmarks.RefreshTimeline.Loads;
import dev.cascade.benchmarks.RefreshTimeline.RefreshCourse;
import java.util.List;
import org.HdrHistogram.Histogram;

/** One configuration's figures of a {@link FreshnessBenchmark} run, after the warm-up. */
record FreshnessResult(
    String label,
    double beta,
    int measuredSeconds,
    long reads,
    long ownLoads,
    long coalesced,
    long slowReads,
    Loads loadLog,
    long refreshes,
    long refreshFailures,
    long staleServed,
    double bytesPerRead,
    long gcCount,
    long gcMillis,
    Histogram latencies) {

  List<LoadCall> loads() {
    return loadLog.calls();
  }

  List<RefreshCourse> refreshCourses() {
    return loadLog.courses();
  }

  long waited() {
    return ownLoads + coalesced;
  }

  double readsPerSecond() {
    return (double) reads / measuredSeconds;
  }

  double loadsPerWindow() {
    return loads().size() / (measuredSeconds / (FreshnessBenchmark.TTL_NANOS / 1e9));
  }

  /** The median load time the loaded entries carried (XFetch's delta); the loader's if none was seen. */
  double medianDeltaSeconds() {
    long[] nanos = loadLog.deltas().stream().mapToLong(Long::longValue).sorted().toArray();
    return nanos.length == 0 ? medianLoadSeconds() : nanos[nanos.length / 2] / 1e9;
  }

  double medianLoadSeconds() {
    double[] millis = loads().stream().mapToDouble(LoadCall::millis).sorted().toArray();
    return millis.length == 0 ? FreshnessBenchmark.LOAD_MILLIS / 1e3 : millis[millis.length / 2] / 1e3;
  }
}
