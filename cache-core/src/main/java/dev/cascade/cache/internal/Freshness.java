package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The freshness policy of a cache: when an entry is fresh, when a hit should refresh it early
 * (XFetch), and how long past its logical expiry it may still be served while it is refreshed
 * (stale-while-revalidate) or when its loader fails (stale-if-error).
 *
 * <p>Entries are stored with a <em>retention</em> expiry: their logical expiry plus {@link
 * #graceMillis} (the larger of the two stale bounds), so that every tier keeps and returns an
 * entry for as long as it may be served stale, and no tier or wire format needs a second expiry.
 * The logical expiry is the stored expiry minus the grace. With no stale bound the grace is 0 and
 * every entry a tier returns is fresh, as in a cache without this policy.
 *
 * <p>Early refresh follows Vattani, Chierichetti and Lowenstein's XFetch: a hit at {@code now}
 * refreshes when {@code now - delta * beta * ln(u) >= expiry}, with {@code u} uniform in (0, 1],
 * {@code delta} the time the entry's last load took ({@link TierEntry#loadNanos()}) and {@code
 * expiry} its logical expiry. Immutable; thread-safe when its random source is.
 */
final class Freshness {
  private final double beta;
  private final long revalidateMillis;
  private final long onErrorMillis;
  private final long graceMillis;
  private final RandomGenerator random;
  private final Ticker ticker;

  /**
   * @param beta XFetch's beta; 0 never refreshes early
   * @param staleWhileRevalidate how long past expiry a hit serves the old value and refreshes it
   *     (see {@link Durations#windowMillis} for what is made of a fraction of a millisecond, or of
   *     more than a {@code long} can add to a time)
   * @param staleIfError how long past expiry the old value answers a failed load (likewise)
   * @param random the source of XFetch's draws
   * @param ticker the cache's clock
   */
  Freshness(
      double beta,
      @Nullable Duration staleWhileRevalidate,
      @Nullable Duration staleIfError,
      RandomGenerator random,
      Ticker ticker) {
    this.beta = beta;
    // rounded up and capped: a window under 1 ms is 1 ms, not 0 (off), and the longest one still
    // leaves room for a TTL, so that the logical expiry stays the TTL's (see Durations)
    this.revalidateMillis = staleWhileRevalidate == null ? 0 : Durations.windowMillis(staleWhileRevalidate);
    this.onErrorMillis = staleIfError == null ? 0 : Durations.windowMillis(staleIfError);
    this.graceMillis = Math.max(revalidateMillis, onErrorMillis);
    this.random = random;
    this.ticker = ticker;
  }

  /** Whether some entry may be served other than fresh, or refreshed before its expiry. */
  boolean active() {
    return beta > 0 || graceMillis > 0;
  }

  boolean revalidates() {
    return revalidateMillis > 0;
  }

  boolean refreshesEarly() {
    return beta > 0;
  }

  boolean servesStaleOnError() {
    return onErrorMillis > 0;
  }

  /** How long tiers keep an entry past its logical expiry. */
  long graceMillis() {
    return graceMillis;
  }

  long now() {
    return ticker.wallMillis();
  }

  /** Returns the logical expiry of {@code entry}: its stored expiry minus the grace. */
  long logicalExpiry(TierEntry<?> entry) {
    long stored = entry.expiresAtMillis();
    return stored == TierEntry.NO_EXPIRY ? stored : stored - graceMillis;
  }

  /**
   * Whether {@code entry}, as a tier returned it, is fresh at {@code now}: its logical expiry is
   * after {@code now}; always, without a grace, since no tier returns an entry past its stored
   * expiry. For an entry held elsewhere, see {@link #isUnexpired}.
   */
  boolean isFresh(TierEntry<?> entry, long now) {
    return graceMillis == 0 || logicalExpiry(entry) > now;
  }

  /**
   * Whether {@code entry}'s logical expiry is after {@code now}, whatever the grace: the test for an
   * entry held outside the tiers (the entry a running refresh was started for), which {@link
   * #isFresh} cannot make without a grace, since it counts on tiers dropping entries at expiry.
   */
  boolean isUnexpired(TierEntry<?> entry, long now) {
    return logicalExpiry(entry) > now;
  }

  /** Whether {@code entry} is past its logical expiry but may be served while it is refreshed. */
  boolean isRevalidatable(TierEntry<?> entry, long now) {
    long expiry = logicalExpiry(entry);
    return expiry <= now && now - expiry < revalidateMillis;
  }

  /** Whether {@code entry} may answer a call whose load failed at {@code now}. */
  boolean isServableOnError(TierEntry<?> entry, long now) {
    long expiry = logicalExpiry(entry);
    return expiry > now || now - expiry < onErrorMillis;
  }

  /**
   * Whether a hit at {@code now} on the fresh {@code entry} should refresh it: XFetch's test, one
   * draw per call. An entry without expiry, or written by a put (no load time), never is.
   */
  boolean isEarlyRefreshDue(TierEntry<?> entry, long now) {
    long expiry = logicalExpiry(entry);
    if (beta == 0 || expiry == TierEntry.NO_EXPIRY || entry.loadNanos() == 0) {
      return false;
    }
    double deltaMillis = entry.loadNanos() / 1e6;
    double u = 1.0 - random.nextDouble(); // (0, 1]
    return now - deltaMillis * beta * Math.log(u) >= expiry;
  }

  /**
   * Whether {@code found} replaces {@code trigger}, the entry a refresh was started for: it is fresh
   * and was written by another load or put (any copy of {@code trigger} has its times).
   */
  boolean supersedes(TierEntry<?> found, TierEntry<?> trigger, long now) {
    return isFresh(found, now)
        && (found.writtenAtMillis() != trigger.writtenAtMillis()
            || found.expiresAtMillis() != trigger.expiresAtMillis());
  }
}
