import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Answers whether a local server really serves: exit 0 when Kafka accepted a produce or Cassandra
 * answered a CQL query, 1 otherwise. Run by bin/infra with Java's source launcher; Cassandra's
 * username and password follow the address when it authenticates, and {@code -Dsquall.probe.tls}
 * names bin/infra's TLS directory when it speaks TLS (the probe shows the client certificate).
 */
public class Probe {
  public static void main(String[] args) throws Exception {
    String what = args[0];
    String address = args[1];
    try {
      if (what.equals("kafka")) {
        probeKafka(address);
      } else {
        probeCassandra(address, args.length > 3 ? args[2] : null, args.length > 3 ? args[3] : null);
      }
      System.exit(0);
    } catch (Exception e) {
      System.err.println(what + " at " + address + " is not serving yet: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void probeKafka(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("request.timeout.ms", "5000");
    props.put("default.api.timeout.ms", "5000");
    try (Admin admin = Admin.create(props)) {
      try {
        admin.createTopics(List.of(new NewTopic("squall.readiness", 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
    }
    props.put("acks", "all");
    props.put("max.block.ms", "5000");
    props.put("delivery.timeout.ms", "8000");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("squall.readiness", "probe", "ok")).get(10, TimeUnit.SECONDS);
    }
  }

  private static void probeCassandra(String address, String username, String password)
      throws Exception {
    String[] hostPort = address.split(":");
    CqlSessionBuilder builder =
        CqlSession.builder()
            .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
            .withLocalDatacenter("datacenter1");
    if (username != null) {
      builder = builder.withAuthCredentials(username, password);
    }
    String tls = System.getProperty("squall.probe.tls");
    if (tls != null) {
      builder = builder.withSslContext(sslContext(Path.of(tls)));
    }
    try (CqlSession session = builder.build()) {
      session.execute("SELECT release_version FROM system.local").one();
    }
  }

  private static SSLContext sslContext(Path dir) throws Exception {
    char[] password = "squall-tls".toCharArray();
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store(dir.resolve("client.p12"), password), password);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store(dir.resolve("truststore.p12"), password));
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }

  private static KeyStore store(Path file, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }
}
