package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.squall.persistence.Device;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class DeviceOrderTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  /** Each ask waits until the test answers it, by "device[offsets]". */
  private final Map<String, CompletableFuture<Device.Recorded>> answers = new ConcurrentHashMap<>();

  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final DeviceOrder order =
      new DeviceOrder(
          testKit.system(),
          part -> {
            String key = part.deviceId() + part.offsets();
            asked.add(key);
            return answers.computeIfAbsent(key, k -> new CompletableFuture<>());
          });

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static DevicePart part(String device, long offset) {
    DevicePart part = new DevicePart(device, "readings-0");
    part.offsets().add(offset);
    return part;
  }

  private CompletableFuture<Device.Recorded> answer(String key) {
    return answers.computeIfAbsent(key, k -> new CompletableFuture<>());
  }

  private static void await(BooleanSupplier condition) throws Exception {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean());
  }

  @Test
  void shouldAskADevicesPartOfTheNextBatchOnlyAfterItsPartOfTheBatchBefore() throws Exception {
    order.newIncarnation();
    CompletableFuture<List<Device.Recorded>> first =
        order.record(List.of(part("a", 1), part("b", 2)), 4).toCompletableFuture();
    CompletableFuture<List<Device.Recorded>> second =
        order.record(List.of(part("a", 3), part("c", 4)), 4).toCompletableFuture();

    await(() -> asked.size() == 3);
    assertEquals(List.of("a[1]", "b[2]", "c[4]"), asked.stream().sorted().toList());
    answer("a[1]").complete(new Device.Recorded(1, 0, 0));
    await(() -> asked.contains("a[3]"));
    answer("b[2]").complete(new Device.Recorded(1, 0, 0));
    answer("a[3]").complete(new Device.Recorded(0, 1, 0));
    answer("c[4]").complete(new Device.Recorded(1, 0, 0));

    assertEquals(2, first.get(5, TimeUnit.SECONDS).size());
    assertEquals(2, second.get(5, TimeUnit.SECONDS).size());
  }

  @Test
  void shouldNotAskAPartWhoseDevicesPartBeforeFailedInTheSameIncarnation() throws Exception {
    order.newIncarnation();
    CompletableFuture<List<Device.Recorded>> first =
        order.record(List.of(part("a", 1)), 4).toCompletableFuture();
    CompletableFuture<List<Device.Recorded>> second =
        order.record(List.of(part("a", 2)), 4).toCompletableFuture();

    await(() -> asked.contains("a[1]"));
    answer("a[1]").completeExceptionally(new IllegalStateException("journal down"));

    assertThrows(CompletionException.class, first::join);
    assertThrows(CompletionException.class, second::join);
    assertEquals(List.of("a[1]"), asked, "a[2] is redelivered, in order, by the restart");
  }

  @Test
  void shouldLetANewIncarnationRunOnceTheOldPartEndedWhateverItsOutcome() throws Exception {
    order.newIncarnation();
    CompletableFuture<List<Device.Recorded>> old =
        order.record(List.of(part("a", 1)), 4).toCompletableFuture();
    order.newIncarnation();
    CompletableFuture<List<Device.Recorded>> redelivered =
        order.record(List.of(part("a", 1)), 4).toCompletableFuture();

    await(() -> asked.size() == 1);
    Thread.sleep(50);
    assertEquals(1, asked.size(), "the redelivery waits for the old part to end");
    answer("a[1]").completeExceptionally(new IllegalStateException("timed out"));
    assertThrows(CompletionException.class, old::join);
    await(() -> asked.size() == 2);
  }
}
