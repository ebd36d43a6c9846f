package io.squall.persistence.testing;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Unit-test configuration: Squall's persistence settings on Akka's in-memory journal. */
public final class InMemoryPersistence {
  private InMemoryPersistence() {}

  public static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.parseResources("persistence.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }
}
