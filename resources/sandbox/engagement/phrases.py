"""The phrases a reply is assembled from: greetings, sign-offs, subjects, the quoted original, calendar
words for return dates and the colleagues a referral names. Pure data.
"""

from __future__ import annotations

# fmt: off
_GREETINGS = {
    "en": ("Hi {sender},", "Hello {sender},", "Hey {sender},", "{sender},", "Hi {sender} -", "Hi,"),
    "de": ("Hallo {sender},", "Guten Tag {sender},", "Hi {sender},", "Moin {sender},", "Hallo,"),
    "fr": ("Bonjour {sender},", "Bonjour,", "Salut {sender},", "Bonjour {sender} !"),
}
_ANONYMOUS_GREETINGS = {"en": ("Hi,", "Hello,"), "de": ("Hallo,", "Guten Tag,"), "fr": ("Bonjour,",)}
_SIGNOFFS = {
    "en": ("Best,\n{me}", "Thanks,\n{me}", "Cheers,\n{me}", "Regards,\n{me}", "{me}", "Best regards,\n{me}",
           "Thanks,\n{me}\n\nSent from my iPhone"),
    "de": ("Viele Grüße\n{me}", "Beste Grüße\n{me}", "VG {me}", "Mit freundlichen Grüßen\n{me}", "LG\n{me}",
           "Viele Grüße\n{me}\n\nVon meinem iPhone gesendet"),
    "fr": ("Cordialement,\n{me}", "Bien à vous,\n{me}", "Bonne journée,\n{me}", "Merci,\n{me}",
           "Belle journée,\n{me}", "Cordialement,\n{me}\n\nEnvoyé de mon iPhone"),
}
# fmt: on


_SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "reply": {"en": ("Re: {s}",), "de": ("Re: {s}", "AW: {s}"), "fr": ("Re: {s}", "RE : {s}")},
    "out_of_office": {
        "en": ("Automatic reply: {s}", "Out of Office: {s}", "Out of office Re: {s}"),
        "de": ("Automatische Antwort: {s}", "Abwesenheitsnotiz: {s}"),
        "fr": ("Réponse automatique : {s}", "Absence du bureau : {s}"),
    },
    "auto_reply": {
        "en": ("[Ticket #{ticket}] Re: {s}", "Automatic reply: {s}", "We received your message"),
        "de": ("[Ticket #{ticket}] AW: {s}", "Eingangsbestätigung: {s}", "Automatische Antwort: {s}"),
        "fr": ("[Ticket #{ticket}] RE : {s}", "Accusé de réception : {s}", "Réponse automatique : {s}"),
    },
}


# fmt: off
_QUOTED = {
    "en": ("I noticed your team has been growing and wanted to share how we help companies like yours find "
           "and reach the right buyers.", "Would it make sense to talk for 15 minutes next week?"),
    "de": ("mir ist aufgefallen, dass Ihr Team gerade wächst. Wir helfen Unternehmen wie Ihrem, die "
           "richtigen Ansprechpartner zu finden.",
           "Hätten Sie nächste Woche 15 Minuten Zeit für ein kurzes Gespräch?"),
    "fr": ("j'ai remarqué que votre équipe se développe et je voulais vous présenter comment nous aidons des "
           "entreprises comme la vôtre.", "Auriez-vous 15 minutes la semaine prochaine pour en parler ?"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}
_MONTHS_SHORT = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
}
_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_WEEKDAYS_SHORT = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
}
_REFERRAL_NAMES = {
    "en": (("Jane", "Doe"), ("Michael", "Reed"), ("Priya", "Shah"), ("Tom", "Becker"), ("Laura", "Kim"),
           ("Daniel", "Foster"), ("Sophie", "Turner"), ("Marcus", "Hill")),
    "de": (("Julia", "Hoffmann"), ("Markus", "Weber"), ("Katrin", "Schulz"), ("Tobias", "Wagner"),
           ("Sabine", "Krause"), ("Florian", "Becker")),
    "fr": (("Camille", "Durand"), ("Julien", "Moreau"), ("Claire", "Lefèvre"), ("Antoine", "Girard"),
           ("Élodie", "Martin"), ("Nicolas", "Bernard")),
}
_ASCII = str.maketrans({"é": "e", "è": "e", "ê": "e", "ë": "e", "à": "a", "ç": "c", "ï": "i", "ô": "o",
                        "ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "É": "e"})
# fmt: on
