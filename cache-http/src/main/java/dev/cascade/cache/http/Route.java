package dev.cascade.cache.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One route's rules, frozen from {@link RouteOptions}. {@code queryParams} {@code null} means every
 * parameter but {@code ignoredQueryParams}; {@code headers} are lower-case and sorted. Immutable
 * and thread-safe.
 */
record Route(
    PathPattern pattern,
    Duration ttl,
    String namespace,
    @Nullable Set<String> queryParams,
    Set<String> ignoredQueryParams,
    List<String> headers,
    @Nullable UserKey userKey,
    List<String> tags,
    Set<Integer> statuses,
    int maxBodyBytes,
    boolean storePrivate) {

  /** Returns the route's tags with path variables filled in. */
  List<String> tagsFor(Map<String, String> variables) {
    if (tags.isEmpty()) {
      return tags;
    }
    return tags.stream()
        .map(tag -> {
          String result = tag;
          for (Map.Entry<String, String> variable : variables.entrySet()) {
            result = result.replace("{" + variable.getKey() + "}", variable.getValue());
          }
          return result;
        })
        .toList();
  }
}
