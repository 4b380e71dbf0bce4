"""Automated replies, written whole: out-of-office notices (with and without a return date) and
ticketing or acknowledgement auto-replies, by language. Pure data.
"""

from __future__ import annotations

# Automated replies are written whole: no greeting to the sender, a fixed signature.
_OOO_WITH_DATE = {
    "en": (
        "Thank you for your email. I am currently out of the office with limited access to email. I'll be "
        "back on {date_en}.\n\nFor urgent matters, please contact office@{domain}.\n\nBest regards,\n{me}",
        "Hi,\n\nI'm on vacation and will respond when I return on {date_en}.\n\nThanks,\n{me}",
        "I am out of office until {date_en_prev} with no access to email. I'll be back on {date_en} and will "
        "reply then.\n\n{me}",
        "Thanks for your message. I'm travelling and back on {weekday_en}, {date_en}. Your email will not be "
        "forwarded.\n\nKind regards,\n{me}",
    ),
    "de": (
        "Vielen Dank für Ihre Nachricht. Ich bin ab dem {date_de} wieder im Büro und beantworte Ihre E-Mail "
        "dann so schnell wie möglich.\n\nIn dringenden Fällen wenden Sie sich bitte an "
        "office@{domain}.\n\nMit freundlichen Grüßen\n{me}",
        "Hallo,\n\nich bin bis einschließlich {date_de_prev} nicht im Büro und bin ab dem {date_de} wieder "
        "erreichbar.\n\nViele Grüße\n{me}",
        "Danke für Ihre E-Mail. Ich befinde mich im Urlaub und bin ab dem {date_de} wieder im Büro. Ihre "
        "Nachricht wird nicht weitergeleitet.\n\nBeste Grüße\n{me}",
        "Ich bin derzeit abwesend und ab {weekday_de}, {date_de_long} wieder für Sie da.\n\n{me}",
    ),
    "fr": (
        "Bonjour,\n\nJe suis actuellement absent(e) du bureau, de retour le {date_fr}. Je répondrai à votre "
        "message dès mon retour.\n\nPour toute urgence, merci de contacter "
        "office@{domain}.\n\nCordialement,\n{me}",
        "Merci pour votre message. Je suis en congés, de retour le {date_fr}.\n\nBien à vous,\n{me}",
        "Je suis absent(e) jusqu'au {date_fr_prev} inclus et n'ai pas accès à mes emails. Je serai de retour "
        "le {date_fr}.\n\n{me}",
        "Bonjour,\n\nJe suis en déplacement, de retour le {weekday_fr} {date_fr}. Votre message ne sera pas "
        "transféré.\n\nCordialement,\n{me}",
    ),
}
_OOO_WITHOUT_DATE = {
    "en": (
        "Thank you for your email. I am currently out of the office with limited access to email and will "
        "respond as soon as possible.\n\n{me}",
        "I'm away from my desk at the moment and will get back to you when I return.\n\nThanks,\n{me}",
    ),
    "de": (
        "Vielen Dank für Ihre Nachricht. Ich bin derzeit nicht im Büro und habe nur eingeschränkt Zugriff "
        "auf meine E-Mails.\n\nViele Grüße\n{me}",
        "Ich bin zurzeit abwesend. Ihre E-Mail wird nicht weitergeleitet.\n\n{me}",
    ),
    "fr": (
        "Merci pour votre message. Je suis actuellement absent(e) et n'ai qu'un accès limité à mes "
        "emails.\n\nCordialement,\n{me}",
        "Je suis absent(e) du bureau. Votre message ne sera pas transféré.\n\n{me}",
    ),
}
_AUTO_REPLIES = {
    "en": (
        "Thank you for contacting us. This is an automated confirmation that we have received your message. "
        "Your request has been assigned ticket #{ticket} and a member of our team will respond within 2 "
        "business days.",
        "This is an automatic reply. Your message has been received and will be processed shortly. Please do "
        "not reply to this email.",
        "Thanks for your email! Our team reads every message and usually replies within 24 hours.\n\nThe "
        "{company} Team",
        "Auto-response: this mailbox is monitored during business hours (9am-5pm). We will get back to you "
        "as soon as possible.",
    ),
    "de": (
        "Vielen Dank für Ihre Nachricht. Dies ist eine automatische Eingangsbestätigung. Ihre Anfrage wurde "
        "unter der Ticketnummer #{ticket} erfasst und wird innerhalb von 2 Werktagen bearbeitet.",
        "Dies ist eine automatisch generierte Antwort. Ihre E-Mail ist bei uns eingegangen. Bitte antworten "
        "Sie nicht auf diese Nachricht.",
        "Danke für Ihre E-Mail! Wir melden uns in der Regel innerhalb von 24 Stunden.\n\nIhr {company} Team",
        "Automatische Antwort: Dieses Postfach wird werktags von 9 bis 17 Uhr betreut. Wir melden uns so "
        "bald wie möglich.",
    ),
    "fr": (
        "Merci de nous avoir contactés. Ceci est un accusé de réception automatique. Votre demande a été "
        "enregistrée sous le numéro #{ticket} et sera traitée sous 2 jours ouvrés.",
        "Ceci est une réponse automatique. Votre message a bien été reçu. Merci de ne pas répondre à cet "
        "email.",
        "Merci pour votre email ! Notre équipe vous répondra généralement sous 24 heures.\n\nL'équipe "
        "{company}",
        "Réponse automatique : cette boîte est consultée du lundi au vendredi de 9h à 18h. Nous reviendrons "
        "vers vous dès que possible.",
    ),
}
