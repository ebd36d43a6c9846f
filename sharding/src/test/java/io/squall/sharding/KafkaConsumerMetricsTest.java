package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class KafkaConsumerMetricsTest {
  @Test
  void shouldReadTheLagOfEachFetchedPartitionInPartitionOrder() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "records-lag", Map.of("topic", "readings", "partition", "10"), 7.0);
    put(metrics, "records-lag", Map.of("topic", "readings", "partition", "2"), 0.0);
    put(metrics, "records-lag", Map.of("topic", "readings", "partition", "3"), Double.NaN);
    put(metrics, "records-lag-max", Map.of("client-id", "c"), 7.0);
    put(metrics, "records-lag", Map.of("topic", "readings"), 7.0);

    Map<String, Long> lag = KafkaConsumerMetrics.lag(metrics);

    assertEquals(List.of("readings-2", "readings-10"), List.copyOf(lag.keySet()));
    assertEquals(Map.of("readings-2", 0L, "readings-10", 7L), lag);
  }

  private static void put(
      Map<MetricName, Metric> metrics, String name, Map<String, String> tags, double value) {
    MetricName metricName = new MetricName(name, "consumer-fetch-manager-metrics", "", tags);
    metrics.put(
        metricName,
        new Metric() {
          @Override
          public MetricName metricName() {
            return metricName;
          }

          @Override
          public Object metricValue() {
            return value;
          }
        });
  }
}
