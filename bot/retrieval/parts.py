"""Split a message into the questions it holds, in order.

« Bonjour ! c'est gratuit et ça dure combien de temps ? » holds two questions; a list (« 1) qui
finance 2) c'est en ligne ? »), several question marks, « d'une part … d'autre part », « et » or
« and » before a new clause split a message too. A piece is a question when it ends with a question
mark or holds an interrogative word; the others (« Bonjour ! », « Je suis DGS d'une agglo ») are
context, kept with the question that follows (or, at the end, the one before). A message with one
question comes back whole, unchanged.

>>> split_questions("c'est gratuit ? et au fait il fait quel temps demain")
["c'est gratuit ?", 'et au fait il fait quel temps demain']
>>> split_questions("La santé et le social sont-ils acceptés ?")
['La santé et le social sont-ils acceptés ?']
"""

from __future__ import annotations

import re

from bot.retrieval.normalize import strip_accents
from bot.retrieval.shorthand import expand

# where a message may be cut: after a sentence (question marks, « ! », « . »); before a list item (a new line, a dash, « 2) »);
# before « et », « and », « d'autre part », « puis », « sinon », and after a comma before « par ailleurs »,
# « aussi », « enfin »… (the coordinator stays with what follows; « et sinon », « et puis » are one)
_AFTER_SENTENCE = re.compile(r"(?<=[?!.;])(?:\s*[?!.;])*\s+")
_LIST_ITEM = re.compile(r"\n+\s*(?:[-•*–]\s*|\d{1,2}\s*[).°/-]\s*)?|(?:^|\s)(?:[-•*–]|\d{1,2}\)|\d[./])\s+(?=[^\W\d])")
# an item of a list begins with one of these marks (« - », « • », « 2) », « 3/ »)
_MARKED = re.compile(r"(?:^|\n)\s*(?:[-•*–]|\d{1,2}\s*[).°/-])\s*(?=\S)|(?:^|\s)(?:[-•*–]|\d{1,2}\)|\d[./])\s+(?=[^\W\d])")
_COORDINATOR = re.compile(
    r"(?<!\bet)(?<!\band)\s*,?\s+(?=(?:et|and|puis|mais aussi|d['’]autre part|sinon|ou bien)\s+\S|(?:ainsi|de m[êe]me) que[\s,]+\S)"
    r"|\s*,\s*(?=(?:par ailleurs|au passage|de plus|en outre|ensuite|enfin|également|egalement|aussi|au fait)\b(?![\s?!.]*$))"
    r"|\s*[,:]?\s+(?=(?:autres? questions?|(?:deuxi[eè]me|seconde|troisi[eè]me|derni[eè]re|autre) (?:question|chose|point)|"
    r"question suivante)\b)",
    re.IGNORECASE,
)
# the question words, as typed (« koi », « kel », « cb »), each part of a message asks with
_QUESTION_WORDS = "qui|quoi|koi|ki|quel|quels|quelle|quelles|kel|combien|cb|quand|qd|kan|comment|cmt|pourquoi"
# « qui » asks at a clause's beginning, after a preposition or « c'est » (« avec qui », « c'est qui »), or last; after
# a noun it is a relative (« une agglo qui hésite à se lancer »), which asks nothing
_WHO = (r"(?:^|(?<=\ba )|(?<=\bde )|(?<=\bpour )|(?<=\bpar )|(?<=\bavec )|(?<=\bchez )|(?<=\bsur )|(?<=\bc est )|"
        r"(?<=\best )|(?<=\bsont )|(?<=\bsavoir )|(?<=\bdire )|(?<=\bqui )|(?<=\bdemande )|(?<=\bdemandent ))(?:qui|ki)\b|"
        r"\b(?:qui|ki)$")
_ASKING_WORDS = "quoi|koi|quel|quels|quelle|quelles|kel|combien|cb|quand|comment|pourquoi"
# words that make a piece a question (normalised: no accents, lower case)
_INTERROGATIVE = re.compile(
    rf"{_WHO}|\b(?:{_ASKING_WORDS}|est ce|"
    # a verb and its subject inverted, dictated or typed without the hyphen (« une commune peut elle candidater »)
    r"(?:peut|peuvent|doit|doivent|faut|faudra t|faudrait|est|sont|sera t|seront|serait|seraient|a t|ont|va t|vont|"
    r"pourra t|pourrait|pourront|devra t|devrait|existe t|y a t|y aura t) (?:il|elle|on|ils|elles)|peux je|puis je|dois je|"
    r"savoir|dire si|me dire|preciser|confirmer|confirmez|pouvez vous|pourriez vous|pouvons nous|"
    r"vous demander|m indiquer|nous indiquer|me communiquer|nous communiquer|"
    # what another asks (« ma N+1 demande si… », « le président me demande si… »), not what one wonders (« je me demande si »)
    r"(?<!\bje me )(?<!\bse )(?<!\bnous nous )(?:demande|demandent|demandait|demandais|demandez) si|"
    # what one does not know or wonders, in chat (« jsp si on peut y aller avec une idée vague »)
    r"(?:je|on) (?:ne )?(?:sais|sait) pas (?:trop )?si|(?:je me|on se) demande si|nous nous demandons si|"
    r"(?:je voudrais|j aimerais|je souhaiterais|je cherche) (?:des|un|une|le|la|les|l|avoir|connaitre|obtenir|recevoir)|"
    r"que veut dire|que veulent dire|que signifie|que signifient|veut dire quoi|qu entendez vous|"
    r"what|who|when|where|how|is it|is there|can we|do we)\b"
)
# a verb and its subject inverted (« peut-elle », « a-t-on », « allez-vous »): a question (not « rendez-vous »)
_INVERTED = re.compile(r"\b(?!rendez-vous)[a-z]+-(?:t-)?(?:il|elle|ils|elles|on|nous|vous|je)\b")
# a yes-no question typed without its question mark begins one of its clauses with one of these
# (« c'est gratuit pour nous », « bonjour, il y a un suivi », « vous prenez les projets de santé »)
_YES_NO = re.compile(r"^(?:c est(?! (?:moi|nous|lui|elle|eux|elles|toi) qui\b)|ca|on peut|on doit|on pourrait|faut|il faut|il y aura|y aura|il y aurait|y aurait|il y a|y a|ya|est ce|peut on|doit on|vous|tu|"
                     r"(?:is|are|do|does|can|could|will|should|must) (?:the|it|this|there|we|i|you|they|a|an|our)|"
                     r"existe t il|il existe|je peux|je dois|nous pouvons|nous devons|on a le droit|j ai le droit|cest|on pe|"
                     r"(?:dis|dites|donne|donnez|explique|expliquez|indique|indiquez|envoie|envoyez|traduis|traduisez|"
                     r"ecris|ecrivez|redige|redigez|fais|faites|aide|aidez|rappelle|rappelez|precise|precisez|montre|"
                     r"montrez|cite|citez|parle|parlez|presente|presentez) (?:moi|nous))\b")  # and a request (« dis-moi », « donnez-nous »)
