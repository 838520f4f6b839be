"""What this app tells the others, without knowing them.

`match_changed(match=…)`: a match's team sheets, kick-off time, venue or officials were written, inside the
transaction that wrote them. The commentary app listens: it numbers the change in the match's update log, so
open pages follow it live and every cached copy of the page goes stale.
"""

from django.dispatch import Signal

match_changed = Signal()
