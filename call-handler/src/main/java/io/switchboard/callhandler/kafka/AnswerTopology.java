package io.switchboard.callhandler.kafka;

import io.switchboard.callhandler.Answer;
import io.switchboard.callhandler.CallEvents;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.callhandler.TwimlFactory;
import io.switchboard.domain.routing.SmsKeywords;
import io.switchboard.domain.twilio.FormFields;
import io.switchboard.kafka.DeadLetterHeaders;
import io.switchboard.kafka.KafkaClients;
import io.switchboard.schemas.common.WebhookKind;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.kafka.Topic;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.SmsOptOut;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call-handler's answering stage as a Kafka Streams topology: each resolved or unroutable
 * webhook becomes its TwiML reply, its call events and, for STOP/START, an opt-out record. Streams
 * commits a record's offset only after Kafka acknowledged everything produced for it, without
 * holding the next records for those acknowledgements (at least once; replies and events are
 * idempotent by event id).
 *
 * <p>A record that does not decode, or for which no answer can be built, goes to its source topic's
 * dead-letter topic with the reason in {@link DeadLetterHeaders}, and processing goes on.
 */
public final class AnswerTopology {

  static final String SOURCE = "webhooks";
  static final String ANSWER = "answer";
  static final String REPLIES = "replies";
  static final String EVENTS = "call-events";
  static final String OPT_OUTS = "sms-opt-outs";
  static final String RESOLVED_DLT = "resolved-dead-letters";
  static final String UNROUTABLE_DLT = "unroutable-dead-letters";

  private static final Logger log = LoggerFactory.getLogger(AnswerTopology.class);

  private AnswerTopology() {}

