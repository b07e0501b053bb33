package dev.cascade.cache.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what Cascade logs under one logger name and its children, for tests. Cascade logs
 * through {@code System.Logger}, which the JDK routes to {@code java.util.logging} unless an
 * application installs another backend; this listens there (a handler on the logger sees every
 * record, even where Spring Boot bridges the root logger to SLF4J). Records every level while open;
 * {@link #close()} restores the logger. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level levelBefore;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
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

  private LogCapture(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
    this.levelBefore = logger.getLevel();
    logger.addHandler(handler);
    logger.setLevel(Level.ALL);
  }

  /** Starts capturing what is logged under {@code loggerName} (and the names below it). */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  /** Returns the records captured so far, oldest first. */
  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** Returns the raw messages (before their parameters are filled in) logged at exactly {@code level}. */
  public List<String> messagesAt(Level level) {
    return records.stream().filter(record -> record.getLevel() == level).map(LogRecord::getMessage).toList();
  }

  /** Stops capturing and gives the logger back its level. */
  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setLevel(levelBefore);
  }
}
