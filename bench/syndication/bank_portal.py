"""Sample texts for the portal-lead set: six agency languages, written for this benchmark.

Per language: invented people, places and organisations; two story frames (a council decision
on a bridge, a company's results), each with two headlines, two leads and two sets of body
sentences — set A as one agency writes the story, set B as another agency writes the same
event in its own words (the "same event, different text" hard negative); the dateline shape
the agencies use; a daily market report (the template hard negative: two fixed sentences,
the rest figures); and what portals add: a rewritten headline (`बड़ी खबर: … - जानें पूरी बात`,
`Explainer: …`), a lead of their own, and the background paragraph a portal puts under many
stories. Every body sentence carries at least two slots with a number or a name, so two
stories of one frame share a sentence only when they share the facts. All names are made up.
"""

from __future__ import annotations

LANGUAGES = ("hi", "en", "de", "fr", "es", "fi")

FIRST = {
    "hi": ["अनुराधा", "विनोद", "सुरेखा", "हेमंत", "ज्योति", "महेश", "रश्मि", "तरुण"],
    "en": ["Alison", "Derek", "Morag", "Nikhil", "Priya", "Gareth", "Fiona", "Tobias"],
    "de": ["Annika", "Jörg", "Sabine", "Lutz", "Heike", "Matthias", "Ulrike", "Bernd"],
    "fr": ["Camille", "Thierry", "Solène", "Mathieu", "Agnès", "Didier", "Margaux", "Yannick"],
    "es": ["Lucía", "Ignacio", "Marta", "Álvaro", "Nuria", "Rodrigo", "Begoña", "Íñigo"],
    "fi": ["Aino", "Jukka", "Satu", "Mikko", "Riikka", "Timo", "Kaisa", "Pekka"],
}
SURNAME = {
    "hi": ["सहगल", "खन्ना", "बिष्ट", "पाठक", "रस्तोगी", "नेगी", "डोगरा", "वर्मा"],
    "en": ["Halloran", "Pritchard", "Okafor", "Whitlock", "Dunmore", "Ashby", "Carrow", "Lindell"],
    "de": ["Brandauer", "Kessler", "Oberhofer", "Wendtland", "Rautenberg", "Falk", "Scholtis",
           "Weidemann"],
    "fr": ["Lefranc", "Berthier", "Mouret", "Castagnet", "Delorme", "Vasseur", "Roumier",
           "Fabron"],
    "es": ["Echevarría", "Montalbán", "Iriarte", "Cifuentes", "Valcárcel", "Oyarzun", "Robledo",
           "Sarasola"],
    "fi": ["Virtanen", "Kärkkäinen", "Halonen", "Rautiainen", "Lehtola", "Mäkinen", "Suominen",
           "Oksanen"],
}  # fmt: skip
PLACE = {
    "hi": ["रामगढ़ा", "सोनपुरी", "कनकपुर", "बेलगांव कलां", "माधोगंज", "हिरणपुर", "चंदनवाड़ी",
           "नीमखेड़ा"],
    "en": ["Ashcombe", "Redbury", "Fallowmere", "Kingsholt", "Marlow Cross", "Thornwick",
           "Eddlestone", "Brackenby"],
    "de": ["Neustadt am Kamm", "Wendelsheim", "Ober-Ahlbach", "Kornfeld", "Lindauberg",
           "Grauwitz", "Steinhagen-Ost", "Mühlenbruch"],
    "fr": ["Valmont-sur-Lys", "Saint-Aubrac", "Chardonne", "Beaulieu-les-Pins", "Morlanne",
           "Rochevieille", "Ferrières-d'Ain", "Lanvaux"],
    "es": ["Villaverde del Río", "Castrojeriz Alto", "Peñalba", "Santa Olalla de Mar",
           "Fuenteclara", "Alcorisa Baja", "Torremocha", "Valdelinares"],
    "fi": ["Koivumaa", "Järvenmaa", "Kalliola", "Pohjaskylä", "Rantasalo", "Haapasalo",
           "Lumimaa", "Kuusela"],
}  # fmt: skip
ORG = {
    "hi": ["धारा इस्पात", "सुरभि डेयरी", "अरुणोदय बैंक", "हिमगिरि सीमेंट"],
    "en": ["Calder Freight", "Hollin Foods", "Westmarch Energy", "Penrose Textiles"],
    "de": ["Brückner Logistik", "Almtaler Molkerei", "Kessen Maschinenbau", "Nordlicht Energie"],
    "fr": ["Transports Vaubert", "Laiterie des Causses", "Énergies Morvane", "Textiles Brisset"],
    "es": ["Transportes Arlanza", "Lácteos del Cierzo", "Energía Moncayo", "Textil Bidasoa"],
    "fi": ["Kuljetus Harjula", "Meijeri Rantala", "Tuulivoima Aapa", "Teräs Kivimaa"],
}
WEEKDAYS = {
    "hi": ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
    "fi": ["maanantaina", "tiistaina", "keskiviikkona", "torstaina", "perjantaina"],
}

