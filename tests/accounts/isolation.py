from tests.isolation import Case

CASES = [
    Case("dashboard"),
]
