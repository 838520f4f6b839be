"""Line-ups pasted as the "Tabellino" of a match report (Italian press format; English labels work too).

    Milan (4-2-3-1): Maignan; Florenzi (57′ Calabria), Thiaw, …; Giroud. Allenatore: Pioli
    Marcatori: 3′ Leao e 42′ rig. Koopmeiners
    Arbitro: Orsato
    Ammoniti: De Roon, Holm, Leao, Lookman ed Ederson

`parse.parse_tabellino` is pure (text in, dataclasses out, no database): names stay as written.
`resolve.tabellino_resolve` then matches those names against the match's squads with one query, accent- and
case-insensitively, and lists every name it cannot match, or could match to several players, instead of
guessing.
"""
