"""A held-out corpus of replies to cold outreach, written by hand in English, German and French with
phrasing unlike the sandbox's templates: negations, mixed signals, quoted originals that say "interested",
signatures with phones and addresses, HTML bodies and non-delivery reports. Used by
`tests/test_classify_reply.py`.

Each case: (name, subject, text, expected label, expectation), where the expectation is
"sure" (the rules must be sure and right), "unsure" (a mixed or vague reply: the rules must not be sure;
the label is what a person would pick) or "any" (either is acceptable, but a sure label must be right).
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    name: str
    subject: str
    text: str
    label: str
    expect: str  # "sure" | "unsure" | "any"


QUOTE_EN = (
    "\n\nOn Mon, Mar 2, 2026 at 9:41 AM Alex Martin <alex@seller.example> wrote:\n"
    "> Hi Dana,\n> Would you be interested in a 15 minute call next week?\n> We help teams like yours.\n"
)
QUOTE_DE = (
    "\n\nAm 02.03.2026 um 09:41 schrieb Alex Martin <alex@seller.example>:\n"
    "> Hallo Frau Vogel,\n> hätten Sie Interesse an einem kurzen Termin? Ich freue mich auf Ihre Antwort.\n"
)
OUTLOOK_FR = (
    "\n\n________________________________\nDe : Alex Martin <alex@seller.example>\n"
    "Envoyé : lundi 2 mars 2026 09:41\nÀ : Sophie Lambert <s.lambert@client.example>\n"
    "Objet : Une idée pour votre équipe\n\nBonjour Sophie, seriez-vous intéressée par une démo ? "
    "Prenons rendez-vous.\n"
)
OUTLOOK_EN = (
    "\n\n-----Original Message-----\nFrom: Alex Martin <alex@seller.example>\nSent: Monday, March 2, 2026 "
    "9:41 AM\nTo: Dana Wright\nSubject: Idea for your team\n\nAre you interested in a quick demo? Book a "
    "time on my calendar.\n"
)
SIG_EN = (
    "\n\nBest,\nDana Wright\nVP Operations | Northwind Ltd\nM: +44 7700 900123\ndana.wright@northwind.example"
)
SIG_DE = (
    "\n\nMit freundlichen Grüßen\nKatja Vogel\nLeitung Einkauf\nTel. +49 89 1234 "
    "5678\nk.vogel@berg-gmbh.example"
)
SIG_FR = (
    "\n\nCordialement,\nSophie Lambert\nDirectrice commerciale\nTél : +33 1 23 45 67 "
    "89\ns.lambert@client.example"
)

CASES: tuple[Case, ...] = (
    # --- interested ---------------------------------------------------------------------------------------
    Case(
        "en_interested_plain",
        "Re: Idea for your team",
        "Hey Alex,\n\nThis is actually pretty timely - we've been talking internally about exactly this "
        "problem. I'm interested. Could you put together some material I can share with my boss?" + SIG_EN,
        "interested",
        "sure",
    ),
    Case(
        "en_interested_quote_says_interested",
        "Re: Idea for your team",
        "Sounds promising. Please send over a deck and I'll take a look." + SIG_EN + QUOTE_EN,
        "interested",
        "sure",
    ),
    Case(
        "de_interested",
        "AW: Ihr Team",
        "Guten Morgen Herr Martin,\n\ndas Thema ist für uns gerade sehr relevant. Schicken Sie mir gerne "
        "Unterlagen zu, ich schaue sie mir in Ruhe an." + SIG_DE + QUOTE_DE,
        "interested",
        "sure",
    ),
    Case(
        "fr_interested",
        "RE : Une idée pour votre équipe",
        "Bonjour Alex,\n\nVotre approche m'intéresse. Pouvez-vous me faire parvenir une documentation "
        "complète ?" + SIG_FR + OUTLOOK_FR,
        "interested",
        "sure",
    ),
    Case(
        "en_interested_html",
        "Re: Idea for your team",
        "<html><body><div>Hi Alex,</div><div><br></div><div>Yes, we&#39;d like to learn more about this."
        '</div><div><br></div><div>Dana</div><div class="gmail_quote"><div>On Mon, Mar 2, 2026 Alex wrote:'
        "</div><blockquote>Not interested? Just reply unsubscribe.</blockquote></div></body></html>",
        "interested",
        "sure",
    ),
    Case(
        "en_interested_but_who_are_you",
        "Re: Idea for your team",
        "Interesting, but who are you exactly and how did you get my address?",
        "interested",
        "unsure",
    ),
    Case(
        "de_interested_with_question",
        "AW: Ihr Team",
        "Klingt spannend. Wie sieht es mit dem Datenschutz aus, wo stehen Ihre Server?",
        "interested",
        "unsure",
    ),
    Case(
        "fr_interested_later",
        "RE : Une idée",
        "Ça pourrait nous intéresser, mais pas avant l'année prochaine. Recontactez-moi en janvier.",
        "interested",
        "unsure",
    ),
    # --- meeting request ----------------------------------------------------------------------------------
    Case(
        "en_meeting_slot",
        "Re: Idea for your team",
        "Alex - let's talk. How about Wednesday at 11am Pacific? If that's no good, suggest two other "
        "slots." + SIG_EN,
        "meeting_request",
        "sure",
    ),
    Case(
        "en_meeting_booking_link",
        "Re: Idea for your team",
        "Hi, happy to take a look together. Grab any slot that suits you: "
        "https://calendly.com/dana-wright/intro" + SIG_EN,
        "meeting_request",
        "sure",
    ),
    Case(
        "de_meeting",
        "AW: Ihr Team",
        "Hallo Herr Martin,\n\nwir können gerne einen Termin für eine kurze Vorstellung vereinbaren. "
        "Am besten Dienstag ab 10 Uhr." + SIG_DE,
        "meeting_request",
        "sure",
    ),
    Case(
        "fr_meeting",
        "RE : Une idée pour votre équipe",
        "Bonjour,\n\nOui, calons un rendez-vous la semaine prochaine, je suis disponible jeudi après-midi."
        + SIG_FR,
        "meeting_request",
        "sure",
    ),
    Case(
        "en_no_need_for_call",
        "Re: Idea for your team",
        "No need for a call, thanks. We're all set on this front.",
        "not_interested",
        "any",
    ),
    Case(
        "de_kein_termin",
        "AW: Ihr Team",
        "Einen Termin brauchen wir nicht, wir haben bereits eine Lösung im Einsatz.",
        "not_interested",
        "any",
    ),
    # --- question -----------------------------------------------------------------------------------------
    Case(
        "en_question_security",
        "Re: Idea for your team",
        "Before anything else: are you SOC 2 certified, and can the data stay in the EU?" + SIG_EN,
        "question",
        "sure",
    ),
    Case(
        "de_question",
        "AW: Ihr Team",
        "Hallo,\n\nunterstützen Sie auch den Export nach Excel? Und wie lange ist die Vertragslaufzeit?"
        + SIG_DE,
        "question",
        "sure",
    ),
    Case(
        "fr_question",
        "RE : Une idée",
        "Bonjour, combien coûte une licence pour cinq utilisateurs ?" + SIG_FR,
        "question",
        "sure",
    ),
    Case(
        "en_question_who_are_you",
        "Re: Idea for your team",
        "Who gave you my email address?",
        "question",
        "any",
    ),
    # --- not interested -----------------------------------------------------------------------------------
    Case(
        "en_not_interested_polite",
        "Re: Idea for your team",
        "Hi Alex, appreciate you reaching out, but this is not something we're interested in."
        + SIG_EN
        + QUOTE_EN,
        "not_interested",
        "sure",
    ),
    Case(
        "en_not_interested_provider",
        "Re: Idea for your team",
        "We signed a three-year deal with a competitor last spring, so we're covered." + SIG_EN,
        "not_interested",
        "any",
    ),
    Case(
        "en_no_budget",
        "Re: Idea for your team",
        "Budgets are frozen until further notice, we don't have budget for new tools.",
        "not_interested",
        "sure",
    ),
    Case(
        "de_kein_interesse",
        "AW: Ihr Team",
        "Sehr geehrter Herr Martin,\n\nvielen Dank, aber daran haben wir kein Interesse." + SIG_DE + QUOTE_DE,
        "not_interested",
        "sure",
    ),
    Case(
        "de_interessiert_nicht",
        "AW: Ihr Team",
        "Das interessiert uns nicht, danke.",
        "not_interested",
        "sure",
    ),
    Case(
        "fr_not_interested",
        "RE : Une idée pour votre équipe",
        "Bonjour,\n\nCela ne m'intéresse pas, merci." + SIG_FR + OUTLOOK_FR,
        "not_interested",
        "sure",
    ),
    Case(
        "fr_deja_outil",
        "RE : Une idée",
        "Nous avons déjà un outil en interne qui fait ça très bien.",
        "not_interested",
        "sure",
    ),
    Case(
        "en_not_now_q3",
        "Re: Idea for your team",
        "Not now, but ask me again in Q3 when the new budget is approved.",
        "not_interested",
        "unsure",
    ),
    Case(
        "en_not_interested_quoted_interested_html",
        "Re: Idea for your team",
        '<div dir="ltr">Thanks but no thanks.<br><br>Dana</div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">On Mon, Mar 2, 2026 at 9:41 AM Alex Martin wrote:<br></div>'
        '<blockquote class="gmail_quote">Are you interested in a demo?</blockquote></div>',
        "not_interested",
        "sure",
    ),
    Case(
        "de_spaeter",
        "AW: Ihr Team",
        "Aktuell passt es nicht, melden Sie sich gerne nächstes Jahr noch einmal.",
        "not_interested",
        "unsure",
    ),
    # --- unsubscribe --------------------------------------------------------------------------------------
    Case(
        "en_unsubscribe_gdpr",
        "Re: Idea for your team",
        "Under GDPR I request that you erase all of my personal data and confirm when done.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "en_unsubscribe_stop",
        "Re: Idea for your team",
        "This is the third email. Stop contacting me.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "en_unsubscribe_remove",
        "Re: Idea for your team",
        "Kindly remove my address from your database.\n\nThanks" + QUOTE_EN,
        "unsubscribe",
        "sure",
    ),
    Case(
        "en_unsubscribe_and_not_interested",
        "Re: Idea for your team",
        "Not interested. Take me off your list please.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "de_unsubscribe",
        "AW: Ihr Team",
        "Bitte streichen Sie mich aus Ihrem Verteiler und senden Sie mir keine weiteren Mails.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "de_dsgvo",
        "AW: Ihr Team",
        "Ich widerspreche der Verarbeitung meiner Daten und fordere die Löschung gemäß Art. 17 DSGVO.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "fr_unsubscribe",
        "RE : Une idée",
        "Merci de ne plus me solliciter et de supprimer mes coordonnées de vos fichiers.",
        "unsubscribe",
        "sure",
    ),
    Case("fr_desinscription", "RE : Une idée", "Je souhaite me désinscrire.", "unsubscribe", "sure"),
    # --- out of office ------------------------------------------------------------------------------------
    Case(
        "en_ooo_march_3rd",
        "Automatic reply: Idea for your team",
        "Hello, thanks for your note. I'm out of the office on annual leave and will be back in the office "
        "on March 23rd. For anything urgent please contact ops@northwind.example.",
        "out_of_office",
        "sure",
    ),
    Case(
        "en_ooo_no_subject_cue",
        "Re: Idea for your team",
        "I am currently on parental leave with no access to email. I will return on Monday.",
        "out_of_office",
        "sure",
    ),
    Case(
        "de_ooo",
        "Abwesenheitsnotiz: Ihr Team",
        "Sehr geehrte Damen und Herren,\n\nich bin bis einschließlich 20.03.2026 im Urlaub. Ihre Nachricht "
        "wird nicht weitergeleitet. In dringenden Fällen wenden Sie sich an zentrale@berg-gmbh.example.",
        "out_of_office",
        "sure",
    ),
    Case(
        "de_ooo_weekday",
        "Automatische Antwort: Ihr Team",
        "Ich bin außer Haus und ab Montag, 23. März wieder erreichbar.",
        "out_of_office",
        "sure",
    ),
    Case(
        "fr_ooo",
        "Réponse automatique : Une idée",
        "Bonjour,\nJe suis absente jusqu'au 20 mars inclus. Pour toute demande urgente, contactez "
        "accueil@client.example.\nCordialement",
        "out_of_office",
        "sure",
    ),
    Case(
        "fr_ooo_absence",
        "Absence du bureau : Une idée",
        "Je suis en congé et reprendrai le travail le 23/03. Votre message sera traité à mon retour.",
        "out_of_office",
        "sure",
    ),
    Case(
        "en_human_mentions_vacation",
        "Re: Idea for your team",
        "Sorry for the slow reply, I was on vacation last week. Yes, let's set up a call - Thursday works.",
        "meeting_request",
        "any",
    ),
    # --- referral -----------------------------------------------------------------------------------------
    Case(
        "en_referral_sig_email",
        "Re: Idea for your team",
        "Hi Alex, I don't look after this anymore. Best to speak with Rob Chen (rob.chen@northwind.example) "
        "who runs our revenue ops team." + SIG_EN + QUOTE_EN,
        "referral",
        "sure",
    ),
    Case(
        "en_referral_angle",
        "Re: Idea for your team",
        "Adding Priya Nair <pnair@northwind.example> in cc - she owns tooling decisions.",
        "referral",
        "sure",
    ),
    Case(
        "de_referral",
        "AW: Ihr Team",
        "Guten Tag,\n\nfür dieses Thema ist meine Kollegin Anja Krüger zuständig, Sie erreichen sie unter "
        "anja.krueger@berg-gmbh.example." + SIG_DE,
        "referral",
        "sure",
    ),
    Case(
        "fr_referral",
        "RE : Une idée",
        "Bonjour,\nJe transmets à Marc Dubois, notre responsable achats : marc.dubois@client.example\n"
        "Bonne journée" + SIG_FR,
        "referral",
        "sure",
    ),
    Case(
        "en_referral_no_email",
        "Re: Idea for your team",
        "You should probably talk to Jordan Ellis on our data team about this.",
        "referral",
        "unsure",
    ),
    # --- wrong person -------------------------------------------------------------------------------------
    Case(
        "en_wrong_person",
        "Re: Idea for your team",
        "I left Northwind in January, so I can't help you, sorry.",
        "wrong_person",
        "any",
    ),
    Case(
        "en_not_responsible",
        "Re: Idea for your team",
        "I'm not responsible for tooling at all, wrong person I'm afraid.",
        "wrong_person",
        "sure",
    ),
    Case(
        "de_wrong_person",
        "AW: Ihr Team",
        "Ich bin für diesen Bereich nicht zuständig." + SIG_DE,
        "wrong_person",
        "sure",
    ),
    Case(
        "fr_wrong_person",
        "RE : Une idée",
        "Je ne suis pas la bonne personne pour ce sujet, désolée.",
        "wrong_person",
        "sure",
    ),
    # --- automatic replies --------------------------------------------------------------------------------
    Case(
        "en_ticket",
        "[Case #448812] Re: Idea for your team",
        "Thanks for contacting Northwind Support. We've opened case #448812 for you; an agent will reply "
        "as soon as possible. Please do not reply to this email.",
        "auto_reply",
        "sure",
    ),
    Case(
        "en_auto_ack",
        "Automatic reply: Idea for your team",
        "This inbox is not monitored. We have received your email and will route it to the right team.",
        "auto_reply",
        "sure",
    ),
    Case(
        "de_auto_ack",
        "Eingangsbestätigung",
        "Dies ist eine automatisch erstellte Nachricht. Ihre Anfrage ist bei uns eingegangen.",
        "auto_reply",
        "sure",
    ),
    Case(
        "fr_auto_ack",
        "Accusé de réception",
        "Votre message a bien été reçu. Ceci est une réponse automatique, merci de ne pas répondre.",
        "auto_reply",
        "sure",
    ),
    # --- bounces (NDRs arriving as replies) -----------------------------------------------------------------
    Case(
        "ndr_gmail",
        "Delivery Status Notification (Failure)",
        "Address not found\n\nYour message wasn't delivered to dana@northwind.example because the address "
        "couldn't be found.\n\nThe response from the remote server was:\n550 5.1.1 The email account that "
        "you tried to reach does not exist.",
        "bounce_hard",
        "sure",
    ),
    Case(
        "ndr_outlook_de",
        "Unzustellbar: Ihr Team",
        "Ihre Nachricht konnte nicht an k.vogel@berg-gmbh.example zugestellt werden.\n"
        "Remote Server returned '550 5.4.1 Recipient address rejected: Access denied'",
        "bounce_hard",
        "any",
    ),
    Case(
        "ndr_quota",
        "Mail delivery failed: returning message to sender",
        "This message was created automatically by mail delivery software.\n\n  dana@northwind.example\n"
        "    host mx.northwind.example\n    SMTP error from remote mail server after RCPT TO:\n"
        "    552 5.2.2 Mailbox full - user is over quota",
        "bounce_soft",
        "sure",
    ),
    Case(
        "ndr_policy_fr",
        "Non remis : Une idée",
        "Le message n'a pas pu être remis.\n550 5.7.1 Message rejected: SPF check failed for sending host",
        "policy_block",
        "sure",
    ),
    Case(
        "ndr_temporary",
        "Delivery Status Notification (Delay)",
        "Delivery incomplete. There was a temporary problem delivering your message.\n"
        "421 4.4.2 Connection dropped",
        "bounce_soft",
        "sure",
    ),
    # --- tricky and vague ---------------------------------------------------------------------------------
    Case("empty", "Re: Idea for your team", "   \n\n  ", "auto_reply", "unsure"),
    Case("only_signature", "Re: Idea for your team", "Sent from my iPhone", "interested", "unsure"),
    Case(
        "en_never_interested",
        "Re: Idea for your team",
        "We have never been interested in outsourcing this and never will be.",
        "not_interested",
        "sure",
    ),
    Case("en_not_uninterested", "Re: Idea for your team", "Not sure yet. Maybe.", "interested", "unsure"),
    Case("en_thanks_ok", "Re: Idea for your team", "Thanks, noted.", "interested", "unsure"),
    Case(
        "en_mixed_positive_negative",
        "Re: Idea for your team",
        "We already have a provider, but I'd be curious to see how you compare.",
        "interested",
        "unsure",
    ),
    Case(
        "de_nicht_interessant_question",
        "AW: Ihr Team",
        "Nicht interessant für uns. Woher haben Sie meine Adresse?",
        "not_interested",
        "any",
    ),
    Case(
        "en_stop_follow_ups_only",
        "Re: Idea for your team",
        "No more follow-ups please, we are not going to buy.",
        "unsubscribe",
        "any",
    ),
    Case(
        "en_interested_colleague_no_email",
        "Re: Idea for your team",
        "Looks interesting! I'll loop in my colleague Maria Lopez who runs procurement.",
        "referral",
        "unsure",
    ),
    Case(
        "en_dont_remove",
        "Re: Idea for your team",
        "Please don't unsubscribe me, I just changed address - use this one from now on. Interested in the "
        "webinar.",
        "interested",
        "unsure",
    ),
    # --- a second round, written after the rules were tuned on the cases above ---------------------------
    Case(
        "r2_en_yes_pricing",
        "Re: Quick question",
        "Yes please - what would this cost for 40 seats? We're evaluating options right now.",
        "interested",
        "any",
    ),
    Case(
        "r2_en_demo",
        "Re: Quick question",
        "Can you show me a demo on Friday afternoon?\n\nJ.",
        "meeting_request",
        "sure",
    ),
    Case(
        "r2_en_not_relevant",
        "Re: Quick question",
        "Hi, we're a 5 person shop, this isn't relevant for us. Good luck!",
        "not_interested",
        "any",
    ),
    Case("r2_en_do_not_email", "Re: Quick question", "Do not email me again.", "unsubscribe", "sure"),
    Case(
        "r2_en_remove_list",
        "Re: Quick question",
        "please remove me from this list\n\nSent from my Android",
        "unsubscribe",
        "sure",
    ),
    Case(
        "r2_en_moved_company",
        "Re: Quick question",
        "Hi - I no longer work at Acme. Please update your records.",
        "wrong_person",
        "any",
    ),
    Case(
        "r2_en_ooo_pto",
        "Out of Office",
        "I'm on PTO through Friday 3/13 and will respond when I'm back.",
        "out_of_office",
        "sure",
    ),
    Case(
        "r2_en_ticket",
        "Re: Quick question [#REQ-88231]",
        "Your request (#88231) has been received and is being reviewed by our support staff.",
        "auto_reply",
        "sure",
    ),
    Case(
        "r2_en_referral",
        "Re: Quick question",
        "Not me, but Kevin O'Brien (kobrien@acme.example) runs our SDR team - try him.",
        "referral",
        "sure",
    ),
    Case("r2_en_who_is_this", "Re: Quick question", "Is this a real person or a bot?", "question", "any"),
    Case(
        "r2_en_interested_budget_q",
        "Re: Quick question",
        "We might be interested but it depends on price. How much is it?",
        "interested",
        "unsure",
    ),
    Case(
        "r2_en_cannot_meet",
        "Re: Quick question",
        "I can't do a call this month, sorry. We're swamped.",
        "not_interested",
        "any",
    ),
    Case(
        "r2_de_termin",
        "AW: Kurze Frage",
        "Hallo, gerne. Rufen Sie mich am Mittwoch gegen 15 Uhr an: 0171 2345678",
        "meeting_request",
        "sure",
    ),
    Case(
        "r2_de_kein_bedarf",
        "AW: Kurze Frage",
        "Sehr geehrte Frau Brandt, wir haben hierfür keinen Bedarf. Mit freundlichen Grüßen",
        "not_interested",
        "sure",
    ),
    Case("r2_de_frage", "AW: Kurze Frage", "Funktioniert das auch mit SAP?", "question", "sure"),
    Case(
        "r2_de_ooo",
        "Automatische Antwort: Kurze Frage",
        "Vielen Dank für Ihre E-Mail. Ich bin vom 02.03. bis 13.03. nicht im Haus und habe "
        "keinen Zugriff auf meine Mails.",
        "out_of_office",
        "sure",
    ),
    Case(
        "r2_de_unsub", "AW: Kurze Frage", "Bitte keine Werbung mehr an diese Adresse.", "unsubscribe", "sure"
    ),
    Case(
        "r2_de_referral",
        "AW: Kurze Frage",
        "Das macht bei uns Herr Thomas Berger, thomas.berger@firma.example. Bitte direkt an ihn.",
        "referral",
        "sure",
    ),
    Case(
        "r2_fr_interested",
        "RE : Question rapide",
        "Bonjour, votre solution semble pertinente pour nous. Envoyez-moi vos tarifs svp.",
        "interested",
        "sure",
    ),
    Case(
        "r2_fr_rdv",
        "RE : Question rapide",
        "Bonjour, je vous propose un appel mardi prochain à 10h30.",
        "meeting_request",
        "sure",
    ),
    Case(
        "r2_fr_non",
        "RE : Question rapide",
        "Bonjour, nous ne sommes pas intéressés. Bonne continuation.",
        "not_interested",
        "sure",
    ),
    Case(
        "r2_fr_ooo",
        "Réponse automatique : Question rapide",
        "Bonjour, je suis en congé maternité jusqu'au 30 juin. Pour toute question, contactez "
        "equipe@societe.example.",
        "out_of_office",
        "sure",
    ),
    Case(
        "r2_fr_wrong",
        "RE : Question rapide",
        "Je ne m'occupe pas de ces sujets, je suis dans l'équipe juridique.",
        "wrong_person",
        "any",
    ),
    Case("r2_fr_stop", "RE : Question rapide", "Stop. Ne m'écrivez plus.", "unsubscribe", "sure"),
    Case(
        "r2_en_ndr_exchange",
        "Undeliverable: Quick question",
        "Delivery has failed to these recipients or groups:\nmark@acme.example\nThe email "
        "address you entered couldn't be found.\nRemote Server returned '550 5.1.10 "
        "RESOLVER.ADR.RecipientNotFound; not found'",
        "bounce_hard",
        "sure",
    ),
    Case(
        "r2_en_ndr_spamhaus",
        "Mail delivery failed",
        "554 5.7.1 Service unavailable; Client host [198.51.100.4] blocked using zen.spamhaus.org",
        "policy_block",
        "sure",
    ),
    Case(
        "r2_en_sarcasm_interest",
        "Re: Quick question",
        "Interested? No. Annoyed? Yes.",
        "not_interested",
        "any",
    ),
    Case(
        "r2_en_quoted_only_html",
        "Re: Quick question",
        '<div>Sure, let\'s chat next week.</div><blockquote type="cite">Hi Mark, no interest? '
        "Reply STOP to unsubscribe.</blockquote>",
        "meeting_request",
        "sure",
    ),
    # --- a third round: adversarial cases written after round two -----------------------------------------
    Case(
        "r3_en_out_of_budget",
        "Re: Quick question",
        "Honestly we're out of budget for the year. I'm out of ideas on how to fund new tools.",
        "not_interested",
        "any",
    ),
    Case(
        "r3_en_curious_email",
        "Re: Quick question",
        "I'm curious where you got my email from.",
        "not_interested",
        "unsure",
    ),
    Case(
        "r3_fr_appel_offres",
        "RE : Question rapide",
        "Nous lançons un appel d'offres en mai, je vous mets dans la boucle.",
        "interested",
        "any",
    ),
    Case(
        "r3_en_no_reply_team",
        "Re: Quick question",
        "I emailed your support last month and got no reply. Why should I trust you now?",
        "question",
        "any",
    ),
    Case(
        "r3_en_thanks_but_remove",
        "Re: Quick question",
        "Sounds interesting.\nThanks,\nbut please remove me from the list, I'm leaving the company.",
        "unsubscribe",
        "any",
    ),
    Case(
        "r3_en_forward_to_me",
        "Re: Quick question",
        "Could you send the pricing sheet to my assistant?",
        "interested",
        "any",
    ),
    Case(
        "r3_en_reach_me_new",
        "Re: Quick question",
        "I've moved to Globex. You can reach me at dana@globex.example from now on.",
        "wrong_person",
        "any",
    ),
    Case(
        "r3_en_role_address",
        "Re: Quick question",
        "Please send this to purchasing@acme.example, they handle vendors.",
        "referral",
        "any",
    ),
    Case(
        "r3_en_outlook_html",
        "RE: Quick question",
        "<html><head><style>p{margin:0}</style></head><body><p>Hi Alex,</p><p>Happy to have a quick call. "
        "Monday 3pm CET?</p><p>Regards</p><p>Tom</p>"
        '<div id="divRplyFwdMsg"><b>From:</b> Alex Martin<br><b>Sent:</b> Monday<br>Not interested? Reply '
        "stop.</div></body></html>",
        "meeting_request",
        "sure",
    ),
    Case(
        "r3_de_ooo_html",
        "Abwesenheitsnotiz",
        "<p>Guten Tag,</p><p>vielen Dank für Ihre Nachricht. Ich bin bis 27.3. im Urlaub und ab dem 30.03. "
        "wieder im Büro.</p>",
        "out_of_office",
        "sure",
    ),
    Case(
        "r3_fr_interesse_mais",
        "RE : Question rapide",
        "Votre offre m'intéresse, mais qui êtes-vous exactement ?",
        "interested",
        "unsure",
    ),
    Case(
        "r3_en_unsub_negated",
        "Re: Quick question",
        "No need to remove me, I just want fewer emails. What's your pricing?",
        "question",
        "any",
    ),
    Case(
        "r3_en_long_interest",
        "Re: Quick question",
        "Hi Alex,\n\nThanks for the note. We've been struggling with lead quality for months and our SDR "
        "team is stretched. "
        "I'd like to understand how your data is sourced and what a pilot would look "
        "like.\n\nCheers,\nMaya\nHead of Growth\n+1 415 555 0100",
        "interested",
        "any",
    ),
    Case(
        "r3_de_unsub_polite",
        "AW: Kurze Frage",
        "Guten Tag, bitte nehmen Sie meine Adresse aus Ihrer Datenbank. Danke.",
        "unsubscribe",
        "sure",
    ),
    Case(
        "r3_fr_plus_tard",
        "RE : Question rapide",
        "Pas pour le moment, revenez vers moi en septembre.",
        "not_interested",
        "unsure",
    ),
    Case("r3_en_maybe", "Re: Quick question", "Maybe. Depends on what it costs.", "interested", "unsure"),
    Case(
        "r3_en_ooo_human",
        "Re: Quick question",
        "I'm travelling this week but happy to chat next Tuesday - send an invite.",
        "meeting_request",
        "any",
    ),
    Case(
        "r3_en_wrong_left",
        "Re: Quick question",
        "Dana left the company in 2025. This mailbox is no longer monitored.",
        "wrong_person",
        "any",
    ),
    Case(
        "r3_en_ndr_no_code",
        "Returned mail: see transcript for details",
        "The original message was received but could not be delivered: user unknown.",
        "bounce_hard",
        "any",
    ),
    Case(
        "r3_en_referral_cc",
        "Re: Quick question",
        "+Sam Patel (sam.patel@acme.example) - Sam, can you take a look?\n\nAlex, Sam runs RevOps.",
        "referral",
        "sure",
    ),
)
