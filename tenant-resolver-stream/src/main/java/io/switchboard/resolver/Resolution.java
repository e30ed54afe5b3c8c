package io.switchboard.resolver;

import io.switchboard.schemas.common.NumberStatus;
import io.switchboard.schemas.common.SignatureOutcome;
import io.switchboard.schemas.events.ResolvedWebhook;
import io.switchboard.schemas.events.UnroutableReason;
import io.switchboard.schemas.events.UnroutableWebhook;
import io.switchboard.schemas.events.WebhookReceived;
import io.switchboard.schemas.tenants.PhoneRoute;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of joining one webhook with the route of its number: resolved to the owning company,
 * or unroutable with the one reason that explains it. Checked in this order: a number that is not
 * a phone number; no company; number inactive; signed by a company other than the owner (a
 * conflict when that company also claims the number); an Account SID other than the owner's;
 * a signature never checked because the ingress did not yet know the owner.
 */
record Resolution(ResolvedWebhook resolved, UnroutableWebhook unroutable) {

  static Resolution decide(WebhookReceived event, PhoneRoute route, Instant now) {
    if (event.getTenantNumber() == null) {
      return unroutable(event, UnroutableReason.NOT_A_PHONE_NUMBER,
          "destination '" + event.getRawTenantAddress() + "' is not a phone number; client and SIP destinations are not routed",
          List.of(), now);
    }
    if (route == null) {
      return unroutable(event, UnroutableReason.NO_COMPANY,
          "no company owns " + event.getTenantNumber(), List.of(), now);
    }
    if (route.getStatus() != NumberStatus.ACTIVE) {
      return unroutable(event, UnroutableReason.NUMBER_INACTIVE,
          event.getTenantNumber() + " is " + route.getStatus() + " for company " + route.getCompanyId(),
          List.of(route.getCompanyId()), now);
    }
    String signer = event.getSignatureOutcome() == SignatureOutcome.VALID ? event.getCompanyId() : null;
    if (signer != null && !signer.equals(route.getCompanyId())) {
      boolean conflict = route.getConflictingCompanyIds().contains(signer);
      List<String> involved = List.of(route.getCompanyId(), signer);
      return conflict
          ? unroutable(event, UnroutableReason.NUMBER_CONFLICT, event.getTenantNumber() + " is claimed by companies "
              + involved + "; the earlier claim (" + route.getCompanyId() + ") keeps it", involved, now)
          : unroutable(event, UnroutableReason.ACCOUNT_MISMATCH, "webhook was signed for company " + signer
              + " but " + event.getTenantNumber() + " belongs to " + route.getCompanyId(), involved, now);
    }
    String ownerAccount = route.getRoute().getAccountSid();
    if (event.getAccountSid() != null && !Objects.equals(event.getAccountSid(), ownerAccount)) {
      return unroutable(event, UnroutableReason.ACCOUNT_MISMATCH, "webhook AccountSid " + event.getAccountSid()
          + " is not the Twilio account of company " + route.getCompanyId(), List.of(route.getCompanyId()), now);
    }
    if (event.getSignatureOutcome() == SignatureOutcome.NO_TENANT) {
      return unroutable(event, UnroutableReason.UNVERIFIED, "the ingress knew no owner of " + event.getTenantNumber()
          + " when the webhook arrived, so its signature was not verified", List.of(route.getCompanyId()), now);
    }
    return new Resolution(ResolvedWebhook.newBuilder()
        .setEvent(event)
        .setRoute(route.getRoute())
        .setNumberSource(route.getSource())
        .setResolvedAt(now)
        .build(), null);
  }

  private static Resolution unroutable(WebhookReceived event, UnroutableReason reason, String detail,
      List<String> companies, Instant now) {
    return new Resolution(null, UnroutableWebhook.newBuilder()
        .setEvent(event)
        .setReason(reason)
        .setDetail(detail)
        .setCompanyIds(new ArrayList<>(companies))
        .setDecidedAt(now)
        .build());
  }

  boolean isResolved() {
    return resolved != null;
  }

  /** Key of a resolved webhook: its call or message SID, else its event id. */
  String resolvedKey() {
    WebhookReceived event = resolved.getEvent();
    if (event.getCallSid() != null) {
      return event.getCallSid();
    }
    return event.getMessageSid() != null ? event.getMessageSid() : event.getEventId();
  }
}
