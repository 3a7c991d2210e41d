"""Syntetiske udlånsdata til kurset «Data om udlån med Python».

Alle tal er opdigtede. De er lavet af funktionen `lav_udlaansdata` herunder med et fast
frø (seed), så de bliver præcis de samme, hver gang og på hver maskine. Filialerne hører til
det fiktive Eksempel Bibliotek i Eksempel Kommune.

Tabellen har én række pr. dag, filial, materialetype og lånergruppe i 2024
(366 dage × 4 filialer × 4 materialetyper × 2 lånergrupper = 11.712 rækker) med kolonnerne

- ``dato``: dagen (datetime),
- ``filial``: Hovedbiblioteket, Nordby, Søndervang eller Havnebyen,
- ``materialetype``: bog, lydbog, e-bog eller film (lydbøger og e-bøger er lånt på eReolen og
  talt med under den filial, låneren hører til),
- ``lånergruppe``: børn eller voksne,
- ``antal``: hvor mange udlån der var (et heltal).

Der er ingen personoplysninger: kun optællinger, ingen lånernumre, CPR-numre eller titler.

Kursets notesbøger bygger tabellen med en kopi af funktionen i en celle, fordi kun
notesbøgerne (og billeder) når frem til deltagerne, ikke andre filer i kursusmappen. Ret derfor
funktionen i alle notesbøger, hvis du ændrer den her (testen
``tests/test_grading/test_udlaan_course.py`` sammenligner dem).

Kør scriptet for at gemme data som CSV, fx til et regneark::

    python lav_data.py udlaan.csv
"""

from __future__ import annotations

import sys

import pandas as pd


def lav_udlaansdata():
    """Syntetiske udlån pr. dag i 2024 for Eksempel Biblioteks fire filialer."""
    import datetime as dt
    import random

    tilfaeldig = random.Random(2024)  # fast frø: de samme tal hver gang
    filialer = {"Hovedbiblioteket": 1.0, "Nordby": 0.6, "Søndervang": 0.45, "Havnebyen": 0.3}
    grundtal = {  # udlån en almindelig hverdag på Hovedbiblioteket
        ("bog", "børn"): 70, ("bog", "voksne"): 95,
        ("lydbog", "børn"): 9, ("lydbog", "voksne"): 30,
        ("e-bog", "børn"): 8, ("e-bog", "voksne"): 35,
        ("film", "børn"): 7, ("film", "voksne"): 6,
    }  # fmt: skip
    saeson = [1.05, 1.0, 1.0, 0.95, 0.9, 0.95, 0.8, 0.9, 1.0, 1.05, 1.1, 0.95]
    raekker = []
    dag = dt.date(2024, 1, 1)
    while dag.year == 2024:
        for filial, stoerrelse in filialer.items():
            for (materialetype, gruppe), tal in grundtal.items():
                digital = materialetype in ("lydbog", "e-bog")
                if digital:  # eReolen har åbent hele døgnet, og mest læses der i ferierne
                    faktor = 1.3 if dag.month == 7 else 1.0 + dag.month / 100
                else:  # færre udlån i weekenden, når biblioteket er selvbetjent
                    faktor = [1.0, 1.0, 1.0, 1.0, 1.0, 0.7, 0.3][dag.weekday()]
                    faktor *= saeson[dag.month - 1]
                    if gruppe == "børn" and dag.month in (6, 7):
                        faktor *= 1.3  # Sommerbogen
                forventet = tal * stoerrelse * faktor
                antal = round(forventet * tilfaeldig.uniform(0.8, 1.2))
                raekker.append([dag, filial, materialetype, gruppe, antal])
        dag += dt.timedelta(days=1)
    df = pd.DataFrame(raekker, columns=["dato", "filial", "materialetype", "lånergruppe", "antal"])
    df["dato"] = pd.to_datetime(df["dato"])
    return df


if __name__ == "__main__":
    fil = sys.argv[1] if len(sys.argv) > 1 else "udlaan.csv"
    lav_udlaansdata().to_csv(fil, index=False)
    print(f"Gemte {fil}")
