package dev.cascade.cache.spring.boot;

import dev.cascade.cache.spring.CascadeCacheManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code cascade.*} configuration properties of the starter. Without {@code cascade.redis.uri}
 * or {@code cascade.redis.cluster.nodes} every cache is in process (the embedded default); with one
 * of them, caches are layered over Redis.
 *
 * <pre>
 * cascade.local.maximum-size=10000          # in-process entries per cache
 * cascade.local.ttl=30s                     # longest life of an in-process copy
 * cascade.ttl=10m                           # default TTL of every cache
 * cascade.null-ttl=30s                      # cache null results this long (default: refuse them)
 * cascade.value-type=com.example.Product    # default value type of layered caches (JSON)
 * cascade.unknown-caches=create             # or refuse
 * cascade.redis.uri=redis://localhost:6379  # or rediss://, or redis-sentinel://h1:26379,h2:26379#primary
 * cascade.redis.cluster.nodes=h1:7000,h2:7000
 * cascade.redis.command-timeout=250ms
 * cascade.redis.invalidation.enabled=true   # keep in-process tiers coherent across instances
 * cascade.redis.distributed-stampede=true   # one load per key across instances (sync = true)
 * cascade.caches.feed.ttl=1m                # per cache: ttl, null-ttl, local-ttl, maximum-size,
 * cascade.caches.feed.value-type=com.example.Feed  #   value-type, layered, tags
 * cascade.caches[product.details].ttl=5m    # a cache name with a dot goes in brackets
 * </pre>
 *
 * <p>A property under {@code cascade.caches} that is no setting of a cache fails the start (see
 * {@link CascadeAutoConfiguration}); other unknown {@code cascade.*} properties are ignored.
 *
 * <p>Each property has a getter and a setter through which Boot binds it; the field it accesses
 * documents it, and the starter's {@code META-INF/spring-configuration-metadata.json} (written by
 * Boot's configuration processor from those comments) shows it in IDEs. A JavaBean bound once by
 * Spring Boot at start-up; not thread-safe while it is bound.
 */
@ConfigurationProperties("cascade")
public class CascadeProperties {
  /** Whether the starter registers Cascade's cache manager. */
  private boolean enabled = true;
  /** The in-process tier of every cache. */
  private final Local local = new Local();
  /** Default TTL of entries (none: until evicted or invalidated). */
  private @Nullable Duration ttl;
  /** Spread of every TTL, a fraction in [0, 1). */
  private double ttlJitter;
  /** How long a method's null result is cached (none: a null result is refused). */
  private @Nullable Duration nullTtl;
  /** Default value type of layered caches, stored as JSON of that type. */
  private @Nullable Class<?> valueType;
  /** What happens to a cache name not listed under cascade.caches. */
  private CascadeCacheManager.UnknownCaches unknownCaches = CascadeCacheManager.UnknownCaches.CREATE;
  /** Redis, the shared tier. */
  private final Redis redis = new Redis();
  /** Whether Cascade's meters are bound to the application's MeterRegistry. */
  private boolean metrics = true;
  /** Per-cache settings, by cache name. */
  private Map<String, CacheSettings> caches = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Local getLocal() {
    return local;
  }

  public @Nullable Duration getTtl() {
    return ttl;
  }

  public void setTtl(@Nullable Duration ttl) {
    this.ttl = ttl;
  }

  public double getTtlJitter() {
    return ttlJitter;
  }

  public void setTtlJitter(double ttlJitter) {
    this.ttlJitter = ttlJitter;
  }

  public @Nullable Duration getNullTtl() {
    return nullTtl;
  }

  public void setNullTtl(@Nullable Duration nullTtl) {
    this.nullTtl = nullTtl;
  }

  public @Nullable Class<?> getValueType() {
    return valueType;
  }

  public void setValueType(@Nullable Class<?> valueType) {
    this.valueType = valueType;
  }

  public CascadeCacheManager.UnknownCaches getUnknownCaches() {
    return unknownCaches;
  }

  public void setUnknownCaches(CascadeCacheManager.UnknownCaches unknownCaches) {
    this.unknownCaches = unknownCaches;
  }

  public Redis getRedis() {
    return redis;
  }

  public boolean isMetrics() {
    return metrics;
  }

