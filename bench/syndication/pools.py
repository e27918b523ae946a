"""Invented people, places, companies, parties and teams that fill the story frames' slots.

People are first name x surname combinations, places are invented compounds, companies, parties
and teams are made up; any likeness to a real one is a coincidence. Countries and capitals are
real because the spelling variants the issue names (`कजाकिस्तान`/`कजाकस्तान`, `पेइचिंग`/`बीजिंग`)
live in them. Slots are filled once per story, so a person keeps one name through a story and
two stories differ in who, where, how many and when, not just in word order.
"""

from __future__ import annotations

import random

FIRST = {
    "en": [
        "Ravindra", "Meenakshi", "Harpreet", "Tanvir", "Sunanda", "Devesh", "Kavita", "Arjun",
        "Nazia", "Prakash", "Ishita", "Girish", "Lalita", "Farhan", "Rohini", "Balwant",
        "Shalini", "Imran", "Neelam", "Vikram", "Anjali", "Mohammed", "Sarita", "Kunal",
        "Pallavi", "Joseph", "Manpreet", "Rekha", "Siddharth", "Yamini",
    ],
    "hi": [
        "रवींद्र", "मीनाक्षी", "हरप्रीत", "तनवीर", "सुनंदा", "देवेश", "कविता", "अर्जुन",
        "नाज़िया", "प्रकाश", "इशिता", "गिरीश", "ललिता", "फ़रहान", "रोहिणी", "बलवंत",
        "शालिनी", "इमरान", "नीलम", "विक्रम", "अंजलि", "मोहम्मद", "सरिता", "कुणाल",
        "पल्लवी", "जोसेफ", "मनप्रीत", "रेखा", "सिद्धार्थ", "यामिनी",
    ],
}  # fmt: skip

SURNAME = {
    "en": [
        "Malhotra", "Deshpande", "Choudhary", "Srivastava", "Nair", "Rathore", "Qureshi",
        "Bhandari", "Kulkarni", "Menon", "Saxena", "Thakur", "Banerjee", "Gill", "Pandey",
        "Fernandes", "Rawat", "Joshi", "Ansari", "Iyer", "Sodhi", "Tripathi", "Barua", "Mishra",
    ],
    "hi": [
        "मल्होत्रा", "देशपांडे", "चौधरी", "श्रीवास्तव", "नायर", "राठौड़", "क़ुरैशी",
        "भंडारी", "कुलकर्णी", "मेनन", "सक्सेना", "ठाकुर", "बनर्जी", "गिल", "पांडेय",
        "फर्नांडिस", "रावत", "जोशी", "अंसारी", "अय्यर", "सोढ़ी", "त्रिपाठी", "बरुआ", "मिश्र",
    ],
}  # fmt: skip

PLACE_HEAD = {
    "en": ["Kesar", "Amla", "Nilo", "Sonbhadra", "Chandan", "Belwa", "Hira", "Moti", "Kusum",
           "Tarag", "Jamun", "Pipal", "Rohtal", "Saguna"],
    "hi": ["केसर", "आंवला", "नीलो", "सोनभद्र", "चंदन", "बेलवा", "हीरा", "मोती", "कुसुम",
           "तारग", "जामुन", "पीपल", "रोहताल", "सगुना"],
}  # fmt: skip
PLACE_TAIL = {
    "en": ["pur", "garh", "nagar", "ganj", "wadi", "abad"],
    "hi": ["पुर", "गढ़", "नगर", "गंज", "वाड़ी", "आबाद"],
}

COMPANY = {
    "en": ["Sarvodaya Steel", "Nilgiri Agro Foods", "Trikon Infra", "Meghdoot Logistics",
           "Aranya Pharma", "Sahyadri Power", "Kaveri Textiles", "Pragati Motors",
           "Jalnidhi Water Systems", "Udaan Aerotech", "Suryoday Cement", "Navtara Digital"],
    "hi": ["सर्वोदय स्टील", "नीलगिरि एग्रो फूड्स", "त्रिकोण इन्फ्रा", "मेघदूत लॉजिस्टिक्स",
           "अरण्य फार्मा", "सह्याद्रि पावर", "कावेरी टेक्सटाइल्स", "प्रगति मोटर्स",
           "जलनिधि वॉटर सिस्टम्स", "उड़ान एयरोटेक", "सूर्योदय सीमेंट", "नवतारा डिजिटल"],
}  # fmt: skip

