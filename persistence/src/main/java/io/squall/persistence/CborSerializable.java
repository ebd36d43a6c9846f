package io.squall.persistence;

/**
 * Marker for every message, event and snapshot that crosses the network or reaches the journal:
 * bound to Jackson CBOR in {@code serialization.conf}, so nothing falls back to Java serialization.
 */
public interface CborSerializable {}
