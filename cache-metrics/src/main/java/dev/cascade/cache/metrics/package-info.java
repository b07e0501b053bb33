/**
 * Micrometer metrics for Cascade caches: {@link dev.cascade.cache.metrics.CacheMetrics} is the
 * entry point. Per-tier meters come from a cache event listener installed on the builder; cache-level
 * meters come from {@link dev.cascade.cache.metrics.CascadeCacheMetrics}, a Micrometer {@code
 * CacheMeterBinder}. Every meter follows Micrometer's cache conventions and is listed in {@code
 * docs/metrics.md}.
 */
@NullMarked
package dev.cascade.cache.metrics;

import org.jspecify.annotations.NullMarked;