PARTY = {
    "en": ["Lok Vikas Party", "Jan Samta Morcha", "Rashtriya Nav Nirman Dal",
           "Pragatisheel Kisan Sangh", "Samyukt Jan Manch"],
    "hi": ["लोक विकास पार्टी", "जन समता मोर्चा", "राष्ट्रीय नव निर्माण दल",
           "प्रगतिशील किसान संघ", "संयुक्त जन मंच"],
}  # fmt: skip

TEAM_TAIL = {
    "en": ["Kings", "Strikers", "Titans", "Riders", "Warriors"],
    "hi": ["किंग्स", "स्ट्राइकर्स", "टाइटंस", "राइडर्स", "वॉरियर्स"],
}

# (country, capital); spelling-variant targets are in the Hindi names.
COUNTRY = {
    "en": [("Kazakhstan", "Astana"), ("China", "Beijing"), ("Uzbekistan", "Tashkent"),
           ("Mongolia", "Ulaanbaatar"), ("Vietnam", "Hanoi"), ("Kenya", "Nairobi"),
           ("Peru", "Lima"), ("Norway", "Oslo"), ("Chile", "Santiago")],
    "hi": [("कजाकिस्तान", "अस्ताना"), ("चीन", "पेइचिंग"), ("उज़्बेकिस्तान", "ताशकंद"),
           ("मंगोलिया", "उलानबटोर"), ("वियतनाम", "हनोई"), ("केन्या", "नैरोबी"),
           ("पेरू", "लीमा"), ("नॉर्वे", "ओस्लो"), ("चिली", "सैंटियागो")],
}  # fmt: skip

WEEKDAY = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "hi": ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"],
}
MONTH = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "hi": ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर",
           "अक्टूबर", "नवंबर", "दिसंबर"],
}  # fmt: skip

# Slots that name who and where: a same-event pair shares these and redraws the rest.
ENTITY_SLOTS = (
    "person",
    "person2",
    "person3",
    "place",
    "place2",
    "company",
    "party",
    "team",
    "team2",
    "country",
    "capital",
)


def grouped(n: int) -> str:
    """Thousands separators the way both languages' agencies print them (Latin digits)."""
    return f"{n:,}"


def person(lang: str, rng: random.Random) -> str:
    return f"{rng.choice(FIRST[lang])} {rng.choice(SURNAME[lang])}"


def place(lang: str, rng: random.Random) -> str:
    return rng.choice(PLACE_HEAD[lang]) + rng.choice(PLACE_TAIL[lang])


def fill_slots(lang: str, rng: random.Random, issues: list[str]) -> dict[str, str]:
    """One story's slot values: distinct people and places, fresh numbers, a date."""
    people: list[str] = []
    while len(people) < 3:
        p = person(lang, rng)
        if p not in people:
            people.append(p)
    place1 = place(lang, rng)
    place2 = place(lang, rng)
    while place2 == place1:
        place2 = place(lang, rng)
    team_heads = rng.sample(PLACE_HEAD[lang], 2)
    tails = TEAM_TAIL[lang]
    country, capital = rng.choice(COUNTRY[lang])
    return {
        "person": people[0],
        "person2": people[1],
        "person3": people[2],
        "place": place1,
        "place2": place2,
        "company": rng.choice(COMPANY[lang]),
        "party": rng.choice(PARTY[lang]),
        "team": f"{team_heads[0]}{PLACE_TAIL[lang][0]} {rng.choice(tails)}",
        "team2": f"{team_heads[1]}{PLACE_TAIL[lang][1]} {rng.choice(tails)}",
        "country": country,
        "capital": capital,
        "n1": str(rng.randint(2, 9)),
        "n2": str(rng.randint(11, 98)),
        "n3": str(rng.randint(120, 980)),
        "big": grouped(rng.randint(1200, 98000)),
        "pct": f"{rng.randint(1, 38)}.{rng.randint(1, 9)}",
        "amount": grouped(rng.randint(12, 4800)),
        "year": str(rng.randint(2009, 2021)),
        "weekday": rng.choice(WEEKDAY[lang]),
        "month": rng.choice(MONTH[lang]),
        "day": str(rng.randint(1, 28)),
        "issue": rng.choice(issues),
    }
