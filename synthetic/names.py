"""Name pools for the synthetic county: Faker's locale lists, plus short lists of common names
for backgrounds Faker has no romanised list for. No name here belongs to a real person.

The pools are read once from Faker's providers and picked from with the generator's own
seeded `random.Random`, which is deterministic and much faster than calling Faker per person.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass
from functools import cache
from itertools import accumulate


def _provider(locale: str):
    return importlib.import_module(f"faker.providers.person.{locale}").Provider


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    family_weights: tuple[float, ...] | None = None
    # Languages whose family names change with sex (Polish -ski/-ska, Lithuanian -as/-ienė).
    family_female: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        # Some Faker lists are weighted dicts: keep the names only.
        for name in ("male", "female", "family", "family_female"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        if self.family_weights:
            object.__setattr__(self, "_cum", tuple(accumulate(self.family_weights)))

    def given(self, rng: random.Random, sex: str) -> str:
        if sex == "M":
            return rng.choice(self.male)
        if sex == "F":
            return rng.choice(self.female)
        return rng.choice(self.male if rng.random() < 0.5 else self.female)

    def family_name(self, rng: random.Random) -> str:
        if self.family_weights:
            return rng.choices(self.family, cum_weights=self._cum)[0]  # type: ignore[attr-defined]
        return rng.choice(self.family)

    def family_for(self, family: str, sex: str) -> str:
        """The form of a family name for a person of the given sex (-ski → -ska)."""
        if sex == "F" and self.family_female and family in self.family:
            return self.family_female[self.family.index(family)]
        return family


_MUSLIM_MALE = (
    "Muhammad", "Mohammed", "Ayaan", "Zain", "Ibrahim", "Yusuf", "Hamza", "Ali", "Omar", "Bilal",
    "Zayan", "Rayyan", "Imran", "Tariq", "Faisal", "Adnan", "Arham", "Haroon", "Usman", "Idris",
)  # fmt: skip
_MUSLIM_FEMALE = (
    "Aisha", "Maryam", "Fatima", "Zara", "Hania", "Inaya", "Amina", "Hafsa", "Safiya", "Noor",
    "Aleena", "Khadija", "Sana", "Ayesha", "Iqra", "Mehreen", "Samina", "Rukhsana", "Nadia",
)  # fmt: skip
_SOUTH_ASIAN_MUSLIM_FAMILY = (
    "Khan", "Hussain", "Ahmed", "Ali", "Rahman", "Islam", "Miah", "Uddin", "Akhtar", "Iqbal",
    "Mahmood", "Butt", "Malik", "Shah", "Chowdhury", "Begum", "Hossain", "Rashid", "Aziz",
)  # fmt: skip
_POLISH_MALE_FAMILY = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
    "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur",
    "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król",
)  # fmt: skip
_LITHUANIAN_MALE = (
    "Jonas", "Lukas", "Matas", "Dovydas", "Tomas", "Mantas", "Darius", "Andrius", "Rokas",
)  # fmt: skip
_LITHUANIAN_FEMALE = (
    "Austėja", "Emilija", "Gabija", "Ugnė", "Rūta", "Jurgita", "Kristina", "Laura", "Greta",
)  # fmt: skip
_LITHUANIAN_MALE_FAMILY = (
    "Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas", "Žukauskas",
    "Butkus", "Paulauskas", "Urbonas", "Kavaliauskas",
)  # fmt: skip
_LITHUANIAN_FEMALE_FAMILY = (
    "Kazlauskienė", "Jankauskienė", "Petrauskienė", "Stankevičienė", "Vasiliauskienė",
    "Žukauskienė", "Butkienė", "Paulauskienė", "Urbonienė", "Kavaliauskienė",
)  # fmt: skip
_SOMALI_MALE = ("Abdi", "Abdirahman", "Mohamed", "Hassan", "Ahmed", "Yusuf", "Liban", "Farah")
_SOMALI_FEMALE = ("Hodan", "Fadumo", "Amina", "Hawa", "Ayan", "Sahra", "Ikran", "Nasra")
_SOMALI_FAMILY = ("Farah", "Hassan", "Warsame", "Abdi", "Jama", "Osman", "Ismail", "Aden")
_ARABIC_MALE = ("Ahmad", "Mustafa", "Khalid", "Karim", "Samir", "Youssef", "Hassan", "Rami")
_ARABIC_FEMALE = ("Layla", "Rania", "Yasmin", "Huda", "Salma", "Dalia", "Reem", "Nour")
_ARABIC_FAMILY = ("Haddad", "Saleh", "Mansour", "Khalil", "Nasser", "Hamdan", "Darwish", "Aziz")
_AFGHAN_MALE = ("Ahmad", "Mohammad", "Rahim", "Sayed", "Jawad", "Farid", "Hamid", "Naveed")
_AFGHAN_FAMILY = ("Ahmadi", "Rahimi", "Hashimi", "Karimi", "Sultani", "Noori", "Habibi", "Safi")
_ERITREAN_MALE = ("Yonas", "Filmon", "Dawit", "Semere", "Tesfay", "Merhawi", "Biniam", "Robel")
_ERITREAN_FAMILY = ("Tesfay", "Kidane", "Haile", "Gebremedhin", "Berhane", "Tekle", "Woldu")
_KURDISH_MALE = ("Aram", "Karwan", "Rebwar", "Dilshad", "Hawre", "Shvan", "Baran", "Zana")
_KURDISH_FAMILY = ("Ahmed", "Rasul", "Kareem", "Omer", "Salih", "Aziz", "Hama", "Qadir")
_ALBANIAN_MALE = ("Arben", "Endri", "Ardit", "Klevis", "Erion", "Besnik", "Kristi", "Dritan")
_ALBANIAN_FAMILY = ("Hoxha", "Shehu", "Gashi", "Krasniqi", "Berisha", "Leka", "Dervishi")
_VIETNAMESE_MALE = ("Minh", "Duc", "Tuan", "Huy", "Quang", "Long", "Thanh", "Hieu")
_VIETNAMESE_FAMILY = ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui")

# Children born since about 2008 in England: Faker's en_GB list is an older generation's names.
_MODERN_MALE = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Jacob",
    "Freddie", "Alfie", "Theo", "Archie", "Henry", "Teddy", "Finley", "Tommy", "Reggie", "Albie",
    "Louie", "Riley", "Ethan", "Mason", "Logan", "Lucas", "Harrison", "Ollie", "Max", "Toby",
    "Jaxon", "Kai", "Tyler", "Dylan", "Reuben", "Frankie", "Ronnie", "Stanley", "Rory", "Elijah",
)  # fmt: skip
_MODERN_FEMALE = (
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow",
    "Rosie", "Sophia", "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella",
    "Evie", "Phoebe", "Harper", "Millie", "Ruby", "Matilda", "Maisie", "Esme", "Lola", "Chloe",
    "Zoe", "Megan", "Holly", "Abigail", "Eleanor", "Niamh", "Imogen", "Erin", "Scarlett", "Leah",
)  # fmt: skip


@cache
def pools() -> dict[str, NamePool]:
    gb, ie, ro, india = (_provider(x) for x in ("en_GB", "en_IE", "ro_RO", "en_IN"))
    ng, ke, pt, zh, pl = (_provider(x) for x in ("en_NG", "en_KE", "pt_PT", "zh_CN", "pl_PL"))
    english_family = tuple(gb.last_names)
    english_weights = tuple(float(w) for w in gb.last_names.values())
    polish_female_family = tuple(
        n[:-1] + "a" if n.endswith(("ski", "cki", "dzki")) else n for n in _POLISH_MALE_FAMILY
    )
    return {
        "english": NamePool(gb.first_names_male, gb.first_names_female, english_family,
                            english_weights),
        "english_modern": NamePool(
            _MODERN_MALE + tuple(gb.first_names_male[:40]),
            _MODERN_FEMALE + tuple(gb.first_names_female[:40]),
            english_family,
            english_weights,
        ),
        "irish": NamePool(ie.first_names_male, ie.first_names_female, tuple(ie.last_names)),
        "polish": NamePool(pl.first_names_male, pl.first_names_female, _POLISH_MALE_FAMILY,
                           family_female=polish_female_family),
        "romanian": NamePool(ro.first_names_male, ro.first_names_female, tuple(ro.last_names)),
        "lithuanian": NamePool(_LITHUANIAN_MALE, _LITHUANIAN_FEMALE, _LITHUANIAN_MALE_FAMILY,
                               family_female=_LITHUANIAN_FEMALE_FAMILY),
        "portuguese": NamePool(pt.first_names_male, pt.first_names_female, tuple(pt.last_names)),
        "indian": NamePool(india.first_names_male, india.first_names_female,
                           tuple(india.last_names)),
        "south_asian_muslim": NamePool(_MUSLIM_MALE, _MUSLIM_FEMALE, _SOUTH_ASIAN_MUSLIM_FAMILY),
        "nigerian": NamePool(ng.first_names_male, ng.first_names_female, tuple(ng.last_names)),
        "east_african": NamePool(ke.first_names_male, ke.first_names_female,
                                 tuple(ke.last_names)),
        "somali": NamePool(_SOMALI_MALE, _SOMALI_FEMALE, _SOMALI_FAMILY),
        "arabic": NamePool(_ARABIC_MALE, _ARABIC_FEMALE, _ARABIC_FAMILY),
        "chinese": NamePool(tuple(zh.first_romanized_names), tuple(zh.first_romanized_names),
                            tuple(zh.last_romanized_names)),
        "afghan": NamePool(_AFGHAN_MALE, _MUSLIM_FEMALE, _AFGHAN_FAMILY),
        "eritrean": NamePool(_ERITREAN_MALE, ("Selam", "Helen", "Senait", "Luwam"),
                             _ERITREAN_FAMILY),
        "kurdish": NamePool(_KURDISH_MALE, ("Shilan", "Rozhin", "Nazdar", "Avin"),
                            _KURDISH_FAMILY),
        "albanian": NamePool(_ALBANIAN_MALE, ("Elira", "Arta", "Besa", "Drita"),
                             _ALBANIAN_FAMILY),
        "vietnamese": NamePool(_VIETNAMESE_MALE, ("Linh", "Mai", "Thao", "Trang"),
                               _VIETNAMESE_FAMILY),
    }  # fmt: skip


# Short forms a record may carry instead of the given name (duplicates and preferred names).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Will", "Bill", "Billy"), "Elizabeth": ("Beth", "Liz", "Lizzie"),
    "Thomas": ("Tom", "Tommy"), "Robert": ("Rob", "Bob", "Bobby"), "James": ("Jim", "Jamie"),
    "Katherine": ("Kate", "Katie"), "Catherine": ("Cath", "Kate"), "Alexander": ("Alex",),
    "Samuel": ("Sam", "Sammy"), "Daniel": ("Dan", "Danny"), "Joshua": ("Josh",),
    "Jessica": ("Jess",), "Rebecca": ("Becky", "Becca"), "Christopher": ("Chris",),
    "Matthew": ("Matt",), "Michael": ("Mike", "Mikey"), "Jennifer": ("Jenny", "Jen"),
    "Margaret": ("Maggie", "Peggy"), "Benjamin": ("Ben",), "Nicholas": ("Nick", "Nicky"),
    "Anthony": ("Tony", "Ant"), "Jonathan": ("Jon", "Jonny"), "Charlotte": ("Lottie", "Charlie"),
    "Oliver": ("Ollie",), "Edward": ("Ed", "Ted", "Eddie"), "Victoria": ("Vicky", "Tori"),
    "Samantha": ("Sam",), "Alexandra": ("Alex", "Lexi"), "Abigail": ("Abbie", "Abi"),
    "Eleanor": ("Ellie",), "Isabella": ("Bella", "Izzy"), "Frederick": ("Freddie", "Fred"),
    "Archibald": ("Archie",), "Theodore": ("Theo", "Teddy"), "Florence": ("Flo",),
    "Harrison": ("Harry",), "Henry": ("Harry",), "Jacob": ("Jake",), "Joseph": ("Joe",),
    "Lucas": ("Luke",), "Maisie": ("Maisy",), "Megan": ("Meg",), "Nathan": ("Nate",),
    "Patrick": ("Paddy", "Pat"), "Richard": ("Rich", "Dick"), "Stephen": ("Steve",),
    "Steven": ("Steve",), "Susan": ("Sue", "Susie"), "Deborah": ("Debbie", "Debs"),
    "Andrew": ("Andy", "Drew"), "Timothy": ("Tim",), "Zachary": ("Zac",), "Amelia": ("Millie",),
    "Olivia": ("Liv", "Livvy"), "Sophia": ("Sophie",), "Gabriella": ("Gabby",),
    "Mohammed": ("Mo",), "Muhammad": ("Mo",), "Ibrahim": ("Ibby",), "Aleksandra": ("Ola",),
    "Jakub": ("Kuba",), "Małgorzata": ("Gosia",), "Katarzyna": ("Kasia",),
}  # fmt: skip
