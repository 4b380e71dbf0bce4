"""World people chosen by what the sandbox will replay for them once they are emailed, so a test does not
depend on which people a seed happens to make reply, bounce or complain.

What belongs here: `replayed` (the engagement model the lemlist simulator replays for a person, by seed)
and `spam_bounce_plain` (people who complain about spam, hard-bounce within minutes, or do neither).
"""

from __future__ import annotations

from datetime import date

from resources.sandbox import Sandbox
from resources.sandbox.engagement import Engagement, engagement_for
from resources.sandbox.world import Person


def replayed(sandbox: Sandbox, person: Person, today: date, *, sender: str = "x") -> Engagement:
    """What the simulator will replay for `person` once enrolled on `today` by `sender`."""
    return engagement_for(
        sandbox.store.seed,
        person.email,
        email_status=person.email_status,
        language=person.language,
        first_name=person.first_name,
        sender_name=sender,
        original_subject="x",
        today=today,
    )


def spam_bounce_plain(sandbox: Sandbox, *, spam: int, bouncers: int, others: int) -> dict[str, list[Person]]:
    """People who will complain about spam, hard-bounce within minutes, or neither (a valid address), as
    the lemlist simulator replays them (same engagement model, same sender): keys spam, bounce, plain."""
    sender = sandbox.simulator("lemlist").sender_name
    wanted = {"spam": spam, "bounce": bouncers, "plain": others}
    found: dict[str, list[Person]] = {k: [] for k in wanted}
    for person in sandbox.world.people:
        outcome = replayed(sandbox, person, date.today(), sender=sender)
        if outcome.bounce is None and outcome.spam_complaint and outcome.reply is None:
            kind = "spam"
        elif outcome.bounce is not None and outcome.bounce.hard and outcome.bounce.after_minutes <= 5:
            kind = "bounce"
        elif outcome.bounce is None and not outcome.spam_complaint and person.email_status == "valid":
            kind = "plain"
        else:
            continue
        if len(found[kind]) < wanted[kind]:
            found[kind].append(person)
        if all(len(found[k]) == n for k, n in wanted.items()):
            return found
    raise AssertionError("the sandbox world has too few people of each kind")
