package dev.cascade.cache.spring.boot;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.Environment;

/**
 * The start-up check of {@code cascade.caches}: every property under it must bind to a setting of a
 * cache. {@link CascadeProperties} ignores unknown properties, as Boot's own do, so without this
 * check Boot would read {@code cascade.caches.product.details.ttl} as an unknown setting {@code
 * details.ttl} of a cache {@code product}, create that cache and drop the TTL in silence. Only
 * {@code cascade.caches} is checked: elsewhere under {@code cascade} an unrelated environment
 * variable (say {@code CASCADE_HOME}) must not fail a start. Stateless.
 */
final class CacheSettingsCheck {
  private static final String PREFIX = "cascade.caches";
  /** The settings of {@link CascadeProperties.CacheSettings}, as in {@link #key}. */
  private static final Set<String> SETTINGS =
      Set.of("ttl", "nullttl", "localttl", "maximumsize", "valuetype", "layered", "tags");

  private CacheSettingsCheck() {}

  /**
   * Binds {@code cascade.caches} of {@code environment} once more, refusing properties that bind to
   * nothing.
   *
   * @throws IllegalStateException naming each such property, with the bracket form of a cache name
   *     with dots when that is what the property meant
   */
  static void requireKnownSettings(Environment environment) {
    try {
      Binder.get(environment)
          .bind(
              PREFIX,
              Bindable.mapOf(String.class, CascadeProperties.CacheSettings.class),
              new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
    } catch (BindException e) {
      if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
        String each =
            unbound.getUnboundProperties().stream().map(CacheSettingsCheck::explain).collect(Collectors.joining("; "));
        // Not chained: Boot's failure analysers would find the BindException among the causes and
        // report it instead, without the bracket form. This message names what it did.
        throw new IllegalStateException(each);
      }
      throw e;
    }
  }

  private static String explain(ConfigurationProperty property) {
    String name = property.getName().toString();
    String from = property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
    String rest = name.substring(PREFIX.length() + 1);
    int lastDot = rest.lastIndexOf('.');
    int dotBefore = lastDot > 0 ? rest.lastIndexOf('.', lastDot - 1) : -1;
    if (dotBefore > 0 && SETTINGS.contains(key(rest.substring(dotBefore + 1, lastDot) + rest.substring(lastDot + 1)))) {
      // The setting's two words split at a dot, as CASCADE_CACHES_FEED_NULL_TTL reads: Boot turns
      // each _ of an environment variable into a dot.
      String cache = rest.substring(0, dotBefore);
      String first = rest.substring(dotBefore + 1, lastDot);
      String second = rest.substring(lastDot + 1);
      return name + from + " sets no cache: for the setting " + first + "-" + second + " of cache '" + cache
          + "', write " + PREFIX + "." + cache + "." + first + "-" + second + " (as an environment variable "
          + ("CASCADE_CACHES_" + cache + "_" + first + second).toUpperCase(Locale.ROOT).replace('.', '_')
          + ": the setting's words run together, since Boot reads each _ as a dot); for cache '"
          + cache + "." + first + "', write " + PREFIX + "[" + cache + "." + first + "]." + second
          + " in application.properties or YAML";
    }
    if (lastDot > 0 && SETTINGS.contains(key(rest.substring(lastDot + 1)))) {
      String cache = rest.substring(0, lastDot);
      return name + from + " sets no cache: a cache name with a dot goes in brackets, as in "
          + PREFIX + "[" + cache + "]." + rest.substring(lastDot + 1)
          + " (environment variables cannot name such a cache: Boot reads each _ as a dot and"
          + " lowercases map keys; set it in application.properties or YAML)";
    }
    return name + from + " is no setting of a cache; each cache has ttl, null-ttl, local-ttl,"
        + " maximum-size, value-type, layered and tags (" + PREFIX + ".<name>.ttl, or "
        + PREFIX + "[<name>].ttl for a name with a dot)";
  }

  /** {@code setting} without an index, dashes, underscores or case: null-ttl, nullTtl and nullttl alike. */
  private static String key(String setting) {
    int index = setting.indexOf('[');
    String bare = index < 0 ? setting : setting.substring(0, index);
    return bare.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
  }
}