# The dateline clause agencies open the lead with: {place}, {agency}; portals often drop it.
DATELINE = {
    "hi": "{place}, {day} {month} ({agency})।",
    "en": "{PLACE}, {month} {day} ({agency}) -",
    "de": "{place} ({agency}) -",
    "fr": "{place} ({agency}) -",
    "es": "{place}, {day} {month} ({agency}).-",
    "fi": "{PLACE} ({agency}) -",
}
MONTHS = {
    "hi": "मार्च", "en": "March", "de": "März", "fr": "mars", "es": "mar", "fi": "maaliskuu",
}  # fmt: skip

# Two frames per language. "a" and "b": two agencies' own words for the same facts.
FRAMES: dict[str, dict[str, dict[str, list[str]]]] = {
    "en": {
        "bridge": {
            "headline": [
                "{place} council shuts {river} bridge to lorries after cracks found",
                "Lorry ban on {place}'s {river} bridge from {weekday}",
            ],
            "lead": [
                "The council of {place} voted on {weekday} to close the {river} bridge to "
                "lorries after engineers found cracks in {n1} of its piers.",
                "Heavy goods vehicles will be barred from the {river} bridge in {place} "
                "from {weekday}, council leader {person} announced.",
            ],
            "a": [
                "The motion passed by {n2} votes to {n3}, with {person2} among those against.",
                "Engineers measured cracks up to {n1} millimetres wide during an inspection "
                "commissioned by {org}.",
                "A full repair would cost about {n4} million pounds, according to a report "
                "by {person2}.",
                "Hauliers said the detour would add {n2} miles to each delivery from the "
                "{org} depot.",
                "{person} said buses and cars under {n3} tonnes would still be allowed across.",
            ],
            "b": [
                "Of the {n2} councillors present, {n3} opposed the ban, led by {person2}.",
                "Inspectors from {org} found {n1} piers with cracks that had widened since "
                "the last survey.",
                "The estimated bill for repairs in {place} stands at {n4} million pounds, council "
                "papers show.",
                "Firms in {place} warned of a {n2}-mile diversion for every lorry.",
                "The bridge, which carries about {n4}00 vehicles a day, remains open to "
                "traffic under {n3} tonnes.",
            ],
        },
        "results": {
            "headline": [
                "{org} profit rises {pct} per cent on strong exports",
                "{org} beats forecasts with {pct} per cent profit growth",
            ],
            "lead": [
                "{org} reported a {pct} per cent rise in quarterly profit on {weekday}, "
                "helped by exports to {n1} new markets.",
                "Profit at {org} grew by {pct} per cent in the quarter, the company said "
                "on {weekday}, ahead of analysts' forecasts.",
            ],
            "a": [
                "Revenue reached {n4} million pounds, up from {n3} million a year earlier.",
                "Chief executive {person} said the {place} plant would hire {n2} more staff.",
                "Exports now make up {n1}0 per cent of sales, finance director {person2} said.",
                "{org} will pay a dividend of {n3} pence a share in {month}.",
                "{person} warned that energy costs at the {place} site rose by {n2} per cent.",
            ],
            "b": [
                "Sales climbed to {n4} million pounds against {n3} million in the same "
                "quarter last year.",
                "{person2}, who runs the finances, put the share of exports at {n1}0 per cent.",
                "The firm plans to add {n2} jobs at its works in {place}, {person} told investors.",
                "Shareholders of {org} will receive {n3} pence per share, payable in {month}.",
                "Power bills at the {place} works were {n2} per cent higher, {person} said.",
            ],
        },
    },
    "hi": {
        "bridge": {
            "headline": [
                "{place} में {river} पुल पर भारी वाहनों की आवाजाही बंद, खंभों में दरारें",
                "{weekday} से {place} के {river} पुल पर ट्रकों पर रोक",
            ],
            "lead": [
                "{place} नगर परिषद ने {weekday} को {river} पुल को ट्रकों के लिए बंद करने का "
                "फैसला किया, क्योंकि इंजीनियरों को इसके {n1} खंभों में दरारें मिलीं।",
                "परिषद अध्यक्ष {person} ने घोषणा की कि {weekday} से {place} के {river} "
                "पुल पर भारी वाहन नहीं चल सकेंगे।",
            ],
            "a": [
                "प्रस्ताव {n2} के मुकाबले {n3} मतों से पारित हुआ और {person2} ने इसका विरोध किया।",
                "{org} की जांच में इंजीनियरों ने {n1} मिलीमीटर तक चौड़ी दरारें पाईं।",
                "{person2} की रिपोर्ट के अनुसार पूरी मरम्मत पर करीब {n4} करोड़ रुपये खर्च होंगे।",
                "ट्रांसपोर्टरों ने कहा कि {org} के गोदाम से हर खेप को {n2} किलोमीटर लंबा चक्कर लगाना पड़ेगा।",
                "{person} ने कहा कि बसें और {n3} टन से हल्के वाहन पुल से गुजर सकेंगे।",
            ],
            "b": [
                "बैठक में मौजूद {n2} पार्षदों में से {n3} ने {person2} के नेतृत्व में रोक का विरोध किया।",
                "{org} के निरीक्षकों को {n1} खंभों में ऐसी दरारें मिलीं जो पिछले सर्वे के बाद बढ़ गई हैं।",
                "परिषद के दस्तावेजों के मुताबिक {place} में मरम्मत का अनुमानित खर्च {n4} करोड़ रुपये है।",
                "{place} के कारोबारियों ने हर ट्रक के लिए {n2} किलोमीटर के घुमावदार रास्ते की चेतावनी दी।",
                "रोजाना करीब {n4}00 वाहनों का भार उठाने वाला यह पुल {n3} टन से कम के वाहनों के लिए "
                "खुला रहेगा।",
            ],
        },
        "results": {
            "headline": [
                "{org} का मुनाफा {pct} प्रतिशत बढ़ा, निर्यात से मिली मदद",
                "अनुमान से बेहतर रहे {org} के नतीजे, मुनाफे में {pct} फीसदी की बढ़त",
            ],
            "lead": [
                "{org} ने {weekday} को बताया कि तिमाही मुनाफा {pct} प्रतिशत बढ़ा है और {n1} "
                "नए बाजारों में निर्यात से इसमें मदद मिली।",
                "{org} का तिमाही मुनाफा {pct} प्रतिशत बढ़ा, कंपनी ने {weekday} को कहा, जो "
                "विश्लेषकों के अनुमान से ऊपर है।",
            ],
            "a": [
                "कंपनी का राजस्व {n4} करोड़ रुपये रहा, जो एक साल पहले {n3} करोड़ रुपये था।",
                "मुख्य कार्यकारी {person} ने कहा कि {place} संयंत्र में {n2} और लोगों की भर्ती होगी।",
                "वित्त निदेशक {person2} के मुताबिक बिक्री में निर्यात का हिस्सा अब {n1}0 प्रतिशत है।",
                "{org} {month} में प्रति शेयर {n3} रुपये का लाभांश देगी।",
                "{person} ने चेताया कि {place} इकाई में बिजली का खर्च {n2} प्रतिशत बढ़ा है।",
            ],
            "b": [
                "बिक्री बढ़कर {n4} करोड़ रुपये हो गई, जबकि पिछले साल इसी तिमाही में यह {n3} करोड़ रुपये थी।",
                "वित्त विभाग संभालने वाले {person2} ने निर्यात की हिस्सेदारी {n1}0 प्रतिशत बताई।",
                "{person} ने निवेशकों से कहा कि कंपनी {place} के कारखाने में {n2} नौकरियां जोड़ेगी।",
                "{org} के शेयरधारकों को {month} में प्रति शेयर {n3} रुपये मिलेंगे।",
                "{person} के अनुसार {place} कारखाने का बिजली बिल {n2} प्रतिशत ज्यादा रहा।",
            ],
        },
    },
    "de": {
        "bridge": {
            "headline": [
                "{place} sperrt {river}brücke für Lastwagen",
                "Risse in {n1} Pfeilern: Lkw-Verbot auf der {river}brücke ab {weekday}",
            ],
            "lead": [
                "Der Stadtrat von {place} hat am {weekday} beschlossen, die {river}brücke "
                "für Lastwagen zu sperren, nachdem Ingenieure Risse in {n1} Pfeilern "
                "gefunden hatten.",
                "Ab {weekday} dürfen keine Lastwagen mehr über die {river}brücke in {place} "
                "fahren, wie Bürgermeister {person} mitteilte.",
            ],
            "a": [
                "Der Antrag wurde mit {n2} zu {n3} Stimmen angenommen, {person2} stimmte dagegen.",
                "Bei einer Prüfung im Auftrag von {org} wurden Risse von bis zu {n1} "
                "Millimetern gemessen.",
                "Eine vollständige Sanierung würde laut einem Gutachten von {person2} rund "
                "{n4} Millionen Euro kosten.",
                "Spediteure rechnen mit einem Umweg von {n2} Kilometern für jede Fahrt zum "
                "Lager von {org}.",
                "Busse und Autos unter {n3} Tonnen dürfen die Brücke nach Angaben von "
                "{person} weiter nutzen.",
            ],
            "b": [
                "Von den {n2} anwesenden Ratsmitgliedern lehnten {n3} das Verbot ab, "
                "angeführt von {person2}.",
                "Prüfer von {org} entdeckten an {n1} Pfeilern Risse, die seit der letzten "
                "Untersuchung breiter geworden sind.",
                "Die Kosten der Reparatur in {place} werden in den Ratsunterlagen auf "
                "{n4} Millionen "
                "Euro geschätzt.",
                "Unternehmen aus {place} warnten vor einer Umleitung von {n2} Kilometern pro "
                "Lastwagen.",
                "Für Fahrzeuge unter {n3} Tonnen bleibt die Brücke offen, über die täglich "
                "etwa {n4}00 Fahrzeuge rollen.",
            ],
        },
        "results": {
            "headline": [
                "{org} steigert Gewinn um {pct} Prozent",
                "Exporte treiben {org}: Gewinnplus von {pct} Prozent",
            ],
            "lead": [
                "{org} hat am {weekday} einen Anstieg des Quartalsgewinns um {pct} Prozent "
                "gemeldet, getragen von Exporten in {n1} neue Märkte.",
                "Der Gewinn von {org} ist im Quartal um {pct} Prozent gewachsen, teilte das "
                "Unternehmen am {weekday} mit, und liegt damit über den Erwartungen.",
            ],
            "a": [
                "Der Umsatz erreichte {n4} Millionen Euro nach {n3} Millionen im Vorjahr.",
                "Vorstandschef {person} kündigte an, im Werk {place} {n2} weitere Stellen zu "
                "schaffen.",
                "Exporte machen inzwischen {n1}0 Prozent des Umsatzes aus, sagte "
                "Finanzchefin {person2}.",
                "Die Aktionäre von {org} erhalten im {month} eine Dividende von {n3} Cent "
                "je Aktie.",
                "{person} warnte, die Energiekosten am Standort {place} seien um {n2} Prozent "
                "gestiegen.",
            ],
            "b": [
                "Die Erlöse kletterten auf {n4} Millionen Euro, verglichen mit {n3} Millionen "
                "im gleichen Quartal des Vorjahres.",
                "{person2}, zuständig für die Finanzen, bezifferte den Exportanteil auf {n1}0 "
                "Prozent.",
                "Im Werk in {place} sollen {n2} Arbeitsplätze hinzukommen, sagte {person} vor "
                "Investoren.",
                "Je Aktie von {org} werden im {month} {n3} Cent ausgeschüttet.",
                "Die Stromrechnung des Werks in {place} fiel laut {person} um {n2} Prozent "
                "höher aus.",
            ],
        },
    },
    "fr": {
        "bridge": {
            "headline": [
                "{place} ferme le pont de la {river} aux poids lourds",
                "Fissures sur {n1} piles : le pont de la {river} interdit aux camions "
                "dès {weekday}",
            ],
            "lead": [
                "Le conseil municipal de {place} a voté {weekday} la fermeture du pont de "
                "la {river} aux poids lourds, après la découverte de fissures sur {n1} de "
                "ses piles.",
                "Les camions ne pourront plus franchir le pont de la {river} à {place} à "
                "partir de {weekday}, a annoncé le maire {person}.",
            ],
            "a": [
                "La délibération a été adoptée par {n2} voix contre {n3}, {person2} votant contre.",
                "Une inspection commandée par {org} a relevé des fissures atteignant {n1} "
                "millimètres.",
                "Une réfection complète coûterait environ {n4} millions d'euros, selon un "
                "rapport de {person2}.",
                "Les transporteurs estiment que le détour ajoutera {n2} kilomètres à chaque "
                "trajet vers le dépôt de {org}.",
                "Les bus et les voitures de moins de {n3} tonnes pourront toujours passer, a "
                "précisé {person}.",
            ],
            "b": [
                "Sur les {n2} élus présents, {n3} se sont opposés à l'interdiction, emmenés "
                "par {person2}.",
                "Les experts de {org} ont constaté sur {n1} piles des fissures qui se sont "
                "élargies depuis le dernier contrôle.",
                "Le coût des travaux à {place} est estimé à {n4} millions d'euros dans "
                "les documents du "
                "conseil.",
                "Les entreprises de {place} redoutent une déviation de {n2} kilomètres pour "
                "chaque camion.",
                "Le pont, emprunté par quelque {n4}00 véhicules par jour, reste ouvert aux "
                "véhicules de moins de {n3} tonnes.",
            ],
        },
        "results": {
            "headline": [
                "{org} : bénéfice en hausse de {pct} %",
                "Porté par l'export, {org} dépasse les attentes avec {pct} % de bénéfice en plus",
            ],
            "lead": [
                "{org} a annoncé {weekday} une hausse de {pct} % de son bénéfice "
                "trimestriel, portée par ses exportations vers {n1} nouveaux marchés.",
                "Le bénéfice de {org} a progressé de {pct} % sur le trimestre, a indiqué "
                "{weekday} l'entreprise, au-dessus des prévisions des analystes.",
            ],
            "a": [
                "Le chiffre d'affaires a atteint {n4} millions d'euros, contre {n3} millions "
                "un an plus tôt.",
                "Le directeur général {person} a annoncé {n2} embauches sur le site de {place}.",
                "L'export représente désormais {n1}0 % des ventes, selon la directrice "
                "financière {person2}.",
                "Un dividende de {n3} centimes par action sera versé en {month} par {org}.",
                "{person} a averti que les coûts d'énergie du site de {place} avaient augmenté "
                "de {n2} %.",
            ],
            "b": [
                "Les ventes ont grimpé à {n4} millions d'euros, contre {n3} millions au même "
                "trimestre de l'an dernier.",
                "{person2}, chargée des finances, chiffre la part de l'export à {n1}0 %.",
                "L'usine de {place} créera {n2} postes, a déclaré {person} aux investisseurs.",
                "Les actionnaires de {org} toucheront {n3} centimes par titre en {month}.",
                "La facture d'électricité de l'usine de {place} a bondi de {n2} %, selon {person}.",
            ],
        },
    },
    "es": {
        "bridge": {
            "headline": [
                "{place} cierra el puente del {river} a los camiones",
                "Grietas en {n1} pilares: prohibidos los camiones en el puente del "
                "{river} desde el {weekday}",
            ],
            "lead": [
                "El pleno municipal de {place} aprobó el {weekday} cerrar el puente del "
                "{river} a los camiones tras detectar los ingenieros grietas en {n1} de "
                "sus pilares.",
                "Los camiones no podrán cruzar el puente del {river} en {place} a partir "
                "del {weekday}, anunció el alcalde {person}.",
            ],
            "a": [
                "La moción salió adelante con {n2} votos a favor y {n3} en contra, entre "
                "ellos el de {person2}.",
                "Una inspección encargada por {org} midió grietas de hasta {n1} milímetros.",
                "La reparación completa costaría unos {n4} millones de euros, según un "
                "informe de {person2}.",
                "Los transportistas calculan que el desvío sumará {n2} kilómetros a cada "
                "viaje hasta el almacén de {org}.",
                "Los autobuses y los turismos de menos de {n3} toneladas podrán seguir "
                "pasando, precisó {person}.",
            ],
            "b": [
                "De los {n2} concejales presentes, {n3} rechazaron la prohibición, "
                "encabezados por {person2}.",
                "Los técnicos de {org} hallaron en {n1} pilares grietas que se han "
                "ensanchado desde la última revisión.",
                "El coste de las obras en {place} se estima en {n4} millones de euros en "
                "la documentación "
                "municipal.",
                "Las empresas de {place} advierten de un rodeo de {n2} kilómetros por camión.",
                "El puente, por el que pasan unos {n4}00 vehículos al día, seguirá abierto a "
                "los de menos de {n3} toneladas.",
            ],
        },
        "results": {
            "headline": [
                "{org} eleva su beneficio un {pct} %",
                "Las exportaciones disparan a {org}: beneficio un {pct} % mayor",
            ],
            "lead": [
                "{org} comunicó el {weekday} un aumento del {pct} % en su beneficio "
                "trimestral, impulsado por las exportaciones a {n1} nuevos mercados.",
                "El beneficio de {org} creció un {pct} % en el trimestre, informó la "
                "empresa el {weekday}, por encima de lo previsto por los analistas.",
            ],
            "a": [
                "La facturación alcanzó {n4} millones de euros, frente a {n3} millones un año "
                "antes.",
                "El consejero delegado, {person}, anunció {n2} contrataciones en la planta de "
                "{place}.",
                "Las exportaciones suponen ya el {n1}0 % de las ventas, según la directora "
                "financiera, {person2}.",
                "{org} pagará en {month} un dividendo de {n3} céntimos por acción.",
                "{person} advirtió de que los costes energéticos de {place} subieron un {n2} %.",
            ],
            "b": [
                "Las ventas subieron hasta {n4} millones de euros, frente a {n3} millones en "
                "el mismo trimestre del año pasado.",
                "{person2}, responsable de finanzas, cifró el peso de la exportación en el "
                "{n1}0 %.",
                "La fábrica de {place} sumará {n2} empleos, dijo {person} a los inversores.",
                "Los accionistas de {org} cobrarán {n3} céntimos por título en {month}.",
                "La factura eléctrica de la fábrica de {place} fue un {n2} % más alta, según "
                "{person}.",
            ],
        },
    },
    "fi": {
        "bridge": {
            "headline": [
                "{place} sulkee {river}n sillan rekoilta",
                "Halkeamia {n1} pilarissa: rekat kielletään {river}n sillalla {weekday}",
            ],
            "lead": [
                "{place}n kaupunginvaltuusto päätti {weekday} sulkea {river}n sillan "
                "rekoilta, koska insinöörit löysivät halkeamia sen {n1} pilarista.",
                "Rekat eivät saa enää ajaa {place}n {river}n siltaa pitkin {weekday} "
                "alkaen, kertoi kaupunginjohtaja {person}.",
            ],
            "a": [
                "Esitys hyväksyttiin äänin {n2}–{n3}, ja {person2} äänesti vastaan.",
                "Yhtiön {org} tilaamassa tarkastuksessa mitattiin jopa {n1} millimetrin "
                "levyisiä halkeamia.",
                "Täydellinen korjaus maksaisi noin {n4} miljoonaa euroa, arvioi {person2} "
                "selvityksessään.",
                "Kuljetusyrittäjien mukaan kiertotie lisää jokaiseen ajoon yhtiön {org} "
                "varastolle {n2} kilometriä.",
                "Linja-autot ja alle {n3} tonnin autot saavat käyttää siltaa edelleen, sanoi "
                "{person}.",
            ],
            "b": [
                "Paikalla olleista {n2} valtuutetusta {n3} vastusti kieltoa, heidän joukossaan "
                "{person2}.",
                "Yhtiön {org} tarkastajat havaitsivat {n1} pilarissa halkeamia, jotka ovat "
                "levinneet edellisen tarkastuksen jälkeen.",
                "Sillan korjauksen hinnaksi arvioidaan {place}n valtuuston papereissa "
                "{n4} miljoonaa euroa.",
                "{place}n yritykset varoittavat {n2} kilometrin kiertotiestä jokaiselle rekalle.",
                "Silta, jota pitkin kulkee päivittäin noin {n4}00 ajoneuvoa, pysyy avoinna "
                "alle {n3} tonnin ajoneuvoille.",
            ],
        },
        "results": {
            "headline": [
                "{org} kasvatti tulostaan {pct} prosenttia",
                "Vienti vauhditti: {org}n voitto kasvoi {pct} prosenttia",
            ],
            "lead": [
                "{org} kertoi {weekday} neljännesvuoden tuloksensa kasvaneen {pct} "
                "prosenttia, ja kasvua vauhditti vienti {n1} uudelle markkinalle.",
                "{org}n voitto kasvoi neljänneksellä {pct} prosenttia, yhtiö tiedotti "
                "{weekday}, mikä ylitti analyytikkojen odotukset.",
            ],
            "a": [
                "Liikevaihto nousi {n4} miljoonaan euroon edellisvuoden {n3} miljoonasta.",
                "Toimitusjohtaja {person} kertoi, että {place}n tehtaalle palkataan {n2} "
                "uutta työntekijää.",
                "Viennin osuus myynnistä on nyt {n1}0 prosenttia, sanoi talousjohtaja {person2}.",
                "{org} maksaa {month} osinkoa {n3} senttiä osakkeelta.",
                "{person} varoitti, että {place}n tehtaan energiakulut nousivat {n2} prosenttia.",
            ],
            "b": [
                "Myynti kasvoi {n4} miljoonaan euroon, kun se vuotta aiemmin samalla "
                "neljänneksellä oli {n3} miljoonaa.",
                "Taloudesta vastaava {person2} arvioi viennin osuudeksi {n1}0 prosenttia.",
                "{place}n tehtaalle syntyy {n2} työpaikkaa, {person} kertoi sijoittajille.",
                "{org}n osakkeenomistajat saavat {month} {n3} senttiä osakkeelta.",
                "{place}n tehtaan sähkölasku oli {n2} prosenttia suurempi, kertoi {person}.",
            ],
        },
    },
}
RIVERS = {
    "hi": ["सरयू", "केन", "बेतवा", "सोन"],
    "en": ["Wendle", "Ouse Minor", "Calder", "Marrow"],
    "de": ["Ahl", "Kamm", "Lauter", "Wipper"],
    "fr": ["Lys", "Bresle", "Veyle", "Morte"],
    "es": ["Arlanza", "Jalón", "Cidacos", "Tirón"],
    "fi": ["Koskela", "Virtala", "Jokela", "Salmela"],
}