# « la santé ça passe », « la restitution c'est collective »: a topic (a word or two), then the question
_TOPIC_THEN_ASKS = re.compile(r"^(?!(?:notre|nos|mon|ma|mes|leur|leurs|je|j|nous|on|il|elle|ils|elles)\b)"
                              r"(?:(?:le|la|les|l|un|une|ce|cette|des|du)\s+)?\w+(?:\s+\w+){0,2}\s+(?:c est|ca)\b")
# « un projet sur les déplacements ça marche », « notre portail open data ça passe »: a clause that ends by asking
# whether it will do, typed or dictated without a question mark
_ENDS_ASKING = re.compile(r"\S+\s+\S+\s+(?:ca|c est|cela)\s+(?:marche|passe|rentre|colle|compte|le fait|ok|jouable|faisable|"
                          r"eligible|autorise|permis|accepte|possible)$")
# asking to confirm a claim (« …, c'est ça », « …, je crois », « …, right ») makes a statement a question
_CONFIRM = re.compile(r"\b(?:c est (?:bien )?(?:ca|cela|exact|correct|vrai)|vous confirmez|confirmez vous|je crois|"
                      r"j imagine|je suppose|il me semble|n est ce pas|si j ai bien (?:lu|compris)|right|isn t it|"
                      r"non|hein|ok|correct|ou pas|ou pa|ou non)\s*$|^(?:j ai lu|j ai entendu|on m a dit|il parait|apparemment)\b"
                      r"|\bou (?:faut|il faut|on doit|pas|pa|non)\b")  # « …, ou pas », « en ligne ou faut se déplacer »
# words that only open or close a message or a part (greetings, coordinators, « 2 questions : », thanks):
# not a clause's beginning for the tests above, and left out of what is searched (`clean`)
_OPENING = (r"(?:bonjour|bonsoir|salut|slt|bjr|coucou|hello|hi|hey|madame|monsieur|messieurs|mesdames|"
            r"et|and|puis|mais aussi|ainsi que|de meme que|sinon|ou bien|d une part|d autre part|par ailleurs|au passage|de plus|en outre|"
            r"ensuite|enfin|egalement|aussi|au fait|alors|donc|autre question|autres questions|derniere question|"
            r"premierement|deuxiemement|troisiemement|secundo|primo|tout d abord|d abord|"
            r"(?:petite|une|ma|autre|deuxieme|seconde|troisieme|premiere|\d+|deux|trois|quatre|plusieurs|quelques)\s+"
            r"(?:questions?|choses?|points?)(?:\s+(?:rapides?|courtes?|simples?|pratiques?))?|question)")
_OPENING_PLAIN = re.compile(rf"^(?:{_OPENING}\s+)+")
_OPENING_TEXT = re.compile(
    r"^(?:[\s,;:!.\-–—•*)]*(?:bonjour|bonsoir|salut|slt|bjr|coucou|hello|hi|hey|madame|monsieur|messieurs|mesdames|"
    r"et|and|puis|mais aussi|ainsi que|de m[êe]me que|sinon|ou bien|d['’]une part|d['’]autre part|par ailleurs|au passage|de plus|en outre|"
    r"ensuite|enfin|[ée]galement|aussi|au fait|alors|donc|autres? questions?|derni[èe]re question|"
    r"premi[èe]rement|deuxi[èe]mement|troisi[èe]mement|secundo|primo|tout d['’]abord|d['’]abord|"
    r"(?:petite|une|ma|autre|deuxi[èe]me|seconde|troisi[èe]me|premi[èe]re|\d+|deux|trois|quatre|plusieurs|quelques)\s+"
    r"(?:questions?|choses?|points?)(?:\s+(?:rapides?|courtes?|simples?|pratiques?))?|question)\b(?![-'’]))+[\s,;:!.\-–—]*",
    re.IGNORECASE,
)
# « ça va ? », « j'espère que vous allez bien » after a greeting: courtesy, not a question on the programme
_COURTESY = re.compile(r"^(?:(?:comment )?(?:ca|cela) va(?: bien)?(?: vous| toi)?|vous allez bien|tu vas bien|"
                       r"j espere que (?:vous allez|tu vas) bien|tout va bien)$")
# after a question's mark, the words that close a letter (« Je vous remercie par avance. Cordialement, Sylvie »)
_SIGN_OFF = re.compile(r"\?[\s.!]*(?:je vous remercie|merci|cordialement|bien (?:à|a) vous|salutations|bonne journ[ée]e)\b.*$",
                       re.IGNORECASE | re.DOTALL)
_CLOSING_TEXT = re.compile(
    r"(?:[\s,;.!]+(?:merci(?: (?:d['’]avance|par avance|beaucoup|bien))?|je vous remercie(?: (?:d['’]avance|par avance))?|"
    r"svp|stp|s['’]il vous pla[iî]t|cordialement|bonne journ[ée]e|"
    r"(?:veuillez|je vous prie d['’]|nous vous prions d['’])\s*agr[ée]er[^?]*))+[\s.!]*$",
    re.IGNORECASE,
)
_WHO_FIRST = re.compile(r"^(?:qui|ki)\b")
# a piece that says a next question begins (« autre question », « deuxième chose ») asks it, punctuated or not
_NEXT_QUESTION = re.compile(r"^(?:et\s+)?(?:autres? questions?|(?:deuxieme|seconde|troisieme|derniere|autre) (?:question|chose|point)|"
                            r"question suivante)\b")
