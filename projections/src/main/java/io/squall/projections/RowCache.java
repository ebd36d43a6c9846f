package io.squall.projections;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.squall.persistence.DeviceTenure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The aggregate rows of the devices this node alone writes ({@link DeviceTenure}), in memory: each
 * row as its device last wrote it, or as a read fetched it while the device wrote nothing, or known
 * to be absent. A device's writer updates its rows after each write, so what is here is what the
 * table holds, and reads of it ask Cassandra nothing. Every move of partitions forgets it all.
 */
final class RowCache {
  private final DeviceTenure tenure;
  private final Cache<Key, Optional<PeriodRow>> rows;
  private final Cache<String, Writes> devices;

  /**
   * A device's writes while its tenure here lasts: the periods written while reads of the device
   * were fetching, whose fetched rows may be older than what the writer put here.
   */
  private static final class Writes {
    private int fetching;
    private final Set<Period> writtenWhileFetching = new HashSet<>();
  }

  private record Key(Writes device, int version, Period period) {}

  /** A read asking Cassandra: what it fetched is kept but for the periods written meanwhile. */
  record Fetch(String deviceId, Writes device) {}

  /**
   * Caffeine's upkeep runs on the writing thread, not on the JDK's common pool, where Akka's Java
   * API runs the devices' continuations.
   */
  RowCache(DeviceTenure tenure, long maxRows, MeterRegistry registry) {
    this.tenure = tenure;
    this.rows =
        Caffeine.newBuilder().maximumSize(maxRows).executor(Runnable::run).recordStats().build();
    this.devices = Caffeine.newBuilder().maximumSize(maxRows).executor(Runnable::run).build();
    CaffeineCacheMetrics.monitor(registry, rows, "squall_rows");
    tenure.onChange(this::forget);
  }

  /**
   * The rows of {@code periods} of {@code deviceId} in {@code version}, in order, absent ones left
   * out; null unless every period is known here.
   */
  List<PeriodRow> rows(String deviceId, int version, List<? extends Period> periods) {
    Writes device = devices.getIfPresent(deviceId);
    if (device == null) {
      return null;
    }
    List<PeriodRow> found = new ArrayList<>(periods.size());
    for (Period period : periods) {
      Optional<PeriodRow> row = rows.getIfPresent(new Key(device, version, period));
      if (row == null) {
        return null;
      }
      row.ifPresent(found::add);
    }
    return found;
  }

  /** Before a read of {@code deviceId}'s rows from Cassandra; null when they are not kept here. */
  Fetch fetching(String deviceId) {
    Writes device = current(deviceId);
    if (device == null) {
      return null;
    }
    synchronized (device) {
      device.fetching++;
      return new Fetch(deviceId, device);
    }
  }

  /**
   * The rows a read fetched of {@code periods}: {@code found}, the others absent. Kept while the
   * device's tenure here goes on, but for the periods it wrote since {@link #fetching} (for as long
   * as any of its reads was fetching): those the writer put here already. A read that failed gives
   * null.
   */
  void fetched(Fetch fetch, int version, List<? extends Period> periods, List<PeriodRow> found) {
    if (fetch == null) {
      return;
    }
    Map<Period, PeriodRow> byPeriod = new HashMap<>();
    if (found != null) {
      found.forEach(row -> byPeriod.put(row.period(), row));
    }
    Writes device = fetch.device();
    synchronized (device) {
      if (found != null && devices.getIfPresent(fetch.deviceId()) == device) {
        for (Period period : periods) {
          if (!device.writtenWhileFetching.contains(period)) {
            rows.put(new Key(device, version, period), Optional.ofNullable(byPeriod.get(period)));
          }
        }
      }
      if (--device.fetching == 0) {
        device.writtenWhileFetching.clear();
      }
    }
  }

  /** After {@code deviceId}'s writer wrote {@code written} to {@code version}. */
  void written(String deviceId, int version, Collection<PeriodRow> written) {
    Writes device = current(deviceId);
    if (device == null) {
      return;
    }
    synchronized (device) {
      for (PeriodRow row : written) {
        if (device.fetching > 0) {
          device.writtenWhileFetching.add(row.period());
        }
        rows.put(new Key(device, version, row.period()), Optional.of(row));
      }
    }
  }

  /** After a write of {@code attempted} that failed: the table may hold them or not. */
  void failed(String deviceId, int version, Collection<PeriodRow> attempted) {
    Writes device = devices.getIfPresent(deviceId);
    if (device == null) {
      return;
    }
    synchronized (device) {
      for (PeriodRow row : attempted) {
        if (device.fetching > 0) {
          device.writtenWhileFetching.add(row.period());
        }
        rows.invalidate(new Key(device, version, row.period()));
      }
    }
  }

  private Writes current(String deviceId) {
    return tenure.holds(deviceId) ? devices.get(deviceId, id -> new Writes()) : null;
  }

  private void forget() {
    devices.invalidateAll();
    rows.invalidateAll();
  }
}
