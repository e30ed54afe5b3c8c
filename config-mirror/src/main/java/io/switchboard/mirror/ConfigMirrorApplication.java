package io.switchboard.mirror;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.switchboard.domain.ops.BackgroundLoop;
import io.switchboard.domain.config.CredentialKeysetProperties;
import io.switchboard.domain.config.SwitchboardBeans;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.phone.PhoneNumbers;
import io.switchboard.mirror.kafka.CompanyConfigPublisher;
import io.switchboard.mirror.mongo.MirrorLease;
import io.switchboard.mirror.mongo.ResumeTokenStore;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.domain.ops.ProcessDefaults;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The config-mirror process: MongoDB companies to the compacted company-config topic. */
@SpringBootApplication
@Import(SwitchboardBeans.class)
@EnableConfigurationProperties({MirrorProperties.class, CredentialKeysetProperties.class})
public class ConfigMirrorApplication {

  public static void main(String[] args) {
    builder().run(args);
  }

  /**
   * The application, reading its settings from {@code config-mirror.properties} rather than a shared
   * {@code application.properties}, so that several Switchboard processes can share one class path.
   */
  public static SpringApplicationBuilder builder() {
    return ProcessDefaults.application(ConfigMirrorApplication.class, "config-mirror");
  }

  @Bean(destroyMethod = "close")
  MongoClient mongoClient(MirrorProperties props) {
    return MongoClients.create(props.mongoUri());
  }

  @Bean(destroyMethod = "close")
  CompanyConfigPublisher companyConfigPublisher(KafkaClients clients) {
    return new CompanyConfigPublisher(clients);
  }

  @Bean
  ConfigMirror configMirror(MongoClient mongo, MirrorProperties props, CompanyConfigPublisher publisher,
      PhoneNumbers phoneNumbers, CredentialCipher cipher, ObjectProvider<MeterRegistry> meters) {
    var database = mongo.getDatabase(props.database());
    return new ConfigMirror(database.getCollection(props.collection()),
        new ResumeTokenStore(database, Topics.COMPANY_CONFIG.name()),
        publisher, new CompanyDocumentReader(phoneNumbers, cipher),
        new MirrorLease(database, Topics.COMPANY_CONFIG.name(), props.instanceId(), props.leaseTtl(), Clock.systemUTC()),
        meters.getIfAvailable(SimpleMeterRegistry::new));
  }

  @Bean
  BackgroundLoop mirrorLifecycle(ConfigMirror mirror) {
    return new BackgroundLoop("config-mirror", mirror, mirror::stop);
  }
}
