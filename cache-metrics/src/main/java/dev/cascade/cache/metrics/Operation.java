package dev.cascade.cache.metrics;

import java.util.Locale;

/** The tier operations that per-tier meters tell apart, with their tag values. */
enum Operation {
  GET,
  GET_ALL,
  PUT,
  PUT_ALL,
  INVALIDATE,
  INVALIDATE_ALL,
  INVALIDATE_TAG,
  LEASE;

  private final String tagValue = name().toLowerCase(Locale.ROOT);

  /** Returns the value of the {@code operation} tag, such as {@code get_all}. */
  String tagValue() {
    return tagValue;
  }
}
