package io.switchboard.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void shouldNameEveryTopicOnce() {
    List<String> names = Topics.ALL.stream().map(Topic::name).toList();

    assertThat(names).doesNotHaveDuplicates();
  }

  @Test
  void shouldPartitionTheJoinedTopicsAlike() {
    assertThat(Topics.WEBHOOKS.policy().partitions()).isEqualTo(Topics.PHONE_ROUTES.policy().partitions());
    assertThat(Topics.NUMBER_CLAIMS.policy().partitions()).isEqualTo(Topics.PHONE_ROUTES.policy().partitions());
  }

  @Test
  void shouldCompactTheTablesAndKeepTheLogs() {
    assertThat(Topics.COMPANY_CONFIG.policy().compacted()).isTrue();
    assertThat(Topics.PHONE_ROUTES.policy().compacted()).isTrue();
    assertThat(Topics.TENANT_HEALTH.policy().compacted()).isTrue();
    assertThat(Topics.WEBHOOKS.policy().compacted()).isFalse();
    assertThat(Topics.CALL_EVENTS.policy().compacted()).isFalse();
  }

  @Test
  void shouldGiveEachDeadLetterTopicItsSourceNameAndPartitions() {
    assertThat(Topics.WEBHOOKS_DLT.name()).isEqualTo("twilio.webhooks-dlt");
    assertThat(Topics.WEBHOOKS_DLT.policy().partitions()).isEqualTo(Topics.WEBHOOKS.policy().partitions());
  }
}
