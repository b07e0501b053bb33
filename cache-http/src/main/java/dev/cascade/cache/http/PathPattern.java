package dev.cascade.cache.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A route's path pattern, matched segment by segment: a literal segment matches itself, {@code *}
 * any one segment, {@code {name}} any one segment and captures it, and a final {@code **} any
 * remainder (including none). Immutable and thread-safe.
 */
final class PathPattern {
  private final String pattern;
  private final List<String> segments;
  private final boolean rest;

  private PathPattern(String pattern, List<String> segments, boolean rest) {
    this.pattern = pattern;
    this.segments = segments;
    this.rest = rest;
  }

  static PathPattern parse(String pattern) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("a path pattern starts with '/': " + pattern);
    }
    List<String> segments = new ArrayList<>(List.of(pattern.substring(1).split("/", -1)));
    boolean rest = false;
    if (!segments.isEmpty() && segments.get(segments.size() - 1).equals("**")) {
      segments.remove(segments.size() - 1);
      rest = true;
    }
    for (String segment : segments) {
      if (segment.contains("**")) {
        throw new IllegalArgumentException("'**' may only end a path pattern: " + pattern);
      }
      if (segment.startsWith("{") != segment.endsWith("}") || (segment.startsWith("{") && segment.length() < 3)) {
        throw new IllegalArgumentException("bad variable segment '" + segment + "' in " + pattern);
      }
    }
    return new PathPattern(pattern, List.copyOf(segments), rest);
  }

  /** Returns the captured variables if {@code path} matches, else {@code null}. */
  @Nullable Map<String, String> match(String path) {
    if (!path.startsWith("/")) {
      return null;
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length < segments.size() || (!rest && parts.length != segments.size())) {
      return null;
    }
    Map<String, String> variables = Map.of();
    for (int i = 0; i < segments.size(); i++) {
      String segment = segments.get(i);
      String part = parts[i];
      if ((segment.equals("*") || segment.startsWith("{")) && part.isEmpty()) {
        return null;
      }
      if (segment.equals("*")) {
        continue;
      }
      if (segment.startsWith("{")) {
        if (variables.isEmpty()) {
          variables = new HashMap<>();
        }
        variables.put(segment.substring(1, segment.length() - 1), part);
      } else if (!segment.equals(part)) {
        return null;
      }
    }
    return variables;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
