package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeviceRecorderTest {

  @Test
  void shouldAskInChunksOneAfterTheOtherAndSumTheAnswers() {
    List<CompletableFuture<Device.Recorded>> pending = new ArrayList<>();
    List<String> asks = new ArrayList<>();
    DeviceRecorder recorder =
        new DeviceRecorder(
            2,
            (deviceId, readings, origin) -> {
              asks.add(deviceId + " " + origin.topicPartition() + " " + origin.offsets());
              CompletableFuture<Device.Recorded> answer = new CompletableFuture<>();
              pending.add(answer);
              return answer;
            });
    DevicePart part = new DevicePart("d", "readings-3");
    for (int i = 0; i < 5; i++) {
      part.add(new Reading("d", Instant.ofEpochSecond(i), Map.of("t", 1.0)), 100 + i);
    }

    CompletableFuture<Device.Recorded> total = recorder.record(part).toCompletableFuture();

    assertEquals(List.of("d readings-3 [100, 101]"), asks, "the next chunk waits for this one");
    pending.get(0).complete(new Device.Recorded(2, 0, 0));
    pending.get(1).complete(new Device.Recorded(1, 1, 0));
    pending.get(2).complete(new Device.Recorded(0, 0, 1));
    assertEquals(
        List.of("d readings-3 [100, 101]", "d readings-3 [102, 103]", "d readings-3 [104]"), asks);
    assertEquals(new Device.Recorded(3, 1, 1), total.join());
  }
}
