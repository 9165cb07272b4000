from tests.isolation import Case

CASES = [
    Case("academies:list"),
    Case("academies:detail", kwargs=lambda tw: {"urn": tw.academies[0].urn}),
]
