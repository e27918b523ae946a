# ruff: noqa: E501 (sentence banks read better unwrapped)
"""Template stories: daily reports that repeat the same sentences with new numbers and days.

These are the hard negatives that sink naive similarity: two days' market close share almost
every word shingle except the figures, yet they are different stories and must not be merged.
Each family (market close, weather, results) is one recurring report; an instance is one day.
"""

from __future__ import annotations

import random

from pools import COMPANY, FIRST, PLACE_HEAD, PLACE_TAIL, SURNAME, TEAM_TAIL, WEEKDAY, grouped

FAMILIES = ("market_close", "weather_daily", "league_results")

TEXT: dict[str, dict[str, dict[str, object]]] = {
    "en": {
        "market_close": {
            "headline": "Sampark 30 {dir_word} {pts} points, Nivesh 50 ends at {level2}",
            "paragraphs": [
                "The benchmark Sampark 30 index {dir} {pts} points, or {pct} per cent, to close "
                "at {level} on {weekday}, while the broader Nivesh 50 ended at {level2}.",
                "{gainer} was the top gainer on the index, rising {g_pct} per cent, while {loser} "
                "was the biggest loser, falling {l_pct} per cent.",
                "Market breadth was {breadth}, with {adv} shares advancing and {dec} declining on "
                "the exchange.",
                "Foreign institutional investors were net {fii_dir} of shares worth Rs {fii} crore "
                "on the previous day, according to provisional exchange data.",
                "The rupee settled at {rupee} against the US dollar, and Brent crude traded at "
                "{brent} dollars a barrel.",
                "Among sectoral indices, metal, banking and information technology stocks were the most actively traded, while pharmaceutical and consumer goods shares saw selective buying, dealers said.",
                "Traders said investors would watch global cues, crude oil prices and the movement of foreign funds for direction in the coming sessions, and advised retail investors to stay with quality stocks.",
            ],
        },
        "weather_daily": {
            "headline": "{city} weather: maximum {tmax}°C, {sky} skies likely on {next_weekday}",
            "paragraphs": [
                "{city} recorded a maximum temperature of {tmax} degrees Celsius on {weekday}, "
                "{dev} degrees {above} normal, and a minimum of {tmin} degrees, the regional "
                "meteorological centre said.",
                "Relative humidity ranged between {hmin} and {hmax} per cent during the day.",
                "The centre has forecast {sky} skies for {next_weekday}, with a chance of {rain} in "
                "parts of the district.",
                "The air quality index stood at {aqi} at 4 pm, in the {aqi_cat} category.",
                "Sunrise on {next_weekday} will be at {sunrise} am and sunset at {sunset} pm.",
                "The centre has advised people to drink plenty of water, avoid stepping out in the afternoon without covering their heads, and follow official bulletins for updates.",
                "Weather conditions are expected to remain largely the same over the next few days, the centre said in its daily bulletin issued in the evening.",
            ],
        },
        "league_results": {
            "headline": "{team} beat {team2} {s1}-{s2}; {team3} and {team4} draw",
            "paragraphs": [
                "{team} beat {team2} {s1}-{s2} in the district football league at the {city} "
                "stadium on {weekday}, with {scorer} scoring twice.",
                "In the other match of the day, {team3} and {team4} played out a {d}-{d} draw.",
                "{team} now have {pts} points from {played} matches, {gap} points ahead of {team3}.",
                "The next round will be played on {next_weekday}, with {team2} facing {team4}.",
                "The league, in which teams from across the district are taking part this season, is being played on a round-robin basis, and the top four teams will qualify for the knockout stage.",
                "Entry to the stadium is free for students on production of their identity cards, the organisers said.",
            ],
        },
    },
    "hi": {
        "market_close": {
            "headline": "संपर्क 30 में {pts} अंकों की {dir_word}, निवेश 50 {level2} पर बंद",
            "paragraphs": [
                "बेंचमार्क संपर्क 30 सूचकांक {weekday} को {pts} अंक यानी {pct} प्रतिशत {dir} {level} "
                "पर बंद हुआ, जबकि व्यापक निवेश 50 {level2} पर रहा।",
                "सूचकांक में {gainer} का शेयर {g_pct} प्रतिशत चढ़कर सबसे आगे रहा, जबकि {loser} "
                "का शेयर {l_pct} प्रतिशत गिरकर सबसे ज़्यादा नुक़सान में रहा।",
                "बाज़ार का रुख़ {breadth} रहा, एक्सचेंज पर {adv} शेयर चढ़े और {dec} शेयर गिरे।",
                "अस्थायी आंकड़ों के अनुसार विदेशी संस्थागत निवेशकों ने पिछले दिन {fii} करोड़ रुपये "
                "की शुद्ध {fii_dir} की।",
                "रुपया डॉलर के मुक़ाबले {rupee} पर बंद हुआ और ब्रेंट कच्चा तेल {brent} डॉलर प्रति बैरल पर रहा।",
                "कारोबारियों के अनुसार क्षेत्रवार सूचकांकों में धातु, बैंकिंग और सूचना प्रौद्योगिकी शेयरों में सबसे ज़्यादा कारोबार हुआ, जबकि फ़ार्मा और उपभोक्ता वस्तु शेयरों में चुनिंदा ख़रीदारी देखी गई।",
                "कारोबारियों ने कहा कि आने वाले सत्रों में निवेशक वैश्विक संकेतों, कच्चे तेल की क़ीमतों और विदेशी पूंजी के प्रवाह पर नज़र रखेंगे, और खुदरा निवेशकों को अच्छी कंपनियों के शेयरों में बने रहने की सलाह दी।",
            ],
        },
        "weather_daily": {
            "headline": "{city} का मौसम: अधिकतम पारा {tmax} डिग्री, {next_weekday} को {sky}",
            "paragraphs": [
                "क्षेत्रीय मौसम केंद्र के अनुसार {city} में {weekday} को अधिकतम तापमान {tmax} "
                "डिग्री सेल्सियस दर्ज किया गया, जो सामान्य से {dev} डिग्री {above} है, और न्यूनतम "
                "तापमान {tmin} डिग्री रहा।",
                "दिन में सापेक्ष आर्द्रता {hmin} से {hmax} प्रतिशत के बीच रही।",
                "केंद्र ने {next_weekday} को {sky} रहने और ज़िले के कुछ हिस्सों में {rain} का अनुमान जताया है।",
                "शाम 4 बजे वायु गुणवत्ता सूचकांक {aqi} रहा, जो {aqi_cat} श्रेणी में आता है।",
                "{next_weekday} को सूर्योदय सुबह {sunrise} बजे और सूर्यास्त शाम {sunset} बजे होगा।",
                "केंद्र ने लोगों को भरपूर पानी पीने, दोपहर में सिर ढके बिना बाहर न निकलने और ताज़ा जानकारी के लिए आधिकारिक बुलेटिन देखते रहने की सलाह दी है।",
                "केंद्र ने शाम को जारी अपने दैनिक बुलेटिन में कहा कि अगले कुछ दिनों तक मौसम लगभग ऐसा ही बना रहने की संभावना है।",
            ],
        },
        "league_results": {
            "headline": "{team} ने {team2} को {s1}-{s2} से हराया, {team3} और {team4} का मैच ड्रॉ",
            "paragraphs": [
                "{team} ने {weekday} को {city} स्टेडियम में ज़िला फ़ुटबॉल लीग में {team2} को "
                "{s1}-{s2} से हराया, जिसमें {scorer} ने दो गोल किए।",
                "दिन के दूसरे मैच में {team3} और {team4} का मुक़ाबला {d}-{d} से बराबरी पर छूटा।",
                "{team} के अब {played} मैचों में {pts} अंक हैं और वह {team3} से {gap} अंक आगे है।",
                "अगले दौर के मैच {next_weekday} को खेले जाएंगे, जिसमें {team2} का सामना {team4} से होगा।",
                "इस सत्र में ज़िले भर की टीमें लीग में हिस्सा ले रही हैं, मैच राउंड-रॉबिन आधार पर खेले जा रहे हैं और शीर्ष चार टीमें नॉकआउट दौर में पहुंचेंगी।",
                "आयोजकों ने बताया कि पहचान पत्र दिखाने पर विद्यार्थियों के लिए स्टेडियम में प्रवेश निःशुल्क है।",
            ],
        },
    },
}

