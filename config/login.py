"""Login protection that slows an attacker without locking the owner out (django-axes, configured here).

- Failures count per (username, client address): an attacker elsewhere never locks the real editor out.
  The address is the one the server resolved (REMOTE_ADDR): behind a proxy it is the client's only when the
  server trusts that proxy (`python -m config.serve --proxy`, TRUSTED_PROXIES); a client's own
  X-Forwarded-For is never read, so it cannot pick a fresh address per guess.
- After AXES_FAILURE_LIMIT failures that pair waits BASE seconds, and every further failure while it waits
  doubles the wait, up to LONGEST: guessing slows to a crawl, the owner's one typo costs nothing.
"""

from datetime import timedelta

from django.conf import settings

BASE = 30.0
LONGEST = 15 * 60.0


def cool_off(request=None) -> timedelta:
    failures = 0
    if request is not None:
        from axes.models import AccessAttempt

        username = request.POST.get("username", "") if hasattr(request, "POST") else ""
        failures = (
            AccessAttempt.objects.filter(username=username, ip_address=request.META.get("REMOTE_ADDR"))
            .values_list("failures_since_start", flat=True)
            .first()
            or 0
        )
    beyond = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return timedelta(seconds=min(BASE * 2**beyond, LONGEST))