# The agency's own background under a story (the shared-background hard negative: a short
# update carries the same paragraph as the story it follows up).
AGENCY_BACKGROUND = {
    "hi": "{river} पुल {decade}0 के दशक में बना था और {place} को जिला मुख्यालय से जोड़ने वाला "
          "अकेला पक्का रास्ता है। पिछले {n1} वर्षों में इसकी {n2} बार मरम्मत हो चुकी है।",
    "en": "The {river} bridge, built in the {decade}0s, is the only crossing that links {place} to "
          "the county town. It has been repaired {n2} times in the past {n1} years.",
    "de": "Die {river}brücke wurde in den {decade}0er Jahren gebaut und ist die einzige Verbindung "
          "von {place} zur Kreisstadt. In den vergangenen {n1} Jahren wurde sie {n2} Mal "
          "repariert.",
    "fr": "Construit dans les années {decade}0, le pont de la {river} est le seul à relier {place} "
          "à la préfecture. Il a été réparé {n2} fois au cours des {n1} dernières années.",
    "es": "El puente del {river}, construido en los años {decade}0, es el único que une {place} "
          "con la capital de la comarca. Ha sido reparado {n2} veces en los últimos {n1} años.",
    "fi": "{river}n silta rakennettiin {decade}0-luvulla, ja se on ainoa yhteys {place}sta "
          "maakuntakeskukseen. Sitä on korjattu {n2} kertaa viimeisten {n1} vuoden aikana.",
}  # fmt: skip
# A short update on the same place: new facts, then the agency's stock background.
UPDATE = {
    "hi": ["{place} में {river} पुल पर {weekday} से अस्थायी सिग्नल लगाए जाएंगे, {person} ने "
           "बताया।", "यातायात पुलिस के {n3} जवान चौराहों पर तैनात रहेंगे।"],
    "en": ["Temporary traffic lights will be installed on the {river} bridge in {place} from "
           "{weekday}, {person} said.", "Some {n3} wardens will be posted at the junctions."],
    "de": ["Auf der {river}brücke in {place} wird ab {weekday} eine Ampel aufgestellt, sagte "
           "{person}.", "An den Kreuzungen sollen {n3} Ordner den Verkehr regeln."],
    "fr": ["Des feux provisoires seront installés sur le pont de la {river} à {place} dès "
           "{weekday}, a indiqué {person}.", "Quelque {n3} agents seront postés aux carrefours."],
    "es": ["Se instalarán semáforos provisionales en el puente del {river} en {place} desde "
           "el {weekday}, indicó {person}.", "Unos {n3} agentes se apostarán en los cruces."],
    "fi": ["{place}n {river}n sillalle asennetaan väliaikaiset liikennevalot {weekday}, "
           "kertoi {person}.", "Risteyksiin sijoitetaan {n3} liikenteenohjaajaa."],
}  # fmt: skip