WORDS = {
    "en": {
        "up": ("rose", "gains"), "down": ("fell", "loses"), "breadth": ("positive", "negative"),
        "fii": ("buyers", "sellers"), "above": ("above", "below"),
        "sky": ["clear", "partly cloudy", "overcast", "hazy"],
        "rain": ["light rain", "thundershowers", "drizzle", "a dust storm"],
        "aqi": ["satisfactory", "moderate", "poor"],
    },
    "hi": {
        "up": ("चढ़कर", "बढ़त"), "down": ("गिरकर", "गिरावट"), "breadth": ("सकारात्मक", "नकारात्मक"),
        "fii": ("ख़रीदारी", "बिकवाली"), "above": ("अधिक", "कम"),
        "sky": ["आसमान साफ़", "आंशिक बादल", "घने बादल", "धुंध"],
        "rain": ["हल्की बारिश", "गरज के साथ बौछारें", "बूंदाबांदी", "धूल भरी आंधी"],
        "aqi": ["संतोषजनक", "मध्यम", "ख़राब"],
    },
}  # fmt: skip


def family_fixture(lang: str, rng: random.Random) -> dict[str, object]:
    """What stays fixed across a family's days: the city and the league's teams."""
    heads = rng.sample(PLACE_HEAD[lang], 7)
    city = heads[0] + rng.choice(PLACE_TAIL[lang])
    teams = [f"{h}{PLACE_TAIL[lang][2]} {rng.choice(TEAM_TAIL[lang])}" for h in heads[1:]]
    return {"city": city, "teams": teams}


