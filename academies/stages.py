"""Key stages implied by an age range. Pure: no ORM import."""

# Key stage -> the ages pupils reach during it (age at the start of the school year, + 1).
KEY_STAGE_AGES: dict[str, tuple[int, int]] = {
    "EYFS": (3, 5),
    "KS1": (5, 7),
    "KS2": (7, 11),
    "KS3": (11, 14),
    "KS4": (14, 16),
    "KS5": (16, 19),
}


def key_stages_for_ages(age_low: int, age_high: int) -> list[str]:
    """Key stages an academy teaches: those whose age span overlaps [age_low, age_high).

    Step 1: treat the academy's range as half-open years of age (4-11 teaches ages 4..10).
    Step 2: a key stage is taught when at least one of its years falls in that range.
    """
    stages = []
    for stage, (start, end) in KEY_STAGE_AGES.items():
        if age_low < end and start < age_high:
            stages.append(stage)
    return stages
