"""The fictional county's geography: districts, towns, streets and postcodes.

Postcodes use the area 'FN' (no real UK postcode area has those letters) inside the county and
'FX' for addresses elsewhere; each is well formed and passes the people app's validator.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kinfold.people.validators import normalise_postcode

from .names import pools

COUNTY_AREA = "FN"
ELSEWHERE_AREA = "FX"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# district: (share of the population, [(town, number of postcode districts)])
DISTRICTS: dict[str, tuple[float, list[tuple[str, int]]]] = {
    "Fenchester": (0.28, [("Fenchester", 6), ("Coldham", 1)]),
    "North Fens": (0.17, [("Marshby", 2), ("Wisbury", 1), ("Thornley Drove", 1)]),
    "Eastmere": (0.17, [("Eastmere", 2), ("Kettleby", 1), ("Reachfield", 1)]),
    "Huntsford": (0.20, [("Huntsford", 2), ("Godwick", 1), ("Brampley", 1)]),
    "Saxonbridge": (0.18, [("Saxonbridge", 2), ("Wendley", 1), ("Abbotsleigh", 1)]),
}
ELSEWHERE_TOWNS = ("Northmoor", "Kingsmead", "Lowbridge", "Ashcombe", "Redwater", "Stanbury")

STREET_SUFFIXES = (
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Way",
    "Drive",
    "Crescent",
    "Gardens",
    "Court",
    "Grove",
    "Place",
    "Walk",
    "Mews",
    "Row",
    "Terrace",
    "Rise",
    "View",
)
HOUSES_PER_POSTCODE = 30


@dataclass
class Street:
    name: str
    town: str
    district: str
    postcode_stem: str  # 'FN3 4' — the unit letters are added by house-number band
    units: list[str]
    houses: int


@dataclass
class Geography:
    streets_by_district: dict[str, list[Street]] = field(default_factory=dict)
    elsewhere: list[Street] = field(default_factory=list)
    district_names: list[str] = field(default_factory=list)
    district_weights: list[float] = field(default_factory=list)
    schools: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)

    def pick_district(self, rng: random.Random) -> str:
        return rng.choices(self.district_names, self.district_weights)[0]

    def address(
        self, rng: random.Random, district: str | None = None, *, flat: bool = False
    ) -> tuple[str, str, str, str]:
        """(line_1, line_2, town, postcode) of a home in a district (or elsewhere if '')."""
        streets = self.elsewhere if district == "" else self.streets_by_district[district or ""]
        street = rng.choice(streets)
        number = rng.randint(1, street.houses)
        postcode = normalise_postcode(
            street.postcode_stem + street.units[(number - 1) // HOUSES_PER_POSTCODE]
        )
        if flat or rng.random() < 0.12:
            return f"Flat {rng.randint(1, 24)}", f"{number} {street.name}", street.town, postcode
        return f"{number} {street.name}", "", street.town, postcode

    def school(self, rng: random.Random, district: str, *, secondary: bool) -> int:
        primary, second = self.schools[district]
        return rng.choice(second if secondary else primary)


def _units(rng: random.Random, count: int, used: set[str], stem: str) -> list[str]:
    units: list[str] = []
    while len(units) < count:
        unit = rng.choice(INWARD_LETTERS) + rng.choice(INWARD_LETTERS)
        if stem + unit not in used:
            used.add(stem + unit)
            units.append(unit)
    return units


def build_geography(rng: random.Random, households: int) -> Geography:
    """Streets enough for the households (about a third of each street occupied by families
    known to children's services), with postcodes unique per street and house-number band."""
    pool = pools()["english"]
    geo = Geography()
    used: set[str] = set()
    postcode_district = 0
    primary_no, secondary_no = 2000, 4000
    for district, (share, towns) in DISTRICTS.items():
        geo.district_names.append(district)
        geo.district_weights.append(share)
        streets: list[Street] = []
        district_postcodes = sum(n for _, n in towns)
        needed = max(8, round(households * share * 3 / 60 / district_postcodes))
        for town, n_postcodes in towns:
            names_used: set[str] = set()
            for _ in range(n_postcodes):
                postcode_district += 1
                for _ in range(needed):
                    while True:
                        base = (
                            pool.family_name(rng) if rng.random() < 0.7 else rng.choice(pool.male)
                        )
                        name = f"{base} {rng.choice(STREET_SUFFIXES)}"
                        if name not in names_used:
                            names_used.add(name)
                            break
                    houses = rng.choice((12, 24, 40, 60, 90, 120))
                    stem = f"{COUNTY_AREA}{postcode_district} {rng.randint(1, 9)}"
                    units = _units(rng, -(-houses // HOUSES_PER_POSTCODE), used, stem)
                    streets.append(Street(name, town, district, stem, units, houses))
        geo.streets_by_district[district] = streets
        n_primary = max(3, round(households * share / 900))
        n_secondary = max(1, n_primary // 6)
        geo.schools[district] = (
            list(range(primary_no + 1, primary_no + 1 + n_primary)),
            list(range(secondary_no + 1, secondary_no + 1 + n_secondary)),
        )
        primary_no += n_primary
        secondary_no += n_secondary
    for i, town in enumerate(ELSEWHERE_TOWNS, start=1):
        for _ in range(10):
            name = f"{pool.family_name(rng)} {rng.choice(STREET_SUFFIXES)}"
            stem = f"{ELSEWHERE_AREA}{i} {rng.randint(1, 9)}"
            geo.elsewhere.append(Street(name, town, "", stem, _units(rng, 2, used, stem), 60))
    return geo
