/**
 * Test support for Cascade and for backends: the contract suites every tier and combination
 * extends, and a fake ticker for deterministic time.
 */
@NullMarked
package dev.cascade.cache.testkit;

import org.jspecify.annotations.NullMarked;
