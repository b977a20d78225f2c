"""What handling one request of the form comes to; the web layer turns each into a response."""

from __future__ import annotations

from dataclasses import dataclass, field

from gangway.hosted.controls.model import FieldError, Section
from gangway.hosted.view import View
from gangway.services.onboarding import SessionState

__all__ = ["Ended", "Exit", "Forbidden", "Page", "Redirect", "Result"]


@dataclass
class Page:
    """A step to render (``status`` 400 when a submission was refused)."""

    state: SessionState
    view: View
    locale: str
    step: str
    """The step the page is (``person`` for one person's page)."""
    nav_step: str
    """The step the navigation marks as current."""
    template: str
    sections: list[Section]
    errors: dict[str, FieldError] = field(default_factory=dict)
    form_error: str | None = None
    status: int = 200


@dataclass(frozen=True)
class Redirect:
    url: str
    state: SessionState | None = None


@dataclass(frozen=True)
class Ended:
    """No live session: to the link's ``refresh_url`` when known, else a message."""

    refresh_url: str | None


@dataclass(frozen=True)
class Forbidden:
    """The form's CSRF token or origin did not match."""


@dataclass(frozen=True)
class Exit:
    """Leave: end the session and go to ``return_url``."""

    state: SessionState


Result = Page | Redirect | Ended | Forbidden | Exit
