"""Wordings of replies a machine wrote: out-of-office notices and automatic acknowledgements (help desks,
"we received your message"), in English, German and French, with the subjects they come under.

What belongs here: the patterns only; `classify.py` decides with them, and the headers that mark a machine
(`Auto-Submitted` and the like) are read there too.
"""

from __future__ import annotations

import re

OOO_SUBJECT = re.compile(
    r"^\W*(?:re:\s*|aw:\s*)?(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply"
    r"|out of (?:the )?office"
    r"|ooo\b|abwesenheitsnotiz|abwesenheit|automatische antwort|réponse automatique|absence du bureau"
    r"|absent(?:e)?\b|abwesend|away from)",
    re.I,
)
OOO = re.compile(
    r"\bout of (?:the )?office\b|\booo\b"
    r"|\b(?:i am|i'm|currently|presently|will be)\s+(?:currently\s+)?(?:on|off on)\s+(?:annual |parental "
    r"|maternity |paternity |sick |medical )?(?:leave|vacation|holiday|holidays|pto|sabbatical)\b"
    # "I'm out" / "I'm off" only with what makes them an absence ("I'm out of budget" is not one).
    r"|\b(?:i am|i'm|currently|presently)\s+(?:currently\s+)?(?:away|travell?ing|unavailable|absent"
    r"|(?:out|off)(?= (?:of (?:the )?office|until|till|through|today|this week|on (?:leave|vacation"
    r"|holiday))))\b"
    r"|\baway from (?:my desk|the office|email|e-mail)\b|\b(?:limited|no) access to (?:my )?e-?mails?\b"
    r"|\bwill not be forwarded\b|\bwon't be forwarded\b|\b(?:when|once|after) i (?:return|am back|get back)\b"
    r"|\bi(?:'ll| will) be back (?:in the office )?(?:on|in|from|after)\b"
    r"|\bnicht im büro\b|\baußer haus\b|\bausser haus\b|\babwesend\b|\bim urlaub\b|\burlaubsbedingt"
    r"|\bin elternzeit\b|\b(?:auf|in) (?:geschäfts)?reise\b|\bdienstreise\b|\bwieder im büro\b"
    r"|\bwieder (?:für sie )?erreichbar\b|\bwieder für sie da\b|\beingeschränkt\w*\b.{0,30}\b(?:e-?mails"
    r"|zugriff)\b|\bnicht weitergeleitet\b|\bkeinen zugriff\b"
    r"|\b(?:je suis|actuellement|suis) (?:actuellement )?absente?\b|\b(?:pendant|durant|en raison de) mon "
    r"absence\b|\babsence du bureau\b|\ben congés?\b|\ben vacances\b|\ben déplacement\b"
    r"|\bde retour (?:le|au bureau|lundi|mardi|mercredi|jeudi|vendredi)\b|\bhors du bureau\b|\bpas accès\b"
    r"|\baccès limité\b|\bne sera pas (?:transféré|lu)\b",
    re.I,
)
#: Acknowledgements only machines write: ticket numbers, "this is an automated...", "do not reply".
AUTO_ACK_STRONG = re.compile(
    r"\bticket\s*(?:#|no\.?|number|id|nummer)?\s*:?\s*#?\d{3,}|\bticketnummer\b|\bcase (?:number|#|id)"
    r"|\bcase\s*#\s*\d{3,}|\b(?:request|reference) (?:number|#|id)|\bnuméro\s+#?\d{3,}"
    r"|\byour (?:message|email|e-mail|request|ticket)(?: \([^)]{0,30}\))? (?:has been|was) (?:received|logged"
    r"|created|opened)"
    r"|\bautomated (?:confirmation|response|message|reply|acknowledg)|\b(?:message|e-?mail|reply|response) "
    r"(?:has been |was |is )?automatically generated\b|\btrouble ticket\b|\bautomatic(?:ally generated)? "
    r"(?:reply|response|confirmation|acknowledg)|\bauto-?response\b|\bthis is an? (?:automatic|automated)"
    r"|\bdo not reply to this\b|\bthis (?:mailbox|inbox|address) is (?:not )?monitored|\bno-?reply@"
    r"|\bdo-?not-?reply\b|\beingangsbestätigung\b"
    r"|\bautomatisch (?:generierte|erstellte|versendete)?\s?(?:antwort|nachricht|e-mail|bestätigung)\b"
    r"|\bist bei uns eingegangen\b|\bantworten sie nicht auf\b|\bdieses postfach wird\b"
    r"|\baccusé de réception\b|\bréponse automatique\b|\bbien été reçue?\b|\bne pas répondre\b"
    r"|\bcette (?:boîte|adresse) (?:n['\u2019]est pas |est )?(?:consultée|surveillée)",
    re.I,
)
#: Acknowledgements a person could also write ("we'll get back to you shortly"): only sure alone.
AUTO_ACK_WEAK = re.compile(
    r"\b(?:we|i) (?:have )?received your (?:message|email|e-mail|request|inquiry|enquiry)"
    r"|\b(?:we|our team)(?: will|'ll)? (?:usually |typically |normally )?(?:get back|respond|reply|replies"
    r"|responds)\b[^.\n]{0,40}\b(?:within|shortly|as soon as)\b|\busually (?:replies|responds"
    r"|answers) within\b"
    r"|\bwir melden uns\b[^.\n]{0,40}\b(?:innerhalb|so bald|schnellstmöglich|in kürze)"
    r"|\bnotre équipe (?:vous répondra|reviendra)|\bnous reviendrons vers vous\b",
    re.I,
)

# A ticket or case number: a help desk answered, even if it also says someone is away.
TICKET = re.compile(
    r"\b(?:ticket|case|request|anfrage|demande|dossier)\s*(?:#|no\.?|number|id|nummer|numéro)?\s*:?\s*#?\d{3,}"
    r"|\bticketnummer\b|\[#?[a-z]{0,6}-?\d{3,}\]",
    re.I,
)
# Subjects of ticket systems; "Automatic reply:" is not one (out-of-office notices use it too).
ACK_SUBJECT = re.compile(
    r"\[?\b(?:ticket|case|request|anfrage|demande)\s*#?\s*\d{3,}|\bwe (?:have )?received your\b"
    r"|\[#?[a-z]{0,6}-?\d{3,}\]"
    r"|\beingangsbestätigung\b|\baccusé de réception\b|\bconfirmation de réception\b",
    re.I,
)
