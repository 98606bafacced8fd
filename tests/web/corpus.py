"""A richer corpus than the three bundled pages, written on the fly for facets, paging,
histogram and duplicate tests: 42 news-like pages in six languages from four sources over
ten years, all naming the river Velmora, plus two syndicated copies (near duplicates).
Sentences are sampled with a fixed seed, so the corpus is the same on every run.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SENTENCES = {
    "en": [
        "The river Velmora flooded the lower town after three days of heavy rain.",
        "Local farmers said the harvest was lost and asked the council for help.",
        "Engineers from the regional office inspected the old stone bridge on Monday.",
        "A new railway line will connect the valley with the capital by next spring.",
        "The museum opened an exhibition about the history of trade on the river.",
        "Teachers complained about crowded classrooms and old books.",
        "The mayor promised to rebuild the harbour and to plant trees along the quay.",
        "Tourists came in record numbers to see the autumn festival by the water.",
        "Scientists measured the water quality and found fewer fish than last year.",
        "The football club celebrated its hundredth anniversary with a parade.",
        "Storms closed the mountain pass for a week and cut power to many villages.",
        "A small bakery near the market won a national prize for its rye bread.",
    ],
    "de": [
        "Der Fluss Velmora trat nach drei Tagen Regen über die Ufer der Unterstadt.",
        "Die Bauern sagten, die Ernte sei verloren, und baten den Gemeinderat um Hilfe.",
        "Ingenieure des Landesamtes prüften am Montag die alte Steinbrücke.",
        "Eine neue Bahnstrecke soll das Tal im Frühjahr mit der Hauptstadt verbinden.",
        "Das Museum eröffnete eine Ausstellung über die Geschichte des Handels am Fluss.",
        "Lehrer im Bezirk klagten über volle Klassenzimmer und alte Schulbücher.",
        "Der Bürgermeister versprach, den Hafen wieder aufzubauen und Bäume am Kai zu pflanzen.",
        "Touristen kamen in Rekordzahl, um das Herbstfest am Wasser zu sehen.",
        "Forscher maßen die Wasserqualität und fanden weniger Fische.",
        "Der Fußballverein feierte sein hundertjähriges Bestehen mit einem Umzug.",
        "Stürme sperrten den Bergpass für eine Woche und unterbrachen den Strom in vielen Dörfern.",
        "Eine kleine Bäckerei am Markt gewann einen Preis für ihr Roggenbrot.",
    ],
    "fr": [
        "La rivière Velmora a inondé la ville basse après trois jours de fortes pluies.",
        "Les agriculteurs ont dit que la récolte était perdue et ont demandé l'aide du conseil.",
        "Des ingénieurs de l'office régional ont inspecté le vieux pont de pierre lundi.",
        "Une nouvelle ligne de train reliera la vallée à la capitale au printemps.",
        "Le musée a ouvert une exposition sur l'histoire du commerce sur la rivière.",
        "Les enseignants du district se plaignent de classes surchargées et de vieux livres.",
        "Le maire a promis de reconstruire le port et de planter des arbres le long du quai.",
        "Les touristes sont venus en nombre record pour voir la fête d'automne au bord de l'eau.",
        "Les scientifiques ont mesuré la qualité de l’eau et trouvé moins de poissons.",
        "Le club de football a fêté son centenaire avec un grand défilé dans les rues.",
        "Les tempêtes ont fermé le col pendant une semaine et coupé le courant dans les villages.",
        "Une petite boulangerie près du marché a gagné un prix national pour son pain de seigle.",
    ],
    "es": [
        "El río Velmora inundó la parte baja del pueblo tras tres días de lluvias intensas.",
        "Los agricultores dijeron que la cosecha se había perdido y pidieron ayuda al consejo.",
        "Ingenieros de la oficina regional inspeccionaron el viejo puente de piedra el lunes.",
        "Una nueva línea de tren unirá el valle con la capital la próxima primavera.",
        "El museo abrió una exposición sobre la historia del comercio en el río.",
        "Los maestros del distrito se quejaron de aulas llenas y libros viejos.",
        "El alcalde prometió reconstruir el puerto y plantar árboles a lo largo del muelle.",
        "Los turistas llegaron en número récord para ver la fiesta de otoño junto al agua.",
        "Los científicos midieron la calidad del agua y encontraron menos peces que el año pasado.",
        "El club de fútbol celebró su centenario con un gran desfile por las calles.",
        "Las tormentas cerraron el paso de montaña durante una semana y cortaron la luz.",
        "Una pequeña panadería junto al mercado ganó un premio nacional por su pan de centeno.",
    ],
    "zh": [
        "连续三天的大雨之后，Velmora河的洪水淹没了下城区。",
        "当地农民说今年的收成全部损失了，他们请求议会提供帮助。",
        "地区办公室的工程师星期一检查了那座古老的石桥。",
        "一条新的铁路将在明年春天把山谷和首都连接起来。",
        "博物馆开设了一个关于河上贸易历史的展览。",
        "区里的老师们抱怨教室太拥挤，课本也太旧了。",
        "市长承诺重建港口，并在码头沿岸种植树木。",
        "创纪录的游客前来观看水边的秋季节日活动。",
        "科学家测量了水质，发现鱼比去年少了很多。",
        "足球俱乐部举行盛大游行，庆祝成立一百周年。",
        "暴风雨使山口关闭了一个星期，许多村庄停电。",
        "市场附近的一家小面包店的黑麦面包获得了全国奖项。",
    ],
    "ja": [
        "三日間の大雨の後、Velmora川が氾濫し、下町が浸水しました。",
        "地元の農家は収穫がすべて失われたと話し、議会に支援を求めました。",
        "地方事務所の技術者が月曜日に古い石橋を点検しました。",
        "新しい鉄道が来年の春までに谷と首都を結ぶ予定です。",
        "博物館は川の交易の歴史についての展示を始めました。",
        "地区の教師たちは教室が混雑し、教科書が古いと訴えています。",
        "市長は港を再建し、岸壁に沿って木を植えると約束しました。",
        "水辺の秋祭りを見るために、記録的な数の観光客が訪れました。",
        "科学者が水質を測定したところ、魚が去年より少ないことがわかりました。",
        "サッカークラブは創立百周年をパレードで祝いました。",
        "嵐のため峠が一週間閉鎖され、多くの村で停電が起きました。",
        "市場の近くの小さなパン屋がライ麦パンで全国賞を受賞しました。",
    ],
}
SOURCES = ("Valley Herald", "River Post", "Harbour Times", "North Wire")
SYNDICATOR = "Wire Syndicate"
PER_LANGUAGE = 7
FIRST_YEAR = 2015


def records() -> list[dict]:
    rng = random.Random(7)
    found = []
    for lang, sentences in SENTENCES.items():
        for i in range(PER_LANGUAGE):
            n = len(found)
            picked = rng.sample(sentences, 6)
            year = FIRST_YEAR + (n * 3) % 10
            source = SOURCES[n % len(SOURCES)]
            title = picked[0].rstrip(".。")
            host = source.lower().replace(" ", "") + ".example"
            found.append(
                {
                    "id": f"{lang}-{i}",
                    "url": f"https://{host}/{lang}/{i}",
                    "timestamp": f"{year}-0{1 + n % 9}-1{n % 9}T10:00:00Z",
                    "source": source,
                    "text": "\n".join([title, *picked[1:], f"{sentences[0][:20]} {n} {year}."]),
                }
            )
    for original in (found[0], found[8]):  # an English and a German page, syndicated
        found.append(
            {
                **original,
                "id": original["id"] + "-copy",
                "source": SYNDICATOR,
                "url": original["url"].replace("https://", "https://syndicate.example/"),
            }
        )
    return found


def write_corpus(folder: Path, extra: list[dict] = ()) -> Path:
    """The corpus as one JSONL file in `folder`; returns the file."""
    path = folder / "pages.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in [*records(), *extra]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