# a piece beginning with one of these words asks where (« où ») even without its accent
_WHERE = re.compile(r"(?:^|\s)où\b|\bou\s+(?:on|est ce|faut il|se|trouver|deposer|candidater|postuler)\b|"
                    r"\b(?:trouve|trouver|trouvent|trouvez|voit|voir|voient|consulte|consulter|depose|deposer|dépose|déposer|envoie|envoyer|"
                    r"inscrit|inscrire|postule|postuler|candidate|candidater|publie|publiee|publiée)\s+ou\b(?!\s+(?:pas|non|bien)\b)|"
                    r"\bou\s*(?:stp|svp|svpl|s['’]il (?:te|vous) pla[iî]t|please)?\s*\??$",
                    re.IGNORECASE)
# « la différence entre X et Y », « on hésite entre X et Y »: one question, when « entre » comes a few words before the
# « et » (not « j'ai 5 min entre deux réunions : ça coûte combien, et c'est pour quand ? »)
_BETWEEN = re.compile(r"\b(?:entre|between)\b(?:\s+\S+){0,5}$|\bdifference\b")
MIN_WORDS = 2  # a piece of fewer words is context (« slt », « 3 questions : »)...
_ONE_WORD = re.compile(r"^[^\W\d_]{4,}\s*\?+$")  # ...unless it is one word asked (« durée ? coût ? »)
_CLAUSE = re.compile(r"\s*[,;:()]\s*")
# a message that says it holds several questions (« deux questions : », « 3 choses »): each of its pieces
# asks one, unless it says who the applicant is (« nous sommes… », « notre projet… »)
_ANNOUNCED = re.compile(r"\b(?:\d|deux|trois|quatre|plusieurs|quelques)\s+(?:questions?|choses?|points?)\b")
# a part that only adds a topic to the question before it (« …le développement économique et le commerce ? »)
_AND_WORDS = "et|and|ainsi que|de meme que"
_ADDS = re.compile(rf"^(?:{_AND_WORDS}|mais aussi)\s+(?:(?:pour|sur|dans|avec|en|a)\s+)?"
                   r"(?:le|la|les|l|du|des|de la|de l|de|d|un|une|nos|notre|leur|leurs|ce|cet|cette|ces)\s")
# the second half of a question asked in two (« je souhaiterais connaître d'une part le coût, d'autre part les
# modalités de dépôt »): asked too, by the request of the first
_COUNTERPART = re.compile(r"^(?:et\s+)?(?:d autre part|deuxiemement|troisiemement|secundo|tertio|en second lieu)\b")
# a few words that only make the question before them precise (« …elle se passe où ? à Paris ? », « ça démarre
# quand ? en janvier ? »): one question with it
_PRECISION = re.compile(rf"^(?:a|au|aux|en|dans|sur|par|vers|avant|apres|des|chez)\s+(?!(?:{_QUESTION_WORDS})\b)\S+(?:\s+\S+)?$")
# the ways offered to answer the question before (« on dépose où ? par mail ou sur un site ? »): one question with it
_OPTIONS = re.compile(rf"^(?:a|au|aux|en|dans|sur|par|via|chez)\s+(?!(?:{_QUESTION_WORDS})\b)(?:\S+\s+){{0,4}}ou\s+"
                      r"(?:a|au|aux|en|dans|sur|par|via|chez|le|la|les|l|un|une|des)\s+\S+(?:\s+\S+){0,2}$")
# « …qui organise, et aussi si c'est payant. »: a second thing asked by the request of the first (« veut savoir »)
_AND_IF = re.compile(r"^(?:et|ou)\s+(?:aussi\s+|surtout\s+|egalement\s+|enfin\s+)?(?:si|s il|s ils)\b")
# « …les champs d'application ? genre climat, déplacements ? »: what illustrates or spells out the question before
# it, one question with it, when it asks by no word of its own (« …sur combien de temps ? genre en heures par
# semaine ça prend combien » asks another thing)
_ILLUSTRATES = re.compile(r"^(?:genre|du genre|du style|par exemple|par ex|p ex|notamment|en particulier|typiquement|"
                          r"c est a dire|cad|autrement dit|en clair)\b")
_AND = re.compile(rf"^(?:{_AND_WORDS})\b")
# « …propres et structurées ? »: « et » and one word, not a determiner, a pronoun or a question word, only adds
# to the question before it (not « et la durée ? », « et vous ? », « et quand ? »)
_AND_A_WORD = re.compile(rf"^(?:{_AND_WORDS})\s+(?!(?:ca|c|{_QUESTION_WORDS}|ou|si|sinon|puis|apres|ensuite|vous|toi|eux|elles)$)"
                         r"[^\W\d_]{3,}$")
# « un exemple sur le commerce et un sur les dépôts sauvages », « …et de celui sur la collecte », « …et aussi
# si… » : the same request again, about another subject (a second question)
_ONE_MORE = re.compile(rf"^(?:{_AND_WORDS})\s+(?:de\s+|d\s+)?(?:un|une|celui|celle|ceux|celles)(?:\s+autres?)?\s+"
                       r"(?:sur|de|du|des|pour|concernant|en|autour|a propos|cote|dans)\b"
                       # « je voulais savoir quels thèmes… et aussi si un portail ça pourrait être retenu »
                       rf"|^(?:{_AND_WORDS})\s+(?:puis\s+|aussi\s+|egalement\s+|surtout\s+|notamment\s+|en particulier\s+|plus precisement\s+)?"
                       r"(?:si|s il|s ils)\b")
_AND_MAY = re.compile(rf"^(?:{_AND_WORDS}|puis|sinon)\b.*\b(?:peut|peuvent|pourrait|pourraient|doit|doivent|faut|faudrait)"
                      r"\s+(?:\w+\s+)?\w+(?:er|ir|re)\b")
_SELF = re.compile(r"^(?:je|j|nous|notre|nos|mon|ma|mes|moi|on|chez nous|ici|voici|voila|merci)\b")


def plain(text: str) -> str:
    """Lower case, no accents, every run of non-letters one space (« c'est » -> « c est »)."""
    return " ".join(re.sub(r"[\W_]+", " ", strip_accents(text.lower())).split())