UPDATE_HEADLINE = {
    "hi": "{place} में {river} पुल पर {weekday} से अस्थायी सिग्नल",
    "en": "Temporary lights for {place}'s {river} bridge from {weekday}",
    "de": "Ampel an der {river}brücke in {place} ab {weekday}",
    "fr": "Des feux provisoires sur le pont de la {river} à {place}",
    "es": "Semáforos provisionales en el puente del {river} de {place}",
    "fi": "{place}n {river}n sillalle väliaikaiset liikennevalot",
}

# The daily market report: the lead and three sentences carry the day's figures; two
# sentences are the same every day.
MARKET = {
    "hi": {
        "headline": "{index} {v1} अंक पर बंद, {dir} {pct} प्रतिशत",
        "lead": "{index} {weekday} को {v1} अंक पर बंद हुआ, जो पिछले दिन से {pct} प्रतिशत {dir} है।",
        "figures": ["कारोबार के दौरान सूचकांक {v2} अंक के ऊपरी और {v3} अंक के निचले स्तर तक गया।",
                    "कुल {t} करोड़ शेयरों का लेन-देन हुआ और {up} शेयर बढ़त में रहे।",
                    "रुपया डॉलर के मुकाबले {fx} पर बंद हुआ।"],
        "fixed": ["कारोबारियों की नजर केंद्रीय बैंक की अगली बैठक पर टिकी रही।",
                  "बाजार से जुड़े आंकड़े शेयर बाजार की वेबसाइट से लिए गए हैं।"],
        "index": "निफ्टी सूचक", "up": "ऊपर", "down": "नीचे",
    },
    "en": {
        "headline": "{index} closes at {v1}, {dir} {pct} per cent",
        "lead": "The {index} closed at {v1} points on {weekday}, {dir} {pct} per cent on the "
                "previous session.",
        "figures": ["The index moved between a high of {v2} and a low of {v3} during the day.",
                    "Some {t} million shares changed hands and {up} stocks ended higher.",
                    "The pound finished at {fx} dollars."],
        "fixed": ["Traders kept an eye on the central bank's next rate decision.",
                  "Market figures are taken from the exchange's closing data."],
        "index": "Ledger 100", "up": "up", "down": "down",
    },
    "de": {
        "headline": "{index} schließt bei {v1} Punkten, {dir} {pct} Prozent",
        "lead": "Der {index} hat am {weekday} bei {v1} Punkten geschlossen, {dir} {pct} Prozent "
                "zum Vortag.",
        "figures": ["Im Tagesverlauf schwankte der Index zwischen {v2} und {v3} Punkten.",
                    "Es wurden {t} Millionen Aktien gehandelt, {up} Werte schlossen im Plus.",
                    "Der Euro ging bei {fx} Dollar aus dem Handel."],
        "fixed": ["Händler warteten auf die nächste Zinsentscheidung der Notenbank.",
                  "Die Marktdaten stammen aus den Schlusskursen der Börse."],
        "index": "Kammindex", "up": "ein Plus von", "down": "ein Minus von",
    },
    "fr": {
        "headline": "Le {index} termine à {v1} points, {dir} {pct} %",
        "lead": "Le {index} a clôturé {weekday} à {v1} points, {dir} {pct} % par rapport à la "
                "veille.",
        "figures": ["L'indice a évolué entre {v2} et {v3} points au cours de la séance.",
                    "Quelque {t} millions de titres ont été échangés et {up} valeurs ont fini "
                    "en hausse.",
                    "L'euro s'échangeait à {fx} dollar en clôture."],
        "fixed": ["Les opérateurs attendaient la prochaine décision de la banque centrale.",
                  "Les données de marché proviennent des cours de clôture de la Bourse."],
        "index": "Lysdex 40", "up": "en hausse de", "down": "en baisse de",
    },
    "es": {
        "headline": "El {index} cierra en {v1} puntos, {dir} {pct} %",
        "lead": "El {index} cerró el {weekday} en {v1} puntos, {dir} {pct} % respecto a la "
                "sesión anterior.",
        "figures": ["El índice osciló entre un máximo de {v2} y un mínimo de {v3} puntos.",
                    "Se negociaron {t} millones de títulos y {up} valores acabaron en positivo.",
                    "El euro cerró a {fx} dólares."],
        "fixed": ["Los operadores estuvieron pendientes de la próxima decisión del banco central.",
                  "Los datos de mercado proceden de los precios de cierre de la Bolsa."],
        "index": "Ibermoncayo 35", "up": "con una subida del", "down": "con una caída del",
    },
    "fi": {
        "headline": "{index} päätyi {v1} pisteeseen, {dir} {pct} prosenttia",
        "lead": "{index} sulkeutui {weekday} {v1} pisteeseen, mikä on {dir} {pct} prosenttia "
                "edellispäivästä.",
        "figures": ["Päivän aikana indeksi liikkui {v2} ja {v3} pisteen välillä.",
                    "Osakkeita vaihdettiin {t} miljoonaa kappaletta, ja {up} osaketta nousi.",
                    "Euro päätyi {fx} dollariin."],
        "fixed": ["Kauppiaat odottivat keskuspankin seuraavaa korkopäätöstä.",
                  "Markkinaluvut perustuvat pörssin päätöskursseihin."],
        "index": "Revontuli-indeksi", "up": "nousua", "down": "laskua",
    },
}  # fmt: skip

