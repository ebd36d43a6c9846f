package io.squall.node;

import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.stream.alpakka.cassandra.CassandraSessionSettings;
import akka.stream.alpakka.cassandra.javadsl.CassandraSession;
import akka.stream.alpakka.cassandra.javadsl.CassandraSessionRegistry;
import io.squall.http.Health;
import io.squall.persistence.CassandraSecurity;
import io.squall.sharding.KafkaClientSettings;
import io.squall.sharding.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Asks Kafka, Cassandra and the cluster, in parallel, whether each is usable right now. */
final class DependencyHealth implements Health {
  private final ActorSystem<?> system;
  private final Duration timeout;
  private final KafkaClientSettings kafkaClient;
  private final Admin kafka;
  private final CassandraSession cassandra;
  private final CassandraDiagnosis diagnosis;

  DependencyHealth(
      ActorSystem<?> system,
      KafkaClientSettings kafkaClient,
      CassandraDiagnosis diagnosis,
      Duration timeout) {
    this.system = system;
    this.diagnosis = diagnosis;
    this.timeout = timeout;
    this.kafkaClient = kafkaClient;
    this.kafka = KafkaClients.get(system).admin();
    this.cassandra =
        CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
  }

  @Override
  public CompletionStage<Report> check() {
    CompletableFuture<Component> kafkaState = kafka().toCompletableFuture();
    CompletableFuture<Component> cassandraState = cassandra().toCompletableFuture();
    Component clusterState = cluster();
    return kafkaState.thenCombine(
        cassandraState, (k, c) -> new Report(List.of(k, c, clusterState)));
  }

  private CompletionStage<Component> kafka() {
    CompletionStage<Component> answer =
        kafka
            .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
            .nodes()
            .toCompletionStage()
            .thenApply(
                nodes ->
                    nodes.isEmpty()
                        ? new Component(
                            "kafka",
                            false,
                            "no broker in the cluster at " + kafkaClient.bootstrapServers())
                        : new Component(
                            "kafka",
                            true,
                            nodes.size() + " broker(s) at " + kafkaClient.bootstrapServers()));
    return guarded(
        "kafka",
        "no broker answered at " + kafkaClient.bootstrapServers(),
        answer,
        kafkaClient::refusal);
  }

  private CompletionStage<Component> cassandra() {
    CompletionStage<Component> answer =
        cassandra
            .selectOne("SELECT release_version FROM system.local")
            .thenApply(
                row ->
                    new Component(
                        "cassandra",
                        true,
                        "Cassandra " + row.map(r -> r.getString(0)).orElse("(unknown version)")));
    List<String> contactPoints =
        system.settings().config().getStringList("datastax-java-driver.basic.contact-points");
    // a session refused at its first connection retries forever: only a diagnosis tells why
    return guarded(
        "cassandra",
        "no contact point answered a CQL query",
        answer,
        failure ->
            failure instanceof TimeoutException
                ? diagnosis.latest()
                : CassandraSecurity.refusal(failure, contactPoints));
  }

  private Component cluster() {
    Cluster cluster = Cluster.get(system);
    MemberStatus status = cluster.selfMember().status();
    long up =
        StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up())
            .count();
    int unreachable = cluster.state().getUnreachable().size();
    boolean usable = status == MemberStatus.up() || status == MemberStatus.weaklyUp();
    String detail =
        "this node is " + status + "; " + up + " member(s) up, " + unreachable + " unreachable";
    return new Component("cluster", usable, detail);
  }

  private CompletionStage<Component> guarded(
      String name,
      String timeoutDetail,
      CompletionStage<Component> answer,
      Function<Throwable, Optional<String>> refusal) {
    Function<Throwable, Component> down =
        failure -> {
          Throwable cause = unwrap(failure);
          String detail =
              refusal
                  .apply(cause)
                  .orElseGet(
                      () ->
                          cause instanceof TimeoutException
                              ? timeoutDetail + " within " + timeout.toMillis() + " ms"
                              : cause.getClass().getSimpleName() + ": " + cause.getMessage());
          return new Component(name, false, detail);
        };
    return answer
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(down);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new TimeoutException(cause.getMessage());
    }
    return cause;
  }
}
