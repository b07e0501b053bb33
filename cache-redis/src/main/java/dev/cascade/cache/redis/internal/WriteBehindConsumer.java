package dev.cascade.cache.redis.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The consumer side of a write-behind queue in this JVM: one thread that renews the partition
 * leases every poll interval, and one thread per partition ({@link PartitionConsumer}) on its own
 * connection, which drains the partition while the lease is this consumer's.
 *
 * <p>{@link #close(Duration)} stops reading at once, lets each partition thread finish the batch it
 * is applying (its acknowledgement included) until the deadline, then interrupts the rest (their
 * batches stay pending), gives up the leases of the partitions whose threads ended (so the next
 * consumer takes them without waiting for them to lapse) and closes the connections. Thread-safe.
 */
public final class WriteBehindConsumer {
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final PartitionLeases leases;
  private final List<Thread> partitionThreads = new ArrayList<>();
  private final List<RedisLink> links = new ArrayList<>();
  private final Thread leaseThread;
  private final ConsumerSettings settings;

  private WriteBehindConsumer(WriteBehindStreams streams, ConsumerSettings settings, ConsumerCounters counters) {
    this.settings = settings;
    this.leases = new PartitionLeases(streams, settings);
    this.leaseThread =
        new Thread(
            () -> {
              while (stopping.getCount() > 0) {
                leases.renewAll(counters);
                partitionThreads.forEach(LockSupport::unpark); // a lease taken now is used at once
                try {
                  stopping.await(settings.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "cascade-write-behind-leases-" + settings.consumer());
    leaseThread.setDaemon(true);
  }

  /**
   * Starts a consumer: the lease thread on {@code streams}' link, and one thread per partition on a
   * link of its own from {@code connect}.
   *
   * @throws dev.cascade.cache.CacheException if a connection cannot be opened (those opened are closed)
   */
  public static WriteBehindConsumer start(
      WriteBehindStreams streams, Supplier<RedisLink> connect, ChangeSink sink, ConsumerSettings settings, ConsumerCounters counters) {
    WriteBehindConsumer consumer = new WriteBehindConsumer(streams, settings, counters);
    try {
      for (int partition = 0; partition < settings.partitions(); partition++) {
        RedisLink link = connect.get();
        consumer.links.add(link);
        Thread thread =
            new Thread(
                new PartitionConsumer(partition, streams.on(link), consumer.leases, sink, settings, counters, consumer.stopping),
                "cascade-write-behind-" + settings.consumer() + "-" + partition);
        thread.setDaemon(true);
        consumer.partitionThreads.add(thread);
      }
    } catch (RuntimeException e) {
      consumer.links.forEach(RedisLink::close);
      throw e;
    }
    consumer.leaseThread.start();
    consumer.partitionThreads.forEach(Thread::start);
    return consumer;
  }

  /**
   * Stops the consumer within about {@code deadline} (plus one command timeout to give the leases
   * up); returns whether every partition thread ended by itself.
   */
  public boolean close(Duration deadline) {
    stopping.countDown();
    partitionThreads.forEach(LockSupport::unpark);
    long until = System.nanoTime() + deadline.toNanos();
    boolean clean = true;
    try {
      leaseThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
      for (int partition = 0; partition < partitionThreads.size(); partition++) {
        Thread thread = partitionThreads.get(partition);
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
        if (thread.isAlive()) {
          clean = false;
          thread.interrupt();
        } else {
          leases.release(partition);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
      partitionThreads.forEach(Thread::interrupt);
    } finally {
      links.forEach(RedisLink::close);
    }
    return clean;
  }

  /** Returns the consumer name this consumer reads and holds leases as. */
  public String name() {
    return settings.consumer();
  }
}