def instance_slots(
    lang: str, day_index: int, rng: random.Random, fixture: dict[str, object]
) -> dict[str, str]:
    """One day's figures; the weekday follows the day index so consecutive days read right."""
    w = WORDS[lang]
    up = rng.random() < 0.5
    teams: list[str] = list(fixture["teams"])  # type: ignore[call-overload]
    rng.shuffle(teams)
    weekdays = WEEKDAY[lang]
    return {
        "weekday": weekdays[day_index % 7],
        "next_weekday": weekdays[(day_index + 1) % 7],
        "dir": w["up"][0] if up else w["down"][0],
        "dir_word": w["up"][1] if up else w["down"][1],
        "pts": f"{rng.randint(40, 980)}.{rng.randint(10, 99)}",
        "pct": f"{rng.randint(0, 2)}.{rng.randint(10, 99)}",
        "level": grouped(rng.randint(60000, 79000)) + f".{rng.randint(10, 99)}",
        "level2": grouped(rng.randint(18000, 24000)) + f".{rng.randint(10, 99)}",
        "gainer": rng.choice(COMPANY[lang]),
        "loser": rng.choice(COMPANY[lang]),
        "g_pct": f"{rng.randint(1, 6)}.{rng.randint(10, 99)}",
        "l_pct": f"{rng.randint(1, 6)}.{rng.randint(10, 99)}",
        "breadth": w["breadth"][0] if up else w["breadth"][1],
        "adv": grouped(rng.randint(900, 2600)),
        "dec": grouped(rng.randint(900, 2600)),
        "fii_dir": w["fii"][rng.randint(0, 1)],
        "fii": grouped(rng.randint(120, 6800)),
        "rupee": f"{rng.randint(81, 84)}.{rng.randint(10, 99)}",
        "brent": f"{rng.randint(72, 91)}.{rng.randint(10, 99)}",
        "city": str(fixture["city"]),
        "tmax": str(rng.randint(24, 46)),
        "tmin": str(rng.randint(9, 29)),
        "dev": str(rng.randint(1, 6)),
        "above": w["above"][rng.randint(0, 1)],
        "hmin": str(rng.randint(18, 45)),
        "hmax": str(rng.randint(55, 95)),
        "sky": rng.choice(w["sky"]),
        "rain": rng.choice(w["rain"]),
        "aqi": str(rng.randint(45, 320)),
        "aqi_cat": rng.choice(w["aqi"]),
        "sunrise": f"{rng.randint(5, 6)}:{rng.randint(10, 59)}",
        "sunset": f"{rng.randint(6, 7)}:{rng.randint(10, 59)}",
        "team": teams[0],
        "team2": teams[1],
        "team3": teams[2],
        "team4": teams[3],
        "s1": str(rng.randint(2, 5)),
        "s2": str(rng.randint(0, 1)),
        "d": str(rng.randint(0, 3)),
        "scorer": f"{rng.choice(FIRST[lang])} {rng.choice(SURNAME[lang])}",
        "pts_table": str(rng.randint(10, 40)),
        "played": str(rng.randint(5, 18)),
        "gap": str(rng.randint(1, 9)),
    }


def render(lang: str, family: str, slots: dict[str, str]) -> tuple[str, list[str]]:
    """The day's headline and paragraphs."""
    t = TEXT[lang][family]
    slots = {**slots, "pts": slots["pts"] if family == "market_close" else slots["pts_table"]}
    headline = str(t["headline"]).format(**slots)
    paragraphs = [p.format(**slots) for p in t["paragraphs"]]  # type: ignore[union-attr]
    return headline, paragraphs