  /**
   * The topology. Output schemas are registered here: an incompatible schema stops the process
   * before it writes anything.
   */
  public static Topology build(KafkaClients clients, TwimlFactory twiml, Clock clock, CallHandlerMetrics metrics) {
    Deserializer<ResolvedWebhook> resolved = Topics.WEBHOOKS_RESOLVED.valueSerde(clients.registry()).deserializer();
    Deserializer<UnroutableWebhook> unroutable =
        Topics.WEBHOOKS_UNROUTABLE.valueSerde(clients.registry()).deserializer();
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.WEBHOOKS_RESOLVED.name(), Topics.WEBHOOKS_UNROUTABLE.name());
    topology.addProcessor(ANSWER, () -> new Answering(resolved, unroutable, twiml, clock, metrics), SOURCE);
    // A reply goes to the partition the waiting ingress instance reads (it named it in the webhook).
    topology.addSink(REPLIES, Topics.REPLIES.name(), Topics.REPLIES.keySerde().serializer(),
        clients.valueSerializer(Topics.REPLIES), AnswerTopology::replyPartition, ANSWER);
    addSink(topology, EVENTS, Topics.CALL_EVENTS, clients);
    addSink(topology, OPT_OUTS, Topics.SMS_OPT_OUTS, clients);
    topology.addSink(RESOLVED_DLT, Topics.WEBHOOKS_RESOLVED_DLT.name(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), ANSWER);
    topology.addSink(UNROUTABLE_DLT, Topics.WEBHOOKS_UNROUTABLE_DLT.name(), Serdes.String().serializer(),
        Serdes.ByteArray().serializer(), ANSWER);
    return topology;
  }

  /**
   * The app's settings on top of the process's Streams settings: records of the two source topics
   * are independent, so a task never waits for the other topic's partition to have data; offsets are
   * committed every second, so a restart answers at most about a second of webhooks again.
   */
  public static Properties settings(KafkaClients clients, String applicationId, String stateDir) {
    Properties config = clients.streamsProperties(applicationId);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
    return config;
  }

  /** The partition the webhook named for its reply, when it names one that exists; else by key. */
  static Optional<Set<Integer>> replyPartition(String topic, String key, TwimlReply reply, int partitions) {
    Integer partition = reply.getReplyPartition();
    return partition != null && partition >= 0 && partition < partitions ? Optional.of(Set.of(partition))
        : Optional.empty();
  }

  private static <V> void addSink(Topology topology, String name, Topic<String, V> topic, KafkaClients clients) {
    topology.addSink(name, topic.name(), topic.keySerde().serializer(), clients.valueSerializer(topic), ANSWER);
  }

  private static final class Answering implements Processor<String, byte[], String, Object> {
    private final Deserializer<ResolvedWebhook> resolvedReader;
    private final Deserializer<UnroutableWebhook> unroutableReader;
    private final TwimlFactory twiml;
    private final Clock clock;
    private final CallHandlerMetrics metrics;
    private ProcessorContext<String, Object> context;

    Answering(Deserializer<ResolvedWebhook> resolvedReader, Deserializer<UnroutableWebhook> unroutableReader,
        TwimlFactory twiml, Clock clock, CallHandlerMetrics metrics) {
      this.resolvedReader = resolvedReader;
      this.unroutableReader = unroutableReader;
      this.twiml = twiml;
      this.clock = clock;
      this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
      RecordMetadata source = context.recordMetadata().orElseThrow();
      boolean resolved = source.topic().equals(Topics.WEBHOOKS_RESOLVED.name());
      Instant now = clock.instant();
      // Stamped now, as a producer would: the deferral join pairs replies with deferrals by time.
      Outputs out = new Outputs(now.toEpochMilli());
      try {
        if (resolved) {
          answerResolved(resolvedReader.deserialize(source.topic(), record.value()), now, out);
        } else {
          answerUnroutable(unroutableReader.deserialize(source.topic(), record.value()), now, out);
        }
      } catch (RuntimeException e) {
        log.error("Record {}-{}@{} sent to dead letters: {}", source.topic(), source.partition(), source.offset(),
            e.getMessage());
        Topic<String, byte[]> dlt = resolved ? Topics.WEBHOOKS_RESOLVED_DLT : Topics.WEBHOOKS_UNROUTABLE_DLT;
        metrics.deadLetter(dlt.name(), e.getClass().getSimpleName());
        Record<String, Object> dead = new Record<>(record.key(), (Object) record.value(), record.timestamp());
        DeadLetterHeaders.add(dead.headers(), source.topic(), source.partition(), source.offset(), e);
        context.forward(dead, resolved ? RESOLVED_DLT : UNROUTABLE_DLT);
        return;
      }
      // Forwarded only once the whole answer was built: a record is answered completely or dead-lettered.
      out.forward(context);
    }

    private void answerResolved(ResolvedWebhook resolved, Instant now, Outputs out) {
      Answer answer = twiml.answer(resolved);
      WebhookReceived event = resolved.getEvent();
      if (event.getKind() == WebhookKind.SMS) {
        // STOP and START are kept per company and sender, for the outbound SMS API to honour.
        String body = FormFields.first(event.getParams(), "Body");
        SmsKeywords.Intent intent = SmsKeywords.intent(body);
        String sender = FormFields.first(event.getParams(), "From");
        if ((intent == SmsKeywords.Intent.OPT_OUT || intent == SmsKeywords.Intent.OPT_IN) && sender != null) {
          SmsOptOut optOut = SmsOptOut.newBuilder().setCompanyId(resolved.getRoute().getCompanyId())
              .setNumber(sender).setOptedOut(intent == SmsKeywords.Intent.OPT_OUT)
              .setKeyword(SmsKeywords.keyword(body)).setMessageSid(event.getMessageSid()).setAt(now).build();
          out.add(OPT_OUTS, SmsKeywords.key(optOut.getCompanyId(), optOut.getNumber()), optOut);
        }
      }
      if (answer != null) {
        out.add(REPLIES, event.getEventId(), reply(event, resolved.getRoute().getCompanyId(), answer, now));
      }
      for (CallEvent callEvent : CallEvents.forResolved(resolved, answer, now)) {
        out.add(EVENTS, CallEvents.key(callEvent), callEvent);
      }
    }

    private void answerUnroutable(UnroutableWebhook unroutable, Instant now, Outputs out) {
      Answer answer = twiml.answer(unroutable);
      if (answer != null) {
        out.add(REPLIES, unroutable.getEvent().getEventId(), reply(unroutable.getEvent(), null, answer, now));
      }
      UnroutableReason reason = unroutable.getReason();
      if (reason == UnroutableReason.SIGNATURE_INVALID || reason == UnroutableReason.MALFORMED) {
        // Refused at the edge: an audit record, not a call.
        return;
      }
      CallEvent callEvent = CallEvents.forUnroutable(unroutable, now);
      out.add(EVENTS, CallEvents.key(callEvent), callEvent);
    }
  }

  /** What one webhook produces, forwarded together once it is all built. */
  private static final class Outputs {
    private final long timestamp;
    private final List<String> sinks = new ArrayList<>(4);
    private final List<Record<String, Object>> records = new ArrayList<>(4);

    Outputs(long timestamp) {
      this.timestamp = timestamp;
    }

    void add(String sink, String key, Object value) {
      sinks.add(sink);
      records.add(new Record<>(key, value, timestamp));
    }

    void forward(ProcessorContext<String, Object> context) {
      for (int i = 0; i < records.size(); i++) {
        context.forward(records.get(i), sinks.get(i));
      }
    }
  }

  private static TwimlReply reply(WebhookReceived event, String companyId, Answer answer, Instant now) {
    return TwimlReply.newBuilder()
        .setEventId(event.getEventId())
        .setCallSid(event.getCallSid())
        .setCompanyId(companyId)
        .setTwiml(answer.twiml())
        .setSmsReplyBody(answer.smsReplyBody())
        .setProducedAt(now)
        .setReplyPartition(event.getReplyPartition())
        .build();
  }
}
