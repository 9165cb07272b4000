"""Words for the codes the product stores: one vocabulary for pages, exports and PDFs. Pure.

Stored rows, URLs and the API carry codes (``"ks2_rwm_exp"``, ``"english_maths"``,
``"2025-26-summer"``, ``"placement.confirm"``); people read words ("KS2 reading, writing and
maths", "English and maths", "Summer term 2025-26", "Placement confirmed"). Every label shown to
a person comes from here (or from a model's ``choices``, whose labels follow the same rules):

1. A code with an entry in ``WORDS`` reads as that entry.
2. A term code (``2025-26-summer``) or academic year reads as :mod:`trust_si.terms` says.
3. Anything else is split on ``_``, ``-`` and ``.`` and each part is looked up in ``PARTS``
   (acronyms stay capitals: "EYFS", "SEND", "KS2"); the first word takes a capital.

``change_sentences`` turns an audit row's ``{field: [old, new]}`` into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from trust_si.terms import AcademicYear, TermCode, TermError

WORDS: dict[str, str] = {
    # pupil groups
    "all": "All pupils",
    "disadvantaged": "Disadvantaged",
    "non_disadvantaged": "Not disadvantaged",
    "send": "SEND",
    "no_send": "No SEND",
    "eal": "English as an additional language",
    "boys": "Boys",
    "girls": "Girls",
    "prior_low": "Low prior attainment",
    "prior_middle": "Middle prior attainment",
    "prior_high": "High prior attainment",
    # subjects and measures
    "eyfs": "Early years (EYFS)",
    "phonics": "Phonics",
    "reading": "Reading",
    "writing": "Writing",
    "maths": "Maths",
    "rwm": "Reading, writing and maths",
    "english_maths": "English and maths",
    "attainment8": "Attainment 8",
    "progress8": "Progress 8",
    "p8": "Progress 8",
    "scaled_score": "Scaled score",
    "ta": "Teacher assessment",
    "attendance": "Attendance",
    # KPIs
    "eyfs_gld": "EYFS: good level of development",
    "y1_phonics": "Year 1 phonics: meeting the standard",
    "ks1_phonics": "Year 1 phonics: meeting the standard",
    "ks2_reading_exp": "KS2 reading: expected standard",
    "ks2_writing_exp": "KS2 writing: expected standard",
    "ks2_maths_exp": "KS2 maths: expected standard",
    "ks2_rwm_exp": "KS2 reading, writing and maths: expected standard",
    "ks2_writing_gds": "KS2 writing: greater depth",
    "ks4_att8": "KS4 Attainment 8",
    "ks4_em4": "KS4 English and maths: grade 4 or above",
    "ks4_em5": "KS4 English and maths: grade 5 or above",
    "ta_reading_are": "Reading: at age-related expectations",
    "ta_writing_are": "Writing: at age-related expectations",
    "ta_maths_are": "Maths: at age-related expectations",
    "persistent_absence": "Persistent absence",
    "severe_absence": "Severe absence",
    "ks4_ebacc_entry": "KS4 entered for the EBacc",
    "ks2_reading_high": "KS2 reading: higher standard",
    "ks2_maths_high": "KS2 maths: higher standard",
    "ks2_rwm_high": "KS2 reading, writing and maths: higher standard",
    "absence": "Overall absence",
    # Secondary and behaviour measures (issue 13, i13-4b)
    "ks4_ebacc_aps": "KS4 EBacc average point score",
    "suspension_rate": "Suspensions per 100 pupils",
    "permanent_exclusion_rate": "Permanent exclusions per 100 pupils",
    "one_plus_suspension": "Pupils with one or more suspensions",
    "exclusions": "Suspensions and permanent exclusions",
    "suspension": "Suspension",
    "permanent": "Permanent exclusion",
    "kpi_sustain_gap": "Gap sustained over terms",
    # judged areas and grades
    "attendance_behaviour": "Attendance and behaviour",
    "curriculum_teaching": "Curriculum and teaching",
    "personal_development": "Personal development and well-being",
    "leadership_governance": "Leadership and governance",
    "early_years": "Early years",
    "sixth_form": "Sixth form",
    "safeguarding": "Safeguarding",
    "not_met": "Not met",
    "met": "Met",
    # phases of education
    "first": "First school",
    "middle": "Middle school",
    "all_through": "All-through",
    "primary": "Primary",
    "secondary": "Secondary",
    "special": "Special",
    "nursery": "Nursery",
    "sixteen_plus": "16 plus",
    # roles
    "trust_admin": "Trust admin",
    "trust_leader": "Trust leader",
    "improvement_officer": "Improvement officer",
    "school_staff": "School staff",
    "governor": "Governor",
    "external_partner": "External partner",
    "head": "Head teacher",
    "data_lead": "Data lead",
    "english_lead": "English lead",
}

# Primary measures (issue 13, i13-4a): subjects, measures and KPIs in words.
WORDS.update(
    {
        "gps": "Grammar, punctuation and spelling",
        "mtc": "Multiplication tables check",
        "elg_comm_lang": "EYFS: communication and language",
        "elg_psed": "EYFS: personal, social and emotional development",
        "elg_physical": "EYFS: physical development",
        "elg_literacy": "EYFS: literacy",
        "elg_maths": "EYFS: mathematics",
        "ks2_gps_exp": "KS2 grammar, punctuation and spelling: expected standard",
        "ks2_gps_high": "KS2 grammar, punctuation and spelling: higher standard",
        "y4_mtc_average": "Year 4 multiplication tables check: average score",
        "y4_mtc_full_marks": "Year 4 multiplication tables check: full marks",
        "phonics_by_y2": "Phonics: meeting the standard by the end of Year 2",
        "eyfs_prime_areas": "EYFS: expected level in all prime areas",
        "y1_phonics_of_gld": "Year 1 phonics standard met by pupils who had a good level of development",
        "y2_phonics_retake_met": "Year 2 phonics: Year 1 non-passers meeting the standard",
        "y2_are_of_gld": "Year 2 reading, writing and maths at ARE: pupils who had a good level of development",
        "eyfs_lowest_20_gld": "EYFS: good level of development reached by the lowest 20% on entry",
        "lowest_20": "EYFS: lowest 20% on entry",
    }
)

# Subjects as subjects (issue 12): science, English and maths alone, the trust's own subjects.
WORDS.update(
    {
        "science": "Science",
        "english": "English",
        "combined_science": "Combined science",
        "ks2_science_exp": "KS2 science: expected standard",
        "ks4_english4": "KS4 English: grade 4 or above",
        "ks4_english5": "KS4 English: grade 5 or above",
        "ks4_maths4": "KS4 maths: grade 4 or above",
        "ks4_maths5": "KS4 maths: grade 5 or above",
        "ks4_science4": "KS4 science: grade 4 or above (the trust's own measure)",
        "ta_science_are": "Science: at age-related expectations",
        "pe": "Physical education",
        "re": "Religious education",
        "design_technology": "Design and technology",
        **{
            f"ta_{s}_are": f"{w}: at age-related expectations"
            for s, w in (
                ("history", "History"),
                ("geography", "Geography"),
                ("french", "French"),
                ("spanish", "Spanish"),
                ("german", "German"),
                ("computing", "Computing"),
                ("art", "Art"),
                ("music", "Music"),
                ("pe", "Physical education"),
                ("re", "Religious education"),
                ("design_technology", "Design and technology"),
            )
        },
    }
)

# Word parts for codes not in WORDS: acronyms keep their capitals, abbreviations are spelled out.
PARTS: dict[str, str] = {
    "eyfs": "EYFS",
    "ks1": "KS1",
    "ks2": "KS2",
    "ks3": "KS3",
    "ks4": "KS4",
    "ks5": "KS5",
    "send": "SEND",
    "eal": "EAL",
    "gld": "GLD",
    "are": "ARE",
    "gds": "greater depth",
    "exp": "expected standard",
    "rwm": "reading, writing and maths",
    "kpi": "KPI",
    "kpis": "KPIs",
    "npq": "NPQ",
    "cpd": "CPD",
    "urn": "URN",
    "ofsted": "Ofsted",
    "dfe": "DfE",
    "api": "API",
    "csv": "CSV",
    "xlsx": "XLSX",
    "pdf": "PDF",
    "mfa": "two-factor sign-in",
    "totp": "authenticator code",
    "p8": "Progress 8",
    "att8": "Attainment 8",
    "attainment8": "Attainment 8",
    "em4": "English and maths grade 4+",
    "em5": "English and maths grade 5+",
    "y1": "Year 1",
    "sen": "SEN",
    "id": "ID",
    "mat": "maths",
    "read": "reading",
    "writ": "writing",
}

# Audit actions: "<entity>.<verb>" -> "<Entity> <past participle>".
_VERBS: dict[str, str] = {
    "create": "created",
    "add": "added",
    "update": "updated",
    "edit": "edited",
    "delete": "deleted",
    "remove": "removed",
    "confirm": "confirmed",
    "override": "overridden",
    "revise": "revised",
    "publish": "published",
    "unpublish": "withdrawn",
    "accept": "accepted",
    "reject": "rejected",
    "restore": "restored",
    "commit": "saved",
    "upload": "uploaded",
    "download": "downloaded",
    "generate": "generated",
    "invite": "invited",
    "revoke": "revoked",
    "end": "ended",
    "record": "recorded",
    "import": "imported",
    "enrol": "enrolled",
    "withdraw": "withdrawn",
    "complete": "completed",
    "cancel": "cancelled",
    "approve": "approved",
    "close": "closed",
    "open": "opened",
    "set": "set",
    "recompute": "recalculated",
    "login": "signed in",
    "logout": "signed out",
    "replace": "replaced",
    "schedule": "scheduled",
    "submit": "submitted",
    "mark": "marked",
}

_SPLIT = re.compile(r"[_.\-\s]+")
# What a raw code looks like on a page: snake_case or dotted identifiers, or a term code.
RAW_CODE = re.compile(
    r"\b(?:\d{4}-\d{2}-(?:autumn|spring|summer)|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b",
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A file's own name ("attendance-2025-26-autumn.csv") is the person's words, shown as given.
_FILE_NAME = re.compile(r"[\w.+-]+\.(?:csv|xlsx|xls|txt|pdf|png|jpe?g|svg)\b", re.IGNORECASE)


def _term_words(code: str) -> str | None:
    try:
        return TermCode.parse(code).label
    except (TermError, ValueError, AttributeError):
        pass
    try:
        return str(AcademicYear.parse(code))
    except (TermError, ValueError, AttributeError):
        return None


def words(code: object) -> str:
    """The words for a code (see the module docstring); a non-code passes through unchanged."""
    if code is None:
        return ""
    text = str(code).strip()
    if not text:
        return ""
    key = text.lower()
    if key in WORDS:
        return WORDS[key]
    if re.match(r"^\d{4}-\d{2}", key):
        term = _term_words(key)
        if term:
            return term
    if not re.fullmatch(r"[a-z0-9_.\-]+", key):
        return text  # already words (has capitals or spaces): leave it alone
    parts = [PARTS.get(p, p) for p in _SPLIT.split(key) if p]
    if not parts:
        return text
    first = parts[0]
    if first == first.lower():
        first = first[0].upper() + first[1:]
    return " ".join([first, *parts[1:]])


def action_words(action: str) -> str:
    """An audit action ``"placement.confirm"`` as ``"Placement confirmed"``."""
    entity, _, verb = action.rpartition(".")
    if not entity:
        return words(action)
    done = _VERBS.get(verb, words(verb).lower())
    return f"{words(entity)} {done}"


def _value_words(value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set)):
        items = [_value_words(v) for v in value]
        return ", ".join(items) if items else "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{words(k)} {_value_words(v)}" for k, v in value.items()) or "nothing"
    text = str(value)
    if RAW_CODE.fullmatch(text) or text.lower() in WORDS:
        return words(text).lower() if text.lower() not in _KEEP_CASE else words(text)
    return text


# Values whose words start with a proper noun or acronym: never lower-cased in a sentence.
_KEEP_CASE = frozenset({"send", "eal", "eyfs", "p8", "attainment8", "ks4_att8"})


def change_sentences(changes: object) -> list[str]:
    """An audit row's changes as sentences: ``{"status": ["draft", "published"]}`` reads
    "Status changed from draft to published". Other shapes become "<Field>: <value>"."""
    if not changes:
        return []
    if not isinstance(changes, Mapping):
        return [str(changes)]
    out: list[str] = []
    for field, change in changes.items():
        name = words(field)
        if isinstance(change, (list, tuple)) and len(change) == 2:
            old, new = change
            if old in (None, "", [], {}):
                out.append(f"{name} set to {_value_words(new)}")
            elif new in (None, "", [], {}):
                out.append(f"{name} cleared (was {_value_words(old)})")
            else:
                out.append(f"{name} changed from {_value_words(old)} to {_value_words(new)}")
        else:
            out.append(f"{name}: {_value_words(change)}")
    return out


_TERM_IN_TEXT = re.compile(r"\b\d{4}-\d{2}-(?:autumn|spring|summer)\b")


def codes_in_words(text: object) -> str:
    """Free text (an audit row's object name, a message) with any term code written as words;
    other words are left as they are."""
    return _TERM_IN_TEXT.sub(lambda m: words(m.group(0)), str(text or ""))


def raw_codes_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Codes a person should never read, found in visible page or PDF text (tests use this)."""
    allow = set(allowed)
    text = _FILE_NAME.sub(" ", _EMAIL.sub(" ", text))
    return sorted({m.group(0) for m in RAW_CODE.finditer(text) if m.group(0) not in allow})
