package dev.cascade.cache.memcached;

import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.memcached.internal.Commands;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import dev.cascade.cache.testkit.StampedeContract;
import java.time.Duration;
import java.util.function.UnaryOperator;
import dev.cascade.cache.spi.RemoteStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stampede contract on memcached's own leases (vivify on miss, CAS publish). Each instance has
 * its own client, as separate services would. Memcached counts lease time in whole seconds, so a
 * lease of a few hundred milliseconds lapses after one to two seconds.
 */
class MemcachedStampedeIT extends StampedeContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private static MemcachedTier sharedTier;
  private static MemcachedStampedeLock sharedLock;
  private final List<AutoCloseable> opened = new ArrayList<>();

  private static MemcachedTier newTier() {
    return MemcachedTier.create(
        MemcachedConfig.builder()
            .servers(MEMCACHED.addresses().toArray(String[]::new))
            // Generous: these tests are about behaviour, and the machine may be busy.
            .commandTimeout(Duration.ofSeconds(5))
            .build());
  }

  @BeforeAll
  static void createLock() {
    sharedTier = newTier();
    sharedLock = MemcachedStampedeLock.create(sharedTier);
  }

  @AfterAll
  static void closeLock() {
    sharedTier.close();
  }

  @AfterEach
  void closeInstances() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
  }

  @Override
  protected Cache<String, String> newInstance(String name, Duration leaseTime, UnaryOperator<RemoteStore> wrap) {
    MemcachedTier tier = newTier();
    opened.add(tier);
    return instanceBuilder(name, wrap.apply(tier), MemcachedStampedeLock.create(tier), leaseTime).build();
  }

  @Override
  protected StampedeLock lock() {
    return sharedLock;
  }

  /** See {@link #assertBulkLoadReplacesAnEntryKeptForStaleServing}; memcached's lease over a value is its win flag. */
  @Test
  void bulkLoadOfAnEntryKeptForStaleServing_takesTheLeaseOverIt_andReplacesIt() {
    assertBulkLoadReplacesAnEntryKeptForStaleServing(
        name -> {
          MemcachedTier tier = newTier();
          opened.add(tier);
          return staleServing(instanceBuilder(name, tier, MemcachedStampedeLock.create(tier), Duration.ofSeconds(60))).build();
        },
        remoteKey -> sharedTier.get(remoteKey).join() != null);
  }

  /** The lease is the item memcached vivified for it; it has lapsed once the server dropped it. */
  @Override
  protected void awaitLeaseLapsed(String remoteKey, Duration leaseTime) {
    byte[] wire = Commands.wireKey(remoteKey);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sharedTier.store().client().nodeFor(wire).submit(Commands.mg(Commands.keyOf(wire), "v")).join().is("EN"));
  }
}
