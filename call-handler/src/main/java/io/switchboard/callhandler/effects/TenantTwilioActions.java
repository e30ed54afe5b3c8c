package io.switchboard.callhandler.effects;

import com.twilio.base.Page;
import com.twilio.http.HttpMethod;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.rest.api.v2010.account.CallCreator;
import com.twilio.type.Twiml;
import java.util.List;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.switchboard.callhandler.CallbackUrls;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectKind;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/** {@link TwilioActions} through each company's own Twilio client; never another company's. */
final class TenantTwilioActions implements TwilioActions {

  /** Twilio's limit on TwiML sent inline with a call update. */
  static final int TWIML_UPDATE_LIMIT = 4_000;
  /** How far Twilio's clock may be behind ours when comparing its dates with an attempt's start. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);
  /** The most recent messages between the two numbers that are compared with an SMS effect. */
  private static final int MESSAGES_CHECKED = 50;
  /** The most recent calls between the two numbers that are compared with a call to place. */
  private static final int CALLS_CHECKED = 20;
  /** Every progress event of a placed call is reported to its status callback. */
  static final List<String> OUTBOUND_STATUS_EVENTS = List.of("initiated", "ringing", "answered", "completed");
  private static final Set<Call.Status> ENDED = EnumSet.of(Call.Status.COMPLETED, Call.Status.BUSY,
      Call.Status.FAILED, Call.Status.NO_ANSWER, Call.Status.CANCELED);

  private final Function<String, TwilioRestClient> clients;
  private final CallbackUrls callbacks;

  /** @param clients the company's own Twilio client, by company id */
  TenantTwilioActions(Function<String, TwilioRestClient> clients, CallbackUrls callbacks) {
    this.clients = clients;
    this.callbacks = callbacks;
  }

  @Override
  public String perform(SideEffect effect) {
    TwilioRestClient client = clients.apply(effect.getCompanyId());
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
    if (effect.getKind() == SideEffectKind.PLACE_CALL) {
      PhoneNumber to = new PhoneNumber(effect.getTo());
      PhoneNumber from = new PhoneNumber(effect.getFrom());
      // A message to say, or else the company's routing: answered, the call asks the ingress for its
      // TwiML like an incoming one (Direction=outbound-api, routed by the company's own number).
      CallCreator creator = effect.getTwiml() != null ? Call.creator(to, from, new Twiml(effect.getTwiml()))
          : Call.creator(to, from, URI.create(callbacks.voice()));
      return creator
          .setStatusCallback(URI.create(callbacks.callStatus(effect.getCompanyId(), effect.getEventId())))
          .setStatusCallbackMethod(HttpMethod.POST)
          .setStatusCallbackEvent(OUTBOUND_STATUS_EVENTS)
          .create(client).getSid();
    }
    throw new IllegalStateException("unknown side effect kind " + effect.getKind());
  }

  @Override
  public Finding find(SideEffect effect, Instant startedAt) {
    TwilioRestClient client = clients.apply(effect.getCompanyId());
    if (effect.getKind() == SideEffectKind.SEND_SMS) {
      Instant earliest = startedAt.minus(CLOCK_SKEW);
      Page<Message> recent = Message.reader()
          .setTo(new PhoneNumber(effect.getTo()))
          .setFrom(new PhoneNumber(effect.getFrom()))
          .pageSize(MESSAGES_CHECKED)
          .firstPage(client);
      for (Message message : recent.getRecords()) {
        if (Objects.equals(message.getBody(), effect.getBody()) && message.getDateCreated() != null
            && !message.getDateCreated().toInstant().isBefore(earliest)) {
          return new Finding.Happened(message.getSid(), "Twilio lists message " + message.getSid()
              + " with this body, created " + message.getDateCreated().toInstant());
        }
      }
      return new Finding.NotHappened("no message with this body from " + effect.getFrom() + " to " + effect.getTo()
          + " since " + earliest);
    }
    if (effect.getKind() == SideEffectKind.PLACE_CALL) {
      Instant earliest = startedAt.minus(CLOCK_SKEW);
      for (Call call : Call.reader().setTo(new PhoneNumber(effect.getTo())).setFrom(new PhoneNumber(effect.getFrom()))
          .pageSize(CALLS_CHECKED).firstPage(client).getRecords()) {
        if (call.getDateCreated() != null && !call.getDateCreated().toInstant().isBefore(earliest)) {
          return new Finding.Happened(call.getSid(), "Twilio lists call " + call.getSid() + " from " + effect.getFrom()
              + " to " + effect.getTo() + ", created " + call.getDateCreated().toInstant());
        }
      }
      return new Finding.NotHappened("no call from " + effect.getFrom() + " to " + effect.getTo() + " since " + earliest);
    }
    if (effect.getKind() == SideEffectKind.CALL_UPDATE) {
      Call call = Call.fetcher(effect.getCallSid()).fetch(client);
      if (call.getStatus() != null && ENDED.contains(call.getStatus())) {
        return new Finding.Moot("the call is " + call.getStatus() + "; there is nothing to update");
      }
      // Twilio's dates have whole seconds: a change within the attempt's first second counts as the update.
      Instant since = startedAt.truncatedTo(ChronoUnit.SECONDS);
      if (call.getDateUpdated() != null && !call.getDateUpdated().toInstant().isBefore(since)) {
        return new Finding.Happened(call.getSid(), "Twilio shows the call changed at "
            + call.getDateUpdated().toInstant() + ", after the first attempt began");
      }
      return new Finding.NotHappened("the call is " + call.getStatus() + " and unchanged since "
          + (call.getDateUpdated() == null ? "it began" : call.getDateUpdated().toInstant()));
    }
    throw new IllegalStateException("unknown side effect kind " + effect.getKind());
  }
}
