# ruff: noqa: E501 (sentence banks read better unwrapped)
"""English story frames: per topic, headline/lead templates, sentence banks and background.

Every string was written for this benchmark. `{slot}` names come from `pools.fill_slots`.
A topic holds: `issues` (what a story is about, a slot value), `headlines`, `leads` (the first
paragraph), `details` and `context` (body sentences), `quotes` (said by someone; a wrapper adds
the attribution and quote marks) and `background` (the stock paragraph a portal adds, or two
different stories share).
"""

from __future__ import annotations

TOPICS: dict[str, dict[str, list[str]]] = {
    "politics": {
        "issues": [
            "the water-sharing plan",
            "the new pension scheme",
            "the delimitation of wards",
            "the farm loan waiver",
            "the hill-area quota",
            "the municipal tax revision",
        ],
        "headlines": [
            "{party} walks out of assembly over {issue}",
            "{person} vows to press {issue} in {place}",
            "Row over {issue}: {party} stages protest in {place}",
            "{place} councillors split on {issue} as vote nears",
        ],
        "leads": [
            "Members of the {party} walked out of the state assembly on {weekday}, accusing the "
            "government of pushing {issue} through without a debate, and said they would take "
            "the matter to every block in {place} district.",
            "{person}, the {party} legislator from {place}, on {weekday} demanded that {issue} be "
            "sent to a select committee, saying {n2} villages had not been consulted.",
            "The debate over {issue} spilled on to the streets of {place} on {weekday} as "
            "{party} workers gathered outside the collectorate for {n1} days in a row.",
        ],
        "details": [
            "The opposition said the draft had been circulated only {n1} hours before the session.",
            "Speaker {person3} adjourned the house twice before lunch as members trooped into the well.",
            "According to the draft, about {big} households in {place} would be affected in the "
            "first phase.",
            "Treasury benches said the plan had been discussed in {n2} public meetings since {month}.",
            "The ruling alliance holds {n2} of the {n3} seats and is expected to pass the bill on "
            "{weekday}.",
            "Police had put up barricades on the road from {place2} to the assembly complex.",
            "Party leaders met at the residence of {person2} late in the evening to plan the next "
            "step.",
            "A memorandum signed by {big} residents was handed over to the district magistrate.",
        ],
        "quotes": [
            "We are not against reform, we are against reform done in the dark",
            "Every village in {place} will hear what this government is hiding",
            "The door for talks is open, but the house cannot be held hostage",
            "This is about {big} families who were never asked",
        ],
        "context": [
            "The last revision of the scheme, in {year}, had also drawn protests in {place2}.",
            "Elections to the local bodies are due in {month} next year.",
            "The {party} had won {n2} seats in the district in the last election.",
        ],
        "background": [
            "{place} district has been at the centre of the state's politics since {year}, when a "
            "change of boundaries merged {n2} panchayats into the town. Its {n1} assembly seats "
            "have changed hands at every election since, and both the main alliances treat it as "
            "a bellwether for the rest of the region.",
        ],
    },
    "courts": {
        "issues": [
            "the land acquisition case",
            "the teachers' recruitment case",
            "the river sand mining case",
            "the housing society fraud case",
            "the hospital negligence case",
            "the bus permit case",
        ],
        "headlines": [
            "High court grants bail to {person} in {issue}",
            "Court reserves verdict in {issue} after {n2} hearings",
            "{issue}: bench orders fresh probe, pulls up police",
            "{person} acquitted in {issue}, court cites weak evidence",
        ],
        "leads": [
            "The high court on {weekday} granted bail to {person}, the former chairman of a "
            "cooperative bank in {place}, who has been in custody for {n2} months in {issue}.",
            "A division bench on {weekday} reserved its verdict in {issue} after hearing arguments "
            "from both sides over {n2} sittings, and asked the parties to file written notes.",
            "Hearing {issue}, the court on {weekday} ordered a fresh investigation by a special "
            "team and said the {place} police had ignored {n1} key witnesses.",
        ],
        "details": [
            "The bench noted that the charge sheet ran into {n3} pages but named no eyewitness.",
            "Counsel for the state said the accused could tamper with evidence if released.",
            "The court directed {person} to surrender the passport and report to the police "
            "station every {weekday}.",
            "The prosecution has examined {n2} witnesses so far, the court was told.",
            "Senior advocate {person2} argued that the delay in trial violated the right to liberty.",
            "The matter will next be heard on {month} {day}.",
            "The bench also sought a status report from the {place} collector within {n1} weeks.",
            "About {big} investors are said to have lost money in the case.",
        ],
        "quotes": [
            "Liberty cannot be held hostage to an investigation that has no end in sight",
            "The police will have to explain why these witnesses were never questioned",
            "We will study the order and decide on an appeal",
            "Justice delayed for {n2} months is justice denied to the family",
        ],
        "context": [
            "The case was registered in {year} on a complaint by residents of {place2}.",
            "A trial court had rejected the bail plea in {month}.",
            "The state had earlier transferred the investigation to the economic offences wing.",
        ],
        "background": [
            "The case dates back to {year}, when residents of {place2} complained that records "
            "had been altered to favour a private developer. The economic offences wing took over "
            "the probe after {n2} complaints, and the case has since been heard by {n1} different "
            "benches, each adjourning it for want of documents.",
        ],
    },
    "weather": {
        "issues": [
            "the early monsoon",
            "the heatwave",
            "the cold wave",
            "the cyclonic storm",
            "the cloudburst",
            "the dense fog",
        ],
        "headlines": [
            "{issue} cuts off {n2} villages in {place}",
            "Red alert in {place} as {issue} intensifies",
            "{issue}: schools shut in {place} for {n1} days",
            "Crops hit as {issue} lashes {place} and {place2}",
        ],
        "leads": [
            "{issue} cut off {n2} villages in {place} district on {weekday} after the river rose "
            "{n1} metres above the danger mark, officials said.",
            "The weather office issued a red alert for {place} on {weekday} as {issue} "
            "intensified, warning of conditions that could last until the weekend.",
            "Schools in {place} will stay shut for {n1} days because of {issue}, the district "
            "administration said on {weekday}.",
        ],
        "details": [
            "Rescue teams moved {big} people to relief camps set up in government schools.",
            "Power supply was snapped in {n2} feeders as a precaution.",
            "The district recorded {n3} mm of rain in {n1} hours, the highest since {year}.",
            "Farmers said standing crops on about {big} hectares had been damaged.",
            "Collector {person} asked residents of low-lying areas to stay indoors.",
            "Trains on the {place}-{place2} section were delayed by up to {n1} hours.",
            "The health department has set up {n2} mobile medical units.",
            "A control room has been opened at the collectorate and will work round the clock.",
        ],
        "quotes": [
            "The next {n2} hours are crucial and we are not taking any chances",
            "Every family in the camps will get food and medicines",
            "We have never seen the water come up this fast",
            "Farmers will be compensated once the survey is complete",
        ],
        "context": [
            "The district was hit by similar conditions in {year}, when {n2} people died.",
            "The weather office expects conditions to ease after {weekday}.",
            "Neighbouring {place2} has also been put on alert.",
        ],
        "background": [
            "{place} lies in the flood plain of {n1} rivers and has seen extreme weather almost "
            "every year since {year}. A flood-warning system sanctioned at a cost of Rs {amount} "
            "crore is yet to be completed, and embankments on {n2} km of the river remain weak.",
        ],
    },
    "markets": {
        "issues": [
            "the IPO of {company}",
            "the rate decision",
            "foreign fund outflows",
            "the steel sector rally",
            "the bank stocks sell-off",
            "the rupee slide",
        ],
        "headlines": [
            "{company} shares jump {pct}% on debut",
            "Investors eye {issue} as markets turn cautious",
            "{company} slips {pct}% after weak quarter",
            "Small caps outshine as {issue} dominates trade",
        ],
        "leads": [
            "Shares of {company} jumped {pct} per cent on {weekday}, as investors cheered an "
            "order book of Rs {amount} crore announced by the company's management.",
            "Trading was cautious on {weekday} as dealers waited for clarity on {issue}, with "
            "volumes falling to their lowest in {n2} sessions.",
            "{company} fell {pct} per cent on {weekday} after its quarterly profit came in well "
            "below what analysts had expected.",
        ],
        "details": [
            "About {n3} lakh shares changed hands on the exchange, {n1} times the monthly average.",
            "Analysts at a brokerage set a target price of Rs {n3} for the stock.",
            "The company said its margins had been squeezed by higher input costs.",
            "Promoter holding in the company stands at {n2} per cent.",
            "Managing director {person} told analysts that capacity would be doubled by {month}.",
            "Mutual funds bought shares worth Rs {amount} crore during the session.",
            "Dealers said retail investors had been net sellers for {n1} straight days.",
            "The stock has risen {n2} per cent since the start of the year.",
        ],
        "quotes": [
            "The valuation leaves little room for disappointment",
            "We expect the order book to convert into revenue within {n2} months",
            "Retail investors should not chase the stock at these levels",
            "The sector is entering a long upcycle",
        ],
        "context": [
            "The company was listed in {year} and has paid a dividend every year since.",
            "The regulator had tightened disclosure norms for such deals in {month}.",
            "Foreign investors have pulled out Rs {amount} crore this month.",
        ],
        "background": [
            "{company}, founded in {place} in {year}, makes products that go into roads, "
            "railways and power plants, and draws about {n2} per cent of its revenue from "
            "government orders. Its shares have been among the most traded in the mid-cap space "
            "since a restructuring that split it into {n1} units.",
        ],
    },
    "sports": {
        "issues": [
            "the state championship",
            "the inter-zone trophy",
            "the junior nationals",
            "the league final",
            "the selection trials",
            "the invitational tournament",
        ],
        "headlines": [
            "{team} stun {team2} to reach final of {issue}",
            "{person} stars as {team} clinch {issue}",
            "{issue}: {team2} knocked out after late collapse",
            "Teenager {person} breaks meet record at {issue}",
        ],
        "leads": [
            "{team} beat {team2} by {n1} wickets on {weekday} to reach the final of {issue}, "
            "chasing down {n3} with {n1} balls to spare.",
            "A century from {person} helped {team} win {issue} on {weekday}, their first title "
            "since {year}.",
            "{person}, 17, broke the meet record in the 400 metres at {issue} in {place} on "
            "{weekday}, clocking a time that would have won silver at the last nationals.",
        ],
        "details": [
            "{person2} took {n1} wickets for {n2} runs on a pitch that offered turn from the first "
            "over.",
            "A crowd of about {big} watched the match at the {place} stadium.",
            "The captain praised the young bowlers for holding their nerve at the death.",
            "Coach {person3} said the team had trained at {place2} for {n1} weeks before the event.",
            "The winners will take home prize money of Rs {n2} lakh.",
            "Rain delayed the start by {n2} minutes but no overs were lost.",
            "Selectors for the state team were in the stands.",
            "The final will be played on {weekday} under lights.",
        ],
        "quotes": [
            "We believed we could chase it down even when we lost early wickets",
            "This title is for the groundsmen and the families who travelled with us",
            "I did not look at the clock, I just ran",
            "There is a lot of talent in {place} that needs better facilities",
        ],
        "context": [
            "{team} had lost the final in {year}.",
            "{n2} teams from across the state took part this season.",
            "The association plans to install floodlights at {n1} more grounds.",
        ],
        "background": [
            "The tournament was started in {year} by the {place} district association to give "
            "players from small towns a stage, and has since produced {n2} state players. Matches "
            "are played over {n1} weeks on grounds that the association maintains with its own "
            "funds and a grant from the sports department.",
        ],
    },
    "business": {
        "issues": [
            "a new plant",
            "the merger",
            "job cuts",
            "an export deal",
            "the debt restructuring",
            "a rural expansion plan",
        ],
        "headlines": [
            "{company} to invest Rs {amount} crore in {place} plant",
            "{company} announces {issue}, unions seek talks",
            "{company} bags Rs {amount} crore export order from {country}",
            "{company} board clears {issue}; {person} to lead",
        ],
        "leads": [
            "{company} will invest Rs {amount} crore to set up a plant in {place} that will employ "
            "about {big} people when it runs at full capacity, the company said on {weekday}.",
            "{company} on {weekday} announced {issue}, and said the move would help it cut costs "
            "by {pct} per cent over the next {n1} years.",
            "{company} has won an order worth Rs {amount} crore from a buyer in {country}, its "
            "largest export deal so far, the company said in a filing on {weekday}.",
        ],
        "details": [
            "The first phase is expected to be completed by {month} next year.",
            "The state government has offered land at a concessional rate and a power subsidy.",
            "{person}, the company's chief executive, said vendors from {place2} would be preferred.",
            "The company's revenue grew {pct} per cent last year to Rs {amount} crore.",
            "Union leader {person2} said workers had not been consulted.",
            "The company has {n2} plants across the country.",
            "The order is to be executed over {n2} months.",
            "The company will train about {n3} local youths at an institute on the campus.",
        ],
        "quotes": [
            "{place} gives us land, water and people, which is all a plant needs",
            "We will not let a single worker go without a fair settlement",
            "This order puts us in a different league in {country}",
            "The investment will pay back in under {n1} years",
        ],
        "context": [
            "The company had shelved a similar plan in {year} because of land disputes.",
            "Industrial investment in the state rose {pct} per cent last year.",
            "The sector employs about {big} people in the region.",
        ],
        "background": [
            "{company} began as a small workshop in {place} in {year} and now runs {n2} plants. "
            "It is one of the state's biggest private employers, and its expansion plans have "
            "often been caught up in disputes over land and water with villages near its sites.",
        ],
    },
    "health": {
        "issues": [
            "dengue",
            "the measles outbreak",
            "the new cancer ward",
            "the doctors' strike",
            "the free dialysis scheme",
            "the vaccination drive",
        ],
        "headlines": [
            "{issue}: {n2} new cases in {place} in a day",
            "{place} hospital opens {issue} with {n2} beds",
            "Patients suffer as {issue} enters day {n1}",
            "Health teams fan out in {place} to check {issue}",
        ],
        "leads": [
            "{place} recorded {n2} new cases of {issue} on {weekday}, taking the tally this "
            "season to {big}, health officials said.",
            "The district hospital in {place} on {weekday} opened {issue} with {n2} beds, sparing "
            "patients a journey of {n3} km to the state capital.",
            "Patients in {place} were turned away from outpatient clinics on {weekday} as {issue} "
            "entered day {n1}.",
        ],
        "details": [
            "Chief medical officer {person} said fever clinics would stay open until 8 pm.",
            "Teams have sprayed larvicide in {n3} localities over the past week.",
            "The hospital has {n2} doctors against a sanctioned strength of {n3}.",
            "Private hospitals were asked to report every case within {n1} hours.",
            "{person2}, a resident of {place2}, said the family had waited {n1} hours for a bed.",
            "The equipment was bought at a cost of Rs {amount} crore.",
            "Blood banks in the district have been asked to keep platelets in stock.",
            "The state has sent {n2} additional nurses to the district.",
        ],
        "quotes": [
            "Most patients recover if they reach us early",
            "We had to borrow money to take our father to the city",
            "No patient will be turned away for want of a bed",
            "The numbers are rising but the situation is under control",
        ],
        "context": [
            "The district reported {big} cases in {year}, the highest so far.",
            "A new medical college in {place2} is expected to ease the load.",
            "The state spends about {pct} per cent of its budget on health.",
        ],
        "background": [
            "{place} district hospital serves a population of about {big} and is the only "
            "referral centre for {n1} neighbouring blocks. A plan to upgrade it into a medical "
            "college, announced in {year}, has been held up by delays in land transfer and "
            "faculty recruitment.",
        ],
    },
    "education": {
        "issues": [
            "the board results",
            "the entrance test",
            "the new syllabus",
            "the teacher shortage",
            "the mid-day meal scheme",
            "the hostel fee hike",
        ],
        "headlines": [
            "{place} girls top {issue} with {pct}% pass rate",
            "Students protest {issue} at {place} university",
            "{issue}: {n2} schools in {place} without a single teacher",
            "Paper leak fear: {issue} postponed in {place}",
        ],
        "leads": [
            "Girls outperformed boys in {issue} announced on {weekday}, with {place} district "
            "recording a pass rate of {pct} per cent, the highest in the state.",
            "Students at {place} university boycotted classes on {weekday} over {issue}, saying "
            "the administration had not held a single meeting with them.",
            "As many as {n2} government schools in {place} have no regular teacher, according to "
            "data placed before the assembly on {weekday} during a debate on {issue}.",
        ],
        "details": [
            "{person}, the daughter of a farmer from {place2}, scored {n2}.{n1} per cent.",
            "About {big} students appeared for the examination this year.",
            "The vice-chancellor, {person2}, said the matter would be placed before the council.",
            "Schools are being run by guest teachers paid Rs {big} a month.",
            "Results can be checked on the board's website and through SMS.",
            "The board said re-evaluation forms would be accepted until {month} {day}.",
            "Student leaders said the fees had gone up {n1} times in {n1} years.",
            "The education department has sought {n3} posts from the finance department.",
        ],
        "quotes": [
            "I studied six hours a day and never went for tuition",
            "We are asking for a hostel, not a hotel",
            "No school will remain without a teacher after the next session",
            "The new syllabus needs trained teachers, not just new books",
        ],
        "context": [
            "The pass rate last year was {n2} per cent.",
            "The university was set up in {year} and has {n2} affiliated colleges.",
            "The state has about {big} vacant teaching posts.",
        ],
        "background": [
            "The state board conducts examinations for about {big} students every year across "
            "{n3} centres. After a paper leak in {year} it introduced coded question papers and "
            "CCTV cameras at every centre, and results have since been declared within {n2} days "
            "of the last paper.",
        ],
    },
    "transport": {
        "issues": [
            "the metro extension",
            "the new bus depot",
            "the bridge repair",
            "the toll plaza row",
            "the airport runway",
            "the e-rickshaw ban",
        ],
        "headlines": [
            "{issue}: commuters face {n1}-hour jams in {place}",
            "Work on {issue} to begin in {month}, says {person}",
            "{place} traders block highway over {issue}",
            "Deadline for {issue} pushed again, cost up Rs {amount} crore",
        ],
        "leads": [
            "Commuters between {place} and {place2} were stuck in jams of up to {n1} hours on "
            "{weekday} as traffic was diverted for {issue}.",
            "Work on {issue} in {place} will begin in {month}, transport minister {person} said on "
            "{weekday}, adding that tenders worth Rs {amount} crore had been awarded.",
            "Traders in {place} blocked the highway for {n1} hours on {weekday} to protest "
            "against {issue}, leaving hundreds of trucks stranded.",
        ],
        "details": [
            "About {big} vehicles use the stretch every day.",
            "The project is {n2} per cent complete, officials said.",
            "Police diverted heavy vehicles through {place2}.",
            "Ambulances were given a separate lane after an hour of confusion.",
            "The contractor has been fined Rs {n2} lakh for missing {n1} deadlines.",
            "Superintendent of police {person2} said talks with the traders were on.",
            "The new route will cut travel time by {n2} minutes.",
            "Commuters said the buses were running {n2} minutes late on average.",
        ],
        "quotes": [
            "I left home at seven and reached office at eleven",
            "We will finish the work before the monsoon, come what may",
            "The toll is unfair to people who live {n1} km from the plaza",
            "Nobody told us the road would be shut",
        ],
        "context": [
            "The project was sanctioned in {year} at a cost of Rs {amount} crore.",
            "The stretch has seen {n2} accidents this year.",
            "A flyover on the same road took {n1} years to build.",
        ],
        "background": [
            "The {place}-{place2} corridor carries most of the region's freight and about "
            "{big} commuters a day. Widening it was first proposed in {year}; since then the "
            "estimated cost has risen {n1} times and {n2} km of the road are still two lanes.",
        ],
    },
    "culture": {
        "issues": [
            "the folk music festival",
            "the book fair",
            "the heritage walk",
            "the theatre festival",
            "the craft mela",
            "the film festival",
        ],
        "headlines": [
            "{issue} opens in {place} with {n2} artists",
            "{person}'s new novel draws crowds at {issue}",
            "{issue}: {place} revives forgotten folk forms",
            "{place} to host {issue} after {n1}-year gap",
        ],
        "leads": [
            "{issue} opened in {place} on {weekday} with {n2} artists from {n1} states, and "
            "organisers expect about {big} visitors over the week.",
            "A reading by novelist {person} drew one of the largest crowds at {issue} in {place} "
            "on {weekday}, with people queuing for an hour to get books signed.",
            "{place} will host {issue} again after a gap of {n1} years, the culture department "
            "said on {weekday}.",
        ],
        "details": [
            "Entry is free, and the venue will stay open until 10 pm.",
            "Craftspeople from {place2} have set up {n2} stalls.",
            "Publishers said sales of Hindi titles had grown {pct} per cent.",
            "The festival will close with a performance by a troupe from {country}.",
            "Curator {person2} said half the performers were under thirty.",
            "A session on translation will be held on {weekday}.",
            "The department has set aside Rs {n2} lakh for the event.",
            "A photo exhibition traces the history of the town since {year}.",
        ],
        "quotes": [
            "These songs were sung in every courtyard when I was a child",
            "Readers in small towns are hungrier for books than anyone",
            "A festival is how a town remembers itself",
            "We want young people to see that folk art can be a living",
        ],
        "context": [
            "The festival was first held in {year}.",
            "Last year's edition drew about {big} visitors.",
            "The town has a long tradition of street theatre.",
        ],
        "background": [
            "{place} has been known for its weavers and folk singers for {n1} centuries, "
            "and the festival, first held in {year}, was started to give them a stage in their "
            "own town. It is run by a trust of local artists with help from the culture "
            "department.",
        ],
    },
    "science": {
        "issues": [
            "a new species of frog",
            "the groundwater study",
            "the satellite launch",
            "the drought-tolerant wheat",
            "the fossil find",
            "the glacier survey",
        ],
        "headlines": [
            "Scientists report {issue} from {place} forests",
            "{issue}: researchers flag risk for {n2} districts",
            "Institute in {place} unveils {issue}",
            "{person}'s team publishes findings on {issue}",
        ],
        "leads": [
            "A team of scientists led by {person} has reported {issue} from the forests of "
            "{place}, in a paper published on {weekday}.",
            "Researchers at an institute in {place} said on {weekday} that {issue} showed water "
            "levels falling by {n1} metres a year in {n2} districts.",
            "An institute in {place} on {weekday} unveiled {issue}, saying it could raise yields "
            "by {pct} per cent in dry years.",
        ],
        "details": [
            "The team collected {n3} samples over {n1} field seasons.",
            "The findings were checked by {n1} independent laboratories.",
            "{person2}, a co-author, said the data covered the years {year} to 2022.",
            "Field trials were carried out on {big} hectares in {place2}.",
            "The study was funded by a grant of Rs {n2} lakh.",
            "The researchers have shared their data with the state government.",
            "The next phase will use drones to map the area.",
            "The team plans to publish a second paper in {month}.",
        ],
        "quotes": [
            "We were surprised by how fast the change has been",
            "These forests still hold secrets we have not even begun to list",
            "Farmers will be able to buy the seed from next season",
            "Science has to reach the village, not stay in the journal",
        ],
        "context": [
            "The institute was set up in {year}.",
            "A similar study in {place2} had found smaller changes.",
            "India has described about {big} amphibian and reptile species.",
        ],
        "background": [
            "The institute in {place} was set up in {year} to study dryland farming and water, "
            "and runs {n2} field stations across the region. Its earlier work on rainwater "
            "harvesting was adopted in {n3} villages, and its scientists advise the state's "
            "drought monitoring cell.",
        ],
    },
    "world": {
        "issues": [
            "trade and energy",
            "the border railway",
            "climate finance",
            "student visas",
            "a free trade agreement",
            "counter-terrorism cooperation",
        ],
        "headlines": [
            "India, {country} agree to deepen ties on {issue}",
            "{person} meets {country}'s foreign minister in {capital}",
            "India and {country} sign {n1} pacts, talk {issue}",
            "{country} backs India's stand on {issue}, says {person}",
        ],
        "leads": [
            "India and {country} on {weekday} agreed to deepen cooperation on {issue}, after "
            "talks in {capital} between external affairs minister {person} and counterpart "
            "{person2}.",
            "{person} met {country}'s foreign minister {person2} in {capital} on {weekday}, and "
            "the two sides discussed {issue} and a roadmap for the next {n1} years.",
            "India and {country} signed {n1} agreements in {capital} on {weekday}, covering "
            "{issue}, health and digital payments.",
        ],
        "details": [
            "Bilateral trade stood at {big} million dollars last year, up {pct} per cent.",
            "The two sides agreed to hold a joint commission meeting in {month}.",
            "{person2} said {country} would welcome more Indian students.",
            "A direct flight between New Delhi and {capital} will start in {month}.",
            "The ministers also discussed the situation in the region.",
            "India will open a consulate in a second city in {country}.",
            "A joint statement will be issued at the end of the visit.",
            "The delegation included officials from {n1} ministries.",
        ],
        "quotes": [
            "India has been a reliable friend and partner of {country}",
            "Our relationship is built on trust and on the people who travel between us",
            "We want to double trade in the next {n1} years",
            "{country} will always support a peaceful and prosperous region",
        ],
        "context": [
            "Diplomatic relations between India and {country} were established decades ago.",
            "This is the first ministerial visit since {year}.",
            "About {big} Indians live in {country}.",
        ],
        "background": [
            "India and {country} have held {n2} rounds of talks under their joint commission "
            "since {year}. Trade between the two has grown steadily but remains small, and both "
            "sides have spoken of transport links, energy and education as areas with the most "
            "room to grow.",
        ],
    },
}

QUOTE_WRAPPERS = [
    '"{q}," {who} said.',
    '"{q}," said {who}.',
    '{who} said: "{q}."',
    '"{q}," {who} told reporters.',
]

# Sentences any story can close with; few, so that stories do not lean on them.
GENERIC = [
    "Further details are awaited.",
    "Officials said a detailed report would be ready by {weekday}.",
    "The matter is expected to come up again in {month}.",
]

CREDITS = [
    "(With inputs from agencies)",
    "(Courtesy: {capital} Media Group)",
    "(This story has been published from a syndicated feed.)",
]

DISCLAIMERS = [
    "Disclaimer: This story is from a syndicated feed and has not been edited by our team. "
    "The responsibility for its content lies with the news agency.",
    "Disclaimer: Published unedited from an agency feed. The views expressed are the agency's.",
]

HEADLINE_PREFIXES = ["Breaking:", "Update:", "Big news:", "Explained:"]

PORTAL_LEADS = [
    "In a development that is being closely watched, {headline_lc}.",
    "Here is what happened on {weekday}: {headline_lc}.",
    "{headline}, and this is what it means for readers in {place}.",
]

DATELINE = "{capital_or_city}, {month} {day} ({agency}) —"
