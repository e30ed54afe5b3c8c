package io.switchboard.schemas.kafka;

import static io.switchboard.schemas.kafka.TopicPolicy.COPARTITIONED;

import io.switchboard.schemas.events.CallDeferred;
import io.switchboard.schemas.events.CallEvent;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.SideEffect;
import io.switchboard.schemas.events.SideEffectOutcome;
import io.switchboard.schemas.events.TwimlReply;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.tenants.CompanyConfig;
import io.switchboard.schemas.tenants.HealthAlert;
import io.switchboard.schemas.tenants.NumberClaim;
import io.switchboard.schemas.tenants.PhoneRoute;
import io.switchboard.schemas.tenants.SmsOptOut;
import io.switchboard.schemas.tenants.TenantHealth;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic Switchboard reads or writes. No topic name is written anywhere else: producers,
 * consumers, topologies and the topic creator all take these constants.
 */
public final class Topics {

  private Topics() {}

  /** Raw webhooks, the log operators replay. Key: tenant number (E.164). */
  public static final Topic<String, WebhookReceived> WEBHOOKS = new Topic<>(
      "twilio.webhooks", Serdes.String(), WebhookReceived.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(30)));

  /** Webhooks joined with their company. Key: call or message SID. */
  public static final Topic<String, ResolvedWebhook> WEBHOOKS_RESOLVED = new Topic<>(
      "twilio.webhooks.resolved", Serdes.String(), ResolvedWebhook.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(7)));

  /** Webhooks no company may handle, with the reason. Key: tenant number. */
  public static final Topic<String, UnroutableWebhook> WEBHOOKS_UNROUTABLE = new Topic<>(
      "twilio.webhooks.unroutable", Serdes.String(), UnroutableWebhook.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(30)));

  /**
   * Webhooks refused at the edge (no valid signature, malformed), with the reason: an audit trail kept
   * apart from the main topics and for a short time, written at a bounded rate per source. Key: the
   * number the request named, as sent.
   */
  public static final Topic<String, UnroutableWebhook> WEBHOOKS_REJECTED = new Topic<>(
      "twilio.webhooks.rejected", Serdes.String(), UnroutableWebhook.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(3)));

  /** TwiML answers the ingress waits for. Key: event id. */
  public static final Topic<String, TwimlReply> REPLIES = new Topic<>(
      "switchboard.replies", Serdes.String(), TwimlReply.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofHours(1)));

  /** Company configuration mirrored from MongoDB, credentials encrypted. Key: company id. */
  public static final Topic<String, CompanyConfig> COMPANY_CONFIG = new Topic<>(
      "tenants.company-config", Serdes.String(), CompanyConfig.class,
      TopicPolicy.compact(COPARTITIONED));

  /** Companies claiming and releasing numbers; the resolver's step from company keys to number keys. */
  public static final Topic<String, NumberClaim> NUMBER_CLAIMS = new Topic<>(
      "tenants.number-claims", Serdes.String(), NumberClaim.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(7)));

  /** Which company each number routes to. Key: E.164 number; co-partitioned with {@link #WEBHOOKS}. */
  public static final Topic<String, PhoneRoute> PHONE_ROUTES = new Topic<>(
      "tenants.phone-routes", Serdes.String(), PhoneRoute.class,
      TopicPolicy.compact(COPARTITIONED));

  /** Health of each company's Twilio credentials. Key: company id. */
  public static final Topic<String, TenantHealth> TENANT_HEALTH = new Topic<>(
      "tenants.health", Serdes.String(), TenantHealth.class,
      TopicPolicy.compact(COPARTITIONED));

  /** The call archive, the analytics contract. Key: call or message SID. */
  public static final Topic<String, CallEvent> CALL_EVENTS = new Topic<>(
      "calls.events", Serdes.String(), CallEvent.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(90)));

  /** Webhooks answered with the holding response; their TwiML is applied later. Key: event id, like {@link #REPLIES}. */
  public static final Topic<String, CallDeferred> DEFERRALS = new Topic<>(
      "switchboard.deferrals", Serdes.String(), CallDeferred.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(1)));

  /** Requests to act on a company's Twilio account (call updates, SMS). Key: effect id. */
  public static final Topic<String, SideEffect> SIDE_EFFECTS = new Topic<>(
      "switchboard.side-effects", Serdes.String(), SideEffect.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(7)));

  /** What became of each side effect; the record that keeps them from happening twice. Key: effect id. */
  public static final Topic<String, SideEffectOutcome> SIDE_EFFECT_OUTCOMES = new Topic<>(
      "switchboard.side-effect-outcomes", Serdes.String(), SideEffectOutcome.class,
      TopicPolicy.compact(COPARTITIONED));

  /** Who has opted out of a company's SMS (STOP) or back in (START). Key: companyId:E.164 number. */
  public static final Topic<String, SmsOptOut> SMS_OPT_OUTS = new Topic<>(
      "tenants.sms-opt-outs", Serdes.String(), SmsOptOut.class,
      TopicPolicy.compact(COPARTITIONED));

  /** Alerts on transitions of a company's Twilio health. Key: company id. */
  public static final Topic<String, HealthAlert> ALERTS = new Topic<>(
      "switchboard.alerts", Serdes.String(), HealthAlert.class,
      TopicPolicy.delete(COPARTITIONED, Duration.ofDays(30)));

  public static final Topic<String, byte[]> WEBHOOKS_DLT = deadLetters(WEBHOOKS);
  public static final Topic<String, byte[]> SIDE_EFFECTS_DLT = deadLetters(SIDE_EFFECTS);
  public static final Topic<String, byte[]> WEBHOOKS_RESOLVED_DLT = deadLetters(WEBHOOKS_RESOLVED);
  public static final Topic<String, byte[]> WEBHOOKS_UNROUTABLE_DLT = deadLetters(WEBHOOKS_UNROUTABLE);
  public static final Topic<String, byte[]> COMPANY_CONFIG_DLT = deadLetters(COMPANY_CONFIG);

  /** Every topic, in the order they are created. */
  public static final List<Topic<?, ?>> ALL = List.of(
      WEBHOOKS, WEBHOOKS_RESOLVED, WEBHOOKS_UNROUTABLE, WEBHOOKS_REJECTED, REPLIES, COMPANY_CONFIG, NUMBER_CLAIMS,
      PHONE_ROUTES, TENANT_HEALTH, CALL_EVENTS, DEFERRALS, SIDE_EFFECTS, SIDE_EFFECT_OUTCOMES, SMS_OPT_OUTS, ALERTS,
      WEBHOOKS_DLT, WEBHOOKS_RESOLVED_DLT, WEBHOOKS_UNROUTABLE_DLT, COMPANY_CONFIG_DLT, SIDE_EFFECTS_DLT);

  /** The dead-letter topic of a source topic: the failed record's bytes, with the reason in headers. */
  private static Topic<String, byte[]> deadLetters(Topic<String, ?> source) {
    return new Topic<>(source.name() + "-dlt", Serdes.String(), byte[].class,
        TopicPolicy.delete(source.policy().partitions(), Duration.ofDays(30)));
  }
}
