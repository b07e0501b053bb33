package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which socket transport Lettuce runs a Cascade Redis cache on, in each of this module's two
 * integration-test runs (see the failsafe executions in its pom): Java NIO in the default run, as
 * in a service with cache-redis alone, and Linux's epoll in the run that puts Netty's native epoll
 * library on the class path, as in a service that also uses cache-memcached, which brings that
 * library (Lettuce then picks epoll by itself). A run expects epoll unless it turns Lettuce's epoll
 * off ({@code io.lettuce.core.epoll=false}) or the platform has no native library here; the contract
 * suites of both runs pass on the transport this test checks.
 */
class LettuceTransportIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Test
  void cache_readsWhatItWrote_onTheTransportThisRunExpects() {
    String expected = expectedTransport();
    Cache<String, String> cache =
        Cache.<String, String>builder("transport").tier(redis.store()).valueCodec(StringCodec.create()).build();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String key = "transport-" + i;
      keys.add(key);
      // 2 KiB values: the 100-key read below spans many socket reads
      cache.put(key, ("v" + i + "-").repeat(500));
    }

    assertThat(cache.getIfPresent("transport-7")).startsWith("v7-v7-");
    Map<String, String> all = cache.getAll(keys);
    assertThat(all).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(all.get(keys.get(i))).isEqualTo(("v" + i + "-").repeat(500));
    }
    Set<String> threads =
        Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    String other = expected.equals("epoll") ? "nio" : "epoll";
    assertThat(threads)
        .as("Lettuce's event-loop threads")
        .anyMatch(name -> name.startsWith("lettuce-" + expected + "EventLoop"))
        .noneMatch(name -> name.startsWith("lettuce-" + other + "EventLoop"));
    cache.close();
  }

  /**
   * The run's expectation: epoll unless Lettuce's epoll is turned off (Lettuce's own switch, on by
   * default) or this is not Linux on x86-64, the one platform whose native library is on the class path.
   */
  private static String expectedTransport() {
    boolean epollOn = !System.getProperty("io.lettuce.core.epoll", "true").equalsIgnoreCase("false");
    boolean linuxX86 =
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
            && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    return epollOn && linuxX86 ? "epoll" : "nio";
  }
}
