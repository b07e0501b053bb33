package dev.cascade.cache.metrics;

/**
 * The names and tag keys of every meter Cascade registers, so that backends and dashboards agree on
 * them; {@code docs/metrics.md} describes each one. The names are Micrometer's dotted names: a
 * Prometheus registry renders {@code cache.gets} as {@code cache_gets_total}. Constants only.
 *
 * <p>Per-tier meters use the tier as their own cache name ({@code cache=users.l1}); cache-level
 * meters use the cache's name ({@code cache=users}). A meter name always carries the same tag keys,
 * whichever binder registers it, so Cascade's meters and Micrometer's own cache binders share one
 * Prometheus registry.
 */
public final class CacheMeterNames {

  // ---- tag keys -------------------------------------------------------------------------------

  /** Tag key of the cache (or tier) name; Micrometer's own cache binders use the same key. */
  public static final String TAG_CACHE = "cache";

  /** Tag key of a lookup's outcome, {@code hit} or {@code miss}, or a load's outcome. */
  public static final String TAG_RESULT = "result";

  /** The tag saying why a stale value was served: {@code revalidate} or {@code error}. */
  public static final String TAG_REASON = "reason";

  /** Tag key of a tier operation, such as {@code get} or {@code put_all}. */
  public static final String TAG_OPERATION = "operation";

  /** Tag key of an invalidation's reach: {@code key}, {@code all} or {@code tag}. */
  public static final String TAG_SCOPE = "scope";

  /** Tag key of a server's address on server-side meters. */
  public static final String TAG_SERVER = "server";

  // ---- Micrometer's cache conventions -------------------------------------------------------

  /** Lookups by {@code result} (counter); per tier and per cache. */
  public static final String GETS = "cache.gets";

  /** Entries stored (counter); per tier and per cache. */
  public static final String PUTS = "cache.puts";

  /** Entries evicted for size or expiry (counter); per in-process tier and per cache. */
  public static final String EVICTIONS = "cache.evictions";

  /** Approximate number of entries (gauge); per in-process tier, and per cache when known. */
  public static final String SIZE = "cache.size";

  /** Loader calls by {@code result} (counter), as Micrometer's Caffeine and Guava binders name it. */
  public static final String LOAD = "cache.load";

  /** Total time spent in loaders (time gauge), as Micrometer's Caffeine binder names it. */
  public static final String LOAD_DURATION = "cache.load.duration";

  // ---- Cascade's extras, per cache ------------------------------------------------------------

  /** Callers that waited for a load another caller ran (single-flight) (counter). */
  public static final String COALESCED_WAITS = "cache.coalesced.waits";

  /** Callers that lost the distributed stampede lease and waited for its holder (counter). */
  public static final String LEASE_WAITS = "cache.lease.waits";

  /** Hits on a cached absence (counter). */
  public static final String NULL_HITS = "cache.null.hits";

  /** Remote values that could not be decoded, counted as misses and deleted (counter). */
  public static final String DECODE_FAILURES = "cache.decode.failures";

  /** Tier operations that failed and that the cache absorbed by failing open (counter). */
  public static final String TIER_ERRORS = "cache.tier.errors";

  /** Invalidations applied that other instances sent over the invalidation channel (counter). */
  public static final String INVALIDATIONS_RECEIVED = "cache.invalidations.received";

  /**
   * Invalidations this cache sent that some other live instance had not acknowledged when the write
   * completed (or failed for it), {@code CacheStats.unacknowledgedInvalidationCount} (counter).
   */
  public static final String INVALIDATIONS_UNACKNOWLEDGED = "cache.invalidations.unacknowledged";

  /**
   * Times the whole in-process tier was dropped because invalidations may have been lost: channel
   * reconnect, sequence gap, silent peer, server flush, store recovery (counter).
   */
  public static final String L1_FLUSHES = "cache.l1.flushes";

  /** Background refreshes (early refresh, stale-while-revalidate), tagged {@code result=success|failure}. */
  public static final String REFRESHES = "cache.refreshes";

  /**
   * Calls answered with a logically expired value, tagged {@code reason=revalidate} (while it was
   * refreshed) or {@code reason=error} (its loader failed).
   */
  public static final String STALE_SERVED = "cache.stale.served";

  /** Share of lookups that hit since the cache was built (gauge, 0 to 1). */
  public static final String HIT_RATIO = "cache.hit.ratio";

  /** Estimated loader time avoided by hits: hits times the mean load time (time gauge). */
  public static final String LOAD_SAVED = "cache.load.saved";

  // ---- Cascade's extras, per tier -------------------------------------------------------------

  /** Invalidations a tier received, by {@code scope} (counter). */
  public static final String INVALIDATIONS = "cache.invalidations";

  /** Failed tier operations by {@code operation} (counter). */
  public static final String ERRORS = "cache.errors";

  /** Duration of remote tier operations by {@code operation}, failed ones included (timer). */
  public static final String TIER_LATENCY = "cache.tier.latency";

  /**
   * State of a remote tier's circuit breaker (gauge: 0 closed, 1 half-open, 2 open), tagged with
   * the tier as the cache.
   */
  public static final String CIRCUIT_STATE = "cache.circuit.state";

  /** Times a remote tier's circuit breaker opened (counter), tagged with the tier as the cache. */
  public static final String CIRCUIT_OPENINGS = "cache.circuit.openings";

  // ---- server-side statistics (see ServerStatsBinder) ---------------------------------------

  /** Lookups the server answered from memory, server-wide (counter). */
  public static final String SERVER_HITS = "cache.server.hits";

  /** Lookups the server could not answer, server-wide (counter). */
  public static final String SERVER_MISSES = "cache.server.misses";

  /** Items the server evicted to make room (counter). */
  public static final String SERVER_EVICTIONS = "cache.server.evictions";

  /** Memory the server uses for data, in bytes (gauge). */
  public static final String SERVER_MEMORY_USED = "cache.server.memory.used";

  /** Items the server holds (gauge). */
  public static final String SERVER_ITEMS = "cache.server.items";

  private CacheMeterNames() {}
}
