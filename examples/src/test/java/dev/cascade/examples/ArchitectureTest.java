package dev.cascade.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Internal is internal, by the build: checked over every class of every published module and of
 * these examples (the place a user's code stands), so that a change that reaches into another
 * module's {@code internal} package fails {@code mvn verify}.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // Main and test classes alike: a test fixture here is user code too.
    classes = new ClassFileImporter().importPackages("dev.cascade");
  }

  @Test
  void coreInternal_isUsedOnlyByCoreInternalAndTheBuildersFactory() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.cascade.cache.internal..")
            .and()
            .doNotHaveFullyQualifiedName("dev.cascade.cache.CacheBuilder")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.cascade.cache.internal..")
            .because("core's engine is reachable only through CacheBuilder (via CacheFactory); "
                + "tools read a cache through Cache.inspect() and observe it through CacheEventListener");
    rule.check(classes);
  }

  @Test
  void redisInternal_isUsedOnlyByTheRedisModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cascade.cache.redis..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cascade.cache.redis.internal..")
        .check(classes);
  }

  @Test
  void memcachedInternal_isUsedOnlyByTheMemcachedModule() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cascade.cache.memcached..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cascade.cache.memcached.internal..")
        .check(classes);
  }

  @Test
  void coreApiAndSpi_dependOnNoBackend() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.cascade.cache", "dev.cascade.cache.spi", "dev.cascade.cache.internal..",
            "dev.cascade.cache.memory", "dev.cascade.cache.codec")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.cascade.cache.redis..", "dev.cascade.cache.memcached..", "dev.cascade.cache.metrics..",
            "io.lettuce..", "io.micrometer..", "io.netty..")
        .check(classes);
  }
}
