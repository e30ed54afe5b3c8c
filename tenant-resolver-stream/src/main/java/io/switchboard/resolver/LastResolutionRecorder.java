package io.switchboard.resolver;

import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.tenants.NumberResolution;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers, per claimed number, what its last webhook resolved to, for operators' explain queries.
 * Numbers nobody claims leave no entry: anyone can name any number, and the store would grow
 * without bound.
 */
final class LastResolutionRecorder implements Processor<String, Resolution, Void, Void> {

  static final String STORE = "last-resolutions";

  private KeyValueStore<String, NumberResolution> last;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.last = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, Resolution> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    Resolution resolution = record.value();
    if (!resolution.isResolved() && resolution.unroutable().getReason() == UnroutableReason.NO_COMPANY) {
      return;
    }
    WebhookReceived event = resolution.isResolved() ? resolution.resolved().getEvent()
        : resolution.unroutable().getEvent();
    NumberResolution.Builder entry = NumberResolution.newBuilder()
        .setNumber(record.key())
        .setEventId(event.getEventId())
        .setCallSid(event.getCallSid())
        .setMessageSid(event.getMessageSid())
        .setResolved(resolution.isResolved())
        .setReceivedAt(event.getReceivedAt());
    if (resolution.isResolved()) {
      entry.setCompanyId(resolution.resolved().getRoute().getCompanyId())
          .setDecidedAt(resolution.resolved().getResolvedAt());
    } else {
      var unroutable = resolution.unroutable();
      entry.setCompanyId(unroutable.getCompanyIds().isEmpty() ? null : unroutable.getCompanyIds().get(0))
          .setReason(unroutable.getReason() + ": " + unroutable.getDetail())
          .setDecidedAt(unroutable.getDecidedAt());
    }
    last.put(record.key(), entry.build());
  }
}