def clean(piece: str) -> str:
    """`piece` without the words that only open or close it (« Bonjour ! », « et », « Autre question : »,
    « merci d'avance ») nor what only frames it (`unframed`): what is searched. The piece itself when
    nothing else would remain."""
    text = _CLOSING_TEXT.sub("", _SIGN_OFF.sub("?", unframed(_OPENING_TEXT.sub("", piece.strip())))).strip()
    return text if len(plain(text).split()) >= MIN_WORDS or _ONE_WORD.match(text) else piece.strip()


# a clause that says why the applicant asks (« Dans le cadre de notre schéma directeur, », « afin d'éclairer
# l'arbitrage de notre direction, », « Pour la bonne information de nos élus, »), not what
_FRAMING = re.compile(r"^(?:dans le cadre d|afin d|en vue d|pour la bonne information d|au titre d|en pr[ée]vision d|"
                      r"dans la perspective d)[^,;:?]*[,;:]\s*", re.IGNORECASE)


_JOINING_MARK = re.compile(r"^[+&/,;:–—-]+\s*")  # « + on dépose où » after « deadline dépôt »


def unsigned(piece: str) -> str:
    """`piece` without the thanks or the sign-off that close it (« …qui fait la formation merci »), nor the mark
    that joined it to the one before (« + on dépose où »): how it is quoted back to the applicant."""
    piece = _JOINING_MARK.sub("", piece.strip()) or piece.strip()
    return _CLOSING_TEXT.sub("", piece).strip() or piece


def unframed(text: str) -> str:
    """`text` without the clauses at its beginning (after a greeting) that only frame the question, when
    they ask nothing (« afin de savoir si… » asks) and a question follows."""
    opening = _OPENING_TEXT.match(text)
    start = opening.end() if opening else 0
    rest = text[start:]
    while (found := _FRAMING.match(rest)) and not asks_by_words(found.group(0).rstrip(" ,;:")) \
            and is_question(rest[found.end():]):
        rest = rest[found.end():]
    return text if rest == text[start:] else rest


def adds_a_topic(piece: str) -> bool:
    """Whether `piece` is « et » and a topic (« et le commerce ? », « ainsi que pour la mobilité ? »), not a new
    question (« et qu'est-ce qui est privilégié ? »): it may only add a topic to the question before it."""
    return bool(_ADDS.match(plain(piece)))


def asks_by_words(piece: str) -> bool:
    """Whether `piece` asks by its mark or its words (an interrogative word, « où », a verb and its subject
    inverted), not only by beginning as a yes-no question would (« c'est », « je dois », « on peut »)."""
    return _asks_by_words(expand(piece.strip()))


# a request closed by « s'il vous plaît » (« Le but du prog en une phrase svp. ») asks, even ended by a full stop
_PLEASE = re.compile(r"\b(?:svp|svpl|stp|s il vous plait|s il te plait|please)$")


def _asks_by_words(text: str) -> bool:
    """`asks_by_words` of a text whose shorthand is already spelt out."""
    said = plain(text)
    return (text.endswith("?") or bool(_INTERROGATIVE.search(said)) or bool(_WHERE.search(text.lower()))
            or bool(_INVERTED.search(strip_accents(text.lower()))) or bool(_PLEASE.search(said)))


# a relative clause between brackets (« un géomaticien (qui s'occupe aussi du SIG) »): it describes, it asks nothing
_RELATIVE_ASIDE = re.compile(r"\(\s*(?:qui|que|qu['’]|dont|lequel|laquelle|lesquels|lesquelles|où)\b[^()?]*\)", re.IGNORECASE)


def _clauses(text: str) -> list[str]:
    """The clauses of `text` (cut at commas, colons, brackets; a relative clause between brackets left out),
    plain and without the words that only open them (« bonjour », « et », « 2 questions »): what the yes-no
    and confirmation tests read."""
    return [clause for clause in (_OPENING_PLAIN.sub("", plain(c))
                                  for c in _CLAUSE.split(strip_accents(_RELATIVE_ASIDE.sub(" ", text).lower())))
            if clause]


_FULL_STOP = re.compile(r"(?<![.?!])[.:]\s*$")  # a sentence ended by a full stop or a colon (not « ... »)


# what a project would let one decide (« …pour décider quelles écoles rénover en premier. »): a question word
# that asks nothing, after what the data is for
_INDIRECT = re.compile(r"\b(?:pour|afin de|afin d|de|d|a|permettre de|aider a)\s+(?:mieux\s+)?(?:decider|choisir|determiner|"
                       r"identifier|cibler|prioriser|reperer|mesurer|evaluer|estimer|visualiser|cartographier|anticiper|"
                       r"prevoir|suivre|objectiver|arbitrer|localiser)\s+(?:quel|quels|quelle|quelles|combien|comment|ou|"
                       r"quand|pourquoi|qui)\b")


def tells(piece: str, after_last_mark: bool) -> bool:
    """Whether `piece`, in a message that marks its questions with « ? », tells rather than asks: it asks by
    no mark nor word and ends with a full stop or a colon (« Bonjour, je dois faire un pitch en bureau. »,
    « Deux questions pour ma note : », « L'idée serait de s'en servir pour décider quelles écoles rénover. »:
    its question word asks nothing, `_INDIRECT`), or comes after the last question and speaks of the applicant
    (« …? Je dois en parler au président »)."""
    asked = piece
    if _FULL_STOP.search(piece):
        said = plain(expand(piece))
        if _INDIRECT.search(said):
            asked = _INDIRECT.sub(" ", said) + "."
    if asks_by_words(asked) or _gives_to_confirm(asked):
        return False
    return bool(_FULL_STOP.search(piece)) or after_last_mark and bool(_ABOUT_ME.match(plain(clean(piece))))


# what the applicant says of themselves or of why they ask (« je dois en parler au président », « c'est pour
# organiser le service »), not « on peut candidater seuls » typed without its mark
_ABOUT_ME = re.compile(r"^(?:je|j|nous|notre|nos|mon|ma|mes|moi|chez nous|ici|voici|voila|merci|c est pour|c etait pour)\b")


def _gives_to_confirm(piece: str) -> bool:
    """Whether a clause of `piece` gives a claim to confirm (« Si j'ai bien compris, c'est payant. »)."""
    return any(_CONFIRM.search(clause) for clause in _clauses(expand(piece.strip())))


