package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The stampede contract on the in-memory store and lock, plus the waiter that gives up. */
class DistributedStampedeTest extends StampedeContract {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);

  @Override
  protected Cache<String, String> newInstance(String name, Duration leaseTime, UnaryOperator<RemoteStore> wrap) {
    return instanceBuilder(name, wrap.apply(store), lock, leaseTime).ticker(ticker).build();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected void awaitLeaseLapsed(String remoteKey, Duration leaseTime) {
    ticker.advance(leaseTime.plusSeconds(1));
  }

  @Test
  void waiterPastMaxWait_loadsItself() {
    Cache<String, String> waiter =
        Cache.<String, String>builder("products")
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .stampede(Stampede.distributed(lock).maxWait(Duration.ofMillis(50)).pollInterval(Duration.ofMillis(10)))
            .build();
    Lease stuck = lock.tryAcquire("cascade:products:k", Duration.ofSeconds(10)).join();
    assertThat(stuck).isNotNull();

    assertThat(waiter.get("k", key -> "self-loaded")).isEqualTo("self-loaded");
    assertThat(waiter.stats().leaseWaitCount()).isEqualTo(1);
    assertThat(store.keys()).containsExactly("cascade:products:k");
  }
}
