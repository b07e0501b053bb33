package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A background refresh that fails, whose exception no caller gets, is reported to the operator:
 * logger {@code dev.cascade.cache.refresh}, at most one line per cache per 10 s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RefreshFailureLogTest {
  private static final Duration TTL = Duration.ofSeconds(1);

  private final SimulatedTime.Clock clock = new SimulatedTime.Clock();
  private final SimulatedTime.Steps background = new SimulatedTime.Steps();
  private final List<Cache<String, String>> built = new ArrayList<>();
  private final Logger refreshLog = Logger.getLogger("dev.cascade.cache.refresh");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    refreshLog.addHandler(capture);
    refreshLog.setLevel(Level.ALL);
  }

  @AfterEach
  void closeCaches() {
    refreshLog.removeHandler(capture);
    refreshLog.setLevel(null);
    built.forEach(Cache::close);
  }

  private Cache<String, String> build(CacheBuilder<String, String> builder) {
    Cache<String, String> cache =
        builder.ticker(clock).ttl(TTL).staleWhileRevalidate(Duration.ofMinutes(1)).executor(background).build();
    built.add(cache);
    return cache;
  }

  private Cache<String, String> inProcessOnly(String name) {
    return build(Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(100)));
  }

  private static String failing(String key) {
    throw new IllegalStateException("database down for " + key);
  }

  private List<LogRecord> refreshLines() {
    return records.stream().filter(r -> r.getLoggerName().equals("dev.cascade.cache.refresh")).toList();
  }

  private static String text(LogRecord record) {
    return new java.text.MessageFormat(record.getMessage()).format(record.getParameters());
  }

  @Test
  void failedRefresh_isLoggedAsAWarning_atMostOnceEvery10Seconds_withTheCountSince() {
    Cache<String, String> cache = inProcessOnly("refresh-log");
    cache.get("k", key -> "v1");
    clock.advance(TTL.multipliedBy(2));

    assertThat(cache.get("k", RefreshFailureLogTest::failing)).isEqualTo("v1");
    background.runAll();
    assertThat(refreshLines()).hasSize(1);
    LogRecord first = refreshLines().get(0);
    assertThat(first.getLevel()).isEqualTo(Level.WARNING);
    assertThat(text(first)).contains("refresh-log").contains("k");
    assertThat(first.getThrown()).hasMessage("database down for k");

    assertThat(cache.get("k", RefreshFailureLogTest::failing)).isEqualTo("v1");
    background.runAll();
    assertThat(refreshLines()).as("a second failure within 10 s: counted, not logged").hasSize(1);

    clock.advance(Duration.ofSeconds(10));
    assertThat(cache.get("k", RefreshFailureLogTest::failing)).isEqualTo("v1");
    background.runAll();
    assertThat(refreshLines()).hasSize(2);
    assertThat(text(refreshLines().get(1))).contains("2 background refreshes");
    assertThat(cache.stats().refreshFailureCount()).isEqualTo(3);
  }
}
