"""Reusable pieces of the fan-out benchmark (bench/fanout.py is the command line over them).

- servers: start/stop one server process of a given kind (daphne, uvicorn, granian, the ceiling) on a free
  port, wait until it answers, read its CPU seconds and RSS from /proc. `Server` is what tests import.
- fans: the fan fleet, in separate client processes, with per-(fan, update) receive times, duplicates, gaps.
- editor: the editor publishing through the Django admin form, and the cross-process publisher.
- diretta: the environment, database and match a Diretta server runs on.
- stats: percentiles, the figures of one column, the table and the RESULT line.
- measure: one column's measurement: connect the fans, publish, gather the figures.
"""
