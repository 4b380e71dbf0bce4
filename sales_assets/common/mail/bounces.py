"""A bounce's label from its structure first, its words second: hard (the mailbox or domain is gone), soft
(temporary, or the mailbox cannot take mail now) or policy block (the message or the sender was refused).

What belongs here: `BounceDecision` and `decide_bounce`, which reads a `DeliveryStatus` (`dsn.py`) in this
order: the DSN `Action` (a delay is never a failure), the enhanced `Status` by RFC 3463, then the provider
wordings of `bounce_texts.py`, diagnostic line first. `classify.classify_bounce` wraps it for the reply
pipeline. What a decision does (suppress, count, alert) is `reply_plans.py`'s.

Only a decision that would suppress an address needs to be sure, so doubt always leans away from hard: a
hard code next to sure policy or temporary wording, an ambiguous code (X.0.0, 5.2.1, 5.4.4, 5.5.0, a bare
550) with no wording that settles it, hard wording with no code at all in a text that is not a report,
each stays unsure, which the product treats as a soft bounce or a review, never a suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

from sales_assets.common.mail.bounce_texts import CHALLENGE_RESPONSE, HARD, POLICY, SOFT, text_labels
from sales_assets.common.mail.dsn import DeliveryStatus, report_text, status_meaning


@dataclass(frozen=True, slots=True)
class BounceDecision:
    label: str  # bounce_hard | bounce_soft | policy_block
    sure: bool
    reason: str
    smtp_status: str | None


def _labels(text: str) -> dict[str, str]:
    return {label: strength for label, (strength, _) in text_labels(text).items()}


def _words(ds: DeliveryStatus, text: str) -> tuple[dict[str, str], dict[str, str], str]:
    """The labels the wording points to (label -> strength), from the remote server's diagnostic line when
    it says anything sure, else from the report's own text (the returned original left out); the
    diagnostic's own labels; and where the first came from."""
    diagnostic = _labels(ds.diagnostic) if ds.diagnostic else {}
    if any(strength == "sure" for strength in diagnostic.values()):
        return diagnostic, diagnostic, "diagnostic"
    return _labels(report_text(text)), diagnostic, "text"


def _sure_words(words: dict[str, str]) -> set[str]:
    return {label for label, strength in words.items() if strength == "sure"}


def decide_bounce(ds: DeliveryStatus, text: str) -> BounceDecision:
    """The label of one bounce (see the module docstring for the order of evidence)."""
    code = ds.code

    def decision(label: str, sure: bool, reason: str) -> BounceDecision:
        return BounceDecision(label, sure, reason, code)

    challenge = CHALLENGE_RESPONSE.search(f"{ds.diagnostic or ''}\n{report_text(text)}")
    if challenge:
        return decision("auto_reply", True, f"challenge-response ('{challenge.group(0)}'), not a bounce")
    words, diagnostic, where = _words(ds, text)
    sure_words = _sure_words(words)
    if ds.action == "delayed":
        return decision(POLICY if POLICY in sure_words else SOFT, True, "DSN Action: delayed (still trying)")
    if ds.action in ("delivered", "relayed", "expanded") and ds.status and ds.status.startswith("2"):
        return decision(SOFT, False, f"DSN Action: {ds.action} (not a failure)")

    status = ds.status or ""
    meaning = status_meaning(status) if status else None
    if meaning is not None:
        label, sure = meaning.label, meaning.sure
        reason = f"SMTP {status} ({meaning.meaning})"
        if status.startswith("4"):
            # RFC 3463: class 4 is transient whatever the wording; a deferral for policy (X.7 with the words
            # of a block) stays a policy signal for the deliverability alert.
            policy = label == POLICY and POLICY in sure_words
            return decision(POLICY if policy else SOFT, True, reason)
        # Only the remote server's own words can cast doubt on a sure code: a transcript also holds the
        # answers of other hosts tried on the way ("450 busy, try later" before the final "551").
        doubt = _sure_words(diagnostic) if ds.diagnostic else sure_words
        if sure and doubt and label not in doubt:
            # "5.1.1 ... blocked by policy", "5.7.1 No such user": the code and the server's words disagree.
            # The words name the cause, but a disagreement is never sure (and never suppresses).
            other = next(c for c in (POLICY, SOFT, HARD) if c in doubt)
            return decision(other, False, f"{reason}, but the words say {other.replace('_', ' ')} ({where})")
        if sure and label == HARD and doubt - {HARD}:
            # A dead-mailbox code next to other causes in the server's words stays a guess.
            return decision(
                label, False, f"{reason}, but the words also say {', '.join(sorted(doubt - {HARD}))}"
            )
        if sure:
            return decision(label, True, reason)
        # An ambiguous code: sure words alone settle it (policy first: a block is never a dead mailbox).
        for candidate in (POLICY, SOFT, HARD):
            if candidate in sure_words:
                alone = sure_words == {candidate}
                return decision(
                    candidate,
                    # Dead-mailbox words under a code that says the mailbox is there (X.2 full or
                    # disabled, X.3 its system) stay a guess.
                    alone and not (candidate == HARD and status.split(".")[1] in ("2", "3")),
                    f"{reason}, with {candidate.replace('_', ' ')} wording ({where})",
                )
        lean = next((c for c in (POLICY, HARD, SOFT) if c in words), label)
        return decision(lean, False, f"{reason}, no wording settles it")

    # No enhanced code: the basic SMTP reply and the words.
    basic = ds.basic
    if basic is not None and basic.startswith("4"):
        return decision(POLICY if POLICY in sure_words else SOFT, True, f"SMTP {basic} (temporary failure)")
    prefix = f"SMTP {basic}" if basic else "bounce"
    if len(sure_words) == 1:
        (only,) = sure_words
        # Hard wording alone suppresses only with a permanent code or a report's own DSN fields.
        sure = only != HARD or (basic is not None and basic.startswith("5")) or ds.structured
        return decision(only, sure, f"{prefix} with {only.replace('_', ' ')} wording ({where})")
    if sure_words:
        mixed = POLICY if POLICY in sure_words else SOFT
        return decision(mixed, False, f"{prefix} with mixed wording ({', '.join(sorted(sure_words))})")
    leaning = next((c for c in (HARD, POLICY, SOFT) if c in words), None)
    if leaning is not None:
        return decision(leaning, False, f"{prefix} leaning {leaning.replace('_', ' ')} ({where})")
    if basic in ("550", "551", "553"):
        return decision(HARD, False, f"SMTP {basic} without a clear cause")
    return decision(SOFT, False, "bounce without a recognisable cause")
