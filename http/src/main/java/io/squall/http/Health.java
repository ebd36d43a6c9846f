package io.squall.http;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Whether the node's dependencies (Kafka, Cassandra, the cluster) are usable right now. */
public interface Health {

  /** Checks every dependency; the stage always completes, a failure is a DOWN component. */
  CompletionStage<Report> check();

  /** One dependency's state: {@code detail} says what was seen, or what failed. */
  record Component(String name, boolean up, String detail) {}

  /** The state of every dependency, in a fixed order. */
  record Report(List<Component> components) {
    public boolean up() {
      return components.stream().allMatch(Component::up);
    }

    public List<Component> down() {
      return components.stream().filter(c -> !c.up()).toList();
    }
  }
}
