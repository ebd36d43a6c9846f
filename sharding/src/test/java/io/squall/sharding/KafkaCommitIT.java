package io.squall.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.kafka.CommitterSettings;
import akka.kafka.ConsumerMessage;
import akka.kafka.ConsumerSettings;
import akka.kafka.ProducerSettings;
import akka.kafka.Subscriptions;
import akka.kafka.javadsl.Committer;
import akka.kafka.javadsl.Consumer;
import akka.kafka.javadsl.Producer;
import akka.stream.javadsl.Source;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.testing.LocalInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alpakka Kafka against the real broker: what a committable source commits is what Kafka keeps. */
class KafkaCommitIT {
  private static final int RECORDS = 1_000;
  private static final int PARTITIONS = 4;

  private static ActorSystem<Void> system;
  private static Admin admin;

  @BeforeAll
  static void start() {
    Config config =
        ConfigFactory.parseString(
                "squall.kafka.bootstrap-servers = \"" + LocalInfra.kafkaBootstrapServers() + "\"")
            .withFallback(ConfigFactory.parseResources("kafka.conf"))
            .withFallback(ConfigFactory.load())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "KafkaCommitIT", config);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfra.kafkaBootstrapServers());
    admin = Admin.create(props);
  }

  @AfterAll
  static void stop() {
    admin.close();
    system.terminate();
  }

  @Test
  void shouldCommitTheOffsetsOfEveryRecordReadFromACommittableSource() throws Exception {
    String topic = LocalInfra.uniqueName("it-commit");
    String group = topic + "-group";
    admin
        .createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    Topics.awaitLeaders(admin, List.of(topic), Duration.ofSeconds(30));

    ProducerSettings<String, String> producerSettings =
        ProducerSettings.create(system, new StringSerializer(), new StringSerializer());
    Source.range(1, RECORDS)
        .map(i -> new ProducerRecord<>(topic, "device-" + (i % 50), "reading-" + i))
        .runWith(Producer.plainSink(producerSettings), system)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);

    ConsumerSettings<String, String> consumerSettings =
        ConsumerSettings.create(system, new StringDeserializer(), new StringDeserializer())
            .withGroupId(group);
    CountDownLatch read = new CountDownLatch(RECORDS);
    Consumer.DrainingControl<Done> control =
        Consumer.committableSource(consumerSettings, Subscriptions.topics(topic))
            .wireTap(message -> read.countDown())
            .map(ConsumerMessage.CommittableMessage::committableOffset)
            .toMat(
                Committer.sink(CommitterSettings.create(system).withMaxBatch(100)),
                Consumer::createDrainingControl)
            .run(system);
    assertTrue(read.await(60, TimeUnit.SECONDS), "all records read");
    control
        .drainAndShutdown(system.executionContext())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);

    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> ends =
        admin
            .listOffsets(
                committed.keySet().stream()
                    .collect(
                        java.util.stream.Collectors.toMap(
                            tp -> tp, tp -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
            .all()
            .get(30, TimeUnit.SECONDS)
            .entrySet()
            .stream()
            .collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));

    assertEquals(PARTITIONS, committed.size(), "every partition has a committed offset");
    long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    assertEquals(RECORDS, total, "committed offsets add up to the records read");
    committed.forEach(
        (tp, offset) ->
            assertEquals(ends.get(tp), offset.offset(), "committed to the end of " + tp));
  }
}
