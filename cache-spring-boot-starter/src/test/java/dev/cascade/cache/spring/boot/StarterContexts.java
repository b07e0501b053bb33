package dev.cascade.cache.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts {@link StarterApp} with the given properties, as {@code java -jar app.jar --k=v} would. */
final class StarterContexts {
  private StarterContexts() {}

  static final List<String> ACTUATOR =
      List.of(
          "spring.main.banner-mode=off",
          "spring.jmx.enabled=true",
          "management.endpoints.jmx.exposure.include=*",
          "management.endpoints.web.exposure.include=*");

  static ConfigurableApplicationContext start(String... properties) {
    List<String> all = new ArrayList<>(ACTUATOR);
    all.addAll(List.of(properties));
    return new SpringApplicationBuilder(StarterApp.class)
        .web(WebApplicationType.NONE)
        .properties(all.toArray(String[]::new))
        .run();
  }
}