def is_question(piece: str) -> bool:
    """Whether `piece` asks something: a question mark, an interrogative word, « où », a clause that
    begins as a yes-no question (« c'est », « on peut », « il y a », « vous… »), or a claim given to confirm;
    read with its shorthand spelt out (« c gratuit » is « c'est gratuit »)."""
    text = expand(piece.strip())
    return _asks_by_words(text) or any(
        _YES_NO.search(clause) or _TOPIC_THEN_ASKS.search(clause) or _CONFIRM.search(clause) or _WHO_FIRST.match(clause)
        or _ENDS_ASKING.search(clause) for clause in _clauses(text))


# « j'ai besoin de : nom du formateur, nombre de places, durée », « infos svp : date limite, où déposer » :
# what is asked for, then a colon and a list of short items (commas, a last « et »), each one question
_LISTED = re.compile(r"^(?P<head>[^:]*):\s*(?P<tail>[^:]+)$")
_REQUEST = re.compile(r"\b(?:besoin|savoir|connaitre|info|infos|information|informations|renseignement|renseignements|"
                      r"precision|precisions|question|questions|detail|details|dites moi|dis moi|donnez moi|donne moi|"
                      r"je cherche|il me faut|il me faudrait|il nous faut|il nous faudrait|j aimerais|je voudrais|"
                      r"je souhaiterais|je souhaite|nous aimerions|nous voudrions|nous souhaiterions|quels sont|quelles sont|"
                      r"vous auriez|auriez vous|avez vous|"
                      # the formal requests of a letter (« je vous saurais gré de m'indiquer… », « pourriez-vous me préciser… »)
                      r"saurais gre|saurions gre|(?:m|me|nous) (?:indiquer|preciser|rappeler|confirmer|expliquer|communiquer))\b")
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*(?:et\s+|ainsi que\s+)?|\s+(?:et|ainsi que)\s+")
MAX_ITEM_WORDS = 6


def requested_list(sentence: str) -> list[str] | None:
    """The items of a list of things asked for after a colon (at least two, each of at most
    MAX_ITEM_WORDS words), or None: « Notre projet : un observatoire, un tableau de bord » tells, it
    does not ask (no request before the colon)."""
    found = _LISTED.match(sentence.strip())
    if not found or not _REQUEST.search(plain(found["head"])):
        return None
    items = [i.strip(" .") for i in _LIST_SEPARATOR.split(found["tail"]) if plain(i)]
    if len(items) < 2 or any(len(plain(i).split()) > MAX_ITEM_WORDS for i in items):
        return None
    return items


# « je m'interroge sur le contenu du dossier, sur l'équipe à désigner, sur le calendrier », « j'aimerais connaître
# la durée, le coût et la date limite » : a request, then (no colon) a series of things, commas between them
_SERIES = re.compile(
    r"^(?P<head>.*?\b(?:savoir|conna[iî]tre|m['’]interroge|nous interrogeons|nous nous interrogeons|pr[ée]ciser|"
    r"me renseigner|nous renseigner|des pr[ée]cisions|des informations|des infos|des renseignements|"
    r"je m['’]interroge|je me pose des questions|nous nous posons des questions)"
    r"(?:\s+(?:sur|concernant|quant [àa]))?)\s+(?P<tail>[^?:]+?)[\s.?!]*$",
    re.IGNORECASE,
)
_THING = re.compile(r"^(?:(?:sur|concernant|quant a|quant au|quant aux)\s+)?"
                    r"(?:le|la|les|l|du|des|de la|de l|un|une|vos|votre|leur|leurs|son|sa|ses|ce|cet|cette|ces)\s+\S")
MAX_SERIES_WORDS = 12  # « sur la composition de l'équipe projet à désigner », « l'adresse électronique d'un interlocuteur à qui… »


def requested_series(sentence: str) -> list[str] | None:
    """The things asked for by a request without a colon (« …je m'interroge sur A, sur B, sur C »), each
    beginning with a determiner, at least two with a comma between them; or None (« je voudrais connaître
    les conditions et les modalités » is one question)."""
    found = _SERIES.match(sentence.strip())
    if not found or "," not in found["tail"]:
        return None
    items = [i.strip(" .") for i in _LIST_SEPARATOR.split(found["tail"]) if plain(i)]
    if len(items) < 2 or not all(_THING.match(plain(i)) and len(plain(i).split()) <= MAX_SERIES_WORDS for i in items):
        return None
    return items


_SLASH = re.compile(r"\s+[/+]\s+")  # « prix / durée », « le contenu + des exemples »
_PLUS = re.compile(r"\s\+\s")
MAX_PLUS_HEAD_WORDS = 3  # « deadline dépôt + on dépose où ? »
MAX_SLASHED_WORDS = 12  # an item between slashes that asks by its words may be longer (« cb d'heures par semaine… »)


def asked_run(sentence: str) -> tuple[str, list[str]] | None:
    """(what precedes, the items) of short things asked in a row (after a colon, if any): between slashes,
    three or more of a word or two ending with a question mark (« prix / durée / deadline ? »); or, between
    slashes or (three or more) between commas, the first and another asking by their words, none asking to
    confirm, the others a word or two (« cb ça coûte, cb de places, deadline »). None otherwise:
    « un duo data / métier est-il requis ? », « Nos thèmes : déchets, mobilité, énergie, on peut candidater ? »."""
    sentence = sentence.strip()
    head, colon, tail = sentence.rpartition(":")
    slashed = bool(_SLASH.search(tail))
    items = [i.strip(" .") for i in (_SLASH if slashed else _CLAUSE).split(tail) if plain(i)]
    said = [_OPENING_PLAIN.sub("", plain(expand(i))) for i in items]
    asking = [bool(_ASKS_BY_WORD.search(words) or _YES_NO.search(words)) for words in said]
    if len(items) < 2 or any(len(words.split()) > (MAX_SLASHED_WORDS if slashed and asks else MAX_ITEM_WORDS)
                             for words, asks in zip(said, asking)):
        return None
    short = [len(words.split()) <= 2 for words in said]
    # a thing of a few words, « + », then a question asked by its words (« deadline dépôt + on dépose où ? », « prix /
    # durée + on dépose où ? »); not « un duo data + métier est-il requis ? », « un geek + quelqu'un du terrain ? »
    if _PLUS.search(tail) and tail.endswith("?") and (asking[-1] or _WHERE.search(items[-1])) \
            and len(said[0].split()) <= MAX_PLUS_HEAD_WORDS and not any(_CONFIRM.search(words) for words in said):
        return f"{head}{colon}", items
    if slashed and len(items) >= 3 and all(short) and tail.endswith("?"):
        return f"{head}{colon}", items
    # after a colon, things of two words or more between slashes, ended by a question mark (« pour caler la
    # roadmap : durée totale du programme / deadline de dépôt ? »)
    if slashed and colon and head.strip() and tail.endswith("?") and all(len(w.split()) >= 2 for w in said) \
            and not any(_CONFIRM.search(words) for words in said):
        return f"{head}{colon}", items
    if not slashed and len(items) < 3 or sum(asking) < 2 or not asking[0] \
            or not all(a or s for a, s in zip(asking, short)) or any(_CONFIRM.search(words) for words in said):
        return None  # two clauses and a comma are most often one question (« Qui organise, c'est l'État ? »)
    return f"{head}{colon}", items