  public void setMetrics(boolean metrics) {
    this.metrics = metrics;
  }

  public Map<String, CacheSettings> getCaches() {
    return caches;
  }

  public void setCaches(Map<String, CacheSettings> caches) {
    this.caches = caches;
  }

  /** The in-process tier of every cache. */
  public static class Local {
    /** Maximum number of in-process entries per cache. */
    private long maximumSize = 10_000;
    /** Longest life of an in-process copy (layered caches: 1 minute unless set). */
    private @Nullable Duration ttl;

    public long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }
  }

  /** Redis: one backend (two connections) for all caches of the application. */
  public static class Redis {
    /**
     * URI of a standalone server or of Sentinels (Lettuce's syntax: redis://, rediss://,
     * redis-sentinel://host:26379,host:26379#primary), with credentials if needed.
     */
    private @Nullable String uri;
    /** Redis Cluster. */
    private final Cluster cluster = new Cluster();
    /** Bound of every Redis command of the caches. */
    private Duration commandTimeout = Duration.ofMillis(250);
    /** The invalidation channel. */
    private final Invalidation invalidation = new Invalidation();
    /** Whether sync = true loads take a lease in Redis (one load per key across instances). */
    private boolean distributedStampede = true;

    public @Nullable String getUri() {
      return uri;
    }

    public void setUri(@Nullable String uri) {
      this.uri = uri;
    }

    public Cluster getCluster() {
      return cluster;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public Invalidation getInvalidation() {
      return invalidation;
    }

    public boolean isDistributedStampede() {
      return distributedStampede;
    }

    public void setDistributedStampede(boolean distributedStampede) {
      this.distributedStampede = distributedStampede;
    }

    /** Whether a server is configured (a URI or cluster nodes). */
    boolean configured() {
      return (uri != null && !uri.isBlank()) || !cluster.getNodes().isEmpty();
    }
  }

  /** Redis Cluster seed nodes. */
  public static class Cluster {
    /** Seed nodes as host:port (or redis:// URIs); any reachable master will do. */
    private List<String> nodes = new ArrayList<>();

    public List<String> getNodes() {
      return nodes;
    }

    public void setNodes(List<String> nodes) {
      this.nodes = nodes;
    }
  }

  /** The invalidation channel that keeps in-process tiers coherent across instances. */
  public static class Invalidation {
    /** Whether the layered caches use it. */
    private boolean enabled = true;
    /** Pub/sub channel; the instances of a service must agree on it (default cascade:invalidation). */
    private @Nullable String channel;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getChannel() {
      return channel;
    }

    public void setChannel(@Nullable String channel) {
      this.channel = channel;
    }
  }

  /** Settings of one cache; unset ones come from the defaults above. */
  public static class CacheSettings {
    /** TTL of the cache's entries. */
    private @Nullable Duration ttl;
    /** How long a null result is cached. */
    private @Nullable Duration nullTtl;
    /** Longest life of an in-process copy. */
    private @Nullable Duration localTtl;
    /** Maximum number of in-process entries. */
    private @Nullable Long maximumSize;
    /** Value type, stored in Redis as JSON of that type. */
    private @Nullable Class<?> valueType;
    /** Whether the cache is layered over Redis (when Redis is configured). */
    private @Nullable Boolean layered;
    /** Tags every entry of the cache is written with. */
    private List<String> tags = new ArrayList<>();

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Duration getNullTtl() {
      return nullTtl;
    }

    public void setNullTtl(@Nullable Duration nullTtl) {
      this.nullTtl = nullTtl;
    }

    public @Nullable Duration getLocalTtl() {
      return localTtl;
    }

    public void setLocalTtl(@Nullable Duration localTtl) {
      this.localTtl = localTtl;
    }

    public @Nullable Long getMaximumSize() {
      return maximumSize;
    }

    public void setMaximumSize(@Nullable Long maximumSize) {
      this.maximumSize = maximumSize;
    }

    public @Nullable Class<?> getValueType() {
      return valueType;
    }

    public void setValueType(@Nullable Class<?> valueType) {
      this.valueType = valueType;
    }

    public @Nullable Boolean getLayered() {
      return layered;
    }

    public void setLayered(@Nullable Boolean layered) {
      this.layered = layered;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }
  }
}
