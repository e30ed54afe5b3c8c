package io.switchboard.callhandler.effects;

import com.twilio.http.HttpMethod;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.domain.crypto.CredentialCipher;
import io.switchboard.domain.kafka.TopicReplica;
import io.switchboard.domain.twilio.TenantClients;
import io.switchboard.domain.twilio.TwilioClientFactory;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.CallEventType;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.SideEffectStatus;
import io.switchboard.callhandler.CallHandlerMetrics;
import io.switchboard.schemas.kafka.DeadLetterHeaders;
import io.switchboard.schemas.kafka.KafkaClients;
import io.switchboard.schemas.kafka.Topics;
import io.switchboard.schemas.tenants.CompanyConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Performs each side effect (a call update, an SMS) through the company's own Twilio client, at
 * most once per effect id. Before calling Twilio it records STARTED on the compacted outcomes topic,
 * and APPLIED or FAILED after; an effect that already has an outcome is never performed again, so
 * replays and restarts send no second SMS and no second update. An effect found STARTED but not
 * finished (the worker died mid-call) is reported UNKNOWN and dead-lettered for an operator instead
 * of being guessed at. Tenants are processed in separate lanes, so one failing account's retries
 * (429 and 5xx, with backoff and jitter) never delay another's.
 */
public final class SideEffectWorker implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SideEffectWorker.class);
  /** Twilio's limit on TwiML sent inline with a call update. */
  static final int TWIML_UPDATE_LIMIT = 4_000;

  private final KafkaClients clients;
  private final CredentialCipher cipher;
  private final TwilioClientFactory twilio;
  private final CallbackUrls callbacks;
  private final RetryPolicy retries;
  private final Clock clock;
  private final CallHandlerMetrics metrics;
  private final String groupId;
  private final TenantLanes lanes;
  private final OffsetTracker offsets = new OffsetTracker();
  private final Map<String, SideEffectOutcome> outcomes = new ConcurrentHashMap<>();
  private TopicReplica<CompanyConfig> companies;
  private TopicReplica<SideEffectOutcome> outcomeReplica;
  private KafkaProducer<String, SideEffectOutcome> outcomeWriter;
  private KafkaProducer<String, CallEvent> events;
  private KafkaProducer<String, byte[]> deadLetters;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;

  public SideEffectWorker(KafkaClients clients, CredentialCipher cipher, TwilioClientFactory twilio,
      CallbackUrls callbacks, RetryPolicy retries, int threads, Clock clock, String groupId, CallHandlerMetrics metrics) {
    this.clients = clients;
    this.metrics = metrics;
    this.callbacks = callbacks;
    this.cipher = cipher;
    this.twilio = twilio;
    this.retries = retries;
    this.clock = clock;
    this.groupId = groupId;
    this.lanes = new TenantLanes(threads);
  }

  /** Loads the companies and every recorded outcome; call before {@link #run()}. */
  public SideEffectWorker prepare() {
    companies = new TopicReplica<>(Topics.COMPANY_CONFIG, clients, (id, config) -> { }).start(Duration.ofSeconds(60));
    outcomeReplica = new TopicReplica<>(Topics.SIDE_EFFECT_OUTCOMES, clients, (id, outcome) -> {
      if (outcome == null) {
        outcomes.remove(id);
      } else {
        outcomes.merge(id, outcome, SideEffectWorker::later);
      }
    }).start(Duration.ofSeconds(60));
    outcomeWriter = clients.producer(Topics.SIDE_EFFECT_OUTCOMES, "side-effect-outcomes");
    events = clients.producer(Topics.CALL_EVENTS, "side-effect-events");
    deadLetters = clients.producer("side-effect-dlt", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    return this;
  }

  @Override
  public void run() {
    var reader = Topics.SIDE_EFFECTS.valueSerde(clients.registry()).deserializer();
    try (KafkaConsumer<String, byte[]> c = clients.consumer(groupId, "side-effect-worker",
        Serdes.String().deserializer(), Serdes.ByteArray().deserializer())) {
      consumer = c;
      c.subscribe(List.of(Topics.SIDE_EFFECTS.name()), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          c.commitSync(onlyFor(partitions));
          partitions.forEach(offsets::forget);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          // positions come from the committed offsets
        }
      });
      while (running) {
        for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(100))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          offsets.started(partition, record.offset());
          SideEffect effect;
          try {
            effect = reader.deserialize(record.topic(), record.value());
          } catch (RuntimeException e) {
            deadLetter(record.key(), record.value(), record, "undecodable side effect: " + e.getMessage());
            offsets.finished(partition, record.offset());
            continue;
          }
          accept(effect, record, partition);
        }
        c.commitAsync(offsets.committable(), null);
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    }
  }

  private void accept(SideEffect effect, ConsumerRecord<String, byte[]> record, TopicPartition partition) {
    SideEffectOutcome known = outcomes.get(effect.getEffectId());
    boolean forced = record.headers().lastHeader(DeadLetterHeaders.REDRIVE_FORCE) != null;
    if (known != null && (known.getStatus() == SideEffectStatus.APPLIED
        || (!forced && known.getStatus() != SideEffectStatus.STARTED))) {
      log.info("Side effect {} already {}; not performed again", effect.getEffectId(), known.getStatus());
      offsets.finished(partition, record.offset());
      return;
    }
    if (known != null && !forced) {
      record(effect, SideEffectStatus.UNKNOWN, known.getAttempts(), null,
          "the worker stopped after starting it: Twilio may or may not have acted; not retried");
      deadLetter(record.key(), record.value(), record, "outcome unknown after a restart; check Twilio before redriving");
      offsets.finished(partition, record.offset());
      return;
    }
    if (forced) {
      log.warn("Side effect {} sent back by an operator after {}; performing it", effect.getEffectId(),
          known == null ? "no outcome" : known.getStatus());
    }
    lanes.submit(effect.getCompanyId(), new Attempts(effect, record, partition));
  }

  /** The attempts at one side effect, run in its tenant's lane. */
  private final class Attempts implements TenantLanes.Task {
    private final SideEffect effect;
    private final ConsumerRecord<String, byte[]> record;
    private final TopicPartition partition;
    private int attempt;

    private boolean forced() {
      return record.headers().lastHeader(DeadLetterHeaders.REDRIVE_FORCE) != null;
    }

    Attempts(SideEffect effect, ConsumerRecord<String, byte[]> record, TopicPartition partition) {
      this.effect = effect;
      this.record = record;
      this.partition = partition;
    }

    @Override
    public Long runAndRescheduleAfterMillis() {
      // The effect's call, company and event on every log line of this attempt (fields of the JSON logs).
      try (MDC.MDCCloseable call = MDC.putCloseable("callSid", effect.getCallSid());
          MDC.MDCCloseable company = MDC.putCloseable("companyId", effect.getCompanyId());
          MDC.MDCCloseable event = MDC.putCloseable("eventId", effect.getEventId())) {
        return attempt();
      }
    }

    private Long attempt() {
      if (attempt == 0 && !forced()) {
        // A duplicate record of this effect (a replay, a retried request) can be polled before the
        // first one's STARTED is known on the poll thread. The tenant's lane runs its tasks one at a
        // time, so here the first one's outcome is known: the duplicate is not performed.
        SideEffectOutcome known = outcomes.get(effect.getEffectId());
        if (known != null) {
          log.info("Side effect {} already {} by an earlier copy; not performed again", effect.getEffectId(),
              known.getStatus());
          offsets.finished(partition, record.offset());
          return null;
        }
      }
      attempt++;
      try {
        record(effect, SideEffectStatus.STARTED, attempt, null, null);
      } catch (RuntimeException e) {
        log.warn("Cannot record the start of {}: {}; trying later", effect.getEffectId(), e.getMessage());
        return retries.delayMillisAfter(attempt);
      }
      try {
        String sid = perform(effect);
        record(effect, SideEffectStatus.APPLIED, attempt, sid, null);
        recordCallEvent(effect, sid);
        offsets.finished(partition, record.offset());
        return null;
      } catch (RuntimeException e) {
        String reason = TwilioErrors.describe(e);
        if (TwilioErrors.retriable(e) && attempt < retries.maxAttempts()) {
          long delay = retries.delayMillisAfter(attempt);
          log.warn("Side effect {} of company {} failed ({}), attempt {} of {}; retrying in {} ms", effect.getEffectId(),
              effect.getCompanyId(), reason, attempt, retries.maxAttempts(), delay);
          return delay;
        }
        SideEffectStatus status = TwilioErrors.outcomeUnknown(e) ? SideEffectStatus.UNKNOWN : SideEffectStatus.FAILED;
        log.error("Side effect {} of company {} {} after {} attempts: {}", effect.getEffectId(), effect.getCompanyId(),
            status, attempt, reason);
        safely(() -> record(effect, status, attempt, null, reason));
        deadLetter(record.key(), record.value(), record, reason);
        metrics.deadLetter(Topics.SIDE_EFFECTS_DLT.name(), TwilioErrors.retriable(e) ? "retries_exhausted"
            : status == SideEffectStatus.UNKNOWN ? "outcome_unknown" : "permanent");
        offsets.finished(partition, record.offset());
        return null;
      }
    }
  }

  private String perform(SideEffect effect) {
    TwilioRestClient client = new TenantClients(cipher, twilio).forCompany(effect.getCompanyId(),
        companies.get(effect.getCompanyId()));
    if (effect.getKind() == SideEffectKind.CALL_UPDATE) {
      if (effect.getTwiml().length() > TWIML_UPDATE_LIMIT) {
        // Twilio refuses longer inline TwiML: point the call at the ingress, which serves it.
        return Call.updater(effect.getCallSid())
            .setUrl(URI.create(callbacks.deferredTwiml(effect.getCompanyId(), effect.getEventId())))
            .setMethod(HttpMethod.POST)
            .update(client).getSid();
      }
      return Call.updater(effect.getCallSid()).setTwiml(effect.getTwiml()).update(client).getSid();
    }
    if (effect.getKind() == SideEffectKind.SEND_SMS) {
      return Message.creator(new PhoneNumber(effect.getTo()), new PhoneNumber(effect.getFrom()), effect.getBody())
          .create(client).getSid();
    }
    throw new IllegalStateException("unknown side effect kind " + effect.getKind());
  }

  private void record(SideEffect effect, SideEffectStatus status, int attempts, String sid, String detail) {
    SideEffectOutcome outcome = SideEffectOutcome.newBuilder()
        .setEffectId(effect.getEffectId())
        .setKind(effect.getKind())
        .setCompanyId(effect.getCompanyId())
        .setStatus(status)
        .setDetail(detail)
        .setTwilioSid(sid)
        .setAttempts(attempts)
        .setAt(clock.instant())
        .build();
    try {
      outcomeWriter.send(new ProducerRecord<>(Topics.SIDE_EFFECT_OUTCOMES.name(), effect.getEffectId(), outcome))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("outcome of " + effect.getEffectId() + " not recorded: " + e.getMessage(), e);
    }
    outcomes.merge(effect.getEffectId(), outcome, SideEffectWorker::later);
    metrics.sideEffect(effect.getKind(), status);
  }

  private void recordCallEvent(SideEffect effect, String sid) {
    boolean sms = effect.getKind() == SideEffectKind.SEND_SMS;
    CallEvent event = CallEvent.newBuilder()
        .setEventId(effect.getEventId())
        .setType(sms ? CallEventType.SMS_SENT : CallEventType.CALL_UPDATED)
        .setCallSid(sms ? null : effect.getCallSid())
        .setMessageSid(sms ? sid : null)
        .setCompanyId(effect.getCompanyId())
        .setFrom(effect.getFrom())
        .setTo(effect.getTo())
        .setOccurredAt(clock.instant())
        .setReplay(effect.getReplay())
        .build();
    safely(() -> events.send(new ProducerRecord<>(Topics.CALL_EVENTS.name(), sms ? sid : effect.getCallSid(), event)));
  }

  private void deadLetter(String key, byte[] value, ConsumerRecord<String, byte[]> source, String reason) {
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.SIDE_EFFECTS_DLT.name(), key, value);
    DeadLetterHeaders.add(out.headers(), source, new IllegalStateException(reason));
    safely(() -> deadLetters.send(out));
  }

  private static SideEffectOutcome later(SideEffectOutcome a, SideEffectOutcome b) {
    return b.getAt().isBefore(a.getAt()) ? a : b;
  }

  private Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> onlyFor(
      Collection<TopicPartition> partitions) {
    var all = offsets.committable();
    all.keySet().retainAll(partitions);
    return all;
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("Could not record: {}", e.getMessage());
    }
  }

  public void stop() {
    running = false;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public void close() {
    stop();
    lanes.close();
    for (AutoCloseable closeable : new AutoCloseable[] {companies, outcomeReplica, outcomeWriter, events, deadLetters}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        log.debug("Closing: {}", e.toString());
      }
    }
  }
}
