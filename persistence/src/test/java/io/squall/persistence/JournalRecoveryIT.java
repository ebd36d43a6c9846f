package io.squall.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.Config;
import io.squall.persistence.testing.LocalInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real Cassandra journal keeps what an entity persisted across ActorSystems. */
class JournalRecoveryIT {

  /** A minimal event-sourced entity: it remembers every number it was given, in order. */
  static final class Tally extends EventSourcedBehavior<Tally.Command, Tally.Added, Tally.State> {
    sealed interface Command extends CborSerializable {}

    record Add(int amount, ActorRef<State> replyTo) implements Command {}

    record Get(ActorRef<State> replyTo) implements Command {}

    record Added(int amount) implements CborSerializable {}

    record State(List<Integer> amounts) implements CborSerializable {
      State with(int amount) {
        List<Integer> next = new ArrayList<>(amounts);
        next.add(amount);
        return new State(List.copyOf(next));
      }
    }

    Tally(String id) {
      super(PersistenceId.of("Tally", id));
    }

    static Behavior<Command> create(String id) {
      return new Tally(id);
    }

    @Override
    public State emptyState() {
      return new State(List.of());
    }

    @Override
    public CommandHandler<Command, Added, State> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(
              Add.class,
              add -> Effect().persist(new Added(add.amount())).thenReply(add.replyTo(), s -> s))
          .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
          .build();
    }

    @Override
    public EventHandler<State, Added> eventHandler() {
      return newEventHandlerBuilder()
          .forAnyState()
          .onEvent(Added.class, (state, added) -> state.with(added.amount()))
          .build();
    }
  }

  @Test
  void shouldRecoverExactlyThePersistedStateInANewActorSystem() {
    Config config = LocalInfra.cassandraPersistence(LocalInfra.uniqueName("it_recovery"));
    String id = "device-1";
    int events = 200;

    ActorTestKit first = ActorTestKit.create("JournalRecoveryIT", config);
    Tally.State persisted;
    try {
      ActorRef<Tally.Command> tally = first.spawn(Tally.create(id));
      TestProbe<Tally.State> probe = first.createTestProbe();
      for (int i = 1; i <= events; i++) {
        tally.tell(new Tally.Add(i * 7 % 13, probe.getRef()));
      }
      persisted = null;
      for (int i = 1; i <= events; i++) {
        persisted = probe.receiveMessage(Duration.ofSeconds(30));
      }
    } finally {
      first.shutdownTestKit();
    }
    assertEquals(events, persisted.amounts().size());

    ActorTestKit second = ActorTestKit.create("JournalRecoveryIT", config);
    try {
      ActorRef<Tally.Command> recovered = second.spawn(Tally.create(id));
      TestProbe<Tally.State> probe = second.createTestProbe();
      recovered.tell(new Tally.Get(probe.getRef()));
      assertEquals(persisted, probe.receiveMessage(Duration.ofSeconds(30)));
    } finally {
      second.shutdownTestKit();
    }
  }
}