def requested(sentence: str) -> tuple[str, list[str]] | None:
    """(what asks, the things asked for) of a sentence that asks for several things in a row: a list after a
    colon (`requested_list`), a series after a request (`requested_series`), short things asked in a row
    (`asked_run`); None otherwise."""
    items = requested_list(sentence)
    if items:
        sentence = sentence.strip()
        return sentence[:sentence.index(":") + 1], items
    items = requested_series(sentence)
    if items:
        return _SERIES.match(sentence.strip())["head"], items
    return asked_run(sentence)


# « bonjour je suis sg dans une petite cc rurale, on est 4 agents, est-ce que ce programme est payant ? »: who the
# applicant is, then the question, in one sentence; the introduction is the question's context
_INTRODUCES = re.compile(r"^(?:je suis|jsuis|chuis|nous sommes|on est|je travaille|je bosse|je m occupe|je represente|"
                         r"nous representons|moi c est)\b")
_THEN_ASKS = re.compile(r"[\s,;:]+(?=est[- ]ce qu)", re.IGNORECASE)


def _introduced(piece: str) -> list[str]:
    """`piece` cut before its « est-ce que » when it begins by saying who the applicant is."""
    found = _THEN_ASKS.search(piece)
    if not found or not _INTRODUCES.match(_OPENING_PLAIN.sub("", plain(piece[:found.start()]))):
        return [piece]
    return [piece[:found.start()], piece[found.end():]]


# with no question mark in the message, a strong opener begins a question where a comma would be typed (`_commas`
# keeps it with what precedes unless that asks already)
_RUN_ON = re.compile(r"(?<=[\w'’])(?<!\bet)(?<!\bou)(?<!\bmais)(?<!\bpuis)(?<!\bsinon)(?<!\balors)(?<!\bdonc)(?<!\bcoup)"
                     r"\s+(?=(?:est[- ]ce qu|qu['’]est[- ]ce qu|c['’]est (?:quoi|qui|quand|combien|où)\b|y a[- ]t[- ]il\b))",
                     re.IGNORECASE)
# ...and after a clause that asks whether it will do (« un projet sur le commerce ça marche »), a question word
# begins the next question (« …ça marche cmt on s'inscrit »)
_WILL_DO_THEN = re.compile(r"(\b(?:[çc]a|cela|c['’]est)\s+(?:marche|passe|rentre|colle|jouable|faisable|possible|[ée]ligible|ok))"
                           rf"\s+(?=(?:{_QUESTION_WORDS}|où)\b)", re.IGNORECASE)


