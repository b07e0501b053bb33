package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpResponseCacheBuilderTest {

  private static CacheBuilder<String, CachedResponse> cache() {
    return Cache.<String, CachedResponse>builder("http").inMemory(m -> m.maximumSize(100));
  }

  @Test
  void build_withoutRoutes_throwsIllegalStateException() {
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).build()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void route_optionSetTwice_throwsIllegalStateException() {
    assertThatThrownBy(() -> HttpResponseCache.builder(cache())
            .route("/a", r -> r.ttl(Duration.ofSeconds(1)).ttl(Duration.ofSeconds(2))).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ttl");
  }

  @Test
  void route_badValues_throwIllegalArgumentException() {
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).route("/a", r -> r.ttl(Duration.ZERO)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).route("/a", r -> r.tags("p:{id}")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p:{id}");
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).route("/a", r -> r.alsoCacheStatuses(206)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).route("a", r -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void storePrivatePerUser_withoutPerUser_throwsIllegalStateException() {
    assertThatThrownBy(() -> HttpResponseCache.builder(cache()).route("/a", RouteOptions::storePrivatePerUser).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("perUser");
  }

  @Test
  void queryParamsAndIgnoreQueryParams_excludeEachOther() {
    assertThatThrownBy(() -> HttpResponseCache.builder(cache())
            .route("/a", r -> r.queryParams("a").ignoreQueryParams("b")).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void match_firstMatchingRouteWins() {
    try (HttpResponseCache http = HttpResponseCache.builder(cache())
        .route("/a/{id}", r -> r.namespace("first"))
        .route("/a/**", r -> r.namespace("second"))
        .build()) {
      assertThat(http.match("/a/1").route().namespace()).isEqualTo("first");
      assertThat(http.match("/a/1/2").route().namespace()).isEqualTo("second");
      assertThat(http.match("/b")).isNull();
    }
  }
}
