/** Cascade's metrics module; its issue has not landed yet, so it holds nothing but this page. */
@NullMarked
package dev.cascade.cache.metrics;

import org.jspecify.annotations.NullMarked;
