/**
 * The in-process tier on Caffeine (the embedded default and the L1 of layered caches), plus
 * in-memory implementations of the remote SPIs for tests and single-JVM use.
 */
@NullMarked
package dev.cascade.cache.memory;

import org.jspecify.annotations.NullMarked;
