"""How Prima sends a notification e-mail: composed in the recipients' language, one message per
language to everyone who reads it. The language is the person's own when they have chosen one
(their `language`: on their profile, with the language switch, from SCIM's `preferredLanguage` or
the directory's locale) and the site's (`LANGUAGE_CODE`) otherwise; this is the one place to
change that rule. The sender is `DEFAULT_FROM_EMAIL`."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

# A person (with an `email`, perhaps a `language`) or a bare address.
Recipient = object
# Builds (subject, body); called with the recipient's language active.
Compose = Callable[[], tuple[str, str]]


def language_of(recipient: Recipient) -> str:
    """The recipient's stored language (a person's `language`, one of `LANGUAGES`), else the site's."""
    language = getattr(recipient, "language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _address(recipient: Recipient) -> str:
    return recipient if isinstance(recipient, str) else recipient.email


def notification_message(recipients: Iterable[Recipient], compose: Compose) -> EmailMessage:
    """The e-mail to recipients who read one language (the first one's), its subject and body
    written in it."""
    recipients = list(recipients)
    with translation.override(language_of(recipients[0])):
        subject, body = compose()
        return EmailMessage(subject=str(subject), body=str(body), to=[_address(each) for each in recipients])


def notification_send(recipients: Iterable[Recipient], compose: Compose) -> int:
    """Sends the notification to every recipient with an address, one message per language
    (in the order the recipients came); returns how many messages went out."""
    by_language: dict[str, list[Recipient]] = {}
    for recipient in recipients:
        if _address(recipient):
            by_language.setdefault(language_of(recipient), []).append(recipient)
    for group in by_language.values():
        notification_message(group, compose).send()
    return len(by_language)
