package io.squall.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.RequestThrottlingException;
import com.datastax.oss.driver.api.core.session.throttling.Throttled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseThrottlerTest {
  private final List<String> outcomes = new ArrayList<>();

  private final Throttled request =
      new Throttled() {
        @Override
        public void onThrottleReady(boolean wasDelayed) {
          outcomes.add("sent");
        }

        @Override
        public void onThrottleFailure(RequestThrottlingException error) {
          outcomes.add("refused: " + error.getMessage());
        }
      };

  @Test
  void shouldSendEveryRequestOfANodeThatWasNotPaused() {
    new PauseThrottler(() -> true).register(request);

    assertEquals(List.of("sent"), outcomes);
  }

  @Test
  void shouldRefuseEveryRequestOfANodeThatWasPaused() {
    new PauseThrottler(() -> false).register(request);

    assertEquals(1, outcomes.size());
    assertTrue(outcomes.get(0).startsWith("refused: this Squall node was paused"));
  }
}