# What portals do to the wire's copy.
PORTALS = ("Samachar Now", "Metro Wire Online", "Stadtportal Live", "Le Relais Info",
           "Portal Norte", "Uutisvirta")  # fmt: skip

HEADLINE_WRAPPERS = {
    "hi": ["बड़ी खबर: {headline} - जानें पूरी बात", "{headline}, जानिए क्या है पूरा मामला",
           "बड़ी खबर: {headline}"],
    "en": ["Explainer: {headline}", "{headline} - here's what we know",
           "What it means: {headline}"],
    "de": ["Das steckt dahinter: {headline}", "{headline} - was Sie wissen müssen",
           "Erklärt: {headline}"],
    "fr": ["Décryptage : {headline}", "{headline} : ce qu'il faut savoir",
           "On vous explique : {headline}"],
    "es": ["Claves: {headline}", "{headline}: lo que hay que saber", "Qué significa: {headline}"],
    "fi": ["Taustaa: {headline}", "{headline} - tätä tiedetään nyt", "Selitimme: {headline}"],
}  # fmt: skip

PORTAL_LEADS = {
    "hi": ["{place} के लोगों के लिए यह फैसला अहम है। हम आपको बता रहे हैं कि इसका असर किन पर "
           "पड़ेगा।",
           "{person} के बयान के बाद {place} में चर्चा तेज हो गई है। पढ़िए पूरी खबर।"],
    "en": ["What does this mean for people in {place}? Here is what we know so far.",
           "It is the news {place} has been waiting for, and {person} is at the centre of it."],
    "de": ["Was bedeutet das für die Menschen in {place}? Hier der Überblick.",
           "In {place} wird seit Wochen darüber gestritten, nun hat sich {person} geäußert."],
    "fr": ["Qu'est-ce que cela change pour les habitants de {place} ? Voici ce que l'on sait.",
           "À {place}, le dossier agite les esprits depuis des semaines et {person} a tranché."],
    "es": ["¿Qué supone esto para los vecinos de {place}? Esto es lo que sabemos.",
           "En {place} se llevaba semanas esperando la noticia, y {person} la ha confirmado."],
    "fi": ["Mitä tämä tarkoittaa {place}n asukkaille? Tässä tiedossa olevat asiat.",
           "{place}ssa asiasta on kiistelty viikkoja, ja nyt {person} on kertonut ratkaisun."],
}  # fmt: skip