def _pieces(text: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The pieces of `text` (its sentences, cut at their coordinators, or what asks and the things asked
    for), and the `requested` of each sentence that asks for several things in a row."""
    out, found = [], []
    unmarked = "?" not in text
    for line in _LIST_ITEM.split(text):
        for sentence in _AFTER_SENTENCE.split(line):
            if unmarked:  # dictated: « …ça rentre est-ce que c'est payant »
                sentence = _WILL_DO_THEN.sub(r"\1, ", _RUN_ON.sub(", ", sentence))
            asked = requested(sentence)
            if asked:
                found.append(asked)
                out.extend([asked[0], *asked[1]])
            else:
                out.extend(p for c in _introduced(sentence) for p in _coordinated(c))
    return [p.strip() for p in out if p.strip()], found


# « combien de temps dure le programme, qui sont les partenaires » : a comma before a question word
_COMMA_ASKS = re.compile(rf"\s*,\s*(?=(?:{_QUESTION_WORDS}|où|(?:jusqu['’]|à partir de |a partir de |depuis |pour )(?:à |a )?quand|"
                         r"[çc]a (?:co[uû]te|dure|d[ée]marre|commence|se passe)|c['’]est (?:quand|combien|où|qui|quoi)|"
                         r"est-ce qu|qu['’]est-ce|y a-t-il|il y a|y a|ya)\b"
                         # « jusqu'à quand on peut l'envoyer, on le dépose où, … »: a clause that asks by its last word
                         r"|(?:[^\s,;?]+\s+){2,}(?:où|ou|quand|combien|comment|quoi)\s*(?:[,;?]|$)"
                         r"|(?:[^\s,;?]+\s+){1,3}jusqu['’](?:à|a) quand\b"
                         r"|[a-zà-ÿ]+-(?:t-)?(?:il|elle|on|ils|elles|nous|vous)\b)", re.IGNORECASE)
_PRONOUN_TOPIC = re.compile(r"^(?:et |mais |alors )?(?:ca|cela|ceci)$")  # « et ça, ça se passe quand » asks once
_ASKS_BY_WORD = re.compile(rf"^(?:{_QUESTION_WORDS}|ou|qu est ce|est ce)\b|\b(?:{_QUESTION_WORDS})$")


def _commas(piece: str) -> list[str]:
    """`piece` cut at a comma before a question word when what precedes is a question too, by its first or
    last word (« c'est pour qui, ça coûte combien ») — never « Nous sommes une CC, pouvons-nous
    candidater ? » (context, then a question) nor « on ne sait pas par quoi commencer, il y a combien… »."""
    out: list[str] = []
    for part in (p.strip() for p in _COMMA_ASKS.split(piece) if p and p.strip()):
        before = _OPENING_PLAIN.sub("", plain(expand(out[-1].rpartition(":")[2]))) if out else ""
        asks = not _PRONOUN_TOPIC.match(before) and (_ASKS_BY_WORD.search(before) or _YES_NO.search(before)
                                                     or _TOPIC_THEN_ASKS.search(before) or _ENDS_ASKING.search(before)
                                                     or out and out[-1].endswith("?"))
        if out and not asks or _BETWEEN.search(before):
            out[-1] = f"{out[-1]}, {part}"
        else:
            out.append(part)
    return out


def _coordinated(sentence: str) -> list[str]:
    """`sentence` cut before its coordinators, except the « et » of « entre X et Y » (one question)."""
    out: list[str] = []
    for piece in (p for c in _COORDINATOR.split(sentence) if c and c.strip() for p in _commas(c)):
        if out and _BETWEEN.search(plain(out[-1])):
            out[-1] = f"{out[-1]} {piece.strip()}"
        else:
            out.append(piece.strip())
    return out


def asked_items(text: str) -> set[str]:
    """The items of a list (« - », « • », « 2) », « 3/ » before each) of which most ask, two at least
    (« * date limite * où postuler * c'est payant ? »): each item is a question, even one typed as a few
    words. None when the list tells (« Notre projet : - un observatoire - un tableau de bord. Éligible ? »)."""
    items = [item.strip().split("\n")[0].strip() for item in _MARKED.split(text)[1:] if item.strip()]
    asking = sum(map(is_question, items))
    if asking < 2 or 2 * asking <= len(items):
        return set()
    return set(items)


# the last question asks the same of each thing listed before it (« …deux pistes : A, et B. Les deux sont-elles
# envisageables ? », « …: A – ou B. Lesquelles correspondent aux exemples ? »)
_EACH = re.compile(r"\b(?:(?:les|ces) (?:deux|trois)(?= (?:sont|seraient|seront|peuvent|pourraient|iraient|vont|conviennent|"
                   r"passent|marchent|rentrent|entrent|correspondent|collent|ont|auraient)\b|$)|tous les deux|toutes les deux|"
                   r"lesquels|lesquelles|lequel|laquelle|chacun|chacune|l une ou l autre|l un ou l autre)\b")
_THINGS_SEPARATOR = re.compile(r"\s*,\s*(?:et|ou)\s+|\s+[–—-]\s+(?:et\s+|ou\s+)?|\s*;\s*(?:et\s+|ou\s+)?|\s+ou\s+bien\s+")
MIN_THING_WORDS = 3


def asked_of_each(text: str) -> list[tuple[str, str]] | None:
    """(what precedes the list and the question, a thing) for each of the things listed after a colon when
    the last sentence asks about them all (`_EACH`); None otherwise."""
    sentences = [s for s in _AFTER_SENTENCE.split(text.strip()) if s.strip()]
    if len(sentences) < 2 or "?" not in sentences[-1] or not _EACH.search(plain(sentences[-1])):
        return None
    head, colon, tail = " ".join(sentences[:-1]).rpartition(":")
    things = [t.strip(" .") for t in _THINGS_SEPARATOR.split(tail) if plain(t)]
    if not colon or not 2 <= len(things) <= 4 or any(len(plain(t).split()) < MIN_THING_WORDS for t in things):
        return None
    asked = sentences[-1].strip()
    return [(f"{head.strip()} {colon} {asked}", thing) for thing in things]


# a list said aloud, with no mark: « trois questions virgule un c'est quoi le but deux est-ce qu'une commune… et trois… »
_SAID_COUNT = re.compile(r"\b(deux|trois|quatre|[234])\s+(?:questions?|choses?|points?)\b[\s,:]*(?:(?:alors|donc|voil[aà])\s+)?",
                         re.IGNORECASE)
_SAID_NUMBERS = ("un|une|premi[eè]rement|primo|1", "deux|deuxi[eè]mement|secundo|2", "trois|troisi[eè]mement|tertio|3",
                 "quatre|quatri[eè]mement|4")
_SAID_AS_NUMBER = {"deux": 2, "trois": 3, "quatre": 4, "2": 2, "3": 3, "4": 4}


def said_list(text: str) -> str:
    """`text` written as a list (« 1) … 2) … ») when, with no question mark, it announces two to four questions and
    says their numbers in order right after (« un …, deux …, et trois … »); `text` otherwise."""
    announced = _SAID_COUNT.search(text)
    if "?" in text or not announced:
        return text
    count, rest = _SAID_AS_NUMBER[announced.group(1).lower()], text[announced.end():]
    first = re.match(rf"(?:{_SAID_NUMBERS[0]})\b[\s,]*", rest, re.IGNORECASE)
    if not first:
        return text
    items, start = [], first.end()
    for number in _SAID_NUMBERS[1:count]:
        found = re.compile(rf"[\s,]+(?:et\s+)?(?:{number})\b[\s,]*", re.IGNORECASE).search(rest, start)
        if not found:
            return text
        items.append(rest[start:found.start()])
        start = found.end()
    items.append(rest[start:])
    if any(len(item.split()) < MIN_WORDS for item in items):
        return text
    return text[:announced.end()].rstrip(" ,") + "".join(f"\n{n}) {item.strip()}" for n, item in enumerate(items, 1))


# a piece that is only a question word, with no topic of its own (« À quelle date », « vers quelle heure »)
_BARE_ASK = re.compile(r"^(?:(?:a|vers|depuis|pendant|pour|avec|par|de|chez|dans|sur)\s+)?(?:quelle date|quel jour|quelle heure|"
                       r"quel moment|quand|qd|ou|qui|combien|comment|quel lieu|quelle ville|quel endroit)$")


def _bare_asks_joined(pieces: list[str]) -> list[str]:
    """`pieces` with each one that is only a question word joined to the « et » piece after it: « À quelle date et dans
    quelle ville se tiendra la restitution ? » asks two details of one thing, one question."""
    out: list[str] = []
    for piece in pieces:
        if out and _BARE_ASK.match(plain(out[-1])) and _AND.match(plain(piece)):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def split_parts(text: str) -> list[tuple[str, str]]:
    """The questions of `text`, in order, each as (the context that precedes it, the question); one
    (« », `text`) when it holds one question."""
    text = said_list(text)
    each = asked_of_each(text)
    if each:
        return each
    pieces, found = _pieces(text)
    pieces = _bare_asks_joined(pieces)
    if len(pieces) <= 1:
        return [("", text.strip())]
    parts: list[tuple[str, str]] = []
    context: list[str] = []
    announced = bool(_ANNOUNCED.search(plain(text)))
    listed = {item for _, items in found for item in items}
    heads = {head for head, _ in found}  # « je voudrais savoir : », « je m'interroge sur »
    listed |= asked_items(text)
    marked = [n for n, piece in enumerate(pieces) if "?" in piece]
    for n, piece in enumerate(pieces):
        # « Le plan climat et les mobilités, ce sont des exemples ? », « nos données doivent-elles être propres
        # et structurées ? »: the « et » joined two words of one question, not two clauses
        if context and context[-1] == pieces[n - 1] and _AND.match(plain(piece)) and not is_question(context[-1]):
            joined = f"{context[-1]} {piece}"
            if is_question(joined):
                context.pop()
                piece = joined
        cleaned, said = clean(piece), plain(piece)
        told = bool(marked) and piece not in listed and tells(piece, n > marked[-1])
        # a message typed with no mark at all asks by its tone: after a question, « et » and a clause that says
        # what may or must be done (« ils en prennent cb, et une commune toute seule peut candidater »)
        intoned = not marked and bool(parts) and bool(_AND_MAY.match(said))
        asked_too = bool(parts) and bool(_AND_IF.match(said)) and bool(_REQUEST.search(plain(parts[-1][1])))
        asks = piece not in heads and (asked_too or not told and (is_question(piece) or intoned or piece in listed
                                                    or _NEXT_QUESTION.match(said)
                                                    or announced and not _SELF.search(plain(cleaned))
                                                    or bool(parts) and bool(_COUNTERPART.search(said) or _ONE_MORE.match(said)
                                                                            or _ADDS.match(said)
                                                                            and _REQUEST.search(plain(parts[-1][1])))))
        rest = plain(_OPENING_TEXT.sub("", piece.strip()))
        only_opens = not rest or bool(_COURTESY.match(rest))  # « 2 questions : », « Bonjour ! », « bonjour ça va »
        long_enough = len(plain(cleaned).split()) >= MIN_WORDS or _ONE_WORD.match(cleaned) or piece in listed
        # (« …propres et structurées ? »; after a question's mark, « et places ? » asks again)
        if parts and (_PRECISION.match(said) or _OPTIONS.match(said) and parts[-1][1].rstrip().endswith("?")
                      or _ILLUSTRATES.match(said) and not _INTERROGATIVE.search(said)
                      or _AND_A_WORD.match(said) and not context
                      and not parts[-1][1].rstrip().endswith("?")):
            parts[-1] = (parts[-1][0], f"{parts[-1][1]} {piece}")
        elif asks and not only_opens and long_enough:
            parts.append((" ".join(context), piece))
            context = []
        else:
            context.append(piece)
    if context:
        if parts:
            parts[-1] = (parts[-1][0], " ".join([parts[-1][1], *context]))
        else:
            return [("", text.strip())]
    return parts if len(parts) > 1 else [("", text.strip())]


# where a message that `split_parts` keeps whole may still hold two questions: before « et », « + » or « & »
_MAY_CUT = re.compile(r"\s*,?\s+(?=(?:et|\+|&)\s)")
MAX_CUTS = 4
# what another asks, or one wonders, by a question word after « demande » or « savoir » (« la cheffe se demande si… »,
# « le chef du SI demande ce qu'il faut mettre dans le dossier »)
_ASKS_INDIRECTLY = re.compile(r"\b(?:demande|demandent|demandait|demandais|demandions|demandez|savoir)\s+(?:si|s il|s ils|ce qu|"
                              r"ce que|qui|quand|combien|comment|ou|quel|quels|quelle|quelles|pourquoi)\b")
# a clause with a subject pronoun or a common verb, or that begins by a possessive, tells something (« nos agents sont
# répartis sur un territoire très rural ») when it asks nothing; a few words without them name what is asked
# (« date limite pr déposer le dossier »)
_TELLS_OF = re.compile(r"\b(?:je|j|me|m|nous|on|il|ils|elle|elles|vous|tu|est|sont|ont|etait|etaient|sera|seront|fait|font|veut|"
                       r"veulent|peut|peuvent|doit|doivent|va|vont|souhaite|souhaitent|souhaiterait|voudrait|aimerait)\b|"
                       r"^(?:notre|nos|mon|ma|mes|leur|leurs|chez nous|ici|moi)\b")


def _asks(piece: str) -> bool:
    return is_question(piece) or bool(_ASKS_INDIRECTLY.search(plain(piece)))


def may_hold_two(text: str) -> list[tuple[str, str]]:
    """Where `text`, a message `split_parts` keeps whole, may be cut into two questions: (the first, the second, with its
    « et ») at each « et », « + » or « & » (the first MAX_CUTS), when the second asks and the first asks too, or names
    what is asked in a few words with no subject nor verb (« date limite pr déposer le dossier et on le dépose où »),
    in a message of one sentence, and the « et » does not join two things compared (« entre le lancement et la fin »).
    Whether it holds two questions is for their answers to say (`Answerer`): « La santé et le social sont-ils
    acceptés ? » asks one."""
    cuts: list[tuple[str, str]] = []
    if len(_AFTER_SENTENCE.split(text.strip())) > 1:
        return cuts
    for found in list(_MAY_CUT.finditer(text))[:MAX_CUTS]:
        first, second = text[:found.start()].strip(), _JOINING_MARK.sub("", text[found.end():].strip())
        if not first or not second or _BETWEEN.search(plain(first)):
            continue
        if _asks(second) and (_asks(first) or not _TELLS_OF.search(plain(clean(first)))):
            cuts.append((first, second))
    return cuts


def split_questions(text: str) -> list[str]:
    """The questions of `text`, in order, each with the context that precedes it."""
    return [f"{context} {question}" if context else question for context, question in split_parts(text)]
