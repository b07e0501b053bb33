package dev.cascade.cache.redis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a fault run's history against a register per key. The model:
 *
 * <ul>
 *   <li>Every value is unique: written by a {@code put} (attempted: a failed put may have landed,
 *       and one whose value a read returned had landed by the end of that read) or made by a
 *       loader call.
 *   <li>A value of key {@code k} is <em>dead</em> from the end of the first successful operation
 *       that must remove it: a {@code put(k)} or {@code invalidate(k)} or {@code invalidateAll()},
 *       or, for a value put with tag {@code t}, an {@code invalidateTag(t)}; one that started after
 *       the value's put completed, or, for a loaded value, after its loader started (an
 *       invalidation that races a fill wins). Concurrent writes may land in either order and kill
 *       nothing.
 *   <li>A read ({@code read}, {@code load}, each pair of a {@code getAll}) may return nothing, or a
 *       value of its key that exists and was not dead {@link #stalenessBoundMicros} before the read
 *       began: the bound an instance may lag when it has not yet noticed it missed an invalidation
 *       (three heartbeats, see docs/layering.md), plus the acknowledgement timeout.
 *   <li>Within one instance, two loader calls for one key never overlap (single-flight). Across
 *       instances two {@code get} loads overlap only near a fault or a failed remote call that an
 *       instance reported ({@code tierError}: the lease fails open when Redis does) or after a write of the key freed the lease (see {@link #writtenBetween}); a {@code
 *       getAll}'s bulk load never waits for a lease, so it may overlap another instance's.
 *   <li>No call lasts longer than its kind's bound; reads never throw; writes throw only {@code
 *       CacheException} and its documented subtypes.
 * </ul>
 *
 * A violation is reported with the shortest history window that shows it: the operations on its
 * key (and the faults) from the value's write to the read.
 */
final class HistoryChecker {
  static final Set<String> WRITE_ERRORS =
      Set.of(
          "err:dev.cascade.cache.CacheException",
          "err:dev.cascade.cache.CacheTimeoutException",
          "err:dev.cascade.cache.CacheUnavailableException");

  /** How long before its loader starts a load may have taken its lease. */
  private static final long LEASE_MARGIN_MICROS = 100_000;

  private final long stalenessBoundMicros;
  private final Map<String, Long> boundMicrosByKind;
  private final long faultMarginMicros;

  /**
   * @param stalenessBoundMicros how long a read may lag a completed write
   * @param boundMicrosByKind the longest each kind of call may take
   * @param faultMarginMicros how close to a fault a cross-instance double load is excused
   */
  HistoryChecker(long stalenessBoundMicros, Map<String, Long> boundMicrosByKind, long faultMarginMicros) {
    this.stalenessBoundMicros = stalenessBoundMicros;
    this.boundMicrosByKind = Map.copyOf(boundMicrosByKind);
    this.faultMarginMicros = faultMarginMicros;
  }

  /** A value's origin: the put or the loader call that made it. */
  private record Origin(HistoryEvent event, boolean loaded, boolean tagged) {
    String key() {
      return event.key();
    }

    /** From when an operation that starts later must remove this value. */
    long since() {
      return loaded ? event.start() : event.end();
    }
  }

  /** Returns every violation in {@code history}, each with the window that shows it; empty if none. */
  List<String> violations(List<HistoryEvent> history) {
    List<HistoryEvent> events = new ArrayList<>(history);
    events.sort(Comparator.comparingLong(HistoryEvent::start));
    Map<String, Origin> origins = new HashMap<>();
    List<HistoryEvent> faults = new ArrayList<>();
    for (HistoryEvent event : events) {
      if (event.instance() < 0 || event.kind().equals("tierError")) {
        faults.add(event); // injected, or a remote call that failed on its own (a timeout on a busy machine)
      } else if (event.kind().equals("put")) {
        origins.put(event.value(), new Origin(event, false, true));
      } else if (isLoad(event)) {
        origins.put(event.value(), new Origin(event, true, false));
      }
    }
    List<String> violations = new ArrayList<>();
    Map<String, Long> deaths = new HashMap<>();
    Map<String, List<HistoryEvent>> killers = killersByKey(events);
    for (Origin origin : origins.values()) {
      deaths.put(origin.event().value(), deathOf(origin, killers.getOrDefault(origin.key(), List.of())));
    }
    for (HistoryEvent event : events) {
      if (event.instance() < 0 || isLoad(event) || event.kind().equals("tierError")) {
        continue;
      }
      checkDurationAndOutcome(event, violations);
      if (!event.ok()) {
        continue;
      }
      switch (event.kind()) {
        case "read", "load" -> checkRead(event, event.key(), event.value(), origins, deaths, events, faults, violations);
        case "getAll" -> {
          if (!event.value().equals("-") && !event.value().isEmpty()) {
            for (String pair : event.value().split(",")) {
              int equals = pair.indexOf('=');
              checkRead(event, pair.substring(0, equals), pair.substring(equals + 1), origins, deaths, events, faults, violations);
            }
          }
        }
        default -> {}
      }
    }
    checkLoadsOnce(events, faults, violations);
    return violations;
  }

  private void checkDurationAndOutcome(HistoryEvent event, List<String> violations) {
    long bound = boundMicrosByKind.getOrDefault(event.kind(), Long.MAX_VALUE);
    if (event.end() - event.start() > bound) {
      violations.add("call over its bound (" + bound / 1000 + " ms): " + event);
    }
    boolean write = Set.of("put", "invalidate", "invalidateTag", "invalidateAll").contains(event.kind());
    if (!event.ok() && !(write && WRITE_ERRORS.contains(event.outcome()))) {
      violations.add("exception outside the documented ones: " + event);
    }
  }

  private void checkRead(HistoryEvent read, String key, String value, Map<String, Origin> origins, Map<String, Long> deaths,
      List<HistoryEvent> events, List<HistoryEvent> faults, List<String> violations) {
    if (value.equals("-")) {
      return; // nothing: always allowed (evictions, a flushed or restarted server, fail-open)
    }
    Origin origin = origins.get(value);
    if (origin == null || !origin.key().equals(key)) {
      violations.add("a value never written to " + key + ": " + read);
      return;
    }
    long death = deaths.get(value);
    if (death < read.start() - stalenessBoundMicros) {
      violations.add(
          "stale read of " + key + " (its value died " + (read.start() - death) / 1000 + " ms before the read began):\n"
              + window(key, origin.event().start(), read.end(), events, faults));
    }
  }

  /**
   * When {@code origin}'s value died: the end of the first operation that had to remove it.
   * {@code killers} holds the successful writes that concern its key (puts and invalidations of
   * the key, tag invalidations of its tag, {@code invalidateAll}), in order of start.
   */
  private static long deathOf(Origin origin, List<HistoryEvent> killers) {
    long death = Long.MAX_VALUE;
    for (HistoryEvent event : killers) {
      if (event.start() >= death) {
        break; // every later one ends later still
      }
      if (event.start() <= origin.since()) {
        continue;
      }
      boolean kills =
          switch (event.kind()) {
            case "put" -> !event.value().equals(origin.event().value());
            case "invalidateTag" -> origin.tagged();
            default -> true;
          };
      if (kills) {
        death = Math.min(death, event.end());
      }
    }
    return death;
  }

  /**
   * The writes that concern each key, in order of start (see {@link #deathOf}): the successful ones,
   * and each failed put whose value some read returned, as if it had ended when the first such read
   * ended (it had landed by then: a timed-out or unacknowledged write may have).
   */
  private static Map<String, List<HistoryEvent>> killersByKey(List<HistoryEvent> events) {
    Map<String, Long> firstSeen = new HashMap<>();
    for (HistoryEvent event : events) {
      if (event.ok() && (event.kind().equals("read") || event.kind().equals("load"))) {
        firstSeen.merge(event.value(), event.end(), Math::min);
      } else if (event.ok() && event.kind().equals("getAll") && !event.value().equals("-") && !event.value().isEmpty()) {
        for (String pair : event.value().split(",")) {
          firstSeen.merge(pair.substring(pair.indexOf('=') + 1), event.end(), Math::min);
        }
      }
    }
    Map<String, List<HistoryEvent>> killers = new HashMap<>();
    for (HistoryEvent original : events) {
      HistoryEvent event = original;
      if (event.instance() >= 0 && !event.ok() && event.kind().equals("put") && firstSeen.containsKey(event.value())) {
        event = new HistoryEvent(event.instance(), "put", event.key(), event.value(), event.start(),
            Math.max(event.start(), firstSeen.get(event.value())), "ok");
      }
      if (event.instance() < 0 || !event.ok()) {
        continue;
      }
      switch (event.kind()) {
        case "put", "invalidate" -> killers.computeIfAbsent(event.key(), k -> new ArrayList<>()).add(event);
        case "invalidateTag", "invalidateAll" -> {
          for (int k = 0; k < FaultRunWorker.KEYS; k++) {
            String key = "k" + k;
            if (event.kind().equals("invalidateAll") || FaultRunWorker.tagOf(key).equals(event.key())) {
              killers.computeIfAbsent(key, x -> new ArrayList<>()).add(event);
            }
          }
        }
        default -> {}
      }
    }
    return killers; // events came sorted by start, so each list is too
  }

  private void checkLoadsOnce(List<HistoryEvent> events, List<HistoryEvent> faults, List<String> violations) {
    Map<String, List<HistoryEvent>> loadsByKey = new HashMap<>();
    for (HistoryEvent event : events) {
      if (isLoad(event)) {
        loadsByKey.computeIfAbsent(event.key(), k -> new ArrayList<>()).add(event);
      }
    }
    for (List<HistoryEvent> loads : loadsByKey.values()) {
      for (int i = 0; i < loads.size(); i++) {
        for (int j = i + 1; j < loads.size() && loads.get(j).start() < loads.get(i).end(); j++) {
          HistoryEvent first = loads.get(i);
          HistoryEvent second = loads.get(j);
          if (first.instance() == second.instance()) {
            violations.add("two loads of " + first.key() + " at once in one instance: " + first + " / " + second);
          } else if (first.kind().equals("loader")
              && second.kind().equals("loader")
              && !nearFault(first.start(), second.end(), faults)
              && !writtenBetween(first.key(), first.start() - LEASE_MARGIN_MICROS, second.start(), events)) {
            // (bulk loads never wait for a lease: docs/stampede.md)
            violations.add(
                "two loads of " + first.key() + " at once across instances, no fault near: " + first + " / " + second);
          }
        }
      }
    }
  }

  /**
   * Whether an operation that writes {@code key} in Redis (a put or an invalidation of it, of its
   * tag or of everything), whatever its outcome, ran at some time between {@code from} and {@code
   * to}. Such a write replaces or deletes the lease marker a load holds under the key, so a second
   * instance may then take the lease and load: by design, since the first load's value will not be
   * kept (an invalidation wins over a racing fill). A {@code getAll} is not such a write: it
   * publishes only under a lease of its own (docs/stampede.md), so it never replaces another's.
   */
  private static boolean writtenBetween(String key, long from, long to, List<HistoryEvent> events) {
    String tag = FaultRunWorker.tagOf(key);
    for (HistoryEvent event : events) {
      if (event.instance() < 0 || event.end() < from || event.start() > to) {
        continue;
      }
      boolean writes =
          switch (event.kind()) {
            case "put", "invalidate" -> event.key().equals(key);
            case "invalidateTag" -> event.key().equals(tag);
            case "invalidateAll" -> true;
            default -> false;
          };
      if (writes) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code event} is a loader call: of {@code get} ({@code loader}) or of {@code getAll} ({@code bulkLoader}). */
  static boolean isLoad(HistoryEvent event) {
    return event.kind().equals("loader") || event.kind().equals("bulkLoader");
  }

  private boolean nearFault(long from, long to, List<HistoryEvent> faults) {
    for (HistoryEvent fault : faults) {
      if (fault.start() - faultMarginMicros <= to && fault.end() + faultMarginMicros >= from) {
        return true;
      }
    }
    return false;
  }

  /** The operations on {@code key} (and every fault) between {@code from} and {@code to}, in order. */
  private static String window(String key, long from, long to, List<HistoryEvent> events, List<HistoryEvent> faults) {
    StringBuilder text = new StringBuilder();
    String tag = FaultRunWorker.tagOf(key);
    for (HistoryEvent event : events) {
      if (event.end() < from || event.start() > to) {
        continue;
      }
      boolean relevant =
          event.instance() < 0
              || event.key().equals(key)
              || event.key().equals("*")
              || (event.kind().equals("invalidateTag") && event.key().equals(tag))
              || (event.kind().equals("getAll") && event.key().contains(key));
      if (relevant) {
        text.append("    ").append(event).append('\n');
      }
    }
    return text.toString();
  }
}
