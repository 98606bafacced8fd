"""Stop words per language, for query time only: they never leave the index.

A stop word in a query (the, what, 的, 了, ที่, की) is matched when a page has it and ranks
the page a little higher, but never decides whether a page matches (`search.query` makes it
optional, and relaxed matching does not count it). A query made only of stop words still
needs all of them ("to be or not to be").

The lists are short on purpose: function words and question words, the words a question
adds around what it asks about. Whoosh's lists (Snowball's) serve the languages Whoosh has;
the others are written here. Which list applies to a query word depends on the field being
searched and on the word's script: a field's own language for words of its script, and for
other scripts the language that script mostly stands for (Han: Chinese, Thai: Thai, Greek:
Greek, Devanagari: Hindi, Arabic: Arabic, Cyrillic: Russian, Latin: English).
"""

from __future__ import annotations

import functools

from whoosh.lang import has_stopwords, stopwords_for_language

from search.analysis.normalize import fold_accents

# Question words that Snowball's lists leave out: a question is mostly made of them.
_QUESTION_WORDS = {
    "en": "many much whose",
    "es": "cuál cuáles cuándo cuánto cuánta cuántos cuántas cómo dónde quién quiénes qué",
    "de": "wer wen wem wessen wann warum wieso weshalb wieviel wieviele wievielen viele",
    "fr": "quel quelle quels quelles quand comment combien pourquoi où qui quoi",
    "pt": "qual quais quando quanto quantos quantas como onde quem porque",
    "it": "quale quali quando quanto quanti quante come dove perché chi cosa",
    "ru": "сколько какие каких каким какое какую какого каком чей чья чьё почему",
    "tr": "kaç kaçta kaçıncı hangi hangisi hangileri nedir kimdir nerede ne zaman neler nasıl",
}

_LISTS = {
    "zh": """
        的 了 着 过 是 在 和 与 及 或 也 都 就 还 而 并 被 把 对 从 到 向 为 以 于 之 其 所
        这 那 这个 那个 这些 那些 此 该 各 每 有 没有 个 一个 们 等 中 吗 呢 吧 啊 呀 么
        什么 多少 哪 哪个 哪些 哪里 哪儿 谁 几 何 何时 怎么 怎样 如何 为什么 为何 是否 是什么
        """,
    "th": """
        ที่ ซึ่ง อัน ของ และ หรือ แต่ ใน บน จาก ถึง กับ แก่ แด่ ต่อ โดย เพื่อ ตาม การ ความ
        เป็น คือ มี ได้ ให้ ว่า ไม่ จะ ก็ ไป มา อยู่ แล้ว ถูก นี้ นั้น โน้น นั่น นี่ ทั้ง
        อะไร ใคร ไหน ที่ไหน เมื่อไร เมื่อไหร่ อย่างไร ยังไง ทำไม กี่ เท่าไร เท่าไหร่ หรือไม่ บ้าง
        """,
    "ar": """
        في من على إلى الى عن مع عند منذ حتى ثم أو او و ف ب ل ك هذا هذه ذلك تلك هؤلاء هو هي
        هم هن أنا نحن أنت التي الذي الذين اللذان اللتان اللاتي ما ماذا متى أين اين كيف كم هل
        لماذا لما أي أى أية لم لن لا قد كان كانت كانوا يكون تكون إن ان أن إذا اذا كل بعض غير
        بين عندما حيث
        """,
    "el": """
        ο η το οι τα του της των τον την τους τις ένας μια ένα ενός μιας και ή να θα δεν μη
        μην σε στο στη στην στον στα στους στις με για από προς ως που πως ότι αν όταν είναι
        ήταν είχε έχει αυτός αυτή αυτό αυτά αυτοί αυτές ποιος ποια ποιο ποιοι ποιες ποιον
        ποιας ποιου ποιων πόσα πόσες πόσοι πόσο πόσων πότε πού πώς γιατί τι ποσα
        """,
    "hi": """
        का की के को में से पर है हैं था थे थी थीं और या एवं तथा ने भी ही यह वह ये वे इस उस इन
        उन कि जो जब तो हुआ हुई हुए होता होती होते हो गया गई गए किया कर करने एक लिए द्वारा
        क्या कौन कौनसा कौनसी किस किसे किसने किसको कब कहाँ कहां कैसे कैसा कितने कितना कितनी क्यों
        """,
    "vi": """
        của là và các những được có trong cho với một này đó kia khi thì để từ bởi vì tại
        nào gì ai đâu sao bao nhiêu mấy không hay hoặc đã đang sẽ cũng như về theo ra
        """,
}

# The language a script's words are most likely in, for fields of another language.
_SCRIPT_LANGUAGE = {
    "han": "zh",
    "thai": "th",
    "greek": "el",
    "devanagari": "hi",
    "arabic": "ar",
    "cyrillic": "ru",
    "latin": "en",
}


def words(lang: str) -> frozenset[str]:
    """The stop words of a language as written (empty for a language without a list)."""
    listed = set(_LISTS.get(lang, "").split())
    if has_stopwords(lang):
        listed |= stopwords_for_language(lang)
    listed |= set(_QUESTION_WORDS.get(lang, "").split())
    return frozenset(listed)


def language_for(family: str, script: str, family_script: str | None) -> str | None:
    """Which language's list judges a word of `script` in a field of `family`."""
    if script == family_script and words(family):
        return family
    return _SCRIPT_LANGUAGE.get(script)


@functools.lru_cache(maxsize=256)
def terms(family: str, lang: str) -> frozenset[str]:
    """A language's stop words as `family`'s analyzer reads them without stemming
    (lowercased, folded, segmented): what a query word's unstemmed tokens are compared with.
    Entries that become several tokens (a word a segmenter splits) are left out."""
    from search.analysis.analyzers import analyzer_for

    analyzer = analyzer_for(family)
    found = set()
    for word in words(lang):
        tokens = [t.text for t in analyzer(word, mode="query", no_morph=True)]
        if len(tokens) == 1:
            found.add(tokens[0])
            found.add(fold_accents(tokens[0]))  # Vietnamese keeps marks; typed without them
    return frozenset(found)
