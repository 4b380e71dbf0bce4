"""Delivery-status notifications read by their structure: raw RFC 3464 reports through the standard
library's `email` package, the text form a mail client shows, the answer lines of MTAs that send no DSN
part, RFC 3463's codes, the wording table, and machine headers on replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales_assets.common.mail.bounce_texts import BOUNCE_TEXTS, load_table
from sales_assets.common.mail.classify import classify_bounce, classify_reply
from sales_assets.common.mail.dsn import looks_like_dsn, read_delivery_status, report_text, status_meaning


def _report(status: str, diagnostic: str, action: str = "failed") -> bytes:
    """A multipart/report as MTAs send it: a text part, the delivery-status part (a delivered recipient
    first), and the returned original."""
    return (
        "From: MAILER-DAEMON@mx.sender.example\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain\n\nThis is the mail system at host mx.sender.example.\n\n"
        "--b1\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.sender.example\n\n"
        "Final-Recipient: rfc822; ok@other.example\nAction: delivered\nStatus: 2.0.0\n\n"
        f"Final-Recipient: rfc822; ada@client.example\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; {diagnostic}\n\n"
        "--b1\nContent-Type: message/rfc822\n\n"
        "Subject: Spam, viruses and DKIM-Signature words in our own mail say nothing\n\n"
        "We are interested in your spam filter. Blocked? Virus? Not at all.\n"
        "--b1--\n"
    ).encode()


def test_a_raw_report_is_read_through_the_email_package() -> None:
    raw = _report("5.1.1", "550 5.1.1 <ada@client.example>: Recipient address rejected: User unknown")
    found = read_delivery_status(raw)
    # The failed recipient, not the delivered one; the header the report carries.
    assert (found.action, found.status, found.recipient) == ("failed", "5.1.1", "rfc822; ada@client.example")
    assert found.structured and found.headers["auto-submitted"] == "auto-replied"
    decided = classify_bounce(raw.decode())
    assert (decided.label, decided.sure) == ("bounce_hard", True)


def test_the_returned_original_never_decides() -> None:
    raw = _report("5.0.0", "550 Requested action not taken: mailbox unavailable")
    decided = classify_bounce(raw.decode())
    # Our own words ("spam", "virus", "blocked") travel back with the bounce: they are no policy block.
    assert decided.label != "policy_block" and not decided.sure


def test_a_delay_is_never_a_failure() -> None:
    raw = _report("4.4.7", "smtp; 421 4.4.7 retry timeout", action="delayed")
    assert classify_bounce(raw.decode()).label == "bounce_soft"


def test_the_text_form_and_the_answer_lines_of_mtas_without_a_dsn_part() -> None:
    shown = (
        "Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550\n"
    )
    assert read_delivery_status(shown).status == "5.0.0"
    sendmail = (
        "   ----- The following addresses had permanent fatal errors -----\n<a@b.example>\n"
        "    (reason: 553 Sender Policy Framework (SPF) fail)\n\n550 5.1.1 a@b.example... User unknown\n"
    )
    found = read_delivery_status(sendmail)
    assert found.diagnostic == "553 Sender Policy Framework (SPF) fail"
    # A sendmail-local 5.1.1 under a remote SPF refusal: the remote words win, and nothing is sure.
    decided = classify_bounce(sendmail)
    assert (decided.label, decided.sure) == ("policy_block", False)
    postfix = "<a@b.example>: host mx.b.example[192.0.2.1] said: 550 not a known user (in reply to RCPT TO)"
    assert classify_bounce(postfix).label == "bounce_hard"
    assert report_text("Reason: user unknown\n--- Below this line is a copy of the message.\nspam") == (
        "Reason: user unknown\n"
    )


@pytest.mark.parametrize(
    ("status", "label", "sure"),
    [
        ("5.1.1", "bounce_hard", True),
        ("5.1.10", "bounce_hard", True),
        ("5.1.7", "policy_block", True),
        ("5.2.2", "bounce_soft", True),
        ("5.2.1", "bounce_soft", False),
        ("5.4.1", "bounce_soft", False),
        ("5.7.26", "policy_block", True),
        ("5.6.0", "policy_block", True),
        ("4.1.1", "bounce_soft", True),
        ("4.7.0", "policy_block", True),
        ("5.0.0", "bounce_soft", False),
    ],
)
def test_rfc_3463_codes(status: str, label: str, sure: bool) -> None:
    meaning = status_meaning(status)
    assert meaning is not None and (meaning.label, meaning.sure) == (label, sure)


def test_success_codes_are_no_failure() -> None:
    assert status_meaning("2.0.0") is None and status_meaning("not a code") is None


def test_the_wording_table_is_data_and_a_bad_row_names_its_line(tmp_path: Path) -> None:
    assert len(BOUNCE_TEXTS) > 40 and {r.label for r in BOUNCE_TEXTS} == {
        "bounce_hard",
        "bounce_soft",
        "policy_block",
    }
    bad = tmp_path / "rows.tsv"
    bad.write_text(
        "label\tstrength\tsource\tpattern\nbounce_hard\tsure\tx\t\\bok\\b\nbounce_hard\tmaybe\tx\ty\n"
    )
    with pytest.raises(ValueError, match=r"rows\.tsv line 3"):
        load_table(bad)
    bad.write_text("policy_block\tsure\tx\t(unclosed\n")
    with pytest.raises(ValueError, match="line 1"):
        load_table(bad)


def test_a_persons_reply_is_not_a_report() -> None:
    assert not looks_like_dsn("Thanks, the slides were delivered to my team. Let's talk Tuesday.")
    assert looks_like_dsn("Your message couldn't be delivered.", "Undeliverable: Quick question")


def test_challenge_response_is_an_automatic_reply_not_a_bounce() -> None:
    text = "Your message about 'Quick question' has been waitlisted.\nPlease add yourself to my Guest List."
    assert classify_bounce(f"Action: failed\nStatus: 4.7.0\n{text}").label == "auto_reply"


def test_headers_of_a_machine_are_never_a_persons_intent() -> None:
    text = "Thank you! We are very interested and will get back to you."
    assert classify_reply(text, "Re: Quick question").label == "interested"
    found = classify_reply(text, "Re: Quick question", headers={"Auto-Submitted": "auto-replied"})
    assert (found.label, found.sure) == ("auto_reply", True) and "Auto-Submitted" in found.reason
    away = classify_reply("I am out of the office until Monday.", "Re: x", headers={"X-Autoreply": "yes"})
    assert away.label == "out_of_office"
    assert classify_reply(text, "Re: x", headers={"Auto-Submitted": "no"}).label == "interested"