# The background paragraph a portal puts under many stories, whatever they are about.
PORTAL_BACKGROUNDS = {
    "hi": ["{portal} आपके शहर और प्रदेश की हर बड़ी खबर सबसे पहले पहुंचाता है। ताजा अपडेट के लिए "
           "हमारे साथ बने रहें और खबरें अपने दोस्तों के साथ साझा करें।",
           "{portal} पर कारोबार, राजनीति और खेल से जुड़ी सभी खबरें एक जगह पढ़ें। हमारी टीम दिन-रात "
           "हर घटना पर नजर रखती है।"],
    "en": ["{portal} brings you the stories that matter in your region, every day. Sign up for "
           "our morning briefing to get the news before your first coffee.",
           "At {portal} our reporters follow business, politics and transport across the "
           "county. Our coverage is free to read and funded by our readers."],
    "de": ["{portal} berichtet täglich über alles, was die Region bewegt. Abonnieren Sie unseren "
           "Newsletter, um keine Meldung zu verpassen.",
           "Bei {portal} verfolgen unsere Reporter Wirtschaft, Politik und Verkehr im ganzen "
           "Land. Alle Hintergründe finden Sie in unserem Dossier."],
    "fr": ["{portal} vous informe chaque jour sur l'actualité de votre région. Abonnez-vous à "
           "notre lettre du matin pour ne rien manquer.",
           "Chez {portal}, nos journalistes suivent l'économie, la politique et les transports "
           "dans tout le département. Retrouvez tous nos dossiers sur notre site."],
    "es": ["{portal} te cuenta cada día lo que pasa en tu comarca. Suscríbete a nuestro boletín "
           "para recibir las noticias cada mañana.",
           "En {portal} nuestros periodistas siguen la economía, la política y el transporte "
           "de toda la provincia. Todos los análisis están en nuestra web."],
    "fi": ["{portal} kertoo joka päivä, mitä alueellasi tapahtuu. Tilaa aamukirjeemme, niin "
           "saat uutiset ennen aamukahvia.",
           "{portal} seuraa taloutta, politiikkaa ja liikennettä koko maakunnassa. Kaikki "
           "taustajuttumme löydät verkkosivuiltamme."],
}  # fmt: skip
